// addUser: a user signed by an account signing key carries issuer_account (nats-server needs it to
// find the account); one signed by the account identity key does not. The creds file is exactly
// the JWT and the seed in NATS's format, and a refused add leaves nothing behind.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { formatCreds } from '../../../src/claims/nats/creds.js';
import { KeyPair } from '../../../src/nkeys/keypair.js';
import { addAccount, addOperator, addUser, readAccount, readUser } from '../../../src/workspace/index.js';
import { mode, operatorWithAccount, rejectsCode, snapshot, tempWorkspace } from '../helpers.js';

describe('addUser', () => {
  it('signs with the stored account signing key and sets issuer_account', async (t) => {
    const { ws } = tempWorkspace(t);
    const { a, accountSk } = await operatorWithAccount(ws);
    const r = await addUser(ws, 'U');
    assert.equal(r.account, 'A');
    assert.equal(r.user.issuer, accountSk.publicKey);
    assert.equal(r.user.issuerAccount, a.account.publicKey);
    assert.equal(r.user.scoped, false);
    assert.deepEqual(r.warnings, []);
    const u = await readUser(await ws.operator(), 'A', 'U');
    assert.equal(u.claims.iss, accountSk.publicKey);
    assert.equal(u.claims.nats.issuer_account, a.account.publicKey);
    assert.equal(u.claims.sub, r.user.publicKey);
  });

  it('writes the creds file exactly: Go FormatUserConfig text of the stored JWT and the user seed, mode 0600', async (t) => {
    const { ws } = tempWorkspace(t);
    await operatorWithAccount(ws);
    const r = await addUser(ws, 'U');
    const u = await readUser(await ws.operator(), 'A', 'U');
    const seed = (await ws.keys.getKey(r.user.publicKey)).seed;
    const text = readFileSync(r.user.credsPath, 'utf8');
    assert.equal(text, formatCreds(u.token, seed));
    assert.ok(text.startsWith(`-----BEGIN NATS USER JWT-----\n${u.token}\n------END NATS USER JWT------\n`));
    assert.ok(text.includes(`-----BEGIN USER NKEY SEED-----\n${seed}\n------END USER NKEY SEED------\n`));
    assert.equal(mode(r.user.credsPath), 0o600);
    assert.equal(r.user.credsPath, ws.keys.credsPath('O', 'A', 'U'));
  });

  it('-K with the account identity key: no issuer_account', async (t) => {
    const { ws } = tempWorkspace(t);
    const { a } = await operatorWithAccount(ws);
    const r = await addUser(ws, 'U', { signer: await ws.resolveSigner(a.account.keyPath!) });
    assert.equal(r.user.issuer, a.account.publicKey);
    assert.equal(r.user.issuerAccount, undefined);
    const u = await readUser(await ws.operator(), 'A', 'U');
    assert.equal(u.claims.iss, a.account.publicKey);
    assert.equal('issuer_account' in u.claims.nats, false);
  });

  it('-K with the signing key given by public key (seed in the key store) and by .nk path', async (t) => {
    const { ws } = tempWorkspace(t);
    const { a, accountSk } = await operatorWithAccount(ws);
    const byPub = await addUser(ws, 'U1', { signer: await ws.resolveSigner(accountSk.publicKey) });
    const byPath = await addUser(ws, 'U2', { signer: await ws.resolveSigner(accountSk.keyPath) });
    for (const r of [byPub, byPath]) {
      assert.equal(r.user.issuer, accountSk.publicKey);
      assert.equal(r.user.issuerAccount, a.account.publicKey);
    }
  });

  it('an account without signing keys signs with its identity key', async (t) => {
    const { ws } = tempWorkspace(t);
    await addOperator(ws, 'O', { generateSigningKey: true });
    const a = await addAccount(ws, 'A');
    const r = await addUser(ws, 'U');
    assert.equal(r.user.issuer, a.account.publicKey);
    assert.equal(r.user.issuerAccount, undefined);
  });

  it('applies permission edits and expiry', async (t) => {
    const { ws } = tempWorkspace(t);
    await operatorWithAccount(ws);
    const exp = Math.floor(Date.now() / 1000) + 600;
    await addUser(ws, 'U', { edit: { allowPub: ['orders.>'], denySub: ['secret.>'], payload: 1024 }, expiry: exp });
    const u = await readUser(await ws.operator(), 'A', 'U');
    assert.deepEqual(u.claims.nats.pub, { allow: ['orders.>'] });
    assert.deepEqual(u.claims.nats.sub, { deny: ['secret.>'] });
    assert.equal(u.claims.nats.payload, 1024);
    assert.equal(u.claims.exp, exp);
  });

  it('adds to a named account in another operator than the current one', async (t) => {
    const { ws } = tempWorkspace(t);
    await operatorWithAccount(ws);
    await addOperator(ws, 'other');
    const r = await addUser(ws, 'U', { operator: 'O', account: 'A' });
    assert.equal(r.operator, 'O');
    assert.equal((await readUser(await ws.operator('O'), 'A', 'U')).claims.sub, r.user.publicKey);
  });

  it('refuses an existing user with STORE_EXISTS: no new key, JWT and creds untouched', async (t) => {
    const { ws, home } = tempWorkspace(t);
    await operatorWithAccount(ws);
    await addUser(ws, 'U');
    const before = snapshot(home);
    await rejectsCode(addUser(ws, 'U'), 'STORE_EXISTS');
    assert.deepEqual(snapshot(home), before);
  });

  it('refuses a -K key that is not the account\'s (an operator key, another account\'s key) and leaves nothing behind', async (t) => {
    const { ws, home } = tempWorkspace(t);
    const { o } = await operatorWithAccount(ws);
    const before = snapshot(home);
    await rejectsCode(addUser(ws, 'U', { signer: await ws.resolveSigner(o.signingKey!.keyPath) }), 'NO_APPROPRIATE_SIGNING_KEY');
    await rejectsCode(addUser(ws, 'U', { signer: KeyPair.create('account') }), 'NO_APPROPRIATE_SIGNING_KEY');
    assert.deepEqual(snapshot(home), before);
    assert.equal(await (await ws.operator()).hasUser('A', 'U'), false);
  });

  it('refuses a user in an account that does not exist', async (t) => {
    const { ws } = tempWorkspace(t);
    await operatorWithAccount(ws);
    await rejectsCode(addUser(ws, 'U', { account: 'nope' }), 'STORE_NOT_FOUND');
  });

  it('the account JWT on disk is not changed by adding users', async (t) => {
    const { ws } = tempWorkspace(t);
    await operatorWithAccount(ws);
    const before = (await readAccount(await ws.operator(), 'A')).token;
    await addUser(ws, 'U');
    assert.equal((await readAccount(await ws.operator(), 'A')).token, before);
  });
});
