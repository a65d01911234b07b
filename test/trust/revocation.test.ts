// The verifier and the store's revocations: a user whose key the account revokes is refused
// (field iat), and a token whose jti the store revokes is refused (field jti), both with
// TOKEN_REVOKED; a later token of the same user is accepted. The policy's jtis come from
// revokedJtisFromStore, the chain from storeResolver (rebuilt after each change).
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { decodeUser } from '../../src/claims/nats/decode.js';
import { encodeUser } from '../../src/claims/nats/encode.js';
import { newUserClaims } from '../../src/claims/nats/user.js';
import { KeyPair } from '../../src/nkeys/keypair.js';
import { type Verdict, definePolicy, natsServerPolicy, verifyChain } from '../../src/trust/index.js';
import { storeResolver } from '../../src/workspace/index.js';
import { Workspace, addAccount, addOperator, addUser, editAccount, readOperator, revokeJti, revokeUser, revokedJtisFromStore } from '../../src/workspace/index.js';

type T = { after(fn: () => void): void };

async function setup(t: T) {
  const home = mkdtempSync(join(tmpdir(), 'sigchain-trust-rev-'));
  t.after(() => rmSync(home, { recursive: true, force: true }));
  const ws = Workspace.open({ env: { SIGCHAIN_KEYRING_BACKEND: 'file', SIGCHAIN_HOME: home, HOME: home } });
  await addOperator(ws, 'O', { generateSigningKey: true });
  const a = await addAccount(ws, 'A');
  const sk = (await editAccount(ws, { account: 'A', addSigningKeys: ['generate'] })).added[0]!.publicKey;
  const skPair = await ws.keys.getKey(sk);
  const u = await addUser(ws, 'U', { account: 'A', signer: skPair });
  const operatorJwt = (await readOperator(await ws.operator())).token;
  const token = await (await ws.operator()).readUserJwt('A', 'U');
  const userKey = KeyPair.fromSeed(readFileSync(u.user.keyPath, 'utf8').trim());
  return { ws, operatorJwt, token, skPair, userKey, accountKey: a.account.publicKey };
}

/** Verifies against the store as it is now, with its revoked jtis in the policy. */
async function verify(ws: Workspace, operatorJwt: string, token: string): Promise<Verdict> {
  const policy = definePolicy({ trustedOperators: [operatorJwt], revokedJtis: await revokedJtisFromStore(ws) });
  return verifyChain(token, { resolver: storeResolver(ws), policy });
}

function revoked(v: Verdict): Array<string | undefined> {
  return v.errors.filter((r) => r.code === 'TOKEN_REVOKED').map((r) => r.field);
}

/** A token for the same user key, issued at `iat` by the account signing key. */
function reissue(s: Awaited<ReturnType<typeof setup>>, iat: number): string {
  const c = newUserClaims('U', s.userKey.publicKey);
  c.nats.issuer_account = s.accountKey;
  return encodeUser(c, s.skPair, { iat });
}

describe('verifier + store revocations', () => {
  it('refuses a user whose key the account revokes (TOKEN_REVOKED at iat); a token issued a second later is fine', async (t) => {
    const s = await setup(t);
    assert.equal((await verify(s.ws, s.operatorJwt, s.token)).valid, true, 'valid before');
    const iat = decodeUser(s.token).iat!;
    await revokeUser(s.ws, { account: 'A', user: 'U', at: iat });
    const v = await verify(s.ws, s.operatorJwt, s.token);
    assert.equal(v.valid, false);
    assert.deepEqual(revoked(v), ['iat']);
    assert.equal(v.errors[0]!.at, 'user');
    const later = await verify(s.ws, s.operatorJwt, reissue(s, iat + 1));
    assert.equal(later.valid, true, JSON.stringify(later.errors));
  });

  it('"*" refuses every user issued at or before the time', async (t) => {
    const s = await setup(t);
    const iat = decodeUser(s.token).iat!;
    await revokeUser(s.ws, { account: 'A', all: true, at: iat });
    assert.deepEqual(revoked(await verify(s.ws, s.operatorJwt, s.token)), ['iat']);
    assert.deepEqual(revoked(await verify(s.ws, s.operatorJwt, reissue(s, iat))), ['iat'], 'equal is revoked');
    assert.equal((await verify(s.ws, s.operatorJwt, reissue(s, iat + 1))).valid, true);
  });

  it('refuses a token whose jti the store revokes (TOKEN_REVOKED at jti, and at iat via the key revocation); another jti of the same user issued later is fine', async (t) => {
    const s = await setup(t);
    const iat = decodeUser(s.token).iat!;
    const r = await revokeJti(s.ws, { token: s.token });
    const v = await verify(s.ws, s.operatorJwt, s.token);
    assert.equal(v.valid, false);
    assert.deepEqual(revoked(v).sort(), ['iat', 'jti']);
    assert.ok(v.errors.some((e) => e.field === 'jti' && e.message.includes(r.jti)));
    const later = reissue(s, iat + 1);
    assert.notEqual(decodeUser(later).jti, r.jti);
    const ok = await verify(s.ws, s.operatorJwt, later);
    assert.equal(ok.valid, true, JSON.stringify(ok.errors));
  });

  it('a jti-only revocation is refused by sigchain verifiers but not by the nats-server policy (which never checks jtis)', async (t) => {
    const s = await setup(t);
    await revokeJti(s.ws, { token: s.token, keyRevocation: false });
    assert.deepEqual(revoked(await verify(s.ws, s.operatorJwt, s.token)), ['jti']);
    const server = await verifyChain(s.token, { resolver: storeResolver(s.ws), policy: natsServerPolicy([s.operatorJwt]) });
    assert.equal(server.valid, true, 'what nats-server would do: accept');
  });

  it('a jti revoked from a later time is refused only from then on (judged --at)', async (t) => {
    const s = await setup(t);
    const iat = decodeUser(s.token).iat!;
    const r = await revokeJti(s.ws, { token: s.token, keyRevocation: false, at: iat + 100 });
    assert.equal(r.at, iat + 100);
    const jtis = await revokedJtisFromStore(s.ws);
    const at = (now: number) => verifyChain(s.token, { resolver: storeResolver(s.ws), policy: definePolicy({ trustedOperators: [s.operatorJwt], revokedJtis: jtis, now }) });
    assert.equal((await at(iat + 99)).valid, true);
    assert.deepEqual(revoked(await at(iat + 100)), ['jti']);
  });
});
