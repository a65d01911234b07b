// planCompromise / applyCompromise: a leaked operator or account signing key is replaced by a fresh
// one with the same scope, its entity re-signed, everything it signed re-issued (and nothing else
// touched), and an interrupted run finishes with the same replacement key.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { accountDidSign, newUserScope, revoke } from '../../../src/claims/nats/account.js';
import { newActivationClaims } from '../../../src/claims/nats/activation.js';
import { parseCreds } from '../../../src/input/creds.js';
import { decodeAccount, decodeActivation, decodeOperator, decodeUser } from '../../../src/claims/nats/decode.js';
import { encodeActivation } from '../../../src/claims/nats/encode.js';
import { operatorDidSign } from '../../../src/claims/nats/operator.js';
import type { AccountClaims, UserClaims } from '../../../src/claims/nats/types.js';
import { hasEmptyPermissions } from '../../../src/claims/nats/user.js';
import { validateScopedSigner } from '../../../src/claims/nats/validate.js';
import { KeyPair } from '../../../src/nkeys/keypair.js';
import { applyCompromise, planCompromise } from '../../../src/workspace/compromise/compromised.js';
import { addAccount, addUser, editAccount, editOperator, issueAccount, readAccount, readOperator } from '../../../src/workspace/index.js';
import type { Workspace } from '../../../src/workspace/workspace.js';
import { operatorWithAccount, rejectsCode, snapshot, tempWorkspace } from '../helpers.js';

type T = Parameters<typeof tempWorkspace>[0];

/** Claims of a user token without the parts a re-issue changes. */
function body(token: string): Omit<UserClaims, 'iat' | 'jti' | 'iss'> {
  const { iat: _i, jti: _j, iss: _s, ...rest } = decodeUser(token);
  return rest;
}

async function setScope(ws: Workspace, account: string, key: string): Promise<void> {
  const op = await ws.operator();
  const a = await readAccount(op, account);
  const keys = (a.claims.nats.signing_keys ?? []).filter((k) => (typeof k === 'string' ? k : k.key) !== key);
  a.claims.nats.signing_keys = [...keys, newUserScope(key, 'svc', { pub: { allow: ['svc.{{name()}}.>'] }, sub: { allow: ['_INBOX.>'] } }, 'services')];
  await op.writeAccountJwt(account, (await issueAccount(ws, await readOperator(op), a.claims, undefined, { previous: a.claims })).token);
}

/**
 * Operator O (signing key), account A with the leaked signing key `bad` (scoped when asked) and
 * another signing key; users by `bad`, by the other key and by A's identity; account B with a user.
 */
async function accountStore(t: T, opts: { scoped?: boolean } = {}) {
  const { ws, home } = tempWorkspace(t);
  const { o, a, accountSk } = await operatorWithAccount(ws);
  const bad = accountSk.publicKey;
  const other = (await editAccount(ws, { account: 'A', addSigningKeys: ['generate'] })).added[0]!.publicKey;
  if (opts.scoped) await setScope(ws, 'A', bad);
  const badKp = await ws.keys.getKey(bad);
  for (const name of ['u1', 'u2', 'u3']) {
    await addUser(ws, name, { account: 'A', signer: badKp, tags: ['team:x'], ...(opts.scoped ? {} : { edit: { allowPub: [`orders.${name}.>`], subs: 10 } }) });
  }
  await addUser(ws, 'byOther', { account: 'A', signer: await ws.keys.getKey(other) });
  await addUser(ws, 'byIdentity', { account: 'A', signer: await ws.keys.getKey(a.account.publicKey) });
  await addAccount(ws, 'B');
  await addUser(ws, 'b1', { account: 'B' });
  return { ws, home, o, a, bad, other, op: await ws.operator() };
}

const userJwt = (home: string, account: string, user: string) => join(home, 'stores', 'O', 'accounts', account, 'users', `${user}.jwt`);
const creds = (home: string, account: string, user: string) => join(home, 'creds', 'O', account, `${user}.creds`);

describe('compromised account signing key', () => {
  it('plans without changing anything: the parent, the users it signed, the signer', async (t) => {
    const { ws, home, bad, o } = await accountStore(t);
    const before = snapshot(home);
    const plan = await planCompromise(ws, bad);
    assert.deepEqual(snapshot(home), before, 'a plan changes nothing');
    assert.equal(plan.status, 'listed');
    assert.equal(plan.role, 'account');
    assert.equal(plan.parents.length, 1);
    assert.equal(plan.parents[0]!.name, 'A');
    assert.equal(plan.parents[0]!.signer?.publicKey, o.signingKey!.publicKey);
    assert.deepEqual(plan.reissue.map((r) => `${r.kind}:${r.account}/${r.name}:${r.creds}`).sort(), ['user:A/u1:key-store', 'user:A/u2:key-store', 'user:A/u3:key-store']);
    assert.equal(plan.untouched, 2, 'byOther and byIdentity');
    assert.deepEqual(plan.cannot, []);
  });

  it('replaces the key, re-signs the account, re-issues exactly its users with their claims and seeds', async (t) => {
    const { ws, home, bad, other, a, op } = await accountStore(t);
    const before = snapshot(home);
    const oldTokens = new Map(['u1', 'u2', 'u3'].map((u) => [u, readFileSync(userJwt(home, 'A', u), 'utf8')]));
    const r = await applyCompromise(ws, bad);
    assert.equal(r.status, 'done');
    assert.equal(r.resumed, false);
    assert.equal(r.replacements.length, 1);
    const fresh = r.replacements[0]!.publicKey;
    assert.ok(fresh.startsWith('A') && fresh !== bad);
    assert.ok(existsSync(r.replacements[0]!.storedAt));
    assert.deepEqual((await ws.keys.getKeyMeta(fresh)).usages, ['issuing'], 'the fresh key may only issue');
    const retired = await ws.keys.getKeyMeta(bad);
    assert.ok(retired.retired, 'the leaked key is retired in the key store');
    assert.equal(retired.replacedBy, fresh);
    assert.equal(r.retired, true);

    const acct = decodeAccount(await op.readAccountJwt('A'));
    const listed = (acct.nats.signing_keys ?? []).map((k) => (typeof k === 'string' ? k : k.key)).sort();
    assert.deepEqual(listed, [other, fresh].sort(), 'the leaked key is gone, the fresh one is listed');
    assert.ok(operatorDidSign(decodeOperator(await op.readOperatorJwt()), acct), 'the account is signed by an operator key');
    assert.deepEqual(r.resigned.map((x) => `${x.kind}:${x.name}`), ['account:A']);

    assert.deepEqual(r.reissued.map((x) => x.name).sort(), ['u1', 'u2', 'u3']);
    assert.equal(r.credsWritten, 3);
    for (const [u, old] of oldTokens) {
      const now = readFileSync(userJwt(home, 'A', u), 'utf8');
      const c = decodeUser(now);
      assert.equal(c.iss, fresh);
      assert.equal(c.nats.issuer_account, a.account.publicKey);
      assert.deepEqual(body(now), body(old), `${u}: same claims (permissions, limits, tags, name, subject)`);
      assert.ok(accountDidSign(acct, c), `${u}: the account vouches for the new token`);
      assert.ok(!accountDidSign(acct, decodeUser(old)), `${u}: the old token is no longer vouched for`);
      const cr = parseCreds(readFileSync(creds(home, 'A', u), 'utf8'));
      assert.equal(cr.jwt, now, `${u}: creds hold the new JWT`);
      assert.equal(KeyPair.fromSeed(cr.seed).publicKey, c.sub, `${u}: creds keep the user's seed`);
    }
    const after = snapshot(home);
    for (const [path, text] of before) {
      // SYS as a path segment only: a random key may contain the letters SYS.
      if (/accounts\/B\/|users\/(byOther|byIdentity)\.jwt$|creds\/O\/(B|A\/(byOther|byIdentity))|(^|\/)SYS(\/|\.|$)/.test(path)) assert.equal(after.get(path), text, `${path} untouched byte for byte`);
    }
    assert.equal(readdirSync(join(home, 'stores', 'O')).filter((n) => n.startsWith('.compromise')).length, 0, 'journal and backup removed');
    assert.ok(r.next.some((n) => /nats server-config/.test(n) && /SIGHUP/.test(n)));

    const again = await planCompromise(ws, bad);
    assert.equal(again.status, 'not-listed');
    assert.match(again.notes.join('\n'), /nothing to re-issue/);
    const rerun = await applyCompromise(ws, bad);
    assert.equal(rerun.status, 'not-listed', 'running it again does nothing');
    assert.equal(rerun.reissued.length, 0);
  });

  it('a scoped key is replaced by a key with the same scope; its users stay scoped', async (t) => {
    const { ws, bad, op } = await accountStore(t, { scoped: true });
    const scopeBefore = (await readAccount(op, 'A')).claims.nats.signing_keys!.find((k) => typeof k !== 'string' && k.key === bad);
    assert.ok(scopeBefore && typeof scopeBefore !== 'string');
    const plan = await planCompromise(ws, bad);
    assert.equal(plan.parents[0]!.scope?.role, 'svc');
    const r = await applyCompromise(ws, bad);
    const fresh = r.replacements[0]!.publicKey;
    assert.equal(r.replacements[0]!.scope, 'svc');
    const acct = decodeAccount(await op.readAccountJwt('A'));
    const scope = acct.nats.signing_keys!.find((k) => typeof k !== 'string' && k.key === fresh);
    assert.ok(scope && typeof scope !== 'string', 'the fresh key is scoped');
    assert.deepEqual({ ...scope, key: bad }, scopeBefore, 'same role, template and description');
    for (const u of ['u1', 'u2', 'u3']) {
      const c = decodeUser(await op.readUserJwt('A', u));
      assert.equal(c.iss, fresh);
      assert.ok(hasEmptyPermissions(c), `${u} carries no permissions of its own`);
      assert.deepEqual(validateScopedSigner(c, scope), [], `${u} is valid under the scope`);
    }
  });

  it('a revoked user is not re-issued (a new token would lift the revocation)', async (t) => {
    const { ws, bad, op } = await accountStore(t);
    const a = await readAccount(op, 'A');
    const u2 = decodeUser(await op.readUserJwt('A', 'u2'));
    revoke(a.claims, u2.sub, u2.iat! + 1);
    await op.writeAccountJwt('A', (await issueAccount(ws, await readOperator(op), a.claims, undefined, { previous: a.claims })).token);
    const plan = await planCompromise(ws, bad);
    assert.deepEqual(plan.reissue.map((x) => x.name).sort(), ['u1', 'u3']);
    assert.match(plan.cannot.find((c) => c.name === 'u2')?.reason ?? '', /revoked/);
    const before = await op.readUserJwt('A', 'u2');
    const r = await applyCompromise(ws, bad);
    assert.deepEqual(r.reissued.map((x) => x.name).sort(), ['u1', 'u3']);
    assert.equal(await op.readUserJwt('A', 'u2'), before);
    assert.ok(r.cannot.some((c) => c.name === 'u2' && /revoked/.test(c.reason)));
    const acct = decodeAccount(await op.readAccountJwt('A'));
    assert.equal(acct.nats.revocations?.[u2.sub], u2.iat! + 1, 'the revocation is kept');
  });

  it('without a user seed the JWT is re-issued and the missing creds reported; a creds file alone still gives the seed', async (t) => {
    const { ws, home, bad, op } = await accountStore(t);
    const u1 = decodeUser(await op.readUserJwt('A', 'u1'));
    const u2 = decodeUser(await op.readUserJwt('A', 'u2'));
    await ws.keys.removeKey(u1.sub);
    await ws.keys.removeCreds('O', 'A', 'u1');
    await ws.keys.removeKey(u2.sub); // u2 keeps its creds file
    const plan = await planCompromise(ws, bad);
    assert.equal(plan.reissue.find((x) => x.name === 'u1')?.creds, 'none');
    assert.equal(plan.reissue.find((x) => x.name === 'u2')?.creds, 'creds-file');
    assert.ok(plan.cannot.some((c) => c.kind === 'creds' && c.name === 'u1' && /seed/.test(c.reason)));
    const r = await applyCompromise(ws, bad);
    const fresh = r.replacements[0]!.publicKey;
    assert.equal(decodeUser(await op.readUserJwt('A', 'u1')).iss, fresh, 'u1 gets its new JWT anyway');
    assert.equal(existsSync(creds(home, 'A', 'u1')), false);
    assert.ok(r.cannot.some((c) => c.kind === 'creds' && c.name === 'u1'));
    assert.equal(r.credsWritten, 2);
    const c2 = parseCreds(readFileSync(creds(home, 'A', 'u2'), 'utf8'));
    assert.equal(c2.jwt, await op.readUserJwt('A', 'u2'));
    assert.equal(KeyPair.fromSeed(c2.seed).publicKey, u2.sub);
  });

  it('re-issues activations it signed, in the importing account, and re-signs that account', async (t) => {
    const { ws, bad, op, a } = await accountStore(t);
    const badKp = await ws.keys.getKey(bad);
    const opStored = await readOperator(op);
    const exporter = await readAccount(op, 'A');
    exporter.claims.nats.exports = [{ name: 'svc', subject: 'svc.>', type: 'service', token_req: true }];
    await op.writeAccountJwt('A', (await issueAccount(ws, opStored, exporter.claims, undefined, { previous: exporter.claims })).token);
    const importer = await readAccount(op, 'B');
    const act = encodeActivation(newActivationClaims('grant', importer.claims.sub, 'svc.>', 'service', a.account.publicKey), badKp);
    importer.claims.nats.imports = [{ name: 'svc', subject: 'svc.>', account: a.account.publicKey, type: 'service', token: act }];
    await op.writeAccountJwt('B', (await issueAccount(ws, opStored, importer.claims, undefined, { previous: importer.claims })).token);
    const plan = await planCompromise(ws, bad);
    assert.ok(plan.reissue.some((x) => x.kind === 'activation' && x.account === 'B' && x.name === 'svc'));
    const r = await applyCompromise(ws, bad);
    const fresh = r.replacements[0]!.publicKey;
    const b = decodeAccount(await op.readAccountJwt('B'));
    const token = b.nats.imports![0]!.token!;
    const newAct = decodeActivation(token);
    assert.equal(newAct.iss, fresh);
    assert.equal(newAct.nats.issuer_account, a.account.publicKey);
    assert.equal(newAct.sub, importer.claims.sub);
    assert.equal(newAct.nats.subject, 'svc.>');
    assert.ok(r.resigned.some((x) => x.name === 'B'));
    assert.ok(r.reissued.some((x) => x.kind === 'activation'));
  });

  it('refuses, changing nothing, when no operator key can re-sign the account; -K unblocks it', async (t) => {
    const { ws, home, bad, o } = await accountStore(t);
    const opSk = await ws.keys.getKey(o.signingKey!.publicKey);
    await ws.keys.removeKey(o.signingKey!.publicKey);
    await ws.keys.removeKey(o.operator.publicKey);
    const plan = await planCompromise(ws, bad);
    assert.equal(plan.parents[0]!.blocked?.code, 'NO_APPROPRIATE_SIGNING_KEY');
    const before = snapshot(home);
    const e = await rejectsCode(applyCompromise(ws, bad), 'NO_APPROPRIATE_SIGNING_KEY');
    assert.match(e.message, /Nothing was changed/);
    assert.deepEqual(snapshot(home), before, 'no key stored, no journal, no token changed');
    const r = await applyCompromise(ws, bad, { signer: opSk });
    assert.equal(r.reissued.length, 3);
    assert.equal(r.resigned[0]!.signer, opSk.publicKey);
  });
});

describe('delegation restrictions', () => {
  it('the replacement gets the restriction of the leaked key (account and operator)', async (t) => {
    const { ws, bad, o, op } = await accountStore(t);
    await editAccount(ws, { account: 'A', restrictSigningKeys: { [bad]: ['user'] } });
    const plan = await planCompromise(ws, bad);
    assert.deepEqual(plan.parents[0]!.restriction, ['user']);
    const r = await applyCompromise(ws, bad);
    const fresh = r.replacements[0]!.publicKey;
    const acct = decodeAccount(await op.readAccountJwt('A')) as unknown as { nats: Record<string, unknown> };
    assert.deepEqual(acct.nats.sigchain_restrictions, { [fresh]: ['user'] }, 'same restriction, none left for the leaked key');

    await editOperator(ws, { restrictSigningKeys: { [o.signingKey!.publicKey]: 'CanSignAllButSigningKeys' } });
    const ro = await applyCompromise(ws, o.signingKey!.publicKey);
    const opClaims = decodeOperator(await op.readOperatorJwt()) as unknown as { nats: Record<string, unknown> };
    assert.deepEqual(opClaims.nats.sigchain_restrictions, { [ro.replacements[0]!.publicKey]: 'CanSignAllButSigningKeys' });
  });

  it('an operator key that may not delegate cannot re-sign the account with a new signing key: blocked up front', async (t) => {
    const { ws, home, bad, o } = await accountStore(t);
    await editOperator(ws, { restrictSigningKeys: { [o.signingKey!.publicKey]: 'CanSignAllButSigningKeys' } });
    const identity = await ws.keys.getKey(o.operator.publicKey);
    await ws.keys.removeKey(o.operator.publicKey);
    const plan = await planCompromise(ws, bad);
    assert.ok(plan.parents[0]!.blocked, 'the restricted operator signing key is not enough');
    const before = snapshot(home);
    await rejectsCode(applyCompromise(ws, bad), plan.parents[0]!.blocked!.code);
    assert.deepEqual(snapshot(home), before, 'nothing changed');
    const r = await applyCompromise(ws, bad, { signer: identity });
    assert.equal(r.resigned[0]!.signer, o.operator.publicKey);
    assert.equal(r.reissued.length, 3);
  });
});

describe('compromised operator signing key', () => {
  it('replaces it in the operator token (re-signed by the identity key) and re-issues only the accounts it signed', async (t) => {
    const { ws, home } = tempWorkspace(t);
    const { o } = await operatorWithAccount(ws);
    const bad = o.signingKey!.publicKey;
    const second = (await editOperator(ws, { addSigningKeys: ['generate'] })).added[0]!.publicKey;
    await addAccount(ws, 'C', { signer: await ws.keys.getKey(second) });
    await addUser(ws, 'c1', { account: 'C' });
    await addUser(ws, 'a1', { account: 'A' });
    const op = await ws.operator();
    const before = snapshot(home);
    const oldA = decodeAccount(await op.readAccountJwt('A'));

    const plan = await planCompromise(ws, bad);
    assert.equal(plan.role, 'operator');
    assert.equal(plan.parents[0]!.kind, 'operator');
    assert.equal(plan.parents[0]!.signer?.as, 'identity');
    assert.deepEqual(plan.reissue.map((x) => x.name).sort(), ['A', 'SYS']);
    assert.equal(plan.untouched, 1);

    const r = await applyCompromise(ws, bad);
    const fresh = r.replacements[0]!.publicKey;
    assert.ok(fresh.startsWith('O'));
    const opClaims = decodeOperator(await op.readOperatorJwt());
    assert.equal(opClaims.iss, o.operator.publicKey, 'self-signed by the identity key');
    assert.deepEqual([...opClaims.nats.signing_keys!].sort(), [fresh, second].sort());
    for (const name of ['A', 'SYS']) {
      const acct = decodeAccount(await op.readAccountJwt(name));
      assert.equal(acct.iss, fresh, `${name} re-issued with the fresh key`);
      assert.ok(operatorDidSign(opClaims, acct));
    }
    const newA = decodeAccount(await op.readAccountJwt('A'));
    // The approval of A's signing keys is renewed by the fresh key: the compromised one approved it.
    const strip = ({ iat: _i, jti: _j, iss: _s, ...rest }: AccountClaims) => ({ ...rest, nats: { ...rest.nats, sigchain_delegation: undefined } });
    assert.deepEqual(strip(newA), strip(oldA), 'same account claims (signing keys, limits…)');
    assert.equal((newA.nats as Record<string, any>).sigchain_delegation.key, fresh);
    const after = snapshot(home);
    for (const [path, text] of before) {
      if (/accounts\/C\/|\/users\/|\.creds$/.test(path)) assert.equal(after.get(path), text, `${path} untouched byte for byte`);
    }
    assert.ok(r.next.some((n) => /restart/.test(n)), 'operator changes need a restart');
    assert.equal(r.retired, true);
  });

  it('needs the operator identity key: refuses -K with another key, changing nothing', async (t) => {
    const { ws, home } = tempWorkspace(t);
    const { o, accountSk } = await operatorWithAccount(ws);
    const before = snapshot(home);
    const wrong = await ws.keys.getKey(accountSk.publicKey);
    await rejectsCode(applyCompromise(ws, o.signingKey!.publicKey, { signer: wrong }), 'NO_APPROPRIATE_SIGNING_KEY');
    assert.deepEqual(snapshot(home), before);
  });
});

describe('keys that are not signing keys', () => {
  it('refuses identity keys (operator, account, user) with a coded error that names the other operation', async (t) => {
    const { ws, home, o, a, op } = await accountStore(t);
    const before = snapshot(home);
    const user = decodeUser(await op.readUserJwt('A', 'u1')).sub;
    for (const [key, what] of [
      [o.operator.publicKey, /operator "O"/],
      [a.account.publicKey, /account "A"/],
      [user, /user "u1"/],
    ] as const) {
      const e = await rejectsCode(planCompromise(ws, key), 'COMPROMISED_KEY_IS_IDENTITY');
      assert.match(e.message, what);
      assert.match(e.message, /identity rotation/);
      await rejectsCode(applyCompromise(ws, key), 'COMPROMISED_KEY_IS_IDENTITY');
    }
    assert.deepEqual(snapshot(home), before);
  });

  it('says so for a key no entity lists, and refuses a seed without echoing it', async (t) => {
    const { ws, home } = await accountStore(t);
    const stranger = KeyPair.create('account');
    const before = snapshot(home);
    const plan = await planCompromise(ws, stranger.publicKey);
    assert.equal(plan.status, 'not-listed');
    assert.match(plan.notes.join('\n'), /No operator or account in the store lists/);
    const r = await applyCompromise(ws, stranger.publicKey);
    assert.equal(r.status, 'not-listed');
    assert.deepEqual(snapshot(home), before);
    await rejectsCode(planCompromise(ws, stranger.seed), 'NKEY_PUBLIC_EXPECTED', stranger.seed);
  });

  it('reports users still signed by a key removed by hand', async (t) => {
    const { ws, bad } = await accountStore(t);
    await editAccount(ws, { account: 'A', removeSigningKeys: [bad] });
    const plan = await planCompromise(ws, bad);
    assert.equal(plan.status, 'not-listed');
    assert.deepEqual(plan.cannot.map((c) => c.name).sort(), ['u1', 'u2', 'u3']);
    assert.match(plan.cannot[0]!.reason, /edit user/);
  });
});

describe('interrupted runs', () => {
  it('an interruption mid-way is finished by a re-run with the same key; nothing re-issued twice, nothing lost', async (t) => {
    const { ws, home } = tempWorkspace(t);
    const { buildUserStore } = await import('../../helpers/big-store.js');
    const s = await buildUserStore(home, 120);
    const op = await ws.directoryOperator('O');
    const read = (u: string) => readFileSync(userJwt(home, 'A', u), 'utf8');
    let calls = 0;
    const e = await applyCompromise(ws, s.signingKey, {
      workers: 1,
      onProgress: (p) => {
        if (p.phase === 'users' && ++calls === 2) throw new Error('killed');
      },
    }).catch((x: unknown) => x);
    assert.equal((e as Error).message, 'killed');
    const journal = JSON.parse(readFileSync(join(op.dir, `.compromise-${s.signingKey}.json`), 'utf8')) as { phase: string; parents: Array<{ replacement: string }> };
    assert.equal(journal.phase, 'children');
    const fresh = journal.parents[0]!.replacement;
    const firstRun = new Map<string, string>();
    for (const u of s.users) {
      const c = decodeUser(read(u.name)); // every file is a whole, valid token
      assert.ok(c.iss === fresh || c.iss === s.signingKey);
      if (c.iss === fresh) firstRun.set(u.name, read(u.name));
    }
    assert.ok(firstRun.size > 0 && firstRun.size < s.users.length, `interrupted mid-way (${firstRun.size} done)`);
    assert.ok(decodeAccount(await op.readAccountJwt('A')).nats.signing_keys!.includes(fresh), 'the account already lists the fresh key');

    const plan = await planCompromise(ws, s.signingKey);
    assert.equal(plan.status, 'resuming');
    assert.equal(plan.parents[0]!.replacement, fresh);
    assert.equal(plan.alreadyReissued, firstRun.size);
    assert.equal(plan.reissue.length, s.users.length - firstRun.size);

    const r = await applyCompromise(ws, s.signingKey);
    assert.equal(r.resumed, true);
    assert.equal(r.replacements[0]!.publicKey, fresh, 'the same replacement key');
    assert.equal(r.reissued.length, s.users.length - firstRun.size, 'only what was left');
    for (const [u, token] of firstRun) assert.equal(read(u), token, `${u} was not re-issued twice`);
    const acct = decodeAccount(await op.readAccountJwt('A'));
    for (const u of s.users) {
      const token = read(u.name);
      const c = decodeUser(token);
      assert.equal(c.iss, fresh, `${u.name}: none left signed by the leaked key`);
      assert.equal(c.sub, u.publicKey);
      assert.ok(accountDidSign(acct, c));
      assert.deepEqual(parseCreds(readFileSync(creds(home, 'A', u.name), 'utf8')), { jwt: token, seed: u.seed });
    }
    assert.deepEqual(readdirSync(op.dir).filter((n) => n.startsWith('.compromise')), [], 'journal and backup gone');
    assert.deepEqual(readdirSync(join(op.dir, 'accounts', 'A', 'users')).filter((n) => n.startsWith('.')), [], 'no temp files left');
  });

  it('with worker threads too: stopped mid-way, finished by a re-run, every user exactly once', async (t) => {
    const { ws, home } = tempWorkspace(t);
    const { buildUserStore } = await import('../../helpers/big-store.js');
    const s = await buildUserStore(home, 400);
    const e = await applyCompromise(ws, s.signingKey, {
      workers: 3,
      onProgress: (p) => {
        if (p.phase === 'users' && p.done > 0) throw new Error('stop');
      },
    }).catch((x: unknown) => x);
    assert.equal((e as Error).message, 'stop');
    const journal = JSON.parse(readFileSync(join(home, 'stores', 'O', `.compromise-${s.signingKey}.json`), 'utf8')) as { parents: Array<{ replacement: string }> };
    const doneBefore = s.users.filter((u) => decodeUser(readFileSync(userJwt(home, 'A', u.name), 'utf8')).iss === journal.parents[0]!.replacement).length;
    assert.ok(doneBefore > 0 && doneBefore < s.users.length, `stopped mid-way (${doneBefore} done)`);
    const r = await applyCompromise(ws, s.signingKey, { workers: 3 });
    assert.equal(r.reissued.length, s.users.length - doneBefore);
    assert.equal(r.resumed, true);
    const fresh = r.replacements[0]!.publicKey;
    const acct = decodeAccount(await (await ws.operator('O')).readAccountJwt('A'));
    for (const u of s.users) {
      const token = readFileSync(userJwt(home, 'A', u.name), 'utf8');
      const c = decodeUser(token);
      assert.equal(c.iss, fresh, u.name);
      assert.ok(accountDidSign(acct, c));
      assert.deepEqual(parseCreds(readFileSync(creds(home, 'A', u.name), 'utf8')), { jwt: token, seed: u.seed });
    }
    assert.deepEqual(readdirSync(join(home, 'stores', 'O', 'accounts', 'A', 'users')).filter((n) => n.startsWith('.')), [], 'temp files of the stopped workers removed');
    assert.deepEqual(readdirSync(join(home, 'creds', 'O', 'A')).filter((n) => n.startsWith('.')), []);
  });

  it('attack: a user seed others may read is not used; the user gets a new JWT, no creds, and the reason', async (t) => {
    const { ws, home } = tempWorkspace(t);
    const { buildUserStore } = await import('../../helpers/big-store.js');
    const s = await buildUserStore(home, 5);
    const exposed = s.users[2]!;
    const seedPath = join(home, 'keys', 'U', exposed.publicKey.slice(1, 3), `${exposed.publicKey}.nk`);
    assert.ok(existsSync(seedPath), 'the fixture keeps user seeds in the key store');
    chmodSync(seedPath, 0o644);
    const credsBefore = readFileSync(creds(home, 'A', exposed.name), 'utf8');
    const r = await applyCompromise(ws, s.signingKey, { workers: 1 });
    assert.equal(r.reissued.length, 5);
    assert.equal(r.credsWritten, 4);
    const why = r.cannot.find((c) => c.name === exposed.name);
    assert.equal(why?.kind, 'creds');
    assert.match(why!.reason, /can be read by other users; run `chmod 600`/);
    assert.equal(readFileSync(creds(home, 'A', exposed.name), 'utf8'), credsBefore, 'its creds file is not rewritten with the exposed seed');
    assert.equal(decodeUser(readFileSync(userJwt(home, 'A', exposed.name), 'utf8')).iss, r.replacements[0]!.publicKey, 'its JWT is re-issued all the same');
  });

  it('a file damaged after an interruption (power cut) is restored from the backup and re-issued', async (t) => {
    const { ws, home } = tempWorkspace(t);
    const { buildUserStore } = await import('../../helpers/big-store.js');
    const s = await buildUserStore(home, 40);
    let calls = 0;
    await applyCompromise(ws, s.signingKey, { workers: 1, onProgress: () => { if (++calls === 1) throw new Error('power cut'); } }).catch(() => undefined);
    const op = await ws.directoryOperator('O');
    const fresh = (JSON.parse(readFileSync(join(op.dir, `.compromise-${s.signingKey}.json`), 'utf8')) as { parents: Array<{ replacement: string }> }).parents[0]!.replacement;
    const [done, done2] = s.users.filter((u) => decodeUser(readFileSync(userJwt(home, 'A', u.name), 'utf8')).iss === fresh);
    const pending = s.users.find((u) => decodeUser(readFileSync(userJwt(home, 'A', u.name), 'utf8')).iss === s.signingKey)!;
    assert.ok(done && done2 && pending);
    const done2Token = readFileSync(userJwt(home, 'A', done2.name), 'utf8');
    // What a power cut can leave: another user's bytes in a replaced file, an empty file, stale creds.
    writeFileSync(userJwt(home, 'A', done.name), s.users.find((u) => u !== done)!.token);
    writeFileSync(userJwt(home, 'A', pending.name), '');
    writeFileSync(creds(home, 'A', done2.name), 'garbage');
    const r = await applyCompromise(ws, s.signingKey);
    assert.equal(r.resumed, true);
    assert.equal(readFileSync(userJwt(home, 'A', done2.name), 'utf8'), done2Token, 'a user done before keeps its token; only its creds are rewritten');
    for (const u of [done, pending, done2]) {
      const token = readFileSync(userJwt(home, 'A', u.name), 'utf8');
      const c = decodeUser(token);
      assert.equal(c.sub, u.publicKey, `${u.name}: its own claims are back`);
      assert.equal(c.iss, fresh);
      assert.deepEqual(parseCreds(readFileSync(creds(home, 'A', u.name), 'utf8')), { jwt: token, seed: u.seed });
    }
  });

  it('an operator signing key interrupted in the accounts phase finishes on a re-run', async (t) => {
    const { ws } = tempWorkspace(t);
    const { o } = await operatorWithAccount(ws);
    for (const n of ['C', 'D', 'E']) await addAccount(ws, n);
    const bad = o.signingKey!.publicKey;
    await applyCompromise(ws, bad, { onProgress: (p) => { if (p.phase === 'accounts' && p.done === 2) throw new Error('killed'); } }).catch(() => undefined);
    const r = await applyCompromise(ws, bad);
    assert.equal(r.resumed, true);
    const op = await ws.operator();
    const fresh = r.replacements[0]!.publicKey;
    for (const name of await op.listAccounts()) assert.equal(decodeAccount(await op.readAccountJwt(name)).iss, fresh, name);
    assert.equal(r.reissued.length, 3, 'two were done before the interruption');
  });
});
