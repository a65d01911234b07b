// The store handed to the verifier: storeResolver (lazy) and readStoreTrust (one pass: tokens,
// default roots and revoked jtis), judged by the real verifier.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { definePolicy, verifyChain, verifyChainSync } from '../../../src/trust/index.js';
import { Workspace, addAccount, addOperator, addUser, readOperator, readStoreTrust, readUser, revokeJti, storeResolver } from '../../../src/workspace/index.js';

async function store() {
  const home = mkdtempSync(join(tmpdir(), 'sigchain-store-trust-'));
  const ws = Workspace.open({ env: { SIGCHAIN_KEYRING_BACKEND: 'file', SIGCHAIN_HOME: home } });
  await addOperator(ws, 'O', { generateSigningKey: true });
  await addAccount(ws, 'A');
  await addUser(ws, 'U');
  await addUser(ws, 'V');
  const opStore = await ws.operator();
  return { ws, home, opStore, operator: await readOperator(opStore), user: await readUser(opStore, 'A', 'U'), other: await readUser(opStore, 'A', 'V') };
}

describe('store trust', () => {
  it('storeResolver resolves the chain for entities made by the workspace', async () => {
    const s = await store();
    const v = await verifyChain(s.user.token, { resolver: storeResolver(s.ws), policy: definePolicy({ trustedOperators: [s.operator.claims.sub] }) });
    assert.equal(v.valid, true, JSON.stringify(v.errors));
    assert.deepEqual(v.chain.map((l) => l.name), ['U', 'A', 'O']);
    assert.equal(v.chain[2]!.source, 'resolver');
  });

  it('readStoreTrust gives the chain, the store operators as roots, and the revoked jtis in one read', async () => {
    const s = await store();
    await revokeJti(s.ws, { token: s.other.token });
    const { resolver, operators, revokedJtis } = await readStoreTrust(s.ws);
    assert.deepEqual(operators, [s.operator.token]);
    assert.ok(revokedJtis.has(s.other.claims.jti!));
    const policy = definePolicy({ trustedOperators: operators, revokedJtis });
    assert.equal(verifyChainSync(s.user.token, { resolver, policy }).valid, true);
    const codes = verifyChainSync(s.other.token, { resolver, policy }).errors.map((r) => r.code);
    // Refused twice over: by its jti, and by the key revocation at its iat that revokeJti adds for servers.
    assert.deepEqual([...new Set(codes)], ['TOKEN_REVOKED']);
    assert.ok(codes.some((_, i) => verifyChainSync(s.other.token, { resolver, policy }).errors[i]!.message.includes(s.other.claims.jti!)), 'one reason names the jti');
  });

  it('a damaged account token is only missing from the chain; a damaged revocation list fails closed', async () => {
    const s = await store();
    writeFileSync(join(s.home, 'stores', 'O', 'accounts', 'A', 'A.jwt'), 'garbage');
    const t = await readStoreTrust(s.ws);
    assert.deepEqual(verifyChainSync(s.user.token, { resolver: t.resolver, policy: definePolicy({ trustedOperators: t.operators }) }).errors.map((r) => r.code), ['CHAIN_INCOMPLETE']);
    const s2 = await store();
    await revokeJti(s2.ws, { token: s2.other.token });
    const { readdirSync } = await import('node:fs');
    const dir = join(s2.home, 'stores', 'O', 'accounts', 'A');
    const list = readdirSync(dir).find((n) => n.startsWith('revocations'));
    assert.ok(list, `no revocation list in ${readdirSync(dir).join(', ')}`);
    writeFileSync(join(dir, list), '{ not json');
    await assert.rejects(readStoreTrust(s2.ws), (e: Error & { code?: string }) => e.code === 'STORE_CORRUPT');
  });
});

describe('store trust with NATS and wascap operators side by side', () => {
  it('readStoreTrust and storeResolver serve both formats: each chain resolves to its own operator, neither trips over the other', async () => {
    const { addWascapAccount, addWascapOperator, signModule } = await import('../../../src/workspace/index.js');
    const s = await store();
    const wop = await addWascapOperator(s.ws, 'W', { generateSigningKey: true });
    const wacct = await addWascapAccount(s.ws, 'team', { generateSigningKey: true });
    const signed = await signModule(s.ws, Uint8Array.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]), { issuer: await s.ws.resolveSigner(wacct.signingKey!.publicKey), name: 'm' });
    const { resolver, operators, revokedJtis } = await readStoreTrust(s.ws);
    assert.equal(operators.length, 2);
    const policy = definePolicy({ trustedOperators: operators, revokedJtis });
    const actor = verifyChainSync(signed.token, { resolver, policy });
    assert.equal(actor.valid, true, JSON.stringify(actor.errors));
    assert.deepEqual(actor.chain.map((l) => [l.kind, l.sub]), [['actor', signed.subject], ['account', wacct.account.publicKey], ['operator', wop.operator.publicKey]]);
    assert.equal(verifyChainSync(s.user.token, { resolver, policy }).valid, true);
    const lazy = await verifyChain(signed.token, { resolver: storeResolver(s.ws), policy });
    assert.equal(lazy.valid, true, JSON.stringify(lazy.errors));
    // Trusting only the NATS operator, the actor's chain ends nowhere trusted.
    assert.equal(verifyChainSync(signed.token, { resolver, policy: definePolicy({ trustedOperators: [s.operator.token] }) }).valid, false);
  });
});
