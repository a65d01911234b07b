// addAccount: accounts carry nsc's explicit -1 limits, are signed by an operator signing key
// when one is at hand (else the identity key, with a warning), honour -K, and a refused add
// leaves nothing behind.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { unlimitedAccountLimits } from '../../../src/claims/nats/account.js';
import { KeyPair } from '../../../src/nkeys/keypair.js';
import { addAccount, addOperator, editOperator, readAccount } from '../../../src/workspace/index.js';
import { rejectsCode, snapshot, storedKeys, tempWorkspace } from '../helpers.js';

describe('addAccount', () => {
  it('signs with the stored operator signing key, writes -1 limits, stores the key and selects the account', async (t) => {
    const { ws } = tempWorkspace(t);
    const o = await addOperator(ws, 'O', { generateSigningKey: true });
    const r = await addAccount(ws, 'A');
    assert.equal(r.account.signedBy, 'signing-key');
    assert.equal(r.account.issuer, o.signingKey!.publicKey);
    assert.deepEqual(r.warnings, []);
    const op = await ws.operator();
    const a = await readAccount(op, 'A');
    assert.equal(a.claims.iss, o.signingKey!.publicKey);
    assert.equal(a.claims.sub, r.account.publicKey);
    assert.deepEqual(a.claims.nats.limits, unlimitedAccountLimits());
    assert.ok(await ws.keys.hasKey(r.account.publicKey));
    assert.equal(await ws.account(op), 'A', 'the new account is the current one');
  });

  it('falls back to the operator identity key, with a warning that says how to add a signing key', async (t) => {
    const { ws } = tempWorkspace(t);
    const o = await addOperator(ws, 'O');
    const r = await addAccount(ws, 'A');
    assert.equal(r.account.signedBy, 'identity');
    assert.equal(r.account.issuer, o.operator.publicKey);
    assert.equal(r.warnings.length, 1);
    assert.match(r.warnings[0]!, /identity key/);
    assert.match(r.warnings[0]!, /edit operator --sk/);
  });

  it('-K with the identity key signs with it even when a signing key is at hand', async (t) => {
    const { ws } = tempWorkspace(t);
    const o = await addOperator(ws, 'O', { generateSigningKey: true });
    const r = await addAccount(ws, 'A', { signer: await ws.resolveSigner(o.operator.keyPath) });
    assert.equal(r.account.signedBy, 'identity');
    assert.equal((await readAccount(await ws.operator(), 'A')).claims.iss, o.operator.publicKey);
    assert.equal(r.warnings.length, 1);
  });

  it('-K with the signing key given as a seed, the way the nsc walkthrough passes a .nk file', async (t) => {
    const { ws } = tempWorkspace(t);
    const o = await addOperator(ws, 'O', { generateSigningKey: true });
    const r = await addAccount(ws, 'A', { signer: await ws.resolveSigner(o.signingKey!.keyPath) });
    assert.equal(r.account.signedBy, 'signing-key');
    assert.equal(r.account.issuer, o.signingKey!.publicKey);
  });

  it('refuses a -K key the operator does not list, and leaves nothing behind', async (t) => {
    const { ws, home } = tempWorkspace(t);
    await addOperator(ws, 'O', { generateSigningKey: true });
    const before = snapshot(home);
    await rejectsCode(addAccount(ws, 'A', { signer: KeyPair.create('operator') }), 'NO_APPROPRIATE_SIGNING_KEY');
    await rejectsCode(addAccount(ws, 'A', { signer: KeyPair.create('account') }), 'NO_APPROPRIATE_SIGNING_KEY');
    assert.deepEqual(snapshot(home), before);
  });

  it('refuses an existing name with STORE_EXISTS and leaves nothing behind', async (t) => {
    const { ws, home } = tempWorkspace(t);
    await addOperator(ws, 'O', { generateSigningKey: true });
    await addAccount(ws, 'A');
    await addAccount(ws, 'B');
    const before = snapshot(home);
    const keys = await storedKeys(ws);
    await rejectsCode(addAccount(ws, 'A'), 'STORE_EXISTS');
    assert.deepEqual(await storedKeys(ws), keys);
    assert.deepEqual(snapshot(home), before, 'not even the context changed');
  });

  it('publicKey: uses an existing account key without needing (or storing) its seed', async (t) => {
    const { ws } = tempWorkspace(t);
    await addOperator(ws, 'O', { generateSigningKey: true });
    const external = KeyPair.create('account');
    const r = await addAccount(ws, 'EXT', { publicKey: external.publicKey });
    assert.equal(r.account.publicKey, external.publicKey);
    assert.equal(r.account.keyPath, undefined);
    assert.equal(await ws.keys.hasKey(external.publicKey), false);
    assert.equal((await readAccount(await ws.operator(), 'EXT')).claims.sub, external.publicKey);
    // A user key is not an account key.
    await rejectsCode(addAccount(ws, 'BAD', { publicKey: KeyPair.create('user').publicKey }), 'NKEY_WRONG_ROLE');
  });

  it('strict operator: the identity key is refused, the signing key signs', async (t) => {
    const { ws } = tempWorkspace(t);
    const o = await addOperator(ws, 'O', { generateSigningKey: true });
    await editOperator(ws, { requireSigningKeys: true });
    await rejectsCode(addAccount(ws, 'A', { signer: await ws.resolveSigner(o.operator.keyPath) }), 'NO_APPROPRIATE_SIGNING_KEY');
    const r = await addAccount(ws, 'A');
    assert.equal(r.account.issuer, o.signingKey!.publicKey);
  });
});
