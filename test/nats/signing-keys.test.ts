// The seed walkthrough against a real nats-server 2.9.10: a user signed by an account signing key
// (account signed by an operator signing key) logs in with sigchain's creds file. Removing that
// signing key and reloading the memory resolver locks the user out (and closes its live
// connection); re-issuing the user with a new signing key lets it back in.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeAccount, decodeUser } from '../../src/claims/nats/decode.js';
import { addUser, editAccount, editUser, readAccount } from '../../src/workspace/index.js';
import { connectCreds, creds, expectAuthViolation, roundTrip, serverConfig, startServer, tempWorkspace, waitForLog, walkthrough, withConnection } from './helpers.js';

describe('signing keys on a real nats-server', () => {
  it('a user signed by an account signing key connects with its creds file; pub/sub round trip', async (t) => {
    const ws = tempWorkspace(t);
    const w = await walkthrough(ws);
    // The chain is the one the walkthrough describes.
    const acct = decodeAccount((await readAccount(await ws.operator(), 'A')).token);
    assert.equal(acct.iss, w.opSk.publicKey);
    const user = decodeUser(creds(w.u.user.credsPath).split('\n')[1]!);
    assert.equal(user.iss, w.accSk.publicKey);
    assert.equal(user.nats.issuer_account, w.a.account.publicKey);

    const srv = await startServer(t, await serverConfig(ws));
    await withConnection(srv.url, creds(w.u.user.credsPath), (nc) => roundTrip(nc, 'orders.created'));
    // The system user from addOperator works too.
    await withConnection(srv.url, creds(w.o.systemUser!.credsPath), (nc) => roundTrip(nc, 'sys.ping'));
  });

  it('removing the signing key + reload rejects the old creds (live connection closed); editUser with a new SK lets the user back in', async (t) => {
    const ws = tempWorkspace(t);
    const w = await walkthrough(ws);
    const other = await addUser(ws, 'byIdentity', { signer: await ws.resolveSigner(w.a.account.keyPath!) });
    const srv = await startServer(t, await serverConfig(ws));
    const oldCreds = creds(w.u.user.credsPath);
    const live = await connectCreds(srv.url, oldCreds);
    t.after(() => live.close());
    await roundTrip(live, 'before.rotation');

    const edited = await editAccount(ws, { removeSigningKeys: [w.accSk.publicKey], addSigningKeys: ['generate'], signer: await ws.resolveSigner(w.opSk.path) });
    assert.deepEqual(edited.orphanedUsers, ['U']);
    const newSk = edited.added[0]!.publicKey;

    const from = srv.log().length;
    await srv.reload(await serverConfig(ws));
    await waitForLog(srv, /Reloaded server configuration/, from);
    await waitForLog(srv, new RegExp(`Updating account claims: ${w.a.account.publicKey}/A`), from);
    // nats-server closes the live connection of a user whose signing key went away.
    const closed = await Promise.race([live.closed().then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 2000))]);
    assert.equal(closed, true, 'the live connection is closed after the reload');
    await waitForLog(srv, /Client connection closed: Authentication Failure/, from);

    await expectAuthViolation(srv, oldCreds, /User JWT issuer is not known/);
    // A user signed by the account identity key is unaffected.
    await withConnection(srv.url, creds(other.user.credsPath), (nc) => roundTrip(nc, 'still.fine'));

    const reissued = await editUser(ws, { user: 'U', signer: await ws.resolveSigner(newSk) });
    assert.equal(reissued.user.issuer, newSk);
    const newCreds = creds(reissued.user.credsPath!);
    assert.notEqual(newCreds, oldCreds);
    // Users are not in the server config: no reload needed for a re-issued user.
    await withConnection(srv.url, newCreds, (nc) => roundTrip(nc, 'after.rotation'));
  });
});
