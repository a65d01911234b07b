// Revocation against a real nats-server 2.9.10 (memory resolver): after the account is re-signed
// with a revocation and the server reloads it (SIGHUP), the revoked creds are refused and a live
// connection made with them is closed. A token issued after the revocation time connects.
// Revoking by jti reaches the server as a key revocation at that token's iat.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type NatsConnection } from '@nats-io/transport-node';
import { formatCreds } from '../../src/claims/nats/creds.js';
import { parseCreds } from '../../src/input/creds.js';
import { decodeUser } from '../../src/claims/nats/decode.js';
import { encodeUser } from '../../src/claims/nats/encode.js';
import { newUserClaims } from '../../src/claims/nats/user.js';
import { KeyPair } from '../../src/nkeys/keypair.js';
import type { RunningServer } from '../helpers/nats-server.js';
import { addUser, editUser, revokeJti, revokeUser, type Workspace } from '../../src/workspace/index.js';
import { connectCreds, creds, expectAuthViolation, roundTrip, serverConfig, startServer, tempWorkspace, waitForLog, walkthrough, withConnection } from './helpers.js';

const now = () => Math.floor(Date.now() / 1000);

/** Reloads the server with the store's accounts and waits until it applied account A. */
async function reloadAccounts(srv: RunningServer, ws: Workspace, accountKey: string): Promise<number> {
  const from = srv.log().length;
  await srv.reload(await serverConfig(ws));
  await waitForLog(srv, new RegExp(`Updating account claims: ${accountKey}`), from);
  return from;
}

/** Resolves true when the connection is closed within `ms`. */
function closedWithin(nc: NatsConnection, ms = 2000): Promise<boolean> {
  return Promise.race([nc.closed().then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms))]);
}

/** Creds for `userKey` with a token issued at `iat` by the account signing key. */
function credsAt(userKey: KeyPair, sk: KeyPair, accountKey: string, iat: number): string {
  const c = newUserClaims('U', userKey.publicKey);
  c.nats.issuer_account = accountKey;
  return formatCreds(encodeUser(c, sk, { iat }), userKey.seed);
}

describe('revocation on a real nats-server', () => {
  it('revoking a user refuses its creds and closes its live connection; a token issued a second later connects', async (t) => {
    const ws = tempWorkspace(t);
    const w = await walkthrough(ws);
    const other = await addUser(ws, 'V', { signer: await ws.resolveSigner(w.accSk.path) });
    const srv = await startServer(t, await serverConfig(ws));
    const oldCreds = creds(w.u.user.credsPath);
    const live = await connectCreds(srv.url, oldCreds);
    t.after(() => live.close());
    await roundTrip(live, 'before.revocation');

    const r = await revokeUser(ws, { user: 'U' });
    assert.equal(r.account.issuer, w.opSk.publicKey, 'signed by the operator signing key');
    const from = await reloadAccounts(srv, ws, w.a.account.publicKey);
    assert.equal(await closedWithin(live), true, 'the live connection is closed once the server loads the revocation');
    await waitForLog(srv, /Credentials Revoked|Authentication Revoked/i, from);
    await expectAuthViolation(srv, oldCreds, /authentication revoked/i);
    await withConnection(srv.url, creds(other.user.credsPath), (nc) => roundTrip(nc, 'other.user.fine'));

    // Equal is revoked: editUser itself waits until the clock has passed the revocation second
    // (re-issued at once, within the same second as the revocation).
    const reissued = await editUser(ws, { user: 'U', signer: await ws.resolveSigner(w.accSk.path), liftRevocation: true });
    assert.ok(decodeUser(parseCreds(creds(reissued.user.credsPath!)).jwt).iat! > r.at);
    await withConnection(srv.url, creds(reissued.user.credsPath!), (nc) => roundTrip(nc, 'after.revocation'));
  });

  it('revoking one token by jti: that token is refused and its live connection closed; a later token of the same user connects', async (t) => {
    const ws = tempWorkspace(t);
    const w = await walkthrough(ws);
    const sk = await ws.custody.exportKey((await ws.resolveSigner(w.accSk.path)).publicKey);
    const userKey = KeyPair.fromSeed(parseCreds(creds(w.u.user.credsPath)).seed);
    const current = creds(w.u.user.credsPath); // issued now
    const leaked = credsAt(userKey, sk, w.a.account.publicKey, now() - 5); // an older token of the same user
    const srv = await startServer(t, await serverConfig(ws));
    const live = await connectCreds(srv.url, leaked);
    t.after(() => live.close());
    await roundTrip(live, 'leaked.works');

    const r = await revokeJti(ws, { token: parseCreds(leaked).jwt });
    assert.equal(r.keyRevocation?.at, decodeUser(parseCreds(leaked).jwt).iat);
    await reloadAccounts(srv, ws, w.a.account.publicKey);
    assert.equal(await closedWithin(live), true, 'the live connection with the revoked token is closed');
    await expectAuthViolation(srv, leaked, /authentication revoked/i);
    await withConnection(srv.url, current, (nc) => roundTrip(nc, 'current.token.fine'));
  });

  it('"*" revokes every user issued at or before the time; a user issued after connects', async (t) => {
    const ws = tempWorkspace(t);
    const w = await walkthrough(ws);
    const sk = await ws.custody.exportKey((await ws.resolveSigner(w.accSk.path)).publicKey);
    const t0 = now();
    const a = KeyPair.create('user');
    const b = KeyPair.create('user');
    const oldA = credsAt(a, sk, w.a.account.publicKey, t0 - 10);
    const oldB = credsAt(b, sk, w.a.account.publicKey, t0 - 5);
    const fresh = credsAt(KeyPair.create('user'), sk, w.a.account.publicKey, t0);
    const srv = await startServer(t, await serverConfig(ws));
    for (const c of [oldA, oldB, fresh]) await withConnection(srv.url, c, (nc) => roundTrip(nc, 'before.star'));

    await revokeUser(ws, { all: true, at: t0 - 5 });
    await reloadAccounts(srv, ws, w.a.account.publicKey);
    await expectAuthViolation(srv, oldA, /authentication revoked/i);
    await expectAuthViolation(srv, oldB, /authentication revoked/i); // iat == "*" time: revoked
    await withConnection(srv.url, fresh, (nc) => roundTrip(nc, 'after.star'));
  });
});
