// validateStore and verifyMany on real stores: the verifier's findings placed at the entity they
// belong to, imports judged against their exporters (claims written through the library, as a
// store carrying imports from any tool would hold them), and the worker threads agreeing with
// the inline path token for token.
import assert from 'node:assert/strict';
import { takeVerified } from '../../../src/jwt/ahead-memo.js';
import { NATS_FORMAT } from '../../../src/jwt/formats.js';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, it } from 'node:test';
import { newActivationClaims } from '../../../src/claims/nats/activation.js';
import { encodeAccount, encodeActivation, encodeUser } from '../../../src/claims/nats/encode.js';
import type { AccountClaims, Export, Import } from '../../../src/claims/nats/types.js';
import { newUserClaims } from '../../../src/claims/nats/user.js';
import { KeyPair } from '../../../src/nkeys/keypair.js';
import { type Workspace, addAccount, addOperator, addUser, editAccount, readAccount, validateStore, verifyMany } from '../../../src/workspace/index.js';
import { tempWorkspace } from '../helpers.js';

/** Rewrites account `name`'s claims and signs them with the operator identity key, bypassing every check (as a foreign tool could). */
async function rewriteAccount(ws: Workspace, name: string, edit: (c: AccountClaims) => void): Promise<void> {
  const op = await ws.operator();
  const acct = await readAccount(op, name);
  edit(acct.claims);
  const opKey = await ws.keys.getKey(JSON.parse(Buffer.from((await op.readOperatorJwt()).split('.')[1]!, 'base64url').toString()).sub);
  await op.writeAccountJwt(name, encodeAccount(acct.claims, opKey));
}

async function twoAccounts(t: { after(fn: () => void): void }) {
  const { ws } = tempWorkspace(t);
  await addOperator(ws, 'O');
  const exp = await addAccount(ws, 'EXP');
  const imp = await addAccount(ws, 'IMP');
  const sk = (await editAccount(ws, { account: 'EXP', addSigningKeys: ['generate'] })).added[0]!.publicKey;
  await ws.select('O', 'IMP');
  return { ws, exp: exp.account.publicKey, imp: imp.account.publicKey, expSk: sk };
}

const stream = (subject: string, extra: Partial<Export> = {}): Export => ({ subject, type: 'stream', ...extra });

describe('validateStore', () => {
  it('a clean store has no problems; it judges the operator, the current account and its users', async (t) => {
    const { ws } = tempWorkspace(t);
    await addOperator(ws, 'O');
    await addAccount(ws, 'A');
    await addUser(ws, 'U', { account: 'A' });
    await addUser(ws, 'V', { account: 'A' });
    const r = await validateStore(ws);
    assert.deepEqual(r.problems, []);
    assert.equal(r.checked, 4);
    assert.deepEqual(r.accounts, ['A']);
  });

  it('an expired user is a problem of that user only; --all-accounts also reaches other accounts', async (t) => {
    const { ws } = tempWorkspace(t);
    await addOperator(ws, 'O');
    await addAccount(ws, 'A');
    await addAccount(ws, 'B');
    await ws.select('O', 'A');
    await addUser(ws, 'U', { account: 'A' });
    await addUser(ws, 'OLD', { account: 'B', expiry: 1577836800 });
    assert.deepEqual((await validateStore(ws)).problems, []);
    const all = await validateStore(ws, { allAccounts: true });
    assert.deepEqual(all.problems.map((p) => [p.entity, p.code]), [['user B/OLD', 'TOKEN_EXPIRED']]);
  });

  it('an unreadable operator JWT is reported once, at the operator, not as an untrusted issuer at each account', async (t) => {
    const { ws } = tempWorkspace(t);
    await addOperator(ws, 'O');
    await addAccount(ws, 'A');
    await addAccount(ws, 'B');
    await addUser(ws, 'U', { account: 'A' });
    const op = await ws.directoryOperator();
    writeFileSync(op.jwtPath, 'garbage');
    const r = await validateStore(ws, { allAccounts: true });
    assert.deepEqual(r.problems.map((p) => [p.entity, p.code]), [['operator O', 'STORE_CORRUPT']]);
    assert.match(r.problems[0]!.message, /its accounts cannot be judged against it/);
    assert.doesNotMatch(r.problems[0]!.message, /--trust|--chain/);
  });

  it('an expired account is reported once, at the account, not at each of its users', async (t) => {
    const { ws } = tempWorkspace(t);
    await addOperator(ws, 'O');
    await addAccount(ws, 'A');
    await addUser(ws, 'U', { account: 'A' });
    await addUser(ws, 'V', { account: 'A' });
    await rewriteAccount(ws, 'A', (c) => void (c.exp = 1577836800));
    const r = await validateStore(ws);
    assert.deepEqual(r.problems.map((p) => [p.entity, p.code]), [['account A', 'TOKEN_EXPIRED']]);
  });

  it('a user signed by a key the account does not list, and an unreadable user file', async (t) => {
    const { ws } = tempWorkspace(t);
    await addOperator(ws, 'O');
    const a = await addAccount(ws, 'A');
    const op = await ws.directoryOperator();
    const stranger = KeyPair.create('account');
    const u = KeyPair.create('user');
    const claims = newUserClaims('X', u.publicKey);
    claims.nats.issuer_account = a.account.publicKey;
    await op.addUser('A', 'X', encodeUser(claims, stranger));
    // A damaged file, as a crash or a hand edit could leave it (the store itself refuses to write one).
    mkdirSync(dirname(op.userJwtPath('A', 'Y')), { recursive: true });
    writeFileSync(op.userJwtPath('A', 'Y'), 'not a jwt');
    const r = await validateStore(ws);
    const codes = r.problems.map((p) => [p.entity, p.code]);
    assert.deepEqual(codes.find(([e]) => e === 'user A/X'), ['user A/X', 'SIGNING_KEY_NOT_LISTED']);
    assert.ok(codes.some(([e]) => e === 'user A/Y'), JSON.stringify(codes));
    assert.equal(codes.find(([e]) => e === 'user A/Y')?.[1], 'STORE_CORRUPT');
  });

  it('imports: exporter missing, subject not exported, private export without activation', async (t) => {
    const s = await twoAccounts(t);
    const ghost = KeyPair.create('account').publicKey;
    await rewriteAccount(s.ws, 'EXP', (c) => void (c.nats.exports = [stream('public.>'), stream('private.>', { token_req: true })]));
    const imports: Import[] = [
      { name: 'ghost', subject: 'x.>', account: ghost, type: 'stream' },
      { name: 'nope', subject: 'other.>', account: s.exp, type: 'stream' },
      { name: 'priv', subject: 'private.>', account: s.exp, type: 'stream' },
      { name: 'ok', subject: 'public.a', account: s.exp, type: 'stream' },
    ];
    await rewriteAccount(s.ws, 'IMP', (c) => void (c.nats.imports = imports));
    const r = await validateStore(s.ws);
    // The encoder files imports in Go's order (by subject), so the findings come in that order.
    const by = new Map(r.problems.map((p) => [p.code, p]));
    assert.deepEqual(r.problems.map((p) => p.entity), ['account IMP', 'account IMP', 'account IMP']);
    assert.deepEqual([...by.keys()].sort(), ['ACTIVATION_REQUIRED', 'IMPORT_EXPORTER_MISSING', 'IMPORT_NOT_EXPORTED']);
    assert.match(by.get('IMPORT_EXPORTER_MISSING')!.message, new RegExp(ghost));
    assert.match(by.get('IMPORT_NOT_EXPORTED')!.message, /"nope"/);
    assert.match(by.get('ACTIVATION_REQUIRED')!.message, /"priv"/);
  });

  it('activations: by the exporter or its listed signing key pass; by an unlisted key is SIGNING_KEY_NOT_LISTED', async (t) => {
    const s = await twoAccounts(t);
    await rewriteAccount(s.ws, 'EXP', (c) => void (c.nats.exports = [stream('private.>', { token_req: true })]));
    const expKey = await s.ws.keys.getKey(s.exp);
    const skKey = await s.ws.keys.getKey(s.expSk);
    const rogue = KeyPair.create('account');
    const act = (signer: KeyPair | typeof expKey, viaSk: boolean) => encodeActivation(newActivationClaims('grant', s.imp, 'private.>', 'stream', viaSk ? s.exp : undefined), signer);
    await rewriteAccount(s.ws, 'IMP', (c) => {
      c.nats.imports = [
        { name: 'identity', subject: 'private.a', account: s.exp, type: 'stream', token: act(expKey, false) },
        { name: 'listed', subject: 'private.b', account: s.exp, type: 'stream', token: act(skKey, true) },
        { name: 'rogue', subject: 'private.c', account: s.exp, type: 'stream', token: act(rogue, true) },
      ];
    });
    const r = await validateStore(s.ws);
    assert.deepEqual(r.problems.map((p) => [p.entity, p.code]), [['account IMP', 'SIGNING_KEY_NOT_LISTED']]);
    assert.match(r.problems[0]!.message, /"rogue"/);
    assert.match(r.problems[0]!.message, new RegExp(rogue.publicKey));
  });

  it('an expired activation is TOKEN_EXPIRED, one not yet valid TOKEN_NOT_YET_VALID; --at judges them at that time', async (t) => {
    const s = await twoAccounts(t);
    const expKey = await s.ws.keys.getKey(s.exp);
    const now = Math.floor(Date.now() / 1000);
    const act = (exp?: number, nbf?: number) => {
      const c = newActivationClaims('grant', s.imp, 'private.>', 'stream');
      if (exp) c.exp = exp;
      if (nbf) c.nbf = nbf;
      return encodeActivation(c, expKey);
    };
    await rewriteAccount(s.ws, 'EXP', (c) => void (c.nats.exports = [stream('private.>', { token_req: true })]));
    await rewriteAccount(s.ws, 'IMP', (c) => {
      c.nats.imports = [
        { name: 'old', subject: 'private.a', account: s.exp, type: 'stream', token: act(now - 10) },
        { name: 'soon', subject: 'private.b', account: s.exp, type: 'stream', token: act(now + 30 * 86400) },
        { name: 'later', subject: 'private.c', account: s.exp, type: 'stream', token: act(undefined, now + 3600) },
        { name: 'fine', subject: 'private.d', account: s.exp, type: 'stream', token: act(now + 90 * 86400) },
      ];
    });
    const r = await validateStore(s.ws);
    assert.deepEqual(r.problems.map((p) => [p.entity, p.code]).sort(), [['account IMP', 'TOKEN_EXPIRED'], ['account IMP', 'TOKEN_NOT_YET_VALID']]);
    assert.match(r.problems.find((p) => p.code === 'TOKEN_EXPIRED')!.message, /"old".*expired at/);
    // Sixty days on: the 30-day one has expired too, the later one is valid.
    const ahead = await validateStore(s.ws, { now: now + 60 * 86400 });
    assert.deepEqual(ahead.problems.filter((p) => p.entity === 'account IMP').map((p) => [p.code, /"(\w+)"/.exec(p.message)?.[1]]).sort(), [['TOKEN_EXPIRED', 'old'], ['TOKEN_EXPIRED', 'soon']]);
  });

  it('an activation revoked by the export is TOKEN_REVOKED', async (t) => {
    const s = await twoAccounts(t);
    const expKey = await s.ws.keys.getKey(s.exp);
    const token = encodeActivation(newActivationClaims('grant', s.imp, 'private.>', 'stream'), expKey, { iat: 1700000000 });
    await rewriteAccount(s.ws, 'EXP', (c) => void (c.nats.exports = [stream('private.>', { token_req: true, revocations: { [s.imp]: 1800000000 } })]));
    await rewriteAccount(s.ws, 'IMP', (c) => void (c.nats.imports = [{ subject: 'private.a', account: s.exp, type: 'stream', token }]));
    const r = await validateStore(s.ws);
    assert.deepEqual(r.problems.map((p) => [p.entity, p.code]), [['account IMP', 'TOKEN_REVOKED']]);
    // An older entry of its own does not hide a later "*" (Go reads both).
    await rewriteAccount(s.ws, 'EXP', (c) => void (c.nats.exports = [stream('private.>', { token_req: true, revocations: { [s.imp]: 1600000000, '*': 1800000000 } })]));
    assert.deepEqual((await validateStore(s.ws)).problems.map((p) => [p.entity, p.code]), [['account IMP', 'TOKEN_REVOKED']]);
  });
});

describe('verifyMany', () => {
  it('worker threads, and this thread with the pool checking signatures, answer exactly as the inline path, in order', async (t) => {
    const { ws } = tempWorkspace(t);
    await addOperator(ws, 'O');
    const a = await addAccount(ws, 'A');
    const op = await ws.operator();
    const acctKey = await ws.keys.getKey(a.account.publicKey);
    const tokens: string[] = [];
    for (let i = 0; i < 400; i++) {
      const c = newUserClaims(`u${i}`, KeyPair.create('user').publicKey);
      if (i % 7 === 0) c.exp = 1577836800;
      tokens.push(encodeUser(c, i % 11 === 0 ? KeyPair.create('account') : acctKey));
    }
    // Forged: a good token's signature replaced by another token's.
    for (let i = 1; i < tokens.length; i += 53) tokens[i] = tokens[i]!.replace(/[^.]*$/, tokens[i + 1]!.split('.')[2]!);
    const chain = [await op.readOperatorJwt(), await op.readAccountJwt('A')];
    const policy = { trustedOperators: [chain[0]!], now: Date.now() / 1000 };
    const inline = await verifyMany(tokens, chain, policy, { workers: 1 });
    const threaded = await verifyMany(tokens, chain, policy, { workers: 2 });
    assert.deepEqual(threaded.errors, inline.errors);
    const ahead = await verifyMany(tokens, chain, policy, { ahead: true });
    assert.deepEqual(ahead, inline, 'signatures checked on the pool: the same verdicts');
    // Seen three times now, the tokens' facts are cached: the verifier takes nothing from the
    // memo, and what the pool kept is dropped with each chunk all the same.
    assert.deepEqual(await verifyMany(tokens, chain, policy, { ahead: true }), inline);
    assert.deepEqual(tokens.filter((t) => takeVerified(t, NATS_FORMAT) !== undefined), [], 'nothing left in the ahead memo');
    const forged = tokens.map((_, i) => i).filter((i) => i % 53 === 1);
    for (const i of forged) assert.ok(inline.errors[i]!.some((r) => r.code === 'BAD_SIGNATURE'), `token ${i} is refused as forged`);
    assert.equal(inline.errors.filter((e) => e.length > 0).length, tokens.filter((_, i) => i % 7 === 0 || i % 11 === 0 || i % 53 === 1).length);
  });
});
