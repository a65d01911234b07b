// Strict signing-key usage on a real nats-server 2.9.10. A SIGHUP cannot apply an operator change
// (the server refuses to reload trusted operators and keeps the old one); after a restart, a user
// signed by an account identity key is refused, while users signed by account signing keys, and the
// system user addOperator made (signed by SYS's signing key), still log in. sigchain refuses to
// issue an identity-signed user in the first place.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeAccount, decodeOperator } from '../../src/claims/nats/decode.js';
import { memoryResolverConfig } from '../../src/nats/server-config.js';
import { SigchainError } from '../../src/errors.js';
import { addAccount, addOperator, addUser, editAccount, editOperator, readAccount, readOperator } from '../../src/workspace/index.js';
import { creds, expectAuthViolation, roundTrip, serverConfig, startServer, tempWorkspace, waitForLog, withConnection } from './helpers.js';

describe('strict signing-key usage on a real nats-server', () => {
  it('bars account identity keys from signing users; SK users and sys still connect', async (t) => {
    const ws = tempWorkspace(t);
    const o = await addOperator(ws, 'O', { generateSigningKey: true });
    const a = await addAccount(ws, 'A');
    const accSk = (await editAccount(ws, { addSigningKeys: ['generate'] })).added[0]!;
    const byIdentity = await addUser(ws, 'byIdentity', { signer: await ws.resolveSigner(a.account.keyPath!) });
    const bySk = await addUser(ws, 'bySk', { signer: await ws.resolveSigner(accSk.publicKey) });
    assert.equal(byIdentity.user.issuer, a.account.publicKey);
    assert.equal(bySk.user.issuer, accSk.publicKey);

    const srv = await startServer(t, await serverConfig(ws));
    // Not strict yet: the identity-signed user is fine.
    await withConnection(srv.url, creds(byIdentity.user.credsPath), (nc) => roundTrip(nc, 'a.b'));

    const r = await editOperator(ws, { requireSigningKeys: true });
    assert.equal(decodeOperator((await readOperator(await ws.operator())).token).nats.strict_signing_key_usage, true);
    assert.deepEqual(r.resigned, [], 'SYS and A were already signed by the operator signing key');
    assert.ok(r.warnings.some((w) => w.includes('byIdentity')), `sigchain warns about the identity-signed user:\n${r.warnings.join('\n')}`);
    assert.ok(r.messages.some((m) => /restart/.test(m)));

    // A SIGHUP does not apply an operator change: the reload is refused and the old operator stays.
    const strictConfig = await serverConfig(ws);
    const from = srv.log().length;
    await srv.reload(strictConfig);
    await waitForLog(srv, /config reload not supported for TrustedOperators/, from);
    assert.doesNotMatch(srv.log().slice(from), /Reloaded server configuration/);
    await withConnection(srv.url, creds(byIdentity.user.credsPath), (nc) => roundTrip(nc, 'still.lenient'));

    // A restart does.
    await srv.stop();
    const strict = await startServer(t, strictConfig);
    await expectAuthViolation(strict, creds(byIdentity.user.credsPath), /User JWT issuer is not known/);
    await withConnection(strict.url, creds(bySk.user.credsPath), (nc) => roundTrip(nc, 'orders.x'));
    await withConnection(strict.url, creds(o.systemUser!.credsPath), (nc) => roundTrip(nc, 'sys.x'));

    // sigchain will not issue such a user any more.
    await assert.rejects(addUser(ws, 'another', { signer: await ws.resolveSigner(a.account.keyPath!) }), (e: unknown) => e instanceof SigchainError && e.code === 'NO_APPROPRIATE_SIGNING_KEY');
    const auto = await addUser(ws, 'auto');
    assert.equal(auto.user.issuer, accSk.publicKey, 'without -K the account signing key is picked');
    await withConnection(strict.url, creds(auto.user.credsPath), (nc) => roundTrip(nc, 'auto.x'));
  });

  it('an account signed by the operator identity key is untrusted; editOperator re-signs it with the SK', async (t) => {
    const ws = tempWorkspace(t);
    await addOperator(ws, 'O');
    await addAccount(ws, 'A');
    const accSk = (await editAccount(ws, { addSigningKeys: ['generate'] })).added[0]!;
    const u = await addUser(ws, 'U', { signer: await ws.resolveSigner(accSk.publicKey) });
    const op = await ws.operator();
    const identitySignedA = (await readAccount(op, 'A')).token;
    assert.equal(decodeAccount(identitySignedA).iss, (await readOperator(op)).claims.sub);

    const r = await editOperator(ws, { addSigningKeys: ['generate'], requireSigningKeys: true });
    assert.deepEqual([...r.resigned].sort(), ['A', 'SYS']);
    const sk = r.added[0]!.publicKey;
    assert.equal((await readAccount(op, 'A')).claims.iss, sk);

    // The strict operator with A as it was before (signed by the operator identity key): untrusted.
    const stale = memoryResolverConfig({ operatorJwt: (await readOperator(op)).token, accountJwts: [(await readAccount(op, 'SYS')).token, identitySignedA] });
    const srv = await startServer(t, stale);
    await expectAuthViolation(srv, creds(u.user.credsPath), /Account JWT lookup error: account validation failed/);
    await srv.stop();

    // With the accounts as editOperator re-signed them: the same user connects.
    const fixed = await startServer(t, await serverConfig(ws));
    await withConnection(fixed.url, creds(u.user.credsPath), (nc) => roundTrip(nc, 'ok'));
  });
});
