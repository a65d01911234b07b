// Restrictions enforced at issuance: a restricted signing key is skipped (or refused with -K)
// for statements it may not sign; restrictions live in the parent's token, survive its re-issue
// and change only when the parent is re-issued.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { restrictionOf } from '../../../src/keys/restrictions.js';
import { addUser, editAccount, editOperator, readAccount, readOperator } from '../../../src/workspace/index.js';
import { operatorWithAccount, rejectsCode, tempWorkspace } from '../helpers.js';

describe('signing-key restrictions at issuance', () => {
  it('an operator SK restricted to CanSignAllButSigningKeys re-issues accounts but may not change their signing keys', async (t) => {
    const { ws } = tempWorkspace(t);
    const { o } = await operatorWithAccount(ws);
    const sk = o.signingKey!.publicKey;
    // A's signing keys were approved by sk, which may approve no more: A is re-signed (and its
    // delegation re-approved) by a key allowed to, here the identity key, so nothing breaks.
    const restricted = await editOperator(ws, { restrictSigningKeys: { [sk]: 'CanSignAllButSigningKeys' } });
    assert.ok(restricted.messages.some((m) => m.startsWith('re-signed account "A" with the identity key')), restricted.messages.join('\n'));
    const op = await ws.operator();
    assert.equal(restrictionOf((await readOperator(op)).claims.nats, sk), 'CanSignAllButSigningKeys');

    // Plain re-issue: allowed.
    const signer = await ws.resolveSigner(sk);
    const r = await editAccount(ws, { description: 'orders', signer });
    assert.equal(r.account.issuer, sk);

    // A signing-key change with -K: refused, naming the restriction; nothing written.
    const before = (await readAccount(op, 'A')).token;
    const e = await rejectsCode(editAccount(ws, { addSigningKeys: ['generate'], signer }), 'KEY_RESTRICTION_VIOLATION');
    assert.match(e.message, /CanSignAllButSigningKeys/);
    assert.match(e.message, /signing-keys/);
    assert.equal((await readAccount(op, 'A')).token, before);

    // Without -K the operator identity key (not restricted, not strict) is chosen instead.
    const auto = await editAccount(ws, { addSigningKeys: ['generate'] });
    assert.equal(auto.account.signedBy, 'identity');

    // Restrictions survive re-issuing the operator; strict mode then leaves no key: the error names what is missing.
    await editOperator(ws, { requireSigningKeys: true, tags: ['prod'] });
    assert.equal(restrictionOf((await readOperator(op)).claims.nats, sk), 'CanSignAllButSigningKeys');
    const none = await rejectsCode(editAccount(ws, { removeSigningKeys: [auto.added[0]!.publicKey] }), 'NO_APPROPRIATE_SIGNING_KEY');
    assert.match(none.message, /`signing-keys`/);
    assert.match(none.message, /operator "O"/);

    // Re-issuing the parent with a new allowed key makes it possible; only the parent changes restrictions.
    const added = await editOperator(ws, { addSigningKeys: ['generate'], restrictSigningKeys: { [sk]: ['account'] } });
    const sk2 = added.added[0]!.publicKey;
    const ok = await editAccount(ws, { removeSigningKeys: [auto.added[0]!.publicKey] });
    assert.equal(ok.account.issuer, sk2);
    assert.deepEqual(restrictionOf((await readOperator(op)).claims.nats, sk), ['account']);
    // Removing the key drops its restriction.
    await editOperator(ws, { removeSigningKeys: [sk] });
    assert.equal(restrictionOf((await readOperator(op)).claims.nats, sk), undefined);
  });

  it('refuses restricting a key that is not listed, or to a kind the parent never signs', async (t) => {
    const { ws } = tempWorkspace(t);
    const { o, accountSk } = await operatorWithAccount(ws);
    await rejectsCode(editOperator(ws, { restrictSigningKeys: { [accountSk.publicKey]: ['account'] } }), 'STORE_NOT_FOUND');
    await rejectsCode(editOperator(ws, { restrictSigningKeys: { [o.signingKey!.publicKey]: ['user'] } }), 'USAGE');
  });

  it('an account SK restricted to activations may not sign users (-K refused; without -K another key signs)', async (t) => {
    const { ws } = tempWorkspace(t);
    const { accountSk } = await operatorWithAccount(ws);
    await editAccount(ws, { restrictSigningKeys: { [accountSk.publicKey]: ['activation'] } });
    await rejectsCode(addUser(ws, 'U', { signer: await ws.resolveSigner(accountSk.publicKey) }), 'KEY_RESTRICTION_VIOLATION');
    const u = await addUser(ws, 'U2');
    assert.notEqual(u.user.issuer, accountSk.publicKey);
    // The restriction change was itself a `signing-keys` statement, signed by an allowed operator key.
    assert.deepEqual(restrictionOf((await readAccount(await ws.operator(), 'A')).claims.nats, accountSk.publicKey), ['activation']);
  });
});
