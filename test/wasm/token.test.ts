// Reading and embedding the token section, on wasmCloud's files: the token found is the one
// MANIFEST.json records, and embedding a file's own token under its own section name gives back
// the very file wascap (or its predecessors) wrote, which proves the bytes match theirs.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { computeModuleHash, embedToken, parseWasm, readEmbeddedToken, stripTokenSections, varU32Size } from '../../src/wasm/index.js';
import { throwsCode } from '../nkeys/assert-code.js';
import { MODULE, component, coreModuleSection, custom, module, section, u8 } from './build.js';
import { wasmFixture, wasmFixtures } from './fixtures.js';

const TOKEN = 'eyJ0eXAiOiJqd3QiLCJhbGciOiJFZDI1NTE5In0.eyJzdWIiOiJNIn0.c2ln';

describe('readEmbeddedToken on wasmCloud files', () => {
  for (const f of wasmFixtures()) {
    it(`${f.file}: ${f.expect.section ? `the token of its ${f.expect.section} section` : 'no token'}`, () => {
      const found = readEmbeddedToken(f.bytes);
      if (!f.expect.token) return assert.equal(found, undefined);
      assert.deepEqual(found, { section: f.expect.section, token: f.expect.token });
    });
  }
});

describe('readEmbeddedToken: which section counts', () => {
  it('takes the first token section in byte order, whatever its name (as wascap does)', () => {
    assert.deepEqual(readEmbeddedToken(u8(module(custom('jwt', 'a.b.c'), custom('wasmcloud_jwt', 'd.e.f')))), { section: 'jwt', token: 'a.b.c' });
    assert.deepEqual(readEmbeddedToken(u8(module(custom('wasmcloud_jwt', 'd.e.f'), custom('jwt', 'a.b.c')))), { section: 'wasmcloud_jwt', token: 'd.e.f' });
  });

  it("ignores a token inside a nested module (wascap would take a nested jwt section: a module's token is not the component's)", () => {
    const inner = module(section(1, [0x60, 0, 0]), custom('jwt', 'inner.token.x'));
    assert.equal(readEmbeddedToken(u8(component(coreModuleSection(inner)))), undefined);
    assert.deepEqual(readEmbeddedToken(u8(component(coreModuleSection(inner), custom('wasmcloud_jwt', 'outer.token.y')))), { section: 'wasmcloud_jwt', token: 'outer.token.y' });
  });

  it('ignores look-alike names', () => {
    assert.equal(readEmbeddedToken(u8(module(custom('JWT', 'a.b.c'), custom('jwt ', 'a.b.c'), custom('wasmcloud_jwt2', 'a.b.c')))), undefined);
  });

  it('refuses a token that is not UTF-8, and a file broken after its token (MALFORMED_WASM)', () => {
    throwsCode(() => readEmbeddedToken(u8(module(custom('jwt', [0xff, 0xfe])))), 'MALFORMED_WASM');
    throwsCode(() => readEmbeddedToken(u8([...module(custom('jwt', 'a.b.c')), 1, 9])), 'MALFORMED_WASM');
    throwsCode(() => readEmbeddedToken(u8([1, 2, 3])), 'MALFORMED_WASM');
  });
});

describe('embedToken', () => {
  for (const f of wasmFixtures().filter((x) => x.expect.token && x.file !== 'echo_messaging_v0.9.0.wasm')) {
    it(`${f.file}: its own token embedded under its own section name gives back the file byte for byte`, () => {
      assert.deepEqual(Buffer.from(embedToken(f.bytes, f.expect.token!, f.expect.section)), f.bytes);
    });
  }

  it('echo_messaging_v0.9.0.wasm: re-embedding rewrites walrus\'s padded lengths, as wascap ≥ 0.10 does, and keeps the hash', () => {
    const f = wasmFixture('echo_messaging_v0.9.0.wasm');
    const out = embedToken(f.bytes, f.expect.token!);
    // Each of the twelve five-byte lengths shrinks to its minimal size; the token section is already minimal.
    const saved = parseWasm(f.bytes).sections.reduce((n, s) => n + (s.contentStart - s.start - 1) - varU32Size(s.end - s.contentStart), 0);
    assert.equal(saved, 39);
    assert.equal(out.length, f.bytes.length - saved);
    assert.equal(computeModuleHash(out), f.expect.rev3_hash);
    assert.deepEqual(readEmbeddedToken(out), { section: 'wasmcloud_jwt', token: f.expect.token });
  });

  it('re-signing replaces every old token (both names, every depth) and keeps the module hash', () => {
    for (const f of wasmFixtures()) {
      const once = embedToken(f.bytes, TOKEN);
      const twice = embedToken(once, `${TOKEN}x`, 'jwt');
      assert.equal(computeModuleHash(once), f.expect.rev3_hash, f.file);
      assert.equal(computeModuleHash(twice), f.expect.rev3_hash, f.file);
      assert.deepEqual(readEmbeddedToken(twice), { section: 'jwt', token: `${TOKEN}x` });
      const names = parseWasm(twice).sections.map((s) => s.custom?.name).filter((n) => n === 'jwt' || n === 'wasmcloud_jwt');
      assert.deepEqual(names, ['jwt'], f.file);
      assert.deepEqual(Buffer.from(twice.subarray(0, twice.length - (TOKEN.length + 1 + 6))), Buffer.from(stripTokenSections(f.bytes)), f.file);
    }
    const nested = u8(component(coreModuleSection(module(custom('jwt', 'old.nested.token'))), custom('jwt', 'old.top.token'), custom('wasmcloud_jwt', 'older.top.token')));
    const signed = embedToken(nested, TOKEN);
    assert.deepEqual(Array.from(signed), [...component(coreModuleSection(module())), ...custom('wasmcloud_jwt', TOKEN)]);
  });

  it('writes the section as wascap does: id 0, minimal LEB128 length, name, token', () => {
    const long = `${TOKEN}${'A'.repeat(200)}`;
    const out = embedToken(u8(MODULE), long);
    assert.deepEqual(Array.from(out), [...MODULE, ...custom('wasmcloud_jwt', long)]);
    assert.deepEqual([...out.subarray(9, 11)], [0x92, 0x02]); // 14 + 260 = 274 bytes: a two-byte length
  });

  it('refuses a token that is not a compact JWT (MALFORMED_TOKEN), a section name that is not a token name (USAGE), and broken bytes (MALFORMED_WASM)', () => {
    for (const t of ['', 'a b.c.d', 'a.b.c\n', 'ä.b.c', 42 as unknown as string]) throwsCode(() => embedToken(u8(MODULE), t), 'MALFORMED_TOKEN');
    throwsCode(() => embedToken(u8(MODULE), TOKEN, 'name' as 'jwt'), 'USAGE');
    throwsCode(() => embedToken(u8([0, 0x61, 0x73]), TOKEN), 'MALFORMED_WASM');
  });
});
