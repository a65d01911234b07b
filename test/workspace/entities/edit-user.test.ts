// editUser: re-signs a user (the way back after its signing key was removed) and rewrites its
// creds file with the new JWT and the same seed.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { formatCreds } from '../../../src/claims/nats/creds.js';
import { parseCreds } from '../../../src/input/creds.js';
import { KeyPair } from '../../../src/nkeys/keypair.js';
import { addUser, editAccount, editOperator, editUser, readUser } from '../../../src/workspace/index.js';
import { operatorWithAccount, rejectsCode, snapshot, tempWorkspace } from '../helpers.js';

describe('editUser', () => {
  it('re-issues an orphaned user with a new signing key and rewrites its creds', async (t) => {
    const { ws } = tempWorkspace(t);
    const { a, accountSk } = await operatorWithAccount(ws);
    const u = await addUser(ws, 'U');
    assert.equal(u.user.issuer, accountSk.publicKey);
    const oldCreds = readFileSync(u.user.credsPath, 'utf8');
    const added = (await editAccount(ws, { addSigningKeys: ['generate'], removeSigningKeys: [accountSk.publicKey] })).added[0]!;

    const r = await editUser(ws, { user: 'U', signer: await ws.resolveSigner(added.publicKey) });
    assert.equal(r.user.issuer, added.publicKey);
    assert.equal(r.user.issuerAccount, a.account.publicKey);
    assert.equal(r.user.credsPath, u.user.credsPath);
    const stored = await readUser(await ws.operator(), 'A', 'U');
    assert.equal(stored.claims.iss, added.publicKey);
    assert.equal(stored.claims.sub, u.user.publicKey, 'same user key');
    const creds = readFileSync(u.user.credsPath, 'utf8');
    assert.notEqual(creds, oldCreds);
    assert.equal(creds, formatCreds(stored.token, (await ws.keys.getKey(u.user.publicKey)).seed));
    assert.equal(parseCreds(creds).seed, parseCreds(oldCreds).seed);
  });

  it('without -K picks a listed signing key at hand (never the removed one)', async (t) => {
    const { ws } = tempWorkspace(t);
    const { accountSk } = await operatorWithAccount(ws);
    await addUser(ws, 'U');
    const added = (await editAccount(ws, { addSigningKeys: ['generate'], removeSigningKeys: [accountSk.publicKey] })).added[0]!;
    const r = await editUser(ws, { user: 'U' });
    assert.equal(r.user.issuer, added.publicKey);
  });

  it('with the account identity key drops issuer_account', async (t) => {
    const { ws } = tempWorkspace(t);
    const { a } = await operatorWithAccount(ws);
    await addUser(ws, 'U');
    const r = await editUser(ws, { user: 'U', signer: await ws.resolveSigner(a.account.keyPath!) });
    assert.equal(r.user.issuerAccount, undefined);
    assert.equal('issuer_account' in (await readUser(await ws.operator(), 'A', 'U')).claims.nats, false);
  });

  it('refuses the removed signing key as -K, changing nothing', async (t) => {
    const { ws, home } = tempWorkspace(t);
    const { accountSk } = await operatorWithAccount(ws);
    await addUser(ws, 'U');
    await editAccount(ws, { addSigningKeys: ['generate'], removeSigningKeys: [accountSk.publicKey] });
    const before = snapshot(home);
    const e = await rejectsCode(editUser(ws, { user: 'U', signer: await ws.resolveSigner(accountSk.keyPath) }), 'NO_APPROPRIATE_SIGNING_KEY');
    assert.match(e.message, /not the identity key/);
    assert.deepEqual(snapshot(home), before);
  });

  it('applies permission edits, and removes subjects with rm', async (t) => {
    const { ws } = tempWorkspace(t);
    await operatorWithAccount(ws);
    await addUser(ws, 'U', { edit: { allowPub: ['a.>', 'b.>'] } });
    await editUser(ws, { user: 'U', edit: { allowSub: ['_INBOX.>'], rm: ['a.>'] } });
    const n = (await readUser(await ws.operator(), 'A', 'U')).claims.nats;
    assert.deepEqual(n.pub, { allow: ['b.>'] });
    assert.deepEqual(n.sub, { allow: ['_INBOX.>'] });
  });

  it('under a strict operator refuses the account identity key', async (t) => {
    const { ws } = tempWorkspace(t);
    const { a } = await operatorWithAccount(ws);
    await addUser(ws, 'U');
    await editOperator(ws, { requireSigningKeys: true });
    await rejectsCode(editUser(ws, { user: 'U', signer: await ws.resolveSigner(a.account.keyPath!) }), 'NO_APPROPRIATE_SIGNING_KEY');
  });

  it('re-signs a user whose seed is not in the key store, but leaves the creds file alone', async (t) => {
    const { ws } = tempWorkspace(t);
    await operatorWithAccount(ws);
    const u = await addUser(ws, 'U');
    const oldCreds = readFileSync(u.user.credsPath, 'utf8');
    await ws.keys.removeKey(u.user.publicKey);
    const r = await editUser(ws, { user: 'U', edit: { allowPub: ['x'] } });
    assert.equal(r.user.credsPath, undefined);
    assert.equal(readFileSync(u.user.credsPath, 'utf8'), oldCreds);
  });

  it('refuses a user that does not exist', async (t) => {
    const { ws } = tempWorkspace(t);
    await operatorWithAccount(ws);
    await rejectsCode(editUser(ws, { user: 'ghost', signer: KeyPair.create('account') }), 'STORE_NOT_FOUND');
  });
});
