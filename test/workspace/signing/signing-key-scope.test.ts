// editSigningKeyScope turns an account signing key into a user_scope (role + template) and
// re-signs the account; resolveScopedRole finds the key by role for `add user -K <role>`.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { signingKeyScope } from '../../../src/claims/nats/account.js';
import { decodeUser } from '../../../src/claims/nats/decode.js';
import { hasEmptyPermissions } from '../../../src/claims/nats/user.js';
import { KeyPair } from '../../../src/nkeys/keypair.js';
import { addUser, editSigningKeyScope, readAccount } from '../../../src/workspace/index.js';
import { resolveScopedRole } from '../../../src/workspace/signing/signing-key-scope.js';
import { operatorWithAccount, rejectsCode, tempWorkspace } from '../helpers.js';

describe('editSigningKeyScope', () => {
  it('scopes a generated key with Go defaults plus the edit, then updates it keeping the role', async (t) => {
    const { ws } = tempWorkspace(t);
    const { o } = await operatorWithAccount(ws);
    const r = await editSigningKeyScope(ws, { account: 'A', key: 'generate', role: 'svc', edit: { allowPub: ['svc.{{name()}}.>'] }, description: 'services' });
    assert.equal(r.change, 'created');
    assert.equal(r.key.generated, true);
    assert.equal(r.account.issuer, o.signingKey!.publicKey);
    assert.deepEqual(r.warnings, []);
    let scope = signingKeyScope((await readAccount(await ws.operator(), 'A')).claims, r.key.publicKey);
    assert.deepEqual(scope, { kind: 'user_scope', key: r.key.publicKey, role: 'svc', description: 'services', template: { pub: { allow: ['svc.{{name()}}.>'] }, sub: {}, subs: -1, data: -1, payload: -1 } });

    const u = await editSigningKeyScope(ws, { key: r.key.publicKey, edit: { allowSub: ['_INBOX.>'], subs: 10 }, description: '' });
    assert.equal(u.change, 'updated');
    scope = signingKeyScope((await readAccount(await ws.operator(), 'A')).claims, r.key.publicKey);
    assert.equal(scope?.role, 'svc');
    assert.equal(scope?.description, undefined);
    assert.deepEqual(scope?.template.pub, { allow: ['svc.{{name()}}.>'] });
    assert.deepEqual(scope?.template.sub, { allow: ['_INBOX.>'] });
    assert.equal(scope?.template.subs, 10);
  });

  it('scoping a plain key lists the users it signed that carry their own permissions', async (t) => {
    const { ws } = tempWorkspace(t);
    const { accountSk } = await operatorWithAccount(ws);
    const signer = await ws.keys.getKey(accountSk.publicKey);
    await addUser(ws, 'greedy', { signer, edit: { allowPub: ['>'] } });
    const r = await editSigningKeyScope(ws, { key: accountSk.publicKey, role: 'svc' });
    assert.equal(r.change, 'created');
    assert.deepEqual(r.invalidatedUsers, ['greedy']);
    assert.ok(r.warnings.some((w) => w.includes('greedy')));
  });

  it('refuses a missing role, a duplicate role and the identity key; warns on mid-token templates', async (t) => {
    const { ws } = tempWorkspace(t);
    const { a } = await operatorWithAccount(ws);
    await rejectsCode(editSigningKeyScope(ws, { key: 'generate' }), 'USAGE');
    await editSigningKeyScope(ws, { key: 'generate', role: 'svc' });
    await rejectsCode(editSigningKeyScope(ws, { key: 'generate', role: 'svc' }), 'USAGE');
    await rejectsCode(editSigningKeyScope(ws, { key: a.account.publicKey, role: 'x' }), 'USAGE');
    const r = await editSigningKeyScope(ws, { key: 'generate', role: 'mid', edit: { allowPub: ['svc.user-{{name()}}'] } });
    assert.match(r.warnings.join('\n'), /svc\.user-\{\{name\(\)\}\}: .*2\.11/);
  });
});

describe('resolveScopedRole', () => {
  it('finds the scoped key by role; a user it signs carries no permissions', async (t) => {
    const { ws } = tempWorkspace(t);
    await operatorWithAccount(ws);
    const r = await editSigningKeyScope(ws, { key: 'generate', role: 'svc', edit: { allowPub: ['svc.>'] } });
    const account = await readAccount(await ws.operator(), 'A');
    const kp = await resolveScopedRole(ws, account, 'svc');
    assert.equal(kp.publicKey, r.key.publicKey);
    const added = await addUser(ws, 'w', { signer: kp });
    assert.equal(added.user.scoped, true);
    assert.ok(hasEmptyPermissions(decodeUser(await (await ws.operator()).readUserJwt('A', 'w'))));
    const e = await rejectsCode(resolveScopedRole(ws, account, 'nope'), 'NO_APPROPRIATE_SIGNING_KEY');
    assert.match(e.message, /roles: svc/);
  });

  it('names the role\'s key when its seed is not in the key store', async (t) => {
    const { ws } = tempWorkspace(t);
    await operatorWithAccount(ws);
    const outside = KeyPair.create('account');
    await editSigningKeyScope(ws, { key: outside.publicKey, role: 'ext' });
    const e = await rejectsCode(resolveScopedRole(ws, await readAccount(await ws.operator(), 'A'), 'ext'), 'NO_APPROPRIATE_SIGNING_KEY');
    assert.ok(e.message.includes(outside.publicKey));
  });
});
