// The module hash, proved on wasmCloud's own signed files: for each, the revision-3 hash must be
// what MANIFEST.json records (and what the embedded token claims wherever the signer used it),
// the legacy hash what older signers recorded; a changed byte of code must change both. A naive
// second implementation written here checks the recursion on generated components, which the
// fixtures cannot (their nested lengths are already minimal and hold no token).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { computeLegacyModuleHash, computeModuleHash, parseWasm, stripTokenSections } from '../../src/wasm/index.js';
import { throwsCode } from '../nkeys/assert-code.js';
import { COMPONENT, MODULE, component, componentSection, coreModuleSection, custom, leb, module, section, u8 } from './build.js';
import { wasmFixture, wasmFixtures } from './fixtures.js';

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex').toUpperCase();

/** The hash claimed by a fixture's embedded token, read from the token itself. */
function claimedHash(token: string): string {
  const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as { wascap: { hash: string } };
  return claims.wascap.hash;
}

describe('module hash on wasmCloud files', () => {
  for (const f of wasmFixtures()) {
    it(`${f.file}: revision-3 hash ${f.expect.rev3_hash.slice(0, 8)}…, legacy hash as recorded`, () => {
      assert.equal(computeModuleHash(f.bytes), f.expect.rev3_hash);
      assert.equal(computeLegacyModuleHash(f.bytes), f.expect.raw_strip_hash ?? f.expect.rev3_hash);
      if (!f.expect.token) return;
      const claimed = claimedHash(f.expect.token);
      assert.equal(claimed, f.expect.stored_hash);
      // Valid under strict checking: the token claims exactly our hash.
      assert.equal(computeModuleHash(f.bytes) === claimed, f.expect.verdict.strict === 'valid', 'strict verdict');
      // Every signer's own hash is the legacy one, whatever the revision.
      assert.equal(computeLegacyModuleHash(f.bytes), claimed);
    });
  }

  it('echo_messaging_v0.9.0.wasm (walrus, five-byte lengths, revision 2) is the one file whose two hashes differ', () => {
    const f = wasmFixture('echo_messaging_v0.9.0.wasm');
    assert.equal(f.expect.wascap_revision, 2);
    assert.equal(f.expect.verdict.strict, 'invalid');
    assert.equal(f.expect.verdict.legacy, 'valid');
    assert.notEqual(computeModuleHash(f.bytes), computeLegacyModuleHash(f.bytes));
    assert.equal(computeModuleHash(f.bytes), 'B279F467DDCA036DF7F8D550287959EDBB4130782457FF89DF37D76810CB05B8');
    assert.equal(computeLegacyModuleHash(f.bytes), '0A116480EF09116D59E441A125EF472E362B6F2AE0938E4D33A964C349BE13C7');
  });

  it('signed_loop.wasm carries the hash of loop.wasm (the token section is all that was added)', () => {
    assert.equal(computeModuleHash(wasmFixture('signed_loop.wasm').bytes), sha(wasmFixture('loop.wasm').bytes));
  });

  for (const f of wasmFixtures().filter((x) => x.expect.token)) {
    it(`${f.file}: one changed byte of code makes both hashes differ from the token's; a changed byte of the token changes neither`, () => {
      const claimed = claimedHash(f.expect.token!);
      const tree = parseWasm(f.bytes);
      const holder = tree.kind === 'module' ? tree : tree.sections.find((s) => s.nested?.kind === 'module')!.nested!;
      const code = holder.sections.find((s) => s.id === 10)!;
      const tampered = Buffer.from(f.bytes);
      tampered[code.contentStart + Math.floor((code.end - code.contentStart) / 2)]! ^= 0x01;
      assert.notEqual(computeModuleHash(tampered), claimed);
      assert.notEqual(computeModuleHash(tampered), computeModuleHash(f.bytes));
      assert.notEqual(computeLegacyModuleHash(tampered), claimed);

      const token = tree.sections.at(-1)!;
      const inToken = Buffer.from(f.bytes);
      inToken[token.end - 3]! ^= 0x01;
      assert.equal(computeModuleHash(inToken), computeModuleHash(f.bytes));
      assert.equal(computeLegacyModuleHash(inToken), computeLegacyModuleHash(f.bytes));
    });
  }

  it('padding a section length to five bytes leaves the revision-3 hash alone (and changes the legacy one)', () => {
    const f = wasmFixture('echo_unpriv_s.wasm');
    const tree = parseWasm(f.bytes);
    const s = tree.sections.find((x) => x.id === 10)!;
    const padded = Buffer.concat([f.bytes.subarray(0, s.start), Buffer.from([10, ...leb(s.end - s.contentStart, true)]), f.bytes.subarray(s.contentStart)]);
    assert.equal(padded.length, f.bytes.length + 5 - (s.contentStart - s.start - 1));
    assert.equal(computeModuleHash(padded), f.expect.rev3_hash);
    assert.notEqual(computeLegacyModuleHash(padded), f.expect.rev3_hash);
  });

  it('stripTokenSections gives the bytes hashed, drops the token and is idempotent', () => {
    for (const f of wasmFixtures()) {
      const stripped = stripTokenSections(f.bytes);
      assert.equal(sha(stripped), f.expect.rev3_hash, f.file);
      assert.deepEqual(stripTokenSections(stripped), stripped, f.file);
      assert.ok(parseWasm(stripped).sections.every((s) => !['jwt', 'wasmcloud_jwt'].includes(s.custom?.name ?? '')));
    }
  });

  it('refuses what is not well-formed (MALFORMED_WASM), e.g. a cut-short file', () => {
    const b = wasmFixture('hello_plugin_s.wasm').bytes;
    for (const cut of [0, 7, 8 + 1, 1000, b.length - 1]) {
      throwsCode(() => computeModuleHash(b.subarray(0, cut)), 'MALFORMED_WASM');
      throwsCode(() => computeLegacyModuleHash(b.subarray(0, cut)), 'MALFORMED_WASM');
      throwsCode(() => stripTokenSections(b.subarray(0, cut)), 'MALFORMED_WASM');
    }
  });
});

/**
 * A second, naive revision-3 strip, written from wascap's description and nothing else here:
 * recursive, building arrays, no two passes. The real one must agree with it everywhere.
 */
function naiveStrip(b: Uint8Array): number[] {
  const readLeb = (p: number): [number, number] => {
    let v = 0;
    for (let i = 0; ; i++) {
      v += (b[p + i]! & 0x7f) * 2 ** (7 * i);
      if (!(b[p + i]! & 0x80)) return [v, p + i + 1];
    }
  };
  const strip = (start: number, end: number): number[] => {
    const isComponent = b[start + 4] === 0x0d;
    const out = Array.from(b.subarray(start, start + 8));
    let p = start + 8;
    while (p < end) {
      const id = b[p]!;
      const [len, c] = readLeb(p + 1);
      let content = Array.from(b.subarray(c, c + len));
      if (id === 0) {
        const [nl, ns] = readLeb(c);
        const name = Buffer.from(b.subarray(ns, ns + nl)).toString('utf8');
        if (name === 'jwt' || name === 'wasmcloud_jwt') {
          p = c + len;
          continue;
        }
      } else if (isComponent && (id === 1 || id === 4)) content = strip(c, c + len);
      out.push(id, ...leb(content.length), ...content);
      p = c + len;
    }
    return out;
  };
  return strip(0, b.length);
}

/** Random well-formed binaries: modules and components, nested, with token sections anywhere and some lengths padded. */
const bytesArb = fc.uint8Array({ maxLength: 24 }).map((a) => Array.from(a));
const pad = fc.boolean();
const customArb = fc.tuple(fc.constantFrom('jwt', 'wasmcloud_jwt', 'name', 'producers', 'jwt2', 'JWT', ''), bytesArb, pad).map(([n, p, pd]) => custom(n, p, pd));
const plainArb = (ids: number[]): fc.Arbitrary<number[]> => fc.tuple(fc.constantFrom(...ids), bytesArb, pad).map(([id, c, pd]) => section(id, c, pd));
const moduleArb = fc.array(fc.oneof(customArb, plainArb([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13])), { maxLength: 6 }).map((s) => module(...s));
const { comp } = fc.letrec<{ comp: number[] }>((tie) => ({
  comp: fc
    .array(
      fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        customArb,
        plainArb([2, 3, 5, 6, 7, 8, 9, 10, 11]),
        fc.tuple(moduleArb, pad).map(([m, pd]) => coreModuleSection(m, pd)),
        fc.tuple(tie('comp') as fc.Arbitrary<number[]>, pad).map(([c, pd]) => componentSection(c, pd)),
      ),
      { maxLength: 5 },
    )
    .map((s) => component(...s)),
}));

describe('module hash: recursion (generated components)', () => {
  it('agrees with a naive recursive strip on 2,000 generated modules and components', () => {
    fc.assert(
      fc.property(fc.oneof(moduleArb, comp), (bin) => {
        const b = u8(bin);
        const want = naiveStrip(b);
        assert.deepEqual(Array.from(stripTokenSections(b)), want);
        assert.equal(computeModuleHash(b), sha(u8(want)));
      }),
      { numRuns: 2000 },
    );
  });

  it('a token section deep inside a nested module is stripped, and the nested length is rewritten', () => {
    const inner = module(section(1, [0x60, 0, 0]), custom('jwt', 'eyJ.a.b'), section(10, [1, 2, 3], true));
    const clean = module(section(1, [0x60, 0, 0]), section(10, [1, 2, 3]));
    const signed = component(componentSection(component(coreModuleSection(inner, true)), true), custom('wasmcloud_jwt', 'x.y.z'));
    const expected = component(componentSection(component(coreModuleSection(clean))));
    assert.deepEqual(Array.from(stripTokenSections(u8(signed))), expected);
    assert.equal(computeModuleHash(u8(signed)), sha(u8(expected)));
    // The legacy hash cuts only the file's own token section.
    assert.equal(computeLegacyModuleHash(u8(signed)), sha(u8(component(componentSection(component(coreModuleSection(inner, true)), true)))));
  });

  it('the bare preambles hash as themselves', () => {
    assert.equal(computeModuleHash(u8(MODULE)), sha(u8(MODULE)));
    assert.equal(computeModuleHash(u8(COMPONENT)), sha(u8(COMPONENT)));
  });
});
