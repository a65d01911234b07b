// Usages are enforced at every signing site, before anything is signed or written.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { KeyUsage } from '../../../src/keys/usage.js';
import { KeyPair } from '../../../src/nkeys/index.js';
import { decodeAccount, decodeUser } from '../../../src/claims/nats/decode.js';
import { Workspace, addAccount, addOperator, addUser, assertSignerMay, editAccount, editOperator, issueAccount, readAccount, readOperator } from '../../../src/workspace/index.js';
import { operatorWithAccount, rejectsCode, snapshot, tempWorkspace } from '../helpers.js';

/** Re-creates the stored record of `pub` with `usages`: the state a key made that way would be in. */
async function madeWith(ws: Workspace, pub: string, usages: KeyUsage[]): Promise<KeyPair> {
  const kp = await ws.keys.getKey(pub);
  await ws.keys.removeKey(pub);
  await ws.keys.storeKey(kp, { usages });
  return kp;
}

function operatorJwtPath(home: string, op: string): string {
  return join(home, 'stores', op, `${op}.jwt`);
}

/** Removes every usage record: the key store as nsc would have left it. */
function forgetUsages(dir: string): void {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) forgetUsages(p);
    else if (e.name.endsWith('.json')) rmSync(p);
  }
}

describe('usages given to the keys the workspace makes', () => {
  it('identity keys identity+issuing, signing keys issuing, users authentication', async (t) => {
    const { ws } = tempWorkspace(t);
    const { o, a, accountSk } = await operatorWithAccount(ws);
    const u = await addUser(ws, 'U', { account: 'A' });
    const usages = async (pub: string) => (await ws.keys.getKeyMeta(pub)).usages;
    assert.deepEqual(await usages(o.operator.publicKey), ['identity', 'issuing']);
    assert.deepEqual(await usages(o.signingKey!.publicKey), ['issuing']);
    assert.deepEqual(await usages(o.systemAccount!.publicKey), ['identity', 'issuing']);
    assert.deepEqual(await usages(o.systemAccount!.signingKey), ['issuing']);
    assert.deepEqual(await usages(o.systemUser!.publicKey), ['authentication']);
    assert.deepEqual(await usages(a.account.publicKey), ['identity', 'issuing']);
    assert.deepEqual(await usages(accountSk.publicKey), ['issuing']);
    assert.deepEqual(await usages(u.user.publicKey), ['authentication']);
    assert.equal((await ws.keys.getKeyMeta(u.user.publicKey)).legacy, false);
  });

  it('a signing key imported with --sk as a seed gets issuing; one already stored keeps its usages', async (t) => {
    const { ws } = tempWorkspace(t);
    await addOperator(ws, 'O', { systemAccount: false });
    const fresh = KeyPair.create('operator');
    const r = await editOperator(ws, { addSigningKeys: [fresh.seed] });
    assert.equal(r.added[0]!.publicKey, fresh.publicKey);
    assert.deepEqual((await ws.keys.getKeyMeta(fresh.publicKey)).usages, ['issuing']);
    const known = KeyPair.create('operator');
    await ws.keys.storeKey(known, { usages: ['issuing', 'authentication'] });
    await editOperator(ws, { addSigningKeys: [known.seed] });
    assert.deepEqual((await ws.keys.getKeyMeta(known.publicKey)).usages, ['issuing', 'authentication']);
  });
});

describe("signing an operator's own token needs the identity usage", () => {
  it('an operator identity key made with issuing only cannot sign its own JWT: KEY_USAGE_VIOLATION, nothing written', async (t) => {
    const { ws, home } = tempWorkspace(t);
    const o = await addOperator(ws, 'O', { systemAccount: false });
    const identity = await madeWith(ws, o.operator.publicKey, ['issuing']);
    const jwtBefore = readFileSync(operatorJwtPath(home, 'O'));
    const before = snapshot(home);
    const e = await rejectsCode(editOperator(ws, { tags: ['prod'], addSigningKeys: ['generate'] }), 'KEY_USAGE_VIOLATION', identity.seed);
    assert.ok(e.message.includes(o.operator.publicKey));
    assert.match(e.message, /may be used for issuing only; signing the token of operator "O" needs the "identity" usage/);
    assert.ok(readFileSync(operatorJwtPath(home, 'O')).equals(jwtBefore), 'the operator JWT is byte-identical');
    assert.deepEqual(snapshot(home), before, 'not even the --sk generate key was stored');
    // The same key passed as a seed with -K is refused too: usages belong to the public key.
    await rejectsCode(editOperator(ws, { tags: ['prod'], signer: KeyPair.fromSeed(identity.seed) }), 'KEY_USAGE_VIOLATION', identity.seed);
    assert.ok(readFileSync(operatorJwtPath(home, 'O')).equals(jwtBefore));
  });

  it('an operator signing key (issuing) given with -K cannot sign the operator JWT, which stays byte-identical', async (t) => {
    const { ws, home } = tempWorkspace(t);
    const o = await addOperator(ws, 'O', { generateSigningKey: true });
    const jwtBefore = readFileSync(operatorJwtPath(home, 'O'));
    const sk = await ws.custody.exportKey((await ws.resolveSigner(o.signingKey!.keyPath)).publicKey);
    // Refused as "not the identity key" first: that refusal names the one key that can sign.
    const e = await rejectsCode(editOperator(ws, { signer: sk, tags: ['x'] }), 'NO_APPROPRIATE_SIGNING_KEY', sk.seed);
    assert.ok(e.message.includes(o.operator.publicKey));
    await assert.rejects(assertSignerMay(ws, sk.publicKey, 'identity', 'the token of operator "O"'), (err: { code?: string }) => err.code === 'KEY_USAGE_VIOLATION');
    assert.ok(readFileSync(operatorJwtPath(home, 'O')).equals(jwtBefore));
  });
});

describe('issuing needs the issuing usage', () => {
  it('an IdentityOnly operator identity key signs its own token but cannot sign accounts (auto or -K), nothing written', async (t) => {
    const { ws, home } = tempWorkspace(t);
    const o = await addOperator(ws, 'O', { systemAccount: false });
    const identity = await madeWith(ws, o.operator.publicKey, ['identity']);
    await editOperator(ws, { tags: ['still-editable'] });
    const before = snapshot(home);
    const auto = await rejectsCode(addAccount(ws, 'A'), 'NO_APPROPRIATE_SIGNING_KEY', identity.seed);
    assert.equal((auto.details?.unfit as Record<string, string>)[identity.publicKey], 'KEY_USAGE_VIOLATION');
    assert.deepEqual(auto.details?.allowed, [], 'a key without the issuing usage is never offered as able to sign');
    assert.match(auto.message, /may be used for identity only; signing account tokens for operator "O" needs the "issuing" usage/);
    assert.match(auto.message, /generate nkey --operator --store/);
    await rejectsCode(addAccount(ws, 'A', { signer: identity }), 'KEY_USAGE_VIOLATION', identity.seed);
    assert.deepEqual(snapshot(home), before, 'no account, no key, no context change');
    // The way out: a signing key (issuing) signs accounts.
    await editOperator(ws, { addSigningKeys: ['generate'] });
    const a = await addAccount(ws, 'A');
    assert.equal(a.account.signedBy, 'signing-key');
  });

  it('a user key cannot issue; an account key made for authentication cannot sign users even when listed as a signing key', async (t) => {
    const { ws, home } = tempWorkspace(t);
    await operatorWithAccount(ws);
    const u = await addUser(ws, 'U', { account: 'A' });
    const userKey = await ws.keys.getKey(u.user.publicKey);
    const e = await rejectsCode(assertSignerMay(ws, userKey.publicKey, 'issuing', 'user tokens for account "A"'), 'KEY_USAGE_VIOLATION', userKey.seed);
    assert.match(e.message, /may be used for authentication only/);

    const authKey = KeyPair.create('account');
    await ws.keys.storeKey(authKey, { usages: ['authentication'] });
    // Issue 12: --sk refuses it; listed by hand (an older sigchain, nsc), signing with it is still refused.
    await rejectsCode(editAccount(ws, { account: 'A', addSigningKeys: [authKey.publicKey] }), 'KEY_USAGE_VIOLATION');
    const op = await ws.operator();
    const a = await readAccount(op, 'A');
    a.claims.nats.signing_keys = [...(a.claims.nats.signing_keys ?? []), authKey.publicKey];
    await op.writeAccountJwt('A', (await issueAccount(ws, await readOperator(op), a.claims, undefined, { previous: a.claims })).token);
    const before = snapshot(home);
    await rejectsCode(addUser(ws, 'V', { account: 'A', signer: authKey }), 'KEY_USAGE_VIOLATION', authKey.seed);
    assert.deepEqual(snapshot(home), before, 'no user JWT, seed or creds written');
  });

  it('a retired signing key cannot sign (KEY_RETIRED); the automatic choice skips it', async (t) => {
    const { ws, home } = tempWorkspace(t);
    const o = await addOperator(ws, 'O', { generateSigningKey: true, systemAccount: false });
    const sk = await ws.keys.getKey(o.signingKey!.publicKey);
    await ws.keys.retireKey(sk.publicKey, { reason: 'rotated' });
    const before = snapshot(home);
    const e = await rejectsCode(addAccount(ws, 'A', { signer: sk }), 'KEY_RETIRED', sk.seed);
    assert.match(e.message, /\(rotated\)/);
    assert.deepEqual(snapshot(home), before);
    const a = await addAccount(ws, 'A');
    assert.equal(a.account.issuer, o.operator.publicKey, 'the identity key signed instead of the retired signing key');
    assert.ok(a.warnings.some((w) => /identity key/.test(w)));
  });

  it('a retired account signing key, the only key allowed under a strict operator: NO_APPROPRIATE_SIGNING_KEY saying it is retired', async (t) => {
    const { ws, home } = tempWorkspace(t);
    const { accountSk } = await operatorWithAccount(ws);
    await editOperator(ws, { requireSigningKeys: true });
    await ws.keys.retireKey(accountSk.publicKey);
    const before = snapshot(home);
    const e = await rejectsCode(addUser(ws, 'U', { account: 'A' }), 'NO_APPROPRIATE_SIGNING_KEY');
    assert.match(e.message, new RegExp(`${accountSk.publicKey} was retired`));
    assert.equal((e.details?.unfit as Record<string, string>)[accountSk.publicKey], 'KEY_RETIRED');
    assert.deepEqual(e.details?.allowed, []);
    assert.deepEqual(snapshot(home), before);
  });

  it('strict mode cannot re-sign accounts with a retired signing key: a warning, not a half-done edit', async (t) => {
    const { ws } = tempWorkspace(t);
    const o = await addOperator(ws, 'O', { systemAccount: false });
    await addAccount(ws, 'A'); // signed by the identity key
    const r1 = await editOperator(ws, { addSigningKeys: ['generate'] });
    await ws.keys.retireKey(r1.added[0]!.publicKey);
    const r = await editOperator(ws, { requireSigningKeys: true });
    assert.deepEqual(r.resigned, []);
    assert.ok(r.warnings.some((w) => w.startsWith('Account "A"')), r.warnings.join('\n'));
    assert.equal(decodeAccount(await (await ws.operator()).readAccountJwt('A')).iss, o.operator.publicKey, 'A was left as it was');
  });
});

describe('keys without a usage record count as All', () => {
  it('a key store nsc made (no sidecars) keeps working: edit operator, add account, add user', async (t) => {
    const { ws, home } = tempWorkspace(t);
    const o = await addOperator(ws, 'O', { generateSigningKey: true });
    forgetUsages(join(home, 'keys'));
    assert.equal((await ws.keys.getKeyMeta(o.operator.publicKey)).legacy, true);
    await editOperator(ws, { tags: ['nsc'] });
    const a = await addAccount(ws, 'A');
    assert.equal(a.account.issuer, o.signingKey!.publicKey);
    const u = await addUser(ws, 'U', { account: 'A' });
    assert.equal(decodeUser(readFileSync(join(home, 'stores', 'O', 'accounts', 'A', 'users', 'U.jwt'), 'utf8')).iss, a.account.publicKey);
    assert.deepEqual((await ws.keys.getKeyMeta(u.user.publicKey)).usages, ['authentication'], 'new keys still get their usages');
  });

  it('a seed given with -K that the key store does not know counts as All', async (t) => {
    const { ws } = tempWorkspace(t);
    await addOperator(ws, 'O', { systemAccount: false });
    const outside = KeyPair.create('operator');
    await editOperator(ws, { addSigningKeys: [outside.publicKey] }); // listed by public key: no seed stored
    assert.equal(await ws.keys.hasKey(outside.publicKey), false);
    const a = await addAccount(ws, 'A', { signer: KeyPair.fromSeed(outside.seed) });
    assert.equal(a.account.issuer, outside.publicKey);
  });
});
