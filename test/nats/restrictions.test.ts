// Delegation restrictions are an extension field (nats.sigchain_restrictions) in the operator and
// account tokens: a real nats-server 2.9.10 ignores it, so restricted chains still work.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { restrictionOf } from '../../src/keys/restrictions.js';
import { editAccount, editOperator, readAccount, readOperator } from '../../src/workspace/index.js';
import { creds, roundTrip, serverConfig, startServer, tempWorkspace, walkthrough, withConnection } from './helpers.js';

describe('signing-key restrictions on a real nats-server', () => {
  it('an operator and an account carrying restrictions are accepted; their users connect', async (t) => {
    const ws = tempWorkspace(t);
    const w = await walkthrough(ws);
    await editOperator(ws, { restrictSigningKeys: { [w.opSk.publicKey]: 'CanSignAllButSigningKeys' } });
    await editAccount(ws, { account: 'A', restrictSigningKeys: { [w.accSk.publicKey]: ['user'] }, signer: await ws.resolveSigner(w.o.operator.keyPath) });
    const op = await ws.operator();
    assert.equal(restrictionOf((await readOperator(op)).claims.nats, w.opSk.publicKey), 'CanSignAllButSigningKeys');
    assert.deepEqual(restrictionOf((await readAccount(op, 'A')).claims.nats, w.accSk.publicKey), ['user']);
    const srv = await startServer(t, await serverConfig(ws));
    await withConnection(srv.url, creds(w.u.user.credsPath), (nc) => roundTrip(nc, 'orders.restricted'));
  });
});
