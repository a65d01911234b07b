// signModule: real modules (test-built and every wascap fixture) signed and read back with the
// claims codec and the module hash; wrong roles and bad input refused with their codes.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import fc from 'fast-check';
import { decodeWascap } from '../../../src/claims/wascap/index.js';
import { KeyPair } from '../../../src/nkeys/index.js';
import { computeModuleHash, embedToken, readEmbeddedToken } from '../../../src/wasm/index.js';
import { signModule } from '../../../src/workspace/index.js';
import { WASCAP_SEEDS } from '../../nkeys/wascap-fixtures.js';
import { wasmFixtures } from '../../wasm/fixtures.js';
import { component, coreModuleSection, custom, module, section } from '../../wasm/build.js';
import { rejectsCode, tempWorkspace } from '../helpers.js';
import { SigchainError } from '../../../src/errors.js';

const seed = (file: string) => WASCAP_SEEDS.find((s) => s.file === file)!;

function checkSigned(input: Uint8Array, out: Uint8Array, issuer: string, subject: string): void {
  const found = readEmbeddedToken(out);
  assert.ok(found, 'the output carries a token');
  assert.equal(found.section, 'wasmcloud_jwt');
  const t = decodeWascap(found.token, { expect: 'actor' });
  assert.equal(t.claims.iss, issuer);
  assert.equal(t.claims.sub, subject);
  assert.equal(t.claims.wascap_revision, 3);
  assert.equal(t.claims.wascap.hash, computeModuleHash(out), 'the signed hash is that of the output');
  assert.equal(computeModuleHash(input), t.claims.wascap.hash, "the original bytes' hash is unchanged");
}

it('signs a test-built module and component; the module key is generated and stored with usage identity', async (t) => {
  const { ws } = tempWorkspace(t);
  const account = KeyPair.create('account');
  const built = [
    Uint8Array.from(module(section(1, [0x01, 0x60, 0x00, 0x00], true), custom('name', 'x'))),
    Uint8Array.from(component(coreModuleSection(module(section(1, [0x01, 0x60, 0x00, 0x00]), custom('jwt', 'old.inner.token')), true))),
  ];
  for (const input of built) {
    const before = Uint8Array.from(input);
    const r = await signModule(ws, input, { issuer: account, name: 'built', tags: ['a', 'b'], rev: 7, ver: '0.1.0', callAlias: 'My-Echo.v1', expiry: 4102444800 });
    assert.deepEqual(input, before, 'the input is not changed in place');
    assert.ok(r.generatedSubject);
    checkSigned(input, r.bytes, account.publicKey, r.subject);
    const meta = await ws.keys.getKeyMeta(r.subject);
    assert.deepEqual(meta.usages, ['identity']);
    assert.ok(await ws.custody.trySigner(r.subject), 'the module key is held here');
    const c = decodeWascap(r.token, { expect: 'actor' }).claims;
    assert.deepEqual(c.wascap.tags, ['a', 'b']);
    assert.equal(c.wascap.rev, 7);
    assert.equal(c.wascap.ver, '0.1.0');
    assert.equal(c.wascap.call_alias, 'my_echo_v1');
    assert.equal(c.exp, 4102444800);
  }
});

it('signs every fixture module (fixture seeds where MANIFEST gives them); re-signing replaces the token', async (t) => {
  const { ws } = tempWorkspace(t);
  for (const f of wasmFixtures()) {
    const stem = f.file.replace(/_s\.wasm$/, '').replace(/\.wasm$/, '');
    const acctSeed = WASCAP_SEEDS.find((s) => s.file === `${stem}.account.nk`);
    const modSeed = WASCAP_SEEDS.find((s) => s.file === `${stem}.module.nk`);
    const issuer = acctSeed ? KeyPair.fromSeed(acctSeed.seed) : KeyPair.create('account');
    const subject = modSeed ? modSeed.publicKey : KeyPair.create('module').publicKey;
    const r = await signModule(ws, f.bytes, { issuer, subject, name: stem });
    assert.equal(r.generatedSubject, undefined);
    checkSigned(f.bytes, r.bytes, issuer.publicKey, subject);
    assert.equal(r.hash, f.expect.rev3_hash, `${f.file}: the hash MANIFEST records`);
    assert.equal(r.replaced, f.expect.section, `${f.file}: the old token's section is reported`);
    // Re-signing the output replaces its token: one token section, the new one.
    const again = await signModule(ws, r.bytes, { issuer, subject, name: `${stem}-2` });
    assert.equal(again.replaced, 'wasmcloud_jwt');
    checkSigned(r.bytes, again.bytes, issuer.publicKey, subject);
    assert.equal(decodeWascap(readEmbeddedToken(again.bytes)!.token, { expect: 'actor' }).claims.wascap.name, `${stem}-2`);
    // The original bytes with every token stripped, plus the new token: nothing of the old ones is left.
    assert.deepEqual(again.bytes, embedToken(f.bytes, again.token), `${f.file}: exactly one token section, the new one`);
  }
});

it('refuses an issuer that is not an account key, and a subject that is not a module key: WRONG_KEY_ROLE', async (t) => {
  const { ws } = tempWorkspace(t);
  const wasm = Uint8Array.from(module());
  for (const role of ['operator', 'user', 'module', 'server', 'cluster'] as const) {
    await rejectsCode(signModule(ws, wasm, { issuer: KeyPair.create(role), name: 'x' }), 'WRONG_KEY_ROLE');
  }
  await rejectsCode(signModule(ws, wasm, { issuer: KeyPair.create('account'), subject: KeyPair.create('account').publicKey, name: 'x' }), 'WRONG_KEY_ROLE');
  const modSeed = seed('echo_unpriv.module.nk').seed;
  await rejectsCode(signModule(ws, wasm, { issuer: KeyPair.create('account'), subject: modSeed, name: 'x' }), 'USAGE', modSeed);
  assert.deepEqual((await ws.keys.listKeys()).length, 0, 'no module key was made for a refused signing');
});

it('MALFORMED_WASM before any key is made; random and truncated input only ever give coded errors', async (t) => {
  const { ws } = tempWorkspace(t);
  const issuer = KeyPair.create('account');
  await rejectsCode(signModule(ws, new TextEncoder().encode('hello, not wasm'), { issuer, name: 'x' }), 'MALFORMED_WASM');
  const good = Uint8Array.from(module(section(1, [0x01, 0x60, 0x00, 0x00]), custom('wasmcloud_jwt', 'a.b.c')));
  // Cut inside the preamble or inside a section: malformed. (A cut between sections is a shorter, valid module.)
  const sectionEnds = new Set([8, 8 + 2 + 4]);
  for (let n = 1; n < good.length; n++) {
    if (!sectionEnds.has(n)) await rejectsCode(signModule(ws, good.subarray(0, n), { issuer, subject: KeyPair.create('module').publicKey, name: 'x' }), 'MALFORMED_WASM');
  }
  await fc.assert(
    fc.asyncProperty(fc.uint8Array({ maxLength: 64 }), async (bytes) => {
      try {
        await signModule(ws, Uint8Array.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, ...bytes]), { issuer, subject: KeyPair.create('module').publicKey, name: 'x' });
      } catch (e) {
        assert.ok(e instanceof SigchainError && e.code === 'MALFORMED_WASM', String(e));
      }
    }),
    { numRuns: 300 },
  );
  assert.deepEqual((await ws.keys.listKeys()).length, 0, 'no module key was made for malformed input');
});
