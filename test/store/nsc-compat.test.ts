// A home laid out by hand exactly as nsc writes it, then used in place by sigchain.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { KeyPair } from '../../src/nkeys/index.js';
import { currentContext, resolveAccount, resolveOperator, selectAccount } from '../../src/store/context.js';
import { FsStore } from '../../src/store/fs-store.js';
import { KeyStore } from '../../src/store/keystore.js';
import { resolvePaths } from '../../src/store/paths.js';
import { chain, tempDir, token, tree } from './helpers/fixtures.js';

function write(path: string, content: string): void {
  mkdirSync(join(path, '..'), { recursive: true, mode: 0o700 });
  writeFileSync(path, content, { mode: 0o600 });
}

/** What `nsc init`-like commands leave on disk: stores, keys (seed only) and nsc.json. */
function nscHome(home: string) {
  const c = chain('ACME', 'billing', 'svc');
  const sys = KeyPair.create('account');
  const data = join(home, '.local/share/nats/nsc');
  const stores = join(data, 'stores');
  const keys = join(data, 'keys');
  write(join(stores, 'ACME/.nsc'), '{"managed":false,"name":"ACME","kind":"operator","version":"1"}');
  write(join(stores, 'ACME/ACME.jwt'), c.opJwt);
  write(join(stores, 'ACME/accounts/billing/billing.jwt'), c.acctJwt);
  write(join(stores, 'ACME/accounts/billing/users/svc.jwt'), c.userJwt);
  write(join(stores, 'ACME/accounts/SYS/SYS.jwt'), token('account', sys, 'SYS', c.okp));
  for (const kp of [c.okp, c.akp, c.ukp, sys]) write(join(keys, 'keys', kp.publicKey[0]!, kp.publicKey.slice(1, 3), `${kp.publicKey}.nk`), kp.seed);
  write(join(keys, '.gitignore'), '# ignore all nk files \n**/*.nk\n\n# ignore all creds files\n**/*.creds\n');
  write(join(keys, 'creds/ACME/billing/svc.creds'), 'nsc creds text');
  const nscJson = join(home, '.config/nats/nsc/nsc.json');
  write(nscJson, JSON.stringify({ store_root: stores, operator: 'ACME', account: 'billing', github_updates: 'nats-io/nsc', last_update: 1700000000 }));
  return { c, sys, data, stores, keys, nscJson };
}

test('nsc mode reads an nsc home in place: operators, accounts, users, seeds, creds and the current context', async (t) => {
  const home = tempDir(t, 'sigchain-nsc-home-');
  const n = nscHome(home);
  const before = tree(home);
  const paths = resolvePaths({ HOME: home, SIGCHAIN_NSC: '1' });
  assert.equal(paths.storesDir.path, n.stores);
  assert.equal(paths.keystoreDir.path, n.keys);
  assert.equal(paths.configFile.path, n.nscJson);

  const store = FsStore.fromPaths(paths);
  const keys = KeyStore.fromPaths(paths);
  assert.deepEqual(await store.listOperators(), ['ACME']);
  const op = await resolveOperator(store, paths);
  assert.equal(await op.readOperatorJwt(), n.c.opJwt);
  assert.deepEqual(await op.listAccounts(), ['SYS', 'billing']);
  assert.equal(await resolveAccount(op, paths), 'billing', 'the account selected in nsc.json');
  assert.deepEqual(await op.listUsers('billing'), ['svc']);
  assert.equal(await op.readUserJwt('billing', 'svc'), n.c.userJwt);
  assert.equal((await op.findAccountByPublicKey(n.sys.publicKey))?.name, 'SYS');
  assert.equal((await keys.getKey(n.c.ukp.publicKey)).seed, n.c.ukp.seed);
  assert.equal((await keys.listKeys()).length, 4);
  assert.equal(await keys.readCreds('ACME', 'billing', 'svc'), 'nsc creds text');
  assert.deepEqual(tree(home), before, 'reading changed nothing on disk');
});

test("nsc mode writes nsc's layout and nsc.json, keeping nsc's own keys", async (t) => {
  const home = tempDir(t, 'sigchain-nsc-home-');
  const n = nscHome(home);
  const paths = resolvePaths({ HOME: home }, { nsc: true });
  const store = FsStore.fromPaths(paths);
  await selectAccount(store, paths, 'SYS');
  assert.deepEqual(JSON.parse(readFileSync(n.nscJson, 'utf8')), { store_root: n.stores, operator: 'ACME', account: 'SYS', github_updates: 'nats-io/nsc', last_update: 1700000000 });
  assert.deepEqual(await currentContext(store, paths), { operator: 'ACME', account: 'SYS' });

  const op = await store.openOperator('ACME');
  const u = KeyPair.create('user');
  await op.addUser('SYS', 'sys', token('user', u, 'sys', n.sys));
  const path = await KeyStore.fromPaths(paths).storeKey(u);
  assert.equal(path, join(n.keys, 'keys', 'U', u.publicKey.slice(1, 3), `${u.publicKey}.nk`));
  assert.ok(tree(n.stores).includes('ACME/accounts/SYS/users/sys.jwt'));
});

test('NKEYS_PATH and NSC_HOME point nsc mode at a keystore and a config folder elsewhere', async (t) => {
  const home = tempDir(t, 'sigchain-nsc-home-');
  const n = nscHome(home);
  const elsewhere = tempDir(t);
  const ks = join(elsewhere, 'ks');
  const cfg = join(elsewhere, 'cfg');
  write(join(cfg, 'nsc.json'), JSON.stringify({ store_root: n.stores, operator: 'ACME', account: 'SYS' }));
  const kp = KeyPair.create('account');
  write(join(ks, 'keys', 'A', kp.publicKey.slice(1, 3), `${kp.publicKey}.nk`), `${kp.seed}\n`);
  const paths = resolvePaths({ HOME: home, SIGCHAIN_NSC: '1', NKEYS_PATH: ks, NSC_HOME: cfg });
  assert.equal((await KeyStore.fromPaths(paths).getKey(kp.publicKey)).publicKey, kp.publicKey);
  await assert.rejects(KeyStore.fromPaths(paths).getKey(n.c.okp.publicKey), /not in the key store/);
  const store = FsStore.fromPaths(paths);
  assert.deepEqual(await currentContext(store, paths), { operator: 'ACME', account: 'SYS' });
});
