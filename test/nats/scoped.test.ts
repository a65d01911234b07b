// Scoped signing keys, enforced by a real nats-server 2.9.10. The account signing key is a
// user_scope whose template allows PUB svc.{{name()}}.> (a whole-token template, as 2.9.x needs).
// A user it issued without permissions of its own gets exactly the template; a user under that
// key carrying its own permissions (encoded by hand, past sigchain's refusal) is refused.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addSigningKey, newUserScope } from '../../src/claims/nats/account.js';
import { formatCreds } from '../../src/claims/nats/creds.js';
import { decodeUser } from '../../src/claims/nats/decode.js';
import { encodeUser } from '../../src/claims/nats/encode.js';
import { hasEmptyPermissions, newUserClaims } from '../../src/claims/nats/user.js';
import { SigchainError } from '../../src/errors.js';
import { KeyPair } from '../../src/nkeys/keypair.js';
import { addAccount, addOperator, addUser, editAccount, issueAccount, readAccount, readOperator } from '../../src/workspace/index.js';
import { creds, expectAuthViolation, expectPublishViolation, roundTrip, serverConfig, startServer, tempWorkspace, withConnection } from './helpers.js';

describe('scoped signing keys on a real nats-server', () => {
  it('the template gives a scoped user its permissions; own permissions under a scoped key are refused', async (t) => {
    const ws = tempWorkspace(t);
    await addOperator(ws, 'O', { generateSigningKey: true });
    const a = await addAccount(ws, 'A');
    const sk = (await editAccount(ws, { addSigningKeys: ['generate'] })).added[0]!;
    // Turn the signing key into a scope, re-signed with the operator signing key.
    const op = await ws.operator();
    const acct = await readAccount(op, 'A');
    addSigningKey(acct.claims, newUserScope(sk.publicKey, 'svc', { pub: { allow: ['svc.{{name()}}.>'] } }));
    await op.writeAccountJwt('A', (await issueAccount(ws, await readOperator(op), acct.claims, undefined, { previous: acct.claims })).token);

    const signer = await ws.custody.exportKey((await ws.resolveSigner(sk.publicKey)).publicKey);
    const scoped = await addUser(ws, 'scoped', { signer });
    assert.equal(scoped.user.scoped, true);
    const jwt = creds(scoped.user.credsPath).split('\n')[1]!;
    assert.ok(hasEmptyPermissions(decodeUser(jwt)));
    // sigchain refuses the same user with permissions of its own.
    await assert.rejects(addUser(ws, 'greedy', { signer, edit: { allowPub: ['>'] } }), (e: unknown) => e instanceof SigchainError && e.code === 'SCOPED_USER_HAS_PERMISSIONS');

    // Built by hand, bypassing that refusal: Go's default user claims (subs/data/payload -1) plus a permission.
    const handKey = KeyPair.create('user');
    const hand = newUserClaims('greedy', handKey.publicKey);
    hand.nats.pub = { allow: ['>'] };
    hand.nats.issuer_account = a.account.publicKey;
    const handCreds = formatCreds(encodeUser(hand, signer), handKey.seed);

    const srv = await startServer(t, await serverConfig(ws));
    await withConnection(srv.url, creds(scoped.user.credsPath), async (nc) => {
      await roundTrip(nc, 'svc.scoped.x');
      await roundTrip(nc, 'svc.scoped.deeper.y');
      await expectPublishViolation(nc, 'svc.other.x');
      await expectPublishViolation(nc, 'orders.x');
    });
    await expectAuthViolation(srv, handCreds, /scoped users require no permissions or limits set/);
  });
});
