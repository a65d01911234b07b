// resolveSigningKeyArg: an --sk value is a public key (no seed needed), `generate` (a new stored
// key) or a seed / .nk path (the seed is stored so `-K <public key>` finds it later); the role is checked.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { KeyPair } from '../../../src/nkeys/keypair.js';
import { resolveSigningKeyArg } from '../../../src/workspace/index.js';
import { rejectsCode, storedKeys, tempWorkspace } from '../helpers.js';

describe('resolveSigningKeyArg', () => {
  it('generate: a new key of the role, stored', async (t) => {
    const { ws } = tempWorkspace(t);
    const r = await resolveSigningKeyArg(ws, 'generate', 'account');
    assert.equal(r.generated, true);
    assert.match(r.publicKey, /^A/);
    assert.equal(r.storedAt, ws.keys.keyPath(r.publicKey));
    assert.deepEqual(await storedKeys(ws), [r.publicKey]);
  });

  it('a public key: taken as is, nothing stored', async (t) => {
    const { ws } = tempWorkspace(t);
    const k = KeyPair.create('operator');
    const r = await resolveSigningKeyArg(ws, k.publicKey, 'operator');
    assert.deepEqual(r, { publicKey: k.publicKey, generated: false });
    assert.deepEqual(await storedKeys(ws), []);
  });

  it('a seed or a .nk path: its seed is stored', async (t) => {
    const { ws, home } = tempWorkspace(t);
    const a = KeyPair.create('account');
    const b = KeyPair.create('account');
    const path = join(home, 'b.nk');
    writeFileSync(path, b.seed, { mode: 0o600 });
    assert.equal((await resolveSigningKeyArg(ws, a.seed, 'account')).publicKey, a.publicKey);
    assert.equal((await resolveSigningKeyArg(ws, path, 'account')).publicKey, b.publicKey);
    assert.deepEqual(await storedKeys(ws), [a.publicKey, b.publicKey].sort());
  });

  it('a key of the wrong role is refused (public key or seed), the seed not echoed, nothing stored', async (t) => {
    const { ws } = tempWorkspace(t);
    const op = KeyPair.create('operator');
    await rejectsCode(resolveSigningKeyArg(ws, op.publicKey, 'account'), 'NKEY_WRONG_ROLE');
    await rejectsCode(resolveSigningKeyArg(ws, op.seed, 'account'), 'NKEY_WRONG_ROLE', op.seed);
    assert.deepEqual(await storedKeys(ws), []);
  });
});
