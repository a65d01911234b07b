// The "account without limits" trap. nats-server reads a missing limit as 0, so an account JWT
// whose limits are empty admits nobody. sigchain always writes nsc's explicit -1 limits, and its
// accounts' users log in; the same account shape with `limits: {}` (encoded by hand; Go writes exactly that for zero
// limits) locks its users out.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newAccountClaims, unlimitedAccountLimits } from '../../src/claims/nats/account.js';
import { formatCreds } from '../../src/claims/nats/creds.js';
import { decodeAccount } from '../../src/claims/nats/decode.js';
import { encodeAccount, encodeUser } from '../../src/claims/nats/encode.js';
import { newUserClaims } from '../../src/claims/nats/user.js';
import { KeyPair } from '../../src/nkeys/keypair.js';
import { addAccount, addOperator, addUser, readAccount } from '../../src/workspace/index.js';
import { creds, roundTrip, serverConfig, startServer, tempWorkspace, waitForLog, withConnection, connectCreds } from './helpers.js';

describe('account limits on a real nats-server', () => {
  it('sigchain accounts carry explicit -1 limits and admit their users; an account with limits {} admits nobody', async (t) => {
    const ws = tempWorkspace(t);
    const o = await addOperator(ws, 'O', { generateSigningKey: true });
    await addAccount(ws, 'A');
    const u = await addUser(ws, 'U');
    const op = await ws.operator();
    for (const name of ['SYS', 'A']) {
      const limits = decodeAccount((await readAccount(op, name)).token).nats.limits;
      assert.deepEqual(limits, unlimitedAccountLimits(), `${name} carries explicit unlimited limits`);
    }

    // The contrast, built by hand: the same account claims, but with empty limits.
    const opSk = await ws.custody.exportKey((await ws.resolveSigner(o.signingKey!.keyPath)).publicKey);
    const bare = KeyPair.create('account');
    const claims = newAccountClaims('B', bare.publicKey);
    claims.nats.limits = {};
    const bareJwt = encodeAccount(claims, opSk);
    const payload = JSON.parse(Buffer.from(bareJwt.split('.')[1]!, 'base64url').toString('utf8')) as { nats: { limits?: Record<string, unknown> } };
    assert.ok(payload.nats.limits === undefined || Object.keys(payload.nats.limits).length === 0, 'the hand-made account carries no limits');
    const bareUser = KeyPair.create('user');
    const bareCreds = formatCreds(encodeUser(newUserClaims('V', bareUser.publicKey), bare), bareUser.seed);

    const srv = await startServer(t, await serverConfig(ws, [bareJwt]));
    await withConnection(srv.url, creds(u.user.credsPath), (nc) => roundTrip(nc, 'limits.ok'));

    // nats-server 2.9.10 does not say "Authorization Violation" here: it sends
    // -ERR 'maximum account active connections exceeded' and closes the socket, so the client
    // sees that error or just a broken pipe, whichever comes first. The server log is definite.
    const from = srv.log().length;
    await assert.rejects(connectCreds(srv.url, bareCreds), (e: Error) => {
      assert.match(e.message, /maximum account active connections exceeded|EPIPE|ECONNRESET/, `${e.name}: ${e.message}`);
      return true;
    });
    await waitForLog(srv, /Client connection closed: Maximum Account Connections Exceeded/, from);
  });
});
