// Revocation in the store: user keys revoked as of a time in the account JWT (NATS semantics:
// revoked iff the entry's time >= iat, "*" for everyone; forward-only; clear may move back),
// re-signed only by an OPERATOR key; and single tokens revoked by jti in revocations.json, also
// expressed as a key revocation at the token's iat.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, it } from 'node:test';
import { isRevoked, revoke } from '../../../src/claims/nats/account.js';
import { decodeAccount, decodeUser } from '../../../src/claims/nats/decode.js';
import { encodeUser } from '../../../src/claims/nats/encode.js';
import { newUserClaims } from '../../../src/claims/nats/user.js';
import { randomBytes } from 'node:crypto';
import { encodePublicKey } from '../../../src/nkeys/codec.js';
import { KeyPair } from '../../../src/nkeys/keypair.js';
import { readRevokedJtis, revokedJtisPath } from '../../../src/store/revoked-jtis.js';
import { resignForRevocation } from '../../../src/workspace/revocation/revocation-common.js';
import {
  type Workspace,
  addUser,
  listRevocations,
  listRevokedJtis,
  readAccount,
  readOperator,
  revokeJti,
  revokeUser,
  revokedJtisFromStore,
  unrevokeJti,
  unrevokeUser,
} from '../../../src/workspace/index.js';
import { mode, operatorWithAccount, rejectsCode, snapshot, tempWorkspace } from '../helpers.js';

const now = () => Math.floor(Date.now() / 1000);
// Valid user public keys without generating key pairs (thousands are needed, fast).
const someUserKey = () => encodePublicKey('user', randomBytes(32));

async function setup(t: { after(fn: () => void): void }) {
  const { ws, home } = tempWorkspace(t);
  const base = await operatorWithAccount(ws);
  const skPair = await ws.keys.getKey(base.accountSk.publicKey);
  const u = await addUser(ws, 'U', { account: 'A', signer: skPair });
  const v = await addUser(ws, 'V', { account: 'A', signer: skPair });
  return { ws, home, ...base, skPair, u, v };
}

async function account(ws: Workspace) {
  return (await readAccount(await ws.operator(), 'A')).claims;
}

async function userToken(ws: Workspace, name: string): Promise<string> {
  return (await ws.operator()).readUserJwt('A', name);
}

/** A user token of `userKey` signed by the account signing key with a chosen iat. */
function userJwt(userKey: string, sk: KeyPair, accountKey: string, iat: number, name = 'U'): string {
  const c = newUserClaims(name, userKey);
  c.nats.issuer_account = accountKey;
  return encodeUser(c, sk, { iat });
}

/** Removes the seeds of the operator's keys: the operator side is not at hand any more. */
function dropOperatorSeeds(ws: Workspace, o: { operator: { publicKey: string }; signingKey?: { publicKey: string } }): void {
  for (const pub of [o.operator.publicKey, o.signingKey!.publicKey]) rmSync(ws.keys.keyPath(pub), { force: true });
}

describe('revokeUser / unrevokeUser (account JWT revocations)', () => {
  it('revokes a stored user as of now: re-signed by the operator signing key, and its current token is refused', async (t) => {
    const { ws, o, a, u } = await setup(t);
    const before = now();
    const r = await revokeUser(ws, { account: 'A', user: 'U' });
    assert.equal(r.key, u.user.publicKey);
    assert.equal(r.user, 'U');
    assert.equal(r.changed, true);
    assert.ok(r.at >= before && r.at <= now());
    assert.deepEqual(r.revokedUsers.map((x) => x.name), ['U']);
    assert.equal(r.account.resigned, true);
    assert.equal(r.account.issuer, o.signingKey!.publicKey, 'the operator signing key signs revocations');
    assert.equal(r.account.signedBy, 'signing-key');
    assert.ok(r.nextSteps.some((s) => s.includes('sigchain nats server-config') && s.includes('reload')));
    const acct = await account(ws);
    assert.equal(acct.sub, a.account.publicKey);
    assert.equal(acct.iss, o.signingKey!.publicKey);
    assert.equal(acct.nats.revocations![u.user.publicKey], r.at);
    const uc = decodeUser(await userToken(ws, 'U'));
    const vc = decodeUser(await userToken(ws, 'V'));
    assert.equal(isRevoked(acct.nats.revocations, uc.sub, uc.iat!), true);
    assert.equal(isRevoked(acct.nats.revocations, vc.sub, vc.iat!), false, 'only U');
  });

  it('NATS semantics: a revocation time equal to iat revokes; one second earlier does not (and says so)', async (t) => {
    const { ws, u } = await setup(t);
    const iat = decodeUser(await userToken(ws, 'U')).iat!;
    const early = await revokeUser(ws, { account: 'A', user: 'U', at: iat - 1 });
    assert.deepEqual(early.revokedUsers, []);
    assert.ok(early.warnings.some((w) => /NOT revoked/.test(w)), early.warnings.join('\n'));
    assert.equal(isRevoked((await account(ws)).nats.revocations, u.user.publicKey, iat), false);
    const equal = await revokeUser(ws, { account: 'A', user: 'U', at: iat });
    assert.equal(equal.changed, true);
    assert.deepEqual(equal.revokedUsers.map((x) => x.name), ['U']);
    assert.equal(isRevoked((await account(ws)).nats.revocations, u.user.publicKey, iat), true);
  });

  it('"*" revokes every user issued at or before the time, not those issued after', async (t) => {
    const { ws, skPair, a } = await setup(t);
    const t0 = now();
    const r = await revokeUser(ws, { account: 'A', all: true, at: t0 });
    assert.equal(r.key, '*');
    assert.deepEqual(r.revokedUsers.map((x) => x.name).sort(), ['U', 'V']);
    const list = (await account(ws)).nats.revocations!;
    assert.deepEqual(Object.keys(list), ['*']);
    const later = KeyPair.create('user');
    assert.equal(isRevoked(list, later.publicKey, decodeUser(userJwt(later.publicKey, skPair, a.account.publicKey, t0 + 1)).iat!), false);
    assert.equal(isRevoked(list, later.publicKey, t0), true);
    // -u '*' is the same entry.
    const again = await revokeUser(ws, { account: 'A', publicKey: '*', at: t0 });
    assert.equal(again.changed, false);
  });

  it('only moves forward: an earlier time keeps the later entry without re-signing; delete then add moves it back', async (t) => {
    const { ws, home, u } = await setup(t);
    const t2 = now() + 5;
    await revokeUser(ws, { account: 'A', user: 'U', at: t2 });
    const jwtPath = (await ws.directoryOperator()).accountJwtPath('A');
    const signed = readFileSync(jwtPath, 'utf8');
    const before = snapshot(home);
    const r = await revokeUser(ws, { account: 'A', user: 'U', at: t2 - 100 });
    assert.equal(r.changed, false);
    assert.equal(r.at, t2);
    assert.equal(r.previous, t2);
    assert.equal(r.account.resigned, false);
    assert.ok(r.warnings.some((w) => /only moves forward/.test(w) && /delete-user/.test(w)));
    assert.equal(readFileSync(jwtPath, 'utf8'), signed, 'not re-signed');
    assert.deepEqual(snapshot(home), before);
    const cleared = await unrevokeUser(ws, { account: 'A', user: 'U' });
    assert.equal(cleared.removed, t2);
    assert.equal((await account(ws)).nats.revocations, undefined, 'an empty list is dropped');
    const back = await revokeUser(ws, { account: 'A', publicKey: u.user.publicKey, at: t2 - 100 });
    assert.equal(back.at, t2 - 100);
    assert.equal((await account(ws)).nats.revocations![u.user.publicKey], t2 - 100);
  });

  it('warns when the time is in the future: tokens issued until then are refused too', async (t) => {
    const { ws } = await setup(t);
    const r = await revokeUser(ws, { account: 'A', user: 'V', at: now() + 3600 });
    assert.ok(r.warnings.some((w) => /in the future/.test(w)));
  });

  it('revokes a key that is not in the store (nsc#302), by public key', async (t) => {
    const { ws } = await setup(t);
    const outsider = KeyPair.create('user').publicKey;
    const r = await revokeUser(ws, { account: 'A', publicKey: outsider });
    assert.equal(r.user, undefined);
    assert.deepEqual(r.revokedUsers, []);
    assert.ok((await account(ws)).nats.revocations![outsider]! > 0);
  });

  it('refuses bad targets with coded errors, never echoing a seed', async (t) => {
    const { ws, home } = await setup(t);
    const before = snapshot(home);
    await rejectsCode(revokeUser(ws, { account: 'A', publicKey: KeyPair.create('account').publicKey }), 'NKEY_WRONG_ROLE');
    const seed = KeyPair.create('user').seed;
    await rejectsCode(revokeUser(ws, { account: 'A', publicKey: seed }), 'NKEY_PUBLIC_EXPECTED', seed);
    await rejectsCode(revokeUser(ws, { account: 'A' }), 'USAGE');
    await rejectsCode(revokeUser(ws, { account: 'A', user: 'U', all: true }), 'USAGE');
    await rejectsCode(revokeUser(ws, { account: 'A', user: 'nobody' }), 'STORE_NOT_FOUND');
    await rejectsCode(unrevokeUser(ws, { account: 'A', user: 'U' }), 'NOT_REVOKED');
    assert.deepEqual(snapshot(home), before);
  });

  it('says which key is needed when no operator key is at hand (NO_APPROPRIATE_SIGNING_KEY), changing nothing', async (t) => {
    const { ws, home, o, a, accountSk } = await setup(t);
    // The account's own keys cannot sign its JWT.
    const byAccountKey = await rejectsCode(revokeUser(ws, { account: 'A', user: 'U', signer: await ws.resolveSigner(a.account.keyPath!) }), 'NO_APPROPRIATE_SIGNING_KEY');
    assert.match(byAccountKey.message, /OPERATOR key/);
    assert.match(byAccountKey.message, /account's own identity and signing keys cannot sign its JWT/);
    await rejectsCode(revokeUser(ws, { account: 'A', user: 'U', signer: await ws.resolveSigner(accountSk.keyPath) }), 'NO_APPROPRIATE_SIGNING_KEY');
    const identitySeed = readFileSync(o.operator.keyPath, 'utf8').trim();
    dropOperatorSeeds(ws, o);
    const before = snapshot(home);
    const e = await rejectsCode(revokeUser(ws, { account: 'A', user: 'U' }), 'NO_APPROPRIATE_SIGNING_KEY');
    assert.match(e.message, /Revocations live in account "A"'s JWT, and only operator "O" signs that JWT/);
    assert.match(e.message, new RegExp(o.signingKey!.publicKey), 'names the operator keys that could sign');
    assert.equal(e.details?.needs, 'operator');
    await rejectsCode(revokeJti(ws, { token: await userToken(ws, 'U') }), 'NO_APPROPRIATE_SIGNING_KEY');
    await rejectsCode(revokeUser(ws, { account: 'A', all: true }), 'NO_APPROPRIATE_SIGNING_KEY');
    assert.deepEqual(snapshot(home), before, 'no account JWT and no revocations.json written');
    // The operator identity key brought from elsewhere (-K) may sign, with a warning.
    const r = await revokeUser(ws, { account: 'A', user: 'U', signer: KeyPair.fromSeed(identitySeed) });
    assert.equal(r.account.signedBy, 'identity');
    assert.equal(decodeAccount(await (await ws.operator()).readAccountJwt('A')).iss, o.operator.publicKey);
    assert.ok(r.warnings.some((w) => /identity key/.test(w)));
  });

  it('unrevokeUser clears an entry and lists users that are accepted again; warns when "*" still covers them', async (t) => {
    const { ws } = await setup(t);
    const t0 = now();
    await revokeUser(ws, { account: 'A', user: 'U', at: t0 });
    await revokeUser(ws, { account: 'A', all: true, at: t0 });
    const r = await unrevokeUser(ws, { account: 'A', user: 'U' });
    assert.deepEqual(r.restoredUsers, [], 'still refused by "*"');
    assert.ok(r.warnings.some((w) => /"\*" entry still refuses/.test(w)));
    const all = await unrevokeUser(ws, { account: 'A', all: true });
    assert.deepEqual(all.restoredUsers.map((x) => x.name).sort(), ['U', 'V']);
    assert.equal((await account(ws)).nats.revocations, undefined);
  });

  it('listRevocations: "*" first, names of stored users, and which stored users each entry refuses', async (t) => {
    const { ws, u } = await setup(t);
    const outsider = KeyPair.create('user').publicKey;
    const t0 = now();
    await revokeUser(ws, { account: 'A', publicKey: outsider, at: t0 - 10 });
    await revokeUser(ws, { account: 'A', user: 'U', at: t0 });
    await revokeUser(ws, { account: 'A', all: true, at: t0 - 3600 });
    const l = await listRevocations(ws, { account: 'A' });
    assert.deepEqual(l.entries.map((e) => [e.key, e.name, e.at]), [
      ['*', undefined, t0 - 3600],
      [outsider, undefined, t0 - 10],
      [u.user.publicKey, 'U', t0],
    ]);
    assert.deepEqual(l.entries[0]!.revokedUsers, [], 'users were issued after the "*" time');
    assert.deepEqual(l.entries[2]!.revokedUsers.map((x) => x.name), ['U']);
    assert.ok(l.tokenBytes > 0 && l.tokenLimit === 1024 * 1024);
  });

  it('warns as the account JWT grows toward the 1 MiB limit (short-lived users scale better); refuses past it', async (t) => {
    const { ws } = await setup(t);
    const op = await ws.operator();
    const operator = await readOperator(op);
    const acct = await readAccount(op, 'A');
    for (let i = 0; i < 1000; i++) revoke(acct.claims, someUserKey(), 1_700_000_000);
    await op.writeAccountJwt('A', (await resignForRevocation(ws, op, operator, acct)).token);
    const r = await revokeUser(ws, { account: 'A', user: 'U' });
    assert.ok(r.warnings.some((w) => /1001 revocations/.test(w) && /short-lived users/.test(w) && /nsc#423/.test(w)), r.warnings.join('\n'));
    for (let i = 0; i < 11_500; i++) revoke(acct.claims, someUserKey(), 1_700_000_000);
    const e = await rejectsCode(resignForRevocation(ws, op, operator, acct), 'TOKEN_TOO_LARGE');
    assert.match(e.message, /nothing was written/);
  });
});

describe('revokeJti / unrevokeJti (one token)', () => {
  it('records the jti in revocations.json (0600) and revokes the user key at the token iat; explains the per-second effect', async (t) => {
    const { ws, u, a } = await setup(t);
    const token = await userToken(ws, 'U');
    const uc = decodeUser(token);
    const r = await revokeJti(ws, { token });
    assert.equal(r.jti, uc.jti);
    assert.equal(r.account.name, 'A');
    assert.equal(r.account.resigned, true);
    assert.deepEqual(r.keyRevocation, { key: u.user.publicKey, at: uc.iat, changed: true });
    assert.deepEqual(r.alsoRevoked.map((x) => x.name), ['U']);
    assert.ok(r.notes.some((n) => /any other token of that user issued at or before that second is refused too/.test(n)), r.notes.join('\n'));
    assert.equal(r.token?.type, 'user');
    assert.equal(r.token?.source, 'given');
    const acct = await account(ws);
    assert.equal(acct.nats.revocations![u.user.publicKey], uc.iat, 'the key revocation is at the token iat, not now');
    const op = await ws.directoryOperator();
    const path = revokedJtisPath(op, 'A');
    assert.equal(mode(path), 0o600);
    const file = JSON.parse(readFileSync(path, 'utf8'));
    assert.equal(file.version, 1);
    assert.equal(file.account, a.account.publicKey);
    assert.deepEqual(file.jtis[uc.jti!].keyRevocation, { key: u.user.publicKey, at: uc.iat });
    assert.equal(file.jtis[uc.jti!].subject, u.user.publicKey);
    assert.ok(!readdirSync(dirname(path)).some((n) => n.endsWith('.tmp')), 'no temp file left');
    // The store still reads as before: the file is no account and no user.
    assert.deepEqual(await op.listAccounts(), ['A', 'SYS']);
    assert.deepEqual(await op.listUsers('A'), ['U', 'V']);
    const jtis = await revokedJtisFromStore(ws);
    assert.equal(jtis.get(uc.jti!), r.at);
  });

  it('a later token of the same user is not revoked (neither its jti nor by the key revocation)', async (t) => {
    const { ws, skPair, a, u } = await setup(t);
    const token = await userToken(ws, 'U');
    const iat = decodeUser(token).iat!;
    await revokeJti(ws, { token });
    const userKey = KeyPair.fromSeed(readFileSync(u.user.keyPath, 'utf8').trim());
    const later = decodeUser(userJwt(userKey.publicKey, skPair, a.account.publicKey, iat + 1));
    assert.notEqual(later.jti, decodeUser(token).jti);
    assert.equal(isRevoked((await account(ws)).nats.revocations, later.sub, later.iat!), false);
    assert.equal((await revokedJtisFromStore(ws)).has(later.jti!), false);
  });

  it('finds a stored token by its jti alone; an unknown jti is recorded for verifiers only, with a warning', async (t) => {
    const { ws, v } = await setup(t);
    const vc = decodeUser(await userToken(ws, 'V'));
    const r = await revokeJti(ws, { jti: vc.jti! });
    assert.equal(r.token?.source, 'store');
    assert.equal(r.token?.name, 'V');
    assert.equal(r.keyRevocation?.key, v.user.publicKey);
    const unknown = await revokeJti(ws, { jti: 'NOSUCHJTI0000000000000000000000000000000000000000000', account: 'A' });
    assert.equal(unknown.keyRevocation, undefined);
    assert.equal(unknown.account.resigned, false);
    assert.ok(unknown.warnings.some((w) => /only sigchain verifiers are told/.test(w)));
    await rejectsCode(revokeJti(ws, { jti: 'has space' }), 'USAGE');
    await rejectsCode(revokeJti(ws, {}), 'USAGE');
  });

  it('keyRevocation: false records the jti without an operator key and leaves the account JWT alone', async (t) => {
    const { ws, o } = await setup(t);
    dropOperatorSeeds(ws, o);
    const jwtPath = (await ws.directoryOperator()).accountJwtPath('A');
    const signed = readFileSync(jwtPath, 'utf8');
    const token = await userToken(ws, 'U');
    const r = await revokeJti(ws, { token, keyRevocation: false });
    assert.equal(r.keyRevocation, undefined);
    assert.ok(r.notes.some((n) => /nats-server, which never checks jtis, still accepts it/.test(n)));
    assert.equal(readFileSync(jwtPath, 'utf8'), signed);
    assert.equal((await revokedJtisFromStore(ws)).has(decodeUser(token).jti!), true);
  });

  it('refuses a future time for a user token (servers cannot schedule), a forged token, and a token of an account not in the store', async (t) => {
    const { ws, home, a } = await setup(t);
    const before = snapshot(home);
    const token = await userToken(ws, 'U');
    await rejectsCode(revokeJti(ws, { token, at: now() + 3600 }), 'USAGE');
    const [h, p] = token.split('.');
    await rejectsCode(revokeJti(ws, { token: `${h}.${p}.${'A'.repeat(86)}` }), 'BAD_SIGNATURE');
    const stranger = KeyPair.create('account');
    await rejectsCode(revokeJti(ws, { token: encodeUser(newUserClaims('x', KeyPair.create('user').publicKey), stranger) }), 'STORE_NOT_FOUND');
    await rejectsCode(revokeJti(ws, { token, account: 'SYS' }), 'USAGE');
    assert.deepEqual(snapshot(home), before);
    // A token signed by a key the account does not list: only the jti is recorded.
    const rogue = KeyPair.create('account');
    const c = newUserClaims('U', KeyPair.create('user').publicKey);
    c.nats.issuer_account = a.account.publicKey;
    const r = await revokeJti(ws, { token: encodeUser(c, rogue, { iat: now() }) });
    assert.equal(r.keyRevocation, undefined);
    assert.ok(r.warnings.some((w) => /not a key account "A" lists now/.test(w)));
  });

  it('unrevokeJti removes the jti and puts the key revocation back to what it was (or what other revoked jtis need)', async (t) => {
    const { ws, skPair, a, u } = await setup(t);
    const key = u.user.publicKey;
    const t0 = now() - 100;
    await revokeUser(ws, { account: 'A', user: 'U', at: t0 - 50 });
    const first = userJwt(key, skPair, a.account.publicKey, t0);
    const second = userJwt(key, skPair, a.account.publicKey, t0 + 10);
    await revokeJti(ws, { token: first });
    const r2 = await revokeJti(ws, { token: second });
    assert.equal(r2.keyRevocation?.previous, t0);
    assert.equal((await account(ws)).nats.revocations![key], t0 + 10);
    const undo2 = await unrevokeJti(ws, { token: second });
    assert.deepEqual(undo2.keyRevocation, { key, restoredTo: t0 }, 'the first revoked jti still needs its iat');
    assert.equal((await account(ws)).nats.revocations![key], t0);
    const undo1 = await unrevokeJti(ws, { jti: decodeUser(first).jti! });
    assert.deepEqual(undo1.keyRevocation, { key, restoredTo: t0 - 50 }, 'back to the add-user revocation');
    assert.equal((await account(ws)).nats.revocations![key], t0 - 50);
    assert.deepEqual((await listRevokedJtis(ws, { account: 'A' })).accounts[0]!.jtis, []);
    await rejectsCode(unrevokeJti(ws, { jti: decodeUser(first).jti! }), 'NOT_REVOKED');
  });

  it('unrevokeJti leaves a key revocation that was changed since, with a warning', async (t) => {
    const { ws } = await setup(t);
    const token = await userToken(ws, 'U');
    await revokeJti(ws, { token });
    await revokeUser(ws, { account: 'A', user: 'U', at: now() + 1 });
    const r = await unrevokeJti(ws, { token });
    assert.equal(r.keyRevocation, undefined);
    assert.ok(r.warnings.some((w) => /was changed since/.test(w)));
  });

  it('concurrent revocations are serialised by the store lock: none is lost', async (t) => {
    const { ws } = await setup(t);
    const jtis = Array.from({ length: 8 }, (_, i) => `JTI${i}XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX`);
    await Promise.all(jtis.map((jti) => revokeJti(ws, { jti, account: 'A' })));
    const listed = (await listRevokedJtis(ws, { account: 'A' })).accounts[0]!.jtis.map((e) => e.jti);
    assert.deepEqual(listed, [...jtis].sort());
  });

  it('a damaged revocations.json fails closed (STORE_CORRUPT), for the verifier list too', async (t) => {
    const { ws } = await setup(t);
    await revokeJti(ws, { jti: 'SOMEJTI', account: 'A' });
    const op = await ws.directoryOperator();
    writeFileSync(revokedJtisPath(op, 'A'), '{"version":1,"account":"A","jtis":{}}');
    await rejectsCode(revokedJtisFromStore(ws), 'STORE_CORRUPT');
    await rejectsCode(revokeJti(ws, { jti: 'OTHER', account: 'A' }), 'STORE_CORRUPT');
    writeFileSync(revokedJtisPath(op, 'A'), 'not json');
    const e = await rejectsCode(readRevokedJtis(op, 'A', decodeAccount(await op.readAccountJwt('A')).sub), 'STORE_CORRUPT');
    assert.match(e.message, /Do not just delete it/);
  });
});
