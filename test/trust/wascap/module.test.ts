// Signed modules: every fixture gets its MANIFEST verdict (strict and legacy), through the
// library and the CLI (wasm inspect, verify MODULE.wasm); broken files only ever give codes.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { encodeWascapSync, newActorClaims, newWascapAccountClaims, newWascapOperatorClaims } from '../../../src/claims/wascap/index.js';
import { isSigchainError } from '../../../src/errors.js';
import { KeyPair } from '../../../src/nkeys/keypair.js';
import { memoryResolver } from '../../../src/trust/index.js';
import { inspectModule, verifyModule } from '../../../src/trust/wascap/module.js';
import { computeModuleHash, embedToken } from '../../../src/wasm/index.js';
import { runCli, tempHome } from '../../helpers/cli.js';

const DIR = new URL('../../../../test/fixtures/wascap/', import.meta.url);
type Entry = { file: string; type: string; expect: { verdict?: { strict: string; legacy: string } } };
const MANIFEST = (JSON.parse(readFileSync(new URL('MANIFEST.json', DIR), 'utf8')) as Entry[]).filter((e) => e.file.endsWith('.wasm'));
const bytesOf = (f: string) => new Uint8Array(readFileSync(new URL(f, DIR)));

function outcome(bytes: Uint8Array, allowLegacyHash: boolean): string {
  try {
    inspectModule(bytes, { allowLegacyHash });
    return 'valid';
  } catch (e) {
    if (isSigchainError(e, 'NOT_SIGNED')) return 'unsigned';
    if (isSigchainError(e)) return 'invalid';
    throw e;
  }
}

describe('signed modules', () => {
  it('every fixture module gets the verdict MANIFEST.json records, strict and legacy', () => {
    assert.equal(MANIFEST.length, 7);
    for (const e of MANIFEST) {
      const b = bytesOf(e.file);
      assert.equal(outcome(b, false), e.expect.verdict!.strict, `${e.file} strict`);
      assert.equal(outcome(b, true), e.expect.verdict!.legacy, `${e.file} legacy`);
    }
  });

  it('a module edited after signing is HASH_MISMATCH; a pre-revision-3 one names its legacy hash', () => {
    const b = bytesOf('signed_loop.wasm');
    const edited = b.slice();
    edited[20] = edited[20]! ^ 1; // inside the code, before the token
    assert.throws(() => inspectModule(edited), (e) => isSigchainError(e, 'HASH_MISMATCH') || isSigchainError(e, 'MALFORMED_WASM'));
    assert.throws(() => inspectModule(bytesOf('echo_messaging_v0.9.0.wasm')), (e) => isSigchainError(e, 'HASH_MISMATCH') && e.details?.legacy_hash_matches === true);
  });

  it('truncated, garbage and random files only ever give MALFORMED_WASM or NOT_SIGNED', () => {
    const b = bytesOf('signed_loop.wasm');
    for (let n = 0; n < b.length; n += 7) {
      assert.throws(() => inspectModule(b.subarray(0, n)), (e) => isSigchainError(e) && ['MALFORMED_WASM', 'NOT_SIGNED', 'MALFORMED_TOKEN', 'HASH_MISMATCH'].includes(e.code));
    }
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (raw) => {
        const x = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, ...raw]);
        try {
          inspectModule(x);
        } catch (e) {
          assert.ok(isSigchainError(e), String(e));
        }
      }),
      { numRuns: 500 },
    );
  });

  it('verifyModule judges the embedded actor with its whole chain and the hash', async () => {
    const op = KeyPair.create('operator');
    const opSk = KeyPair.create('operator');
    const acct = KeyPair.create('account');
    const mod = KeyPair.create('module');
    const opJwt = encodeWascapSync(newWascapOperatorClaims('ops', op.publicKey, { validSigners: [opSk.publicKey] }), op);
    const acctJwt = encodeWascapSync(newWascapAccountClaims('acme', acct.publicKey), opSk);
    const plain = bytesOf('loop.wasm');
    const token = encodeWascapSync(newActorClaims('loop', mod.publicKey, { hash: computeModuleHash(plain) }), acct);
    const signed = embedToken(plain, token);
    const opts = { resolver: memoryResolver([acctJwt]), policy: { trustedOperators: [opJwt] } };
    const v = await verifyModule(signed, opts);
    assert.equal(v.valid, true, JSON.stringify(v.errors));
    assert.deepEqual(v.chain.map((l) => l.kind), ['actor', 'account', 'operator']);
    const edited = embedToken(new Uint8Array([...plain.subarray(0, 8), 0, 3, 1, 0x78, 0, ...plain.subarray(8)]), token);
    const bad = await verifyModule(edited, opts);
    assert.deepEqual(bad.errors.map((e) => [e.at, e.code]), [['actor', 'HASH_MISMATCH']]);
    assert.deepEqual((await verifyModule(plain, opts)).errors.map((e) => e.code), ['NOT_SIGNED']);
    assert.deepEqual((await verifyModule(new Uint8Array([1, 2, 3]), opts)).errors.map((e) => e.code), ['MALFORMED_WASM']);
  });
});

describe('CLI: wasm inspect, verify MODULE.wasm', () => {
  const home = tempHome();
  const run = (args: string[]) => runCli(home, args);

  it('wasm inspect: every fixture, strict and legacy, with exit codes and JSON shapes', async () => {
    for (const e of MANIFEST) {
      for (const legacy of [false, true]) {
        const r = await run(['wasm', 'inspect', join(DIR.pathname, e.file), '--json', ...(legacy ? ['--allow-legacy-hash'] : [])]);
        const want = legacy ? e.expect.verdict!.legacy : e.expect.verdict!.strict;
        const j = JSON.parse(r.stdout);
        assert.equal(r.code, want === 'valid' ? 0 : 1, `${e.file} ${legacy}: ${r.stdout}`);
        if (want === 'valid') {
          assert.deepEqual(Object.keys(j).slice(0, 5), ['valid', 'kind', 'section', 'hash', 'hash_check']);
          assert.equal(typeof j.claims.wascap.hash, 'string');
        } else {
          assert.deepEqual(Object.keys(j), ['valid', 'error']);
          assert.equal(j.error.code, want === 'unsigned' ? 'NOT_SIGNED' : 'HASH_MISMATCH');
        }
      }
    }
  });

  it('wasm inspect refuses garbage, truncated and missing files with codes; bad command line exits 2', async () => {
    const bad = join(home, 'bad.wasm');
    writeFileSync(bad, 'not wasm at all');
    assert.equal(JSON.parse((await run(['wasm', 'inspect', bad, '--json'])).stdout).error.code, 'MALFORMED_WASM');
    const cut = join(home, 'cut.wasm');
    writeFileSync(cut, bytesOf('signed_loop.wasm').subarray(0, 300));
    const r = await run(['wasm', 'inspect', cut, '--json']);
    assert.equal(r.code, 1);
    assert.equal(JSON.parse(r.stdout).error.code, 'MALFORMED_WASM');
    assert.equal(JSON.parse((await run(['wasm', 'inspect', join(home, 'none.wasm'), '--json'])).stdout).error.code, 'IO_ERROR');
    assert.equal((await run(['wasm', 'inspect'])).code, 2);
  });

  it('verify MODULE.wasm: a fixture module is judged as an actor; --allow-legacy-hash is taken', async () => {
    const r = await run(['verify', join(DIR.pathname, 'signed_loop.wasm'), '--trust', KeyPair.create('operator').publicKey, '--json']);
    assert.equal(r.code, 1);
    const j = JSON.parse(r.stdout);
    assert.equal(j.chain[0].kind, 'actor');
    assert.equal(j.error.code, 'CHAIN_INCOMPLETE');
    const u = await run(['verify', join(DIR.pathname, 'loop.wasm'), '--json']);
    assert.equal(JSON.parse(u.stdout).error.code, 'NOT_SIGNED');
    const l = await run(['verify', join(DIR.pathname, 'echo_messaging_v0.9.0.wasm'), '--json']);
    assert.deepEqual(JSON.parse(l.stdout).errors.map((e: { code: string }) => e.code), ['HASH_MISMATCH', 'CHAIN_INCOMPLETE']);
    const l2 = await run(['verify', join(DIR.pathname, 'echo_messaging_v0.9.0.wasm'), '--allow-legacy-hash', '--json']);
    assert.deepEqual(JSON.parse(l2.stdout).errors.map((e: { code: string }) => e.code), ['CHAIN_INCOMPLETE']);
  });
});
