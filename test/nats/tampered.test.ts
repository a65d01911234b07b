// A user JWT edited after signing (a permission widened, the old signature kept) is refused by
// nats-server and by sigchain's decoder alike; the untouched JWT works (the control).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCreds } from '../../src/input/creds.js';
import { decodeUser } from '../../src/claims/nats/decode.js';
import { SigchainError } from '../../src/errors.js';
import { addUser } from '../../src/workspace/index.js';
import { creds, expectAuthViolation, expectPublishViolation, roundTrip, serverConfig, startServer, tempWorkspace, walkthrough, withConnection } from './helpers.js';

describe('a tampered user JWT', () => {
  it('is rejected by nats-server and by decodeUser (BAD_SIGNATURE)', async (t) => {
    const ws = tempWorkspace(t);
    const w = await walkthrough(ws);
    const u = await addUser(ws, 'narrow', { signer: await ws.resolveSigner(w.accSk.path), edit: { allowPub: ['orders.>'], allowSub: ['orders.>', '_INBOX.>'] } });
    const text = creds(u.user.credsPath);
    const { jwt } = parseCreds(text);

    const [h, p, s] = jwt.split('.') as [string, string, string];
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as { nats: { pub: { allow: string[] } } };
    assert.deepEqual(payload.nats.pub.allow, ['orders.>']);
    payload.nats.pub.allow = ['>'];
    const tampered = `${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${s}`;
    assert.notEqual(tampered, jwt);

    assert.throws(() => decodeUser(tampered), (e: unknown) => e instanceof SigchainError && e.code === 'BAD_SIGNATURE');
    assert.equal(decodeUser(jwt).sub, u.user.publicKey);

    const srv = await startServer(t, await serverConfig(ws));
    // Control: the genuine creds log in, and their permissions hold.
    await withConnection(srv.url, text, async (nc) => {
      await roundTrip(nc, 'orders.new');
      await expectPublishViolation(nc, 'payments.new');
    });
    await expectAuthViolation(srv, text.replace(jwt, tampered), /User JWT not valid: claim failed V2 signature verification/);
  });
});
