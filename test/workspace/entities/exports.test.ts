// Exports, imports and activations through the library, each account JWT and activation judged
// by Go's nats-io/jwt (the library nats-server links; tools/go-oracle): decoded, validated (an
// account's Validate checks its imports' activation tokens too) and read back field for field.
// Then every refusal of bad input, with its code, leaving the store as it was.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { newActivationClaims } from '../../../src/claims/nats/activation.js';
import { decodeAccount, decodeActivation } from '../../../src/claims/nats/decode.js';
import { encodeAccount as encodeAccountWith, encodeActivation, encodeUser } from '../../../src/claims/nats/encode.js';
import { newUserClaims } from '../../../src/claims/nats/user.js';
import { KeyPair } from '../../../src/nkeys/keypair.js';
import {
  type Workspace,
  addAccount,
  addExport,
  addImport,
  addUser,
  deleteAccount,
  deleteExport,
  deleteImport,
  deleteUser,
  editAccount,
  generateActivation,
  readAccount,
} from '../../../src/workspace/index.js';
import { GoOracle, goOracle, readingDifference, tsJudge } from '../../fuzz/differential.js';
import { operatorWithAccount, rejectsCode, snapshot, storedKeys, tempWorkspace } from '../helpers.js';

let oracle: GoOracle;
before(() => {
  const o = goOracle();
  assert.ok('bin' in o, `the Go oracle is needed to judge what sigchain wrote: ${'reason' in o ? o.reason : ''}`);
  oracle = new GoOracle(o.bin);
});
after(() => oracle?.close());

/** Go decodes and validates each token, and reads every field as sigchain does. */
async function goAccepts(...tokens: string[]): Promise<void> {
  const answers = await oracle.judge(tokens);
  answers.forEach((go, i) => {
    assert.equal(go.accept, true, `Go refuses token ${i}: ${go.error ?? go.blocking?.join('; ')}`);
    const ts = tsJudge(tokens[i]!);
    assert.equal(ts.accept, true, `sigchain refuses token ${i}: ${ts.code ?? ts.errors?.join(', ')}`);
    assert.equal(readingDifference(go.claims, ts.claims), undefined);
  });
}

async function token(ws: Workspace, account: string): Promise<string> {
  return (await readAccount(await ws.operator(), account)).token;
}

/** O with a signing key; A (exporter, with an account signing key), B and C (importers). */
async function threeAccounts(ws: Workspace) {
  const base = await operatorWithAccount(ws);
  const b = await addAccount(ws, 'B');
  const c = await addAccount(ws, 'C');
  return { ...base, b, c };
}

describe('exports and imports', () => {
  it('public stream and service exports, imported by another account: Go accepts and reads both accounts as written', async (t) => {
    const { ws } = tempWorkspace(t);
    const { a, b } = await threeAccounts(ws);
    const s = await addExport(ws, { account: 'A', subject: 'orders.>' });
    assert.deepEqual(s.export, { name: 'orders.>', subject: 'orders.>', type: 'stream' });
    const svc = await addExport(ws, { account: 'A', subject: 'help.*', type: 'service', responseType: 'Stream', responseThreshold: 2e9, latencySubject: 'lat.help', sampling: 25, name: 'help' });
    assert.deepEqual(svc.export, { name: 'help', subject: 'help.*', type: 'service', response_type: 'Stream', response_threshold: 2e9, service_latency: { sampling: 25, results: 'lat.help' } });
    assert.equal(svc.account.signedBy, 'signing-key');
    const hdr = await addExport(ws, { account: 'A', subject: 'hdr', type: 'service', latencySubject: 'lat.hdr', sampling: 'headers' });
    assert.equal(hdr.export.response_type, 'Singleton');

    const i1 = await addImport(ws, { account: 'B', srcAccount: 'A', remoteSubject: 'orders.eu.>', localSubject: 'a.orders.eu.>' });
    assert.deepEqual(i1.import, { name: 'orders.eu.>', subject: 'orders.eu.>', account: a.account.publicKey, type: 'stream', local_subject: 'a.orders.eu.>' });
    assert.equal(i1.export.subject, 'orders.>');
    const i2 = await addImport(ws, { account: 'B', srcAccount: a.account.publicKey, remoteSubject: 'help.me', service: true, share: true });
    assert.deepEqual(i2.import, { name: 'help.me', subject: 'help.me', account: a.account.publicKey, type: 'service', share: true });
    assert.equal(decodeAccount(await token(ws, 'B')).sub, b.account.publicKey);
    await goAccepts(await token(ws, 'A'), await token(ws, 'B'));
  });

  it('a public export with an account token position: the importer key is filled in where the * is', async (t) => {
    const { ws } = tempWorkspace(t);
    const { b } = await threeAccounts(ws);
    await addExport(ws, { account: 'A', subject: 'req.*.status', type: 'service', accountTokenPosition: 2 });
    const r = await addImport(ws, { account: 'B', srcAccount: 'A', remoteSubject: 'req.*.status', service: true });
    assert.equal(r.import.subject, `req.${b.account.publicKey}.status`);
    assert.equal(r.import.name, 'req.*.status');
    assert.equal(r.accountTokenFilled, 2);
    await goAccepts(await token(ws, 'A'), await token(ws, 'B'));
    // Another account's key at that position is never served to B.
    const c = (await readAccount(await ws.operator(), 'C')).claims.sub;
    await rejectsCode(addImport(ws, { account: 'B', srcAccount: 'A', remoteSubject: `req.${c}.status`, service: true }), 'EXPORT_NOT_FOUND');
  });

  it('a private service: the activation is signed by the exporter signing key, and the import with it is what Go accepts', async (t) => {
    const { ws } = tempWorkspace(t);
    const { a, b, accountSk } = await threeAccounts(ws);
    await addExport(ws, { account: 'A', subject: 'help', type: 'service', private: true });
    const act = await generateActivation(ws, { account: 'A', target: 'B', expiry: Math.floor(Date.now() / 1000) + 3600 });
    assert.equal(act.signedBy, 'signing-key');
    assert.equal(act.issuer, accountSk.publicKey);
    assert.match(act.decorated, /^-----BEGIN NATS ACTIVATION JWT-----\n[\w-]+\.[\w-]+\.[\w-]+\n------END NATS ACTIVATION JWT------\n\n$/);
    const c = decodeActivation(act.token);
    assert.equal(c.sub, b.account.publicKey);
    assert.equal(c.iss, accountSk.publicKey);
    assert.equal(c.nats.issuer_account, a.account.publicKey);
    assert.deepEqual([c.name, c.nats.subject, c.nats.kind], ['help', 'help', 'service']);

    const r = await addImport(ws, { account: 'B', token: act.decorated.split('\n')[1]!, localSubject: 'a.help' });
    assert.equal(r.import.token, act.token);
    assert.deepEqual([r.import.account, r.import.subject, r.import.local_subject, r.import.type], [a.account.publicKey, 'help', 'a.help', 'service']);
    await goAccepts(act.token, await token(ws, 'A'), await token(ws, 'B'));

    // Signed by the identity key (-K), no issuer_account; also accepted.
    const byId = await generateActivation(ws, { account: 'A', target: b.account.publicKey, subject: 'help', signer: await ws.resolveSigner(a.account.keyPath!) });
    assert.equal(byId.signedBy, 'identity');
    assert.equal(decodeActivation(byId.token).nats.issuer_account, undefined);
    await goAccepts(byId.token);
  });

  it('delete export names the importers; delete import removes it, asking which when two accounts are imported from', async (t) => {
    const { ws } = tempWorkspace(t);
    const { a, c } = await threeAccounts(ws);
    await addExport(ws, { account: 'A', subject: 'orders.>' });
    await addExport(ws, { account: 'C', subject: 'orders.>' });
    await addImport(ws, { account: 'B', srcAccount: 'A', remoteSubject: 'orders.>', localSubject: 'a.orders.>' });
    await addImport(ws, { account: 'B', srcAccount: 'C', remoteSubject: 'orders.>', localSubject: 'c.orders.>' });
    await rejectsCode(deleteImport(ws, { account: 'B', subject: 'orders.>' }), 'AMBIGUOUS_NAME');
    const d = await deleteImport(ws, { account: 'B', subject: 'orders.>', srcAccount: 'C' });
    assert.equal(d.removed.account, c.account.publicKey);
    const e = await deleteExport(ws, { account: 'A', subject: 'orders.>' });
    assert.deepEqual(e.importers, [{ name: 'B', subjects: ['orders.>'] }]);
    assert.ok(e.warnings.some((w) => /"B"/.test(w) && /serve nothing/.test(w)));
    assert.equal(decodeAccount(await token(ws, 'A')).nats.exports, undefined);
    const left = decodeAccount(await token(ws, 'B')).nats.imports!;
    assert.deepEqual(left.map((i) => i.account), [a.account.publicKey]);
    await goAccepts(await token(ws, 'A'), await token(ws, 'B'));
  });
});

describe('bad input is refused with a code and changes nothing', () => {
  it('imports from an account that does not exist, of a subject not exported, of a private export without activation', async (t) => {
    const { ws, home } = tempWorkspace(t);
    await threeAccounts(ws);
    await addExport(ws, { account: 'A', subject: 'orders.>' });
    await addExport(ws, { account: 'A', subject: 'help', type: 'service', private: true });
    const before = snapshot(home);
    const missing = await rejectsCode(addImport(ws, { account: 'B', srcAccount: 'NOPE', remoteSubject: 'orders.>' }), 'IMPORT_SOURCE_MISSING');
    assert.match(missing.message, /NOPE/);
    assert.match(missing.message, /A, B, C/);
    await rejectsCode(addImport(ws, { account: 'B', srcAccount: KeyPair.create('account').publicKey, remoteSubject: 'orders.>' }), 'IMPORT_SOURCE_MISSING');
    const notExported = await rejectsCode(addImport(ws, { account: 'B', srcAccount: 'A', remoteSubject: 'payments.>' }), 'EXPORT_NOT_FOUND');
    assert.match(notExported.message, /orders\.>/);
    await rejectsCode(addImport(ws, { account: 'B', srcAccount: 'A', remoteSubject: 'orders.>', service: true }), 'EXPORT_NOT_FOUND');
    await rejectsCode(addImport(ws, { account: 'B', srcAccount: 'A', remoteSubject: 'help', service: true }), 'ACTIVATION_REQUIRED');
    await rejectsCode(addImport(ws, { account: 'A', srcAccount: 'A', remoteSubject: 'orders.>' }), 'USAGE');
    await rejectsCode(addImport(ws, { account: 'B', remoteSubject: 'orders.>' }), 'USAGE');
    await addImport(ws, { account: 'B', srcAccount: 'A', remoteSubject: 'orders.>' });
    const dupBefore = snapshot(home);
    await rejectsCode(addImport(ws, { account: 'B', srcAccount: 'A', remoteSubject: 'orders.>' }), 'STORE_EXISTS');
    assert.deepEqual(snapshot(home), dupBefore);
    assert.notDeepEqual(dupBefore, before);
  });

  it('activations made for another account, signed by an unlisted key, for another subject, expired, or not activations at all', async (t) => {
    const { ws, home } = tempWorkspace(t);
    const { a, b, c } = await threeAccounts(ws);
    await addExport(ws, { account: 'A', subject: 'help', type: 'service', private: true });
    const forC = await generateActivation(ws, { account: 'A', target: 'C' });
    const aKey = await ws.custody.exportKey(a.account.publicKey);
    const stranger = KeyPair.create('account');
    const unlisted = newActivationClaims('help', b.account.publicKey, 'help', 'service', a.account.publicKey);
    const otherSubject = newActivationClaims('other', b.account.publicKey, 'other', 'service');
    const wrongKind = newActivationClaims('help', b.account.publicKey, 'help', 'stream');
    const expired = newActivationClaims('help', b.account.publicKey, 'help', 'service');
    expired.exp = Math.floor(Date.now() / 1000) - 60;
    const fromStranger = newActivationClaims('help', b.account.publicKey, 'help', 'service');
    const user = KeyPair.create('user');
    const good = (await generateActivation(ws, { account: 'A', target: 'B' })).token;
    const before = snapshot(home);

    const wrong = await rejectsCode(addImport(ws, { account: 'B', token: forC.token }), 'ACTIVATION_WRONG_ACCOUNT');
    assert.match(wrong.message, new RegExp(`${c.account.publicKey} \\("C"\\)`));
    const notListed = await rejectsCode(addImport(ws, { account: 'B', token: encodeActivation(unlisted, stranger) }), 'SIGNING_KEY_NOT_LISTED');
    assert.match(notListed.message, new RegExp(stranger.publicKey));
    await rejectsCode(addImport(ws, { account: 'B', token: encodeActivation(otherSubject, aKey) }), 'ACTIVATION_SUBJECT_MISMATCH');
    await rejectsCode(addImport(ws, { account: 'B', token: encodeActivation(wrongKind, aKey) }), 'ACTIVATION_SUBJECT_MISMATCH');
    await rejectsCode(addImport(ws, { account: 'B', token: encodeActivation(expired, aKey) }), 'TOKEN_EXPIRED');
    // Issued by an account that is not in the store: nothing could serve it.
    await rejectsCode(addImport(ws, { account: 'B', token: encodeActivation(fromStranger, stranger) }), 'IMPORT_SOURCE_MISSING');
    await rejectsCode(addImport(ws, { account: 'B', token: encodeUser(newUserClaims('u', user.publicKey), aKey) }), 'WRONG_CLAIM_TYPE');
    const [h, p, s] = good.split('.');
    await rejectsCode(addImport(ws, { account: 'B', token: `${h}.${p}.${s!.slice(0, -4)}AAAA` }), 'BAD_SIGNATURE');
    await rejectsCode(addImport(ws, { account: 'B', token: 'not.a.token' }), 'MALFORMED_TOKEN');
    await rejectsCode(addImport(ws, { account: 'B', token: good, srcAccount: 'A' }), 'USAGE');
    assert.deepEqual(snapshot(home), before);
  });

  it('exports nsc or Go would refuse, and activations of what is not exported privately', async (t) => {
    const { ws, home } = tempWorkspace(t);
    await threeAccounts(ws);
    await addExport(ws, { account: 'A', subject: 'orders.>' });
    const before = snapshot(home);
    await rejectsCode(addExport(ws, { account: 'A', subject: 'orders.>' }), 'STORE_EXISTS');
    await rejectsCode(addExport(ws, { account: 'A', subject: 'orders.eu' }), 'INVALID_CLAIMS'); // contained in orders.>
    await rejectsCode(addExport(ws, { account: 'A', subject: 'a.*', private: true, accountTokenPosition: 2 }), 'USAGE');
    await rejectsCode(addExport(ws, { account: 'A', subject: 'a.b', accountTokenPosition: 2 }), 'INVALID_CLAIMS');
    await rejectsCode(addExport(ws, { account: 'A', subject: 'a.*', accountTokenPosition: 3 }), 'INVALID_CLAIMS');
    await rejectsCode(addExport(ws, { account: 'A', subject: 'x', responseType: 'Stream' }), 'USAGE');
    await rejectsCode(addExport(ws, { account: 'A', subject: 'x', type: 'service', latencySubject: 'lat' }), 'USAGE');
    await rejectsCode(addExport(ws, { account: 'A', subject: 'x', type: 'service', latencySubject: 'lat.*', sampling: 10 }), 'INVALID_CLAIMS');
    await rejectsCode(addExport(ws, { account: 'A', subject: 'a..b' }), 'INVALID_CLAIMS');
    await rejectsCode(addExport(ws, { account: 'NOPE', subject: 'x' }), 'STORE_NOT_FOUND');
    await rejectsCode(generateActivation(ws, { account: 'A', target: 'B' }), 'EXPORT_NOT_FOUND');
    await addExport(ws, { account: 'A', subject: 'help.>', type: 'service', private: true });
    const mid = snapshot(home);
    await rejectsCode(generateActivation(ws, { account: 'A', target: 'B', subject: 'orders.eu' }), 'EXPORT_NOT_FOUND');
    await rejectsCode(generateActivation(ws, { account: 'A', target: 'NOPE' }), 'STORE_NOT_FOUND');
    await rejectsCode(generateActivation(ws, { account: 'A', target: 'A' }), 'USAGE');
    await rejectsCode(deleteExport(ws, { account: 'A', subject: 'payments' }), 'STORE_NOT_FOUND');
    await rejectsCode(deleteImport(ws, { account: 'B', subject: 'x' }), 'STORE_NOT_FOUND');
    assert.deepEqual(snapshot(home), mid);
    assert.notDeepEqual(mid, before);
  });
});

describe('deleteUser and deleteAccount', () => {
  it('deletes users (and with rmNkey/rmCreds their seeds and creds); revoke first re-signs the account with the revocations', async (t) => {
    const { ws } = tempWorkspace(t);
    const { accountSk } = await operatorWithAccount(ws);
    const signer = await ws.resolveSigner(accountSk.keyPath);
    const u1 = await addUser(ws, 'U1', { signer });
    const u2 = await addUser(ws, 'U2', { signer });
    const u3 = await addUser(ws, 'U3', { signer });
    const op = await ws.operator();

    const plain = await deleteUser(ws, { users: ['U1'] });
    assert.deepEqual(plain.users, [{ name: 'U1', publicKey: u1.user.publicKey }]);
    assert.ok(plain.warnings.some((w) => /does not revoke/.test(w) && /-R/.test(w)));
    assert.equal(await op.hasUser('A', 'U1'), false);
    assert.ok((await storedKeys(ws)).includes(u1.user.publicKey), 'the seed stays without rmNkey');

    const r = await deleteUser(ws, { users: ['U2', 'U3'], revoke: true, rmNkey: true, rmCreds: true });
    assert.deepEqual(r.users.map((u) => [u.name, u.revocation, u.key, u.creds]), [
      ['U2', 'revoked', 'removed', 'removed'],
      ['U3', 'revoked', 'removed', 'removed'],
    ]);
    assert.equal(r.resigned?.signedBy, 'signing-key');
    const revs = decodeAccount(await token(ws, 'A')).nats.revocations!;
    assert.ok(revs[u2.user.publicKey]! > 0 && revs[u3.user.publicKey]! > 0);
    const keys = await storedKeys(ws);
    assert.ok(!keys.includes(u2.user.publicKey) && !keys.includes(u3.user.publicKey));
    assert.deepEqual(await op.listUsers('A'), []);
    await goAccepts(await token(ws, 'A'));
  });

  it('-R moves an old revocation forward when the user was re-issued after it; one that already refuses the token is kept', async (t) => {
    const { ws } = tempWorkspace(t);
    const { accountSk } = await operatorWithAccount(ws);
    const signer = await ws.resolveSigner(accountSk.keyPath);
    const old = await addUser(ws, 'OLD', { signer });
    const cur = await addUser(ws, 'CUR', { signer });
    // OLD: revoked long ago, its current token issued later (so not refused); CUR: revoked now.
    const a = (await readAccount(await ws.operator(), 'A')).claims;
    a.nats.revocations = { [old.user.publicKey]: 1000, [cur.user.publicKey]: Math.floor(Date.now() / 1000) + 60 };
    await (await ws.operator()).writeAccountJwt('A', encodeAccountWith(a, await ws.custody.exportKey(decodeAccount(await token(ws, 'A')).iss!)));
    const r = await deleteUser(ws, { users: ['OLD', 'CUR'], revoke: true });
    assert.deepEqual(r.users.map((u) => [u.name, u.revocation]), [['OLD', 'revoked'], ['CUR', 'already-revoked']]);
    const revs = decodeAccount(await token(ws, 'A')).nats.revocations!;
    assert.ok(revs[old.user.publicKey]! >= Math.floor(Date.now() / 1000) - 5, 'moved forward to now');
  });

  it('a user that does not exist stops the whole delete before anything is removed', async (t) => {
    const { ws, home } = tempWorkspace(t);
    const { accountSk } = await operatorWithAccount(ws);
    await addUser(ws, 'U1', { signer: await ws.resolveSigner(accountSk.keyPath) });
    const before = snapshot(home);
    await rejectsCode(deleteUser(ws, { users: ['U1', 'NOPE'], revoke: true, rmNkey: true, rmCreds: true }), 'STORE_NOT_FOUND');
    await rejectsCode(deleteUser(ws, { users: [] }), 'USAGE');
    assert.deepEqual(snapshot(home), before);
  });

  it('an account others import from is not deleted, and they are named; once their imports are gone it is', async (t) => {
    const { ws, home } = tempWorkspace(t);
    const { a, o } = await threeAccounts(ws);
    await editAccount(ws, { account: 'A', addSigningKeys: ['generate'] });
    await addExport(ws, { account: 'A', subject: 'orders.>' });
    await addExport(ws, { account: 'A', subject: 'help', type: 'service' });
    await addImport(ws, { account: 'B', srcAccount: 'A', remoteSubject: 'orders.>' });
    await addImport(ws, { account: 'C', srcAccount: 'A', remoteSubject: 'help', service: true });
    await addUser(ws, 'U', { account: 'A' });
    const before = snapshot(home);
    const inUse = await rejectsCode(deleteAccount(ws, { account: 'A', rmNkey: true }), 'ACCOUNT_IN_USE');
    assert.match(inUse.message, /"B" imports orders\.>/);
    assert.match(inUse.message, /"C" imports help/);
    assert.deepEqual(snapshot(home), before);
    await rejectsCode(deleteAccount(ws, { account: 'SYS' }), 'ACCOUNT_IN_USE');
    await rejectsCode(deleteAccount(ws, { account: 'NOPE' }), 'STORE_NOT_FOUND');

    await deleteImport(ws, { account: 'B' });
    await deleteImport(ws, { account: 'C' });
    const aClaims = decodeAccount(await token(ws, 'A'));
    const r = await deleteAccount(ws, { account: 'A', rmNkey: true, rmCreds: true });
    assert.deepEqual(r.users, ['U']);
    assert.deepEqual(r.removedCreds, ['U']);
    const sks = (aClaims.nats.signing_keys ?? []).map((k) => (typeof k === 'string' ? k : k.key));
    for (const k of [a.account.publicKey, ...sks]) assert.ok(r.removedKeys.includes(k), `seed of ${k} removed`);
    assert.deepEqual(await (await ws.operator()).listAccounts(), ['B', 'C', 'SYS']);
    assert.ok((await storedKeys(ws)).includes(o.signingKey!.publicKey), 'operator keys stay');
  });
});
