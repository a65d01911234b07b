// issueAccount / issueUser: what every signed token gets checked for. issuer_account is set
// exactly when a signing key signs; a scoped signing key zeroes the user's own permissions and
// refuses explicit ones; a user JWT too large for the 4 KiB CONNECT line is flagged.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addSigningKey, newAccountClaims, newUserScope } from '../../../src/claims/nats/account.js';
import { connectLineSize } from '../../../src/claims/nats/validate.js';
import { hasEmptyPermissions, newUserClaims } from '../../../src/claims/nats/user.js';
import { KeyPair } from '../../../src/nkeys/keypair.js';
import { type Workspace, addUser, editUser, issueAccount, issueUser, readAccount, readOperator, readUser } from '../../../src/workspace/index.js';
import { operatorWithAccount, rejectsCode, snapshot, tempWorkspace } from '../helpers.js';

/** Turns account A's signing key into a user scope allowing PUB svc.{{name()}}.> (re-signed with the operator SK). */
async function scopeSigningKey(ws: Workspace, sk: string): Promise<void> {
  const op = await ws.operator();
  const acct = await readAccount(op, 'A');
  addSigningKey(acct.claims, newUserScope(sk, 'svc', { pub: { allow: ['svc.{{name()}}.>'] } }, 'service users'));
  const issued = await issueAccount(ws, await readOperator(op), acct.claims, undefined, { previous: acct.claims });
  await op.writeAccountJwt('A', issued.token);
}

function manySubjects(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `orders.region-${i}.customer.*.events.>`);
}

describe('issueUser: issuer_account', () => {
  it('is set iff a signing key signs, even if the claims came in with a wrong one', async (t) => {
    const { ws } = tempWorkspace(t);
    const { a, accountSk } = await operatorWithAccount(ws);
    const op = await ws.operator();
    const acct = await readAccount(op, 'A');
    const claims = newUserClaims('u', KeyPair.create('user').publicKey);
    claims.nats.issuer_account = KeyPair.create('account').publicKey;
    const bySk = await issueUser(ws, acct, false, structuredClone(claims), { explicit: await ws.resolveSigner(accountSk.keyPath) });
    assert.equal(readIssuerAccount(bySk.token), a.account.publicKey);
    const byId = await issueUser(ws, acct, false, structuredClone(claims), { explicit: await ws.resolveSigner(a.account.keyPath!) });
    assert.equal(readIssuerAccount(byId.token), undefined);
  });
});

function readIssuerAccount(token: string): string | undefined {
  const payload = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as { nats: { issuer_account?: string } };
  return payload.nats.issuer_account;
}

describe('issueAccount', () => {
  it('refuses claims that would be invalid, naming the field', async (t) => {
    const { ws } = tempWorkspace(t);
    await operatorWithAccount(ws);
    const operator = await readOperator(await ws.operator());
    const claims = newAccountClaims('bad', KeyPair.create('account').publicKey);
    claims.nats.exports = [{ name: 'e', subject: 'foo..bar', type: 'stream' }];
    const e = await rejectsCode(issueAccount(ws, operator, claims, undefined, { previous: claims }), 'INVALID_CLAIMS');
    assert.match(e.message, /nats\.exports\[0\]/);
  });
});

describe('the CONNECT line warning', () => {
  it('warns when the user JWT makes the CONNECT line exceed 4 KiB, and still issues it', async (t) => {
    const { ws } = tempWorkspace(t);
    await operatorWithAccount(ws);
    const r = await addUser(ws, 'big', { edit: { allowPub: manySubjects(100) } });
    const u = await readUser(await ws.operator(), 'A', 'big');
    assert.ok(connectLineSize(u.token) > 4096);
    assert.equal(r.warnings.length, 1);
    assert.match(r.warnings[0]!, /max_control_line \(4096\)/);
    assert.ok(r.warnings[0]!.includes(`${u.token.length} bytes`));
  });

  it('does not warn for an ordinary user, nor just under the limit', async (t) => {
    const { ws } = tempWorkspace(t);
    await operatorWithAccount(ws);
    assert.deepEqual((await addUser(ws, 'small', { edit: { allowPub: manySubjects(5) } })).warnings, []);
    // Grow one subject until the JWT is as large as it can be without the warning.
    let n = 1;
    for (;;) {
      const claims = newUserClaims('edge', KeyPair.create('user').publicKey);
      claims.nats.pub = { allow: [`x.${'a'.repeat(n)}`] };
      const acct = await readAccount(await ws.operator(), 'A');
      const issued = await issueUser(ws, acct, false, claims);
      if (issued.warnings.length) {
        assert.ok(connectLineSize(issued.token) > 4096);
        break;
      }
      assert.ok(connectLineSize(issued.token) <= 4096);
      n += 200;
    }
  });

  it('editUser warns too when an edit makes the JWT too large', async (t) => {
    const { ws } = tempWorkspace(t);
    await operatorWithAccount(ws);
    await addUser(ws, 'U');
    const r = await editUser(ws, { user: 'U', edit: { allowSub: manySubjects(100) } });
    assert.ok(r.warnings.some((w) => /max_control_line/.test(w)));
  });
});

describe('scoped signing keys', () => {
  it('a user issued by a scoped key carries no permissions or limits of its own', async (t) => {
    const { ws } = tempWorkspace(t);
    const { a, accountSk } = await operatorWithAccount(ws);
    await scopeSigningKey(ws, accountSk.publicKey);
    const r = await addUser(ws, 'svc', { signer: await ws.resolveSigner(accountSk.publicKey) });
    assert.equal(r.user.scoped, true);
    assert.equal(r.user.issuerAccount, a.account.publicKey);
    const u = await readUser(await ws.operator(), 'A', 'svc');
    assert.ok(hasEmptyPermissions(u.claims));
    assert.deepEqual(u.claims.nats.pub, {});
    assert.deepEqual(u.claims.nats.sub, {});
    for (const k of ['subs', 'data', 'payload'] as const) assert.equal(u.claims.nats[k], undefined, `${k} must be absent, not -1`);
  });

  it('refuses explicit permissions or limits under a scoped key (SCOPED_USER_HAS_PERMISSIONS), leaving nothing behind', async (t) => {
    const { ws, home } = tempWorkspace(t);
    const { accountSk } = await operatorWithAccount(ws);
    await scopeSigningKey(ws, accountSk.publicKey);
    const signer = await ws.resolveSigner(accountSk.publicKey);
    const before = snapshot(home);
    const e = await rejectsCode(addUser(ws, 'svc', { signer, edit: { allowPub: ['svc.other.>'] } }), 'SCOPED_USER_HAS_PERMISSIONS');
    assert.ok(e.message.includes(accountSk.publicKey));
    assert.match(e.message, /role svc/);
    await rejectsCode(addUser(ws, 'svc', { signer, edit: { payload: 1024 } }), 'SCOPED_USER_HAS_PERMISSIONS');
    assert.deepEqual(snapshot(home), before);
  });

  it('editUser keeps a scoped user empty, and refuses to give it permissions', async (t) => {
    const { ws } = tempWorkspace(t);
    const { accountSk } = await operatorWithAccount(ws);
    await scopeSigningKey(ws, accountSk.publicKey);
    const signer = await ws.resolveSigner(accountSk.publicKey);
    await addUser(ws, 'svc', { signer });
    await editUser(ws, { user: 'svc', signer, tags: ['team:a'] });
    assert.ok(hasEmptyPermissions((await readUser(await ws.operator(), 'A', 'svc')).claims));
    await rejectsCode(editUser(ws, { user: 'svc', signer, edit: { allowSub: ['x'] } }), 'SCOPED_USER_HAS_PERMISSIONS');
  });

  it('is not picked without -K: the account identity key signs instead', async (t) => {
    const { ws } = tempWorkspace(t);
    const { a, accountSk } = await operatorWithAccount(ws);
    await scopeSigningKey(ws, accountSk.publicKey);
    const r = await addUser(ws, 'plain', { edit: { allowPub: ['orders.>'] } });
    assert.equal(r.user.issuer, a.account.publicKey);
    assert.equal(r.user.scoped, false);
  });
});
