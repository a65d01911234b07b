// editAccount: limits, signing keys, and the consequence of removing a signing key: the users it
// signed are listed as orphaned so they can be re-issued. Always re-signed by an operator key.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KeyPair } from '../../../src/nkeys/keypair.js';
import { addAccount, addOperator, addUser, editAccount, editOperator, readAccount } from '../../../src/workspace/index.js';
import { operatorWithAccount, rejectsCode, snapshot, tempWorkspace } from '../helpers.js';

describe('editAccount', () => {
  it('sets limits and keeps the others at -1', async (t) => {
    const { ws } = tempWorkspace(t);
    await operatorWithAccount(ws);
    await editAccount(ws, { limits: { conn: 10, payload: 1024 } });
    const l = (await readAccount(await ws.operator(), 'A')).claims.nats.limits!;
    assert.equal(l.conn, 10);
    assert.equal(l.payload, 1024);
    assert.equal(l.subs, -1);
    assert.equal(l.data, -1);
    assert.equal(l.leaf, -1);
    assert.equal(l.wildcards, true);
  });

  it('re-signs with the operator signing key at hand, or the -K key', async (t) => {
    const { ws } = tempWorkspace(t);
    const { o } = await operatorWithAccount(ws);
    const r = await editAccount(ws, { description: 'orders' });
    assert.equal(r.account.issuer, o.signingKey!.publicKey);
    assert.equal(r.account.signedBy, 'signing-key');
    const byId = await editAccount(ws, { description: 'orders 2', signer: await ws.resolveSigner(o.operator.keyPath) });
    assert.equal(byId.account.signedBy, 'identity');
    assert.ok(byId.warnings.some((w) => /identity key/.test(w)));
    const a = await readAccount(await ws.operator(), 'A');
    assert.equal(a.claims.iss, o.operator.publicKey);
    assert.equal(a.claims.nats.description, 'orders 2');
  });

  it('refuses an account key as -K (accounts are signed by operator keys), changing nothing', async (t) => {
    const { ws, home } = tempWorkspace(t);
    const { a } = await operatorWithAccount(ws);
    const before = snapshot(home);
    await rejectsCode(editAccount(ws, { limits: { conn: 1 }, signer: await ws.resolveSigner(a.account.keyPath!) }), 'NO_APPROPRIATE_SIGNING_KEY');
    assert.deepEqual(snapshot(home), before);
  });

  it('under a strict operator, refuses -K with the operator identity key', async (t) => {
    const { ws } = tempWorkspace(t);
    const { o } = await operatorWithAccount(ws);
    await editOperator(ws, { requireSigningKeys: true });
    await rejectsCode(editAccount(ws, { account: 'A', limits: { conn: 1 }, signer: await ws.resolveSigner(o.operator.keyPath) }), 'NO_APPROPRIATE_SIGNING_KEY');
  });

  it('adds signing keys (generate, public key); refuses the identity key and a non-account key', async (t) => {
    const { ws } = tempWorkspace(t);
    const { a, accountSk } = await operatorWithAccount(ws);
    const ext = KeyPair.create('account');
    const r = await editAccount(ws, { addSigningKeys: ['generate', ext.publicKey] });
    const listed = (await readAccount(await ws.operator(), 'A')).claims.nats.signing_keys;
    assert.deepEqual(listed, [accountSk.publicKey, r.added[0]!.publicKey, ext.publicKey].sort(), 'all listed (written sorted, as Go does)');
    await rejectsCode(editAccount(ws, { addSigningKeys: [a.account.publicKey] }), 'USAGE');
    await rejectsCode(editAccount(ws, { addSigningKeys: [KeyPair.create('operator').publicKey] }), 'NKEY_WRONG_ROLE');
  });

  it('removing a signing key lists exactly the users it signed as orphaned', async (t) => {
    const { ws } = tempWorkspace(t);
    const { a, accountSk } = await operatorWithAccount(ws);
    const second = (await editAccount(ws, { addSigningKeys: ['generate'] })).added[0]!;
    await addUser(ws, 'bySk1', { signer: await ws.resolveSigner(accountSk.publicKey) });
    await addUser(ws, 'alsoBySk1', { signer: await ws.resolveSigner(accountSk.publicKey) });
    await addUser(ws, 'bySk2', { signer: await ws.resolveSigner(second.publicKey) });
    await addUser(ws, 'byIdentity', { signer: await ws.resolveSigner(a.account.keyPath!) });
    const r = await editAccount(ws, { removeSigningKeys: [accountSk.publicKey] });
    assert.deepEqual(r.removed, [accountSk.publicKey]);
    assert.deepEqual([...r.orphanedUsers].sort(), ['alsoBySk1', 'bySk1']);
    const w = r.warnings.find((x) => /no longer accepted/.test(x));
    assert.ok(w, r.warnings.join('\n'));
    assert.match(w, /bySk1/);
    assert.match(w, /edit user/);
    assert.deepEqual((await readAccount(await ws.operator(), 'A')).claims.nats.signing_keys, [second.publicKey]);
  });

  it('removing a key that is not listed is refused, naming the listed keys', async (t) => {
    const { ws } = tempWorkspace(t);
    const { accountSk } = await operatorWithAccount(ws);
    const e = await rejectsCode(editAccount(ws, { removeSigningKeys: [KeyPair.create('account').publicKey] }), 'STORE_NOT_FOUND');
    assert.ok(e.message.includes(accountSk.publicKey));
  });

  it('edits a named account that is not the current one', async (t) => {
    const { ws } = tempWorkspace(t);
    await addOperator(ws, 'O', { generateSigningKey: true });
    await addAccount(ws, 'A');
    await addAccount(ws, 'B');
    await editAccount(ws, { account: 'A', tags: ['Team:Red'] });
    assert.deepEqual((await readAccount(await ws.operator(), 'A')).claims.nats.tags, ['team:red']);
    assert.equal((await readAccount(await ws.operator(), 'B')).claims.nats.tags, undefined);
  });
});
