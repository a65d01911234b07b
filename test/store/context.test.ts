import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { isSigchainError } from '../../src/errors.js';
import { KeyPair } from '../../src/nkeys/index.js';
import { currentContext, readContextFile, resolveAccount, resolveOperator, selectAccount, selectOperator } from '../../src/store/context.js';
import { FsStore } from '../../src/store/fs-store.js';
import { resolvePaths } from '../../src/store/paths.js';
import { chain, mode, tempDir, token } from './helpers/fixtures.js';

function setup(t: Parameters<typeof tempDir>[0]) {
  const paths = resolvePaths({ HOME: '/nonexistent', SIGCHAIN_HOME: tempDir(t) });
  return { paths, store: FsStore.fromPaths(paths) };
}

test('no operators: STORE_NOT_FOUND; exactly one: it is the default; a named one must exist', async (t) => {
  const { paths, store } = setup(t);
  await assert.rejects(resolveOperator(store, paths), (e) => isSigchainError(e, 'STORE_NOT_FOUND') && e.message.includes('no operators'));
  const c = chain();
  await store.createOperator(c.op, c.opJwt);
  assert.equal((await resolveOperator(store, paths)).name, 'ACME');
  await assert.rejects(resolveOperator(store, paths, 'NOPE'), (e) => isSigchainError(e, 'STORE_NOT_FOUND') && e.message.includes('Operators: ACME'));
});

test('several operators and none selected: NO_CONTEXT telling how to select; select fixes it', async (t) => {
  const { paths, store } = setup(t);
  await store.createOperator('A', token('operator', KeyPair.create('operator'), 'A'));
  await store.createOperator('B', token('operator', KeyPair.create('operator'), 'B'));
  await assert.rejects(resolveOperator(store, paths), (e) => {
    assert.ok(isSigchainError(e, 'NO_CONTEXT'));
    assert.match(e.message, /sigchain select operator NAME/);
    assert.match(e.message, /--operator NAME/);
    assert.match(e.message, /A, B/);
    return true;
  });
  assert.equal((await resolveOperator(store, paths, 'B')).name, 'B', 'naming one works without a context');
  await selectOperator(store, paths, 'B');
  assert.equal((await resolveOperator(store, paths)).name, 'B');
  const file = JSON.parse(readFileSync(paths.configFile.path, 'utf8'));
  assert.deepEqual(file, { store_root: paths.storesDir.path, operator: 'B', account: '' });
  assert.equal(mode(paths.configFile.path), 0o600);
  await assert.rejects(selectOperator(store, paths, 'C'), (e) => isSigchainError(e, 'STORE_NOT_FOUND'));
});

test('accounts: the only one is the default; with several, the selected one; else NO_CONTEXT', async (t) => {
  const { paths, store } = setup(t);
  const c = chain();
  const op = await store.createOperator(c.op, c.opJwt);
  await assert.rejects(resolveAccount(op, paths), (e) => isSigchainError(e, 'STORE_NOT_FOUND') && e.message.includes('no accounts'));
  await op.addAccount('one', token('account', KeyPair.create('account'), 'one', c.okp));
  assert.equal(await resolveAccount(op, paths), 'one');
  await op.addAccount('two', token('account', KeyPair.create('account'), 'two', c.okp));
  await assert.rejects(resolveAccount(op, paths), (e) => isSigchainError(e, 'NO_CONTEXT') && /sigchain select account NAME/.test(e.message) && /--account NAME/.test(e.message));
  await assert.rejects(resolveAccount(op, paths, 'three'), (e) => isSigchainError(e, 'STORE_NOT_FOUND') && e.message.includes('Accounts: one, two'));
  await selectAccount(store, paths, 'two');
  assert.equal(await resolveAccount(op, paths), 'two');
  assert.deepEqual(await currentContext(store, paths), { operator: 'ACME', account: 'two' });
});

test('a saved choice that no longer exists, or belongs to another operator, is ignored', async (t) => {
  const { paths, store } = setup(t);
  const a = await store.createOperator('A', token('operator', KeyPair.create('operator'), 'A'));
  const b = await store.createOperator('B', token('operator', KeyPair.create('operator'), 'B'));
  for (const op of [a, b]) for (const n of ['x', 'y', 'z']) await op.addAccount(n, token('account', KeyPair.create('account'), n));
  await selectAccount(store, paths, 'x', 'A');
  assert.deepEqual(await readContextFile(paths), { store_root: paths.storesDir.path, operator: 'A', account: 'x' });
  await assert.rejects(resolveAccount(b, paths), (e) => isSigchainError(e, 'NO_CONTEXT'), "A's account does not count for B");
  assert.equal(await a.deleteAccount('x'), true);
  await assert.rejects(resolveAccount(a, paths), (e) => isSigchainError(e, 'NO_CONTEXT'));
  // Switching operator keeps the account only if the new operator has it (nsc's saneDefault).
  await selectAccount(store, paths, 'y', 'A');
  await selectOperator(store, paths, 'B');
  assert.deepEqual(await currentContext(store, paths), { operator: 'B', account: 'y' });
});
