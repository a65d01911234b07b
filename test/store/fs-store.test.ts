import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { isSigchainError } from '../../src/errors.js';
import { KeyPair } from '../../src/nkeys/index.js';
import { FsStore, nscFileContent } from '../../src/store/fs-store.js';
import { safeName } from '../../src/store/names.js';
import { chain, mode, tempDir, token, tree } from './helpers/fixtures.js';


/** A store holding the chain's operator, its account and a user of it. */
async function storeWithUser(t: Parameters<typeof tempDir>[0]) {
  const stores = tempDir(t);
  const c = chain();
  const store = new FsStore(stores);
  const op = await store.createOperator(c.op, c.opJwt);
  await op.addAccount(c.acct, c.acctJwt);
  await op.addUser(c.acct, c.user, c.userJwt);
  return { stores, c, store, op };
}

test('creates the nsc layout byte for byte: .nsc, <Op>.jwt, accounts/<A>/<A>.jwt, users/<U>.jwt, 0600 files in 0700 folders', async (t) => {
  const stores = join(tempDir(t), 'stores');
  const c = chain();
  const store = new FsStore(stores);
  const op = await store.createOperator(c.op, c.opJwt);
  await op.addAccount(c.acct, c.acctJwt);
  await op.addUser(c.acct, c.user, c.userJwt);

  assert.deepEqual(tree(stores), ['ACME/', 'ACME/.nsc', 'ACME/ACME.jwt', 'ACME/accounts/', 'ACME/accounts/billing/', 'ACME/accounts/billing/billing.jwt', 'ACME/accounts/billing/users/', 'ACME/accounts/billing/users/svc.jwt']);
  assert.equal(readFileSync(join(stores, 'ACME/.nsc'), 'utf8'), '{"managed":false,"name":"ACME","kind":"operator","version":"1"}');
  assert.equal(readFileSync(join(stores, 'ACME/ACME.jwt'), 'utf8'), c.opJwt);
  assert.equal(readFileSync(join(stores, 'ACME/accounts/billing/billing.jwt'), 'utf8'), c.acctJwt);
  assert.equal(readFileSync(join(stores, 'ACME/accounts/billing/users/svc.jwt'), 'utf8'), c.userJwt);
  for (const f of ['ACME/.nsc', 'ACME/ACME.jwt', 'ACME/accounts/billing/billing.jwt', 'ACME/accounts/billing/users/svc.jwt']) assert.equal(mode(join(stores, f)), 0o600, f);
  for (const d of ['', 'ACME', 'ACME/accounts', 'ACME/accounts/billing', 'ACME/accounts/billing/users']) assert.equal(mode(join(stores, d)), 0o700, d || 'stores');
  assert.equal(nscFileContent('a<b', true), '{"managed":true,"name":"a\\u003cb","kind":"operator","version":"1"}', 'Go escaping, as nsc writes');
});

test('reads, lists, replaces, finds by public key and deletes', async (t) => {
  const { stores, c, store, op } = await storeWithUser(t);
  const other = KeyPair.create('account');
  await op.addAccount('SYS', token('account', other, 'SYS', c.okp));

  assert.deepEqual(await store.listOperators(), ['ACME']);
  assert.equal(await (await store.openOperator('  ACME ')).readOperatorJwt(), c.opJwt, 'names are trimmed as nsc SafeName does');
  assert.deepEqual(await op.listAccounts(), ['SYS', 'billing']);
  assert.deepEqual(await op.listUsers(c.acct), ['svc']);
  assert.deepEqual(await op.listUsers('SYS'), []);
  assert.equal(await op.readAccountJwt(c.acct), c.acctJwt);
  assert.equal(await op.readUserJwt(c.acct, c.user), c.userJwt);

  assert.equal((await op.findAccountByPublicKey(other.publicKey))?.name, 'SYS');
  const u = await op.findUserByPublicKey(c.ukp.publicKey);
  assert.equal(u?.name, 'svc');
  assert.equal(u?.account, 'billing');
  assert.equal(await op.findUserByPublicKey(KeyPair.create('user').publicKey), undefined);
  assert.equal((await store.findOperatorByPublicKey(c.okp.publicKey))?.name, 'ACME');

  const reissued = token('account', c.akp, c.acct, KeyPair.create('operator')); // e.g. signed by a signing key
  assert.notEqual(reissued, c.acctJwt);
  await op.writeAccountJwt(c.acct, `${reissued}\n`);
  assert.equal(await op.readAccountJwt(c.acct), reissued, 'stored trimmed, as nsc stores raw tokens');

  assert.equal(await op.deleteUser(c.acct, c.user), true);
  assert.equal(await op.deleteUser(c.acct, c.user), false);
  assert.equal(await op.deleteAccount(c.acct), true);
  assert.deepEqual(await op.listAccounts(), ['SYS']);
  assert.deepEqual(tree(join(stores, 'ACME', 'accounts')), ['SYS/', 'SYS/SYS.jwt'], 'nothing left of the deleted account');
});

test('missing store and missing entities are STORE_NOT_FOUND, listing what exists', async (t) => {
  const root = tempDir(t);
  const none = new FsStore(join(root, 'nope'));
  await assert.rejects(none.openOperator('ACME'), (e) => isSigchainError(e, 'STORE_NOT_FOUND') && e.message.includes('no store at') && e.message.includes(join(root, 'nope')));
  assert.deepEqual(await none.listOperators(), []);

  const c = chain();
  const store = new FsStore(join(root, 'stores'));
  const op = await store.createOperator(c.op, c.opJwt);
  await store.createOperator('OTHER', token('operator', KeyPair.create('operator'), 'OTHER'));
  await op.addAccount(c.acct, c.acctJwt);
  await op.addUser(c.acct, c.user, c.userJwt);

  await assert.rejects(store.openOperator('NOPE'), (e) => isSigchainError(e, 'STORE_NOT_FOUND') && e.message.includes('Operators: ACME, OTHER'));
  await assert.rejects(op.readAccountJwt('nope'), (e) => isSigchainError(e, 'STORE_NOT_FOUND') && e.message.includes('Accounts: billing'));
  await assert.rejects(op.readUserJwt(c.acct, 'nope'), (e) => isSigchainError(e, 'STORE_NOT_FOUND') && e.message.includes('Users: svc'));
  await assert.rejects(op.listUsers('nope'), (e) => isSigchainError(e, 'STORE_NOT_FOUND'));
  await assert.rejects(op.addUser('nope', 'u', c.userJwt), (e) => isSigchainError(e, 'STORE_NOT_FOUND'));
  const fresh = await store.openOperator('OTHER');
  await assert.rejects(fresh.readAccountJwt('x'), (e) => isSigchainError(e, 'STORE_NOT_FOUND') && e.message.includes('Accounts: (none)'));
});

test('creating what exists is STORE_EXISTS and changes nothing', async (t) => {
  const { stores, c, store, op } = await storeWithUser(t);
  await assert.rejects(store.createOperator(c.op, token('operator', KeyPair.create('operator'), c.op)), (e) => isSigchainError(e, 'STORE_EXISTS'));
  await assert.rejects(op.addAccount(c.acct, token('account', KeyPair.create('account'), c.acct, c.okp)), (e) => isSigchainError(e, 'STORE_EXISTS'));
  await assert.rejects(op.addUser(c.acct, c.user, token('user', KeyPair.create('user'), c.user, c.akp)), (e) => isSigchainError(e, 'STORE_EXISTS'));
  assert.equal(await op.readOperatorJwt(), c.opJwt);
  assert.equal(await op.readAccountJwt(c.acct), c.acctJwt);
  assert.equal(await op.readUserJwt(c.acct, c.user), c.userJwt);
  // A non-empty folder without .nsc is not overwritten either.
  mkdirSync(join(stores, 'junk'));
  writeFileSync(join(stores, 'junk', 'file'), 'x');
  await assert.rejects(store.createOperator('junk', token('operator', KeyPair.create('operator'), 'junk')), (e) => isSigchainError(e, 'STORE_EXISTS'));
  assert.deepEqual(await store.listOperators(), ['ACME'], 'a folder without .nsc is not an operator');
});

test('addUsers stores a batch of users whole, or none of it when one name is taken', async (t) => {
  const { stores, c, op } = await storeWithUser(t);
  const users = Array.from({ length: 70 }, (_, i) => ({ name: `b${i}`, token: token('user', KeyPair.create('user'), `b${i}`, c.akp) }));
  const before = tree(stores);
  await assert.rejects(op.addUsers(c.acct, [...users, { name: c.user, token: c.userJwt }]), (e) => isSigchainError(e, 'STORE_EXISTS') && e.message.includes(`User ${c.user} already exists`) && e.message.includes('no user was added'));
  await assert.rejects(op.addUsers(c.acct, [users[0]!, { ...users[1]!, name: ' b0' }]), (e) => isSigchainError(e, 'USAGE'));
  await assert.rejects(op.addUsers(c.acct, [{ name: 'x', token: c.acctJwt }]), (e) => isSigchainError(e, 'WRONG_CLAIM_TYPE'));
  await assert.rejects(op.addUsers('nope', users), (e) => isSigchainError(e, 'STORE_NOT_FOUND'));
  assert.deepEqual(tree(stores), before, 'nothing written');
  await op.addUsers(c.acct, users);
  assert.deepEqual(await op.listUsers(c.acct), [...users.map((u) => u.name), c.user].sort());
  for (const u of users) assert.equal(await op.readUserJwt(c.acct, u.name), u.token);
  assert.equal(mode(op.userJwtPath(c.acct, 'b7')), 0o600);
  assert.ok(!tree(stores).some((p) => p.endsWith('.tmp')), 'no temp file left');
});

test('bad names are refused with INVALID_NAME before touching the disk', async (t) => {
  const stores = tempDir(t);
  const c = chain();
  const store = new FsStore(stores);
  const op = await store.createOperator(c.op, c.opJwt);
  for (const bad of ['', '   ', '..', '.', '../x', 'a/b', 'a\\b', '.nsc', 'a\u0000b', 'line\nbreak']) {
    await assert.rejects(async () => op.addAccount(bad, c.acctJwt), (e) => isSigchainError(e, 'INVALID_NAME'), JSON.stringify(bad));
    await assert.rejects(async () => store.openOperator(bad), (e) => isSigchainError(e, 'INVALID_NAME'), JSON.stringify(bad));
  }
  assert.equal(safeName(' ok name ', 'user'), 'ok name');
  assert.deepEqual(tree(stores), ['ACME/', 'ACME/.nsc', 'ACME/ACME.jwt', 'ACME/accounts/']);
});

test('a file that is not a JWT is STORE_CORRUPT naming it; writing a token of the wrong kind is refused', async (t) => {
  const stores = tempDir(t);
  const c = chain();
  const store = new FsStore(stores);
  const op = await store.createOperator(c.op, c.opJwt);
  await op.addAccount(c.acct, c.acctJwt);
  const file = op.accountJwtPath(c.acct);
  writeFileSync(file, 'this is not a token');
  await assert.rejects(op.readAccountJwt(c.acct), (e) => isSigchainError(e, 'STORE_CORRUPT') && e.message.includes(file));
  await assert.rejects(op.findAccountByPublicKey(c.akp.publicKey), (e) => isSigchainError(e, 'STORE_CORRUPT'));
  writeFileSync(join(stores, 'ACME', '.nsc'), '{not json');
  await assert.rejects(store.openOperator('ACME'), (e) => isSigchainError(e, 'STORE_CORRUPT') && e.message.includes(join(stores, 'ACME', '.nsc')));

  const op2 = await store.createOperator('B', token('operator', KeyPair.create('operator'), 'B'));
  await assert.rejects(op2.addAccount('x', c.userJwt), (e) => isSigchainError(e, 'WRONG_CLAIM_TYPE'));
  await assert.rejects(op2.addAccount('x', 'garbage'), (e) => isSigchainError(e, 'MALFORMED_TOKEN'));
  assert.equal(existsSync(op2.accountJwtPath('x')), false);
});

test('store changes take the stores lock, and wait for another holder', async (t) => {
  const stores = tempDir(t);
  const c = chain();
  const store = new FsStore(stores, { timeoutMs: 150 });
  const op = await store.createOperator(c.op, c.opJwt);
  // Another process's live lock (this test's parent pid is alive and is not this process).
  const { hostname } = await import('node:os');
  writeFileSync(join(stores, '.sigchain.lock'), JSON.stringify({ pid: process.ppid, hostname: hostname(), time: 'now', token: 'x' }));
  await assert.rejects(op.addAccount(c.acct, c.acctJwt), (e) => isSigchainError(e, 'STORE_LOCKED') && e.message.includes(`pid ${process.ppid}`));
  assert.equal(await op.hasAccount(c.acct), false);
  assert.equal(await op.readOperatorJwt(), c.opJwt, 'reads do not need the lock');
});
