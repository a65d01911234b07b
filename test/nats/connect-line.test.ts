// The CONNECT line trap on a real nats-server 2.9.10. The client sends the user JWT in its
// CONNECT line, and the server drops a line longer than max_control_line (4096 by default).
// 2.9.10 closes the connection with "maximum control line exceeded", not an Authorization
// Violation. sigchain warns at issue time. The biggest JWT it issues without a warning still
// logs in, and raising max_control_line (the remedy the warning names) lets the large user in.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCreds } from '../../src/input/creds.js';
import { connectLineSize, DEFAULT_MAX_CONTROL_LINE } from '../../src/claims/nats/validate.js';
import { newUserClaims } from '../../src/claims/nats/user.js';
import { KeyPair } from '../../src/nkeys/keypair.js';
import { addUser, applyUserEdit, issueUser, readAccount } from '../../src/workspace/index.js';
import { connectCreds, creds, roundTrip, serverConfig, startServer, tempWorkspace, waitForLog, walkthrough, withConnection } from './helpers.js';

describe('the CONNECT line limit on a real nats-server', () => {
  it('a user JWT over 4 KiB gets a warning at issue time and is refused by the server', async (t) => {
    const ws = tempWorkspace(t);
    await walkthrough(ws);
    const subjects = Array.from({ length: 100 }, (_, i) => `orders.region-${i}.customer.*.events.>`);
    const big = await addUser(ws, 'big', { edit: { allowPub: subjects } });
    const bigJwt = parseCreds(creds(big.user.credsPath)).jwt;
    assert.ok(bigJwt.length > DEFAULT_MAX_CONTROL_LINE);
    assert.equal(big.warnings.length, 1);
    assert.match(big.warnings[0]!, /max_control_line/);

    // The largest user JWT sigchain issues without a warning: binary search on one subject's length.
    const acct = await readAccount(await ws.operator(), 'A');
    const subjectsFor = (n: number) => ['edge.ok', `x.${'a'.repeat(n)}`];
    const warns = async (n: number) => {
      const claims = newUserClaims('edge', KeyPair.create('user').publicKey);
      applyUserEdit(claims.nats, { allowPub: subjectsFor(n) });
      return (await issueUser(ws, acct, false, claims)).warnings.length > 0;
    };
    let lo = 0;
    let hi = 4096;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (await warns(mid)) hi = mid;
      else lo = mid;
    }
    const e = await addUser(ws, 'edge', { edit: { allowPub: subjectsFor(lo) } });
    assert.deepEqual(e.warnings, []);
    const edge = { credsPath: e.user.credsPath, jwt: parseCreds(creds(e.user.credsPath)).jwt };
    assert.ok(connectLineSize(edge.jwt) <= DEFAULT_MAX_CONTROL_LINE && connectLineSize(edge.jwt) > DEFAULT_MAX_CONTROL_LINE - 4);

    const srv = await startServer(t, await serverConfig(ws));
    await withConnection(srv.url, creds(edge.credsPath), (nc) => roundTrip(nc, 'edge.ok'));

    const from = srv.log().length;
    // The client sees the server's -ERR or a broken pipe, whichever comes first; the log is definite.
    await assert.rejects(connectCreds(srv.url, creds(big.user.credsPath)), (e: Error) => {
      assert.match(e.message, /maximum control line exceeded|EPIPE|ECONNRESET/, `${e.name}: ${e.message}`);
      assert.doesNotMatch(e.message, /Authorization Violation/);
      return true;
    });
    await waitForLog(srv, /Client connection closed: Maximum Control Line Exceeded/, from);
    await waitForLog(srv, /maximum control line exceeded: State \d+, max_control_line 4096/, from);
  });

  it('with max_control_line raised on the server, the same large user logs in', async (t) => {
    const ws = tempWorkspace(t);
    await walkthrough(ws);
    const subjects = Array.from({ length: 100 }, (_, i) => `orders.region-${i}.customer.*.events.>`);
    const big = await addUser(ws, 'big', { edit: { allowPub: subjects, allowSub: ['orders.>'] } });
    assert.equal(big.warnings.length, 1);
    const srv = await startServer(t, await serverConfig(ws, [], '\nmax_control_line: 16384\n'));
    await withConnection(srv.url, creds(big.user.credsPath), (nc) => roundTrip(nc, 'orders.region-7.customer.c1.events.created'));
  });
});
