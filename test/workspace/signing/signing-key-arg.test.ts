// resolveSigningKeyArg: an --sk value is a public key (no seed needed), `generate` (a new key) or
// a seed / .nk path; the role is checked. Nothing is written until storeSigningKeys, which the
// edits call only once the token is signed (a refused edit leaves the key store as it was).
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { KeyPair } from '../../../src/nkeys/keypair.js';
import { resolveSigningKeyArg, storeSigningKeys } from '../../../src/workspace/signing/signing-key-arg.js';
import { rejectsCode, storedKeys, tempWorkspace } from '../helpers.js';

describe('resolveSigningKeyArg', () => {
  it('generate: a new key of the role, in memory until stored (then with the issuing usage)', async (t) => {
    const { ws } = tempWorkspace(t);
    const r = await resolveSigningKeyArg(ws, 'generate', 'account');
    assert.equal(r.generated, true);
    assert.match(r.publicKey, /^A/);
    assert.deepEqual(await storedKeys(ws), []);
    const [stored] = await storeSigningKeys(ws, [r]);
    assert.equal(stored!.storedAt, ws.keys.keyPath(r.publicKey));
    assert.deepEqual(await storedKeys(ws), [r.publicKey]);
    assert.deepEqual((await ws.keys.getKeyMeta(r.publicKey)).usages, ['issuing']);
  });

  it('a public key: taken as is, nothing stored', async (t) => {
    const { ws } = tempWorkspace(t);
    const k = KeyPair.create('operator');
    const r = await resolveSigningKeyArg(ws, k.publicKey, 'operator');
    assert.deepEqual(r, { publicKey: k.publicKey, generated: false });
    assert.deepEqual(await storedKeys(ws), []);
  });

  it('a seed or a .nk path: its seed is stored once stored', async (t) => {
    const { ws, home } = tempWorkspace(t);
    const a = KeyPair.create('account');
    const b = KeyPair.create('account');
    const path = join(home, 'b.nk');
    writeFileSync(path, b.seed, { mode: 0o600 });
    const ra = await resolveSigningKeyArg(ws, a.seed, 'account');
    const rb = await resolveSigningKeyArg(ws, path, 'account');
    assert.equal(ra.publicKey, a.publicKey);
    assert.equal(rb.publicKey, b.publicKey);
    assert.deepEqual(await storedKeys(ws), []);
    await storeSigningKeys(ws, [ra, rb]);
    assert.deepEqual(await storedKeys(ws), [a.publicKey, b.publicKey].sort());
  });

  it('a key of the wrong role is refused (public key or seed), the seed not echoed, nothing stored', async (t) => {
    const { ws } = tempWorkspace(t);
    const op = KeyPair.create('operator');
    await rejectsCode(resolveSigningKeyArg(ws, op.publicKey, 'account'), 'NKEY_WRONG_ROLE');
    await rejectsCode(resolveSigningKeyArg(ws, op.seed, 'account'), 'NKEY_WRONG_ROLE', op.seed);
    assert.deepEqual(await storedKeys(ws), []);
  });

  it('a seed already stored keeps its usages, decided under the key-store lock (another process may store it meanwhile)', async (t) => {
    const { ws } = tempWorkspace(t);
    const a = KeyPair.create('account');
    await ws.keys.storeKey(a, { usages: ['issuing', 'authentication'] });
    const late = KeyPair.create('account');
    const ra = await resolveSigningKeyArg(ws, a.seed, 'account');
    const rl = await resolveSigningKeyArg(ws, late.seed, 'account');
    // Between the check and the store, nsc (no usage record) stores the same key; a check made
    // outside the lock would still think it new and ask for usages: KEY_USAGE_FIXED.
    const hasKey = ws.keys.hasKey.bind(ws.keys);
    ws.keys.hasKey = async () => false;
    await ws.keys.storeKey(late);
    await storeSigningKeys(ws, [ra, rl]);
    ws.keys.hasKey = hasKey;
    assert.deepEqual((await ws.keys.getKeyMeta(a.publicKey)).usages, ['issuing', 'authentication']);
    assert.equal((await ws.keys.getKeyMeta(late.publicKey)).legacy, true);
  });
});
