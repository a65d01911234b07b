import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { isSigchainError } from '../../src/errors.js';
import { KeyPair } from '../../src/nkeys/index.js';
import { KEYSTORE_GITIGNORE, KeyStore, readSecretFile, readSecretFileSync } from '../../src/store/keystore.js';
import { mode, tempDir, tree } from './helpers/fixtures.js';

test('stores a seed exactly where and how nsc does: keys/<X>/<YZ>/<PUB>.nk, seed only, 0600 in 0700 folders, nsc .gitignore', async (t) => {
  const root = tempDir(t);
  const ks = new KeyStore(root);
  const kp = KeyPair.create('account');
  const path = await ks.storeKey(kp);
  const pub = kp.publicKey;
  assert.equal(path, join(root, 'keys', 'A', pub.slice(1, 3), `${pub}.nk`));
  assert.equal(readFileSync(path, 'utf8'), kp.seed, 'the file holds the seed only, no newline');
  assert.equal(mode(path), 0o600);
  for (const d of ['keys', 'keys/A', `keys/A/${pub.slice(1, 3)}`, 'creds']) assert.equal(mode(join(root, d)), 0o700, d);
  assert.equal(readFileSync(join(root, '.gitignore'), 'utf8'), '# ignore all nk files \n**/*.nk\n\n# ignore all creds files\n**/*.creds\n');
  assert.equal(KEYSTORE_GITIGNORE, readFileSync(join(root, '.gitignore'), 'utf8'));
  assert.deepEqual(tree(root), ['.gitignore', 'creds/', 'keys/', 'keys/A/', `keys/A/${pub.slice(1, 3)}/`, `keys/A/${pub.slice(1, 3)}/${pub}.nk`]);
});

test('reads keys back (with or without a trailing newline) and lists them with role and path', async (t) => {
  const root = tempDir(t);
  const ks = new KeyStore(root);
  const op = KeyPair.create('operator');
  const user = KeyPair.create('user');
  await ks.storeKey(op);
  await ks.storeKey(op); // storing the same key again is a no-op
  // A seed file written by hand, with a newline, as editors and `echo` do.
  const userPath = ks.keyPath(user.publicKey);
  mkdirSync(join(userPath, '..'), { recursive: true, mode: 0o700 });
  writeFileSync(userPath, `${user.seed}\n`, { mode: 0o600 });
  assert.equal((await ks.getKey(op.publicKey)).seed, op.seed);
  assert.equal((await ks.getKey(user.publicKey)).seed, user.seed);
  assert.equal(await ks.hasKey(user.publicKey), true);
  const listed = await ks.listKeys();
  assert.deepEqual(
    listed,
    [
      { publicKey: op.publicKey, role: 'operator', path: ks.keyPath(op.publicKey), storage: 'file' },
      { publicKey: user.publicKey, role: 'user', path: userPath, storage: 'file' },
    ].sort((a, b) => a.publicKey.localeCompare(b.publicKey)),
  );
  assert.equal(await ks.removeKey(user.publicKey), true);
  assert.equal(await ks.hasKey(user.publicKey), false);
  assert.equal(existsSync(join(userPath, '..')), false, 'the empty shard folder is removed, as nsc does');
});

test('a group/world-readable seed file is refused with INSECURE_PERMISSIONS and a chmod hint', async (t) => {
  const ks = new KeyStore(tempDir(t));
  const kp = KeyPair.create('user');
  const path = await ks.storeKey(kp);
  chmodSync(path, 0o644);
  await assert.rejects(ks.getKey(kp.publicKey), (e) => isSigchainError(e, 'INSECURE_PERMISSIONS') && e.message.includes(`chmod 600 ${path}`) && !e.message.includes(kp.seed));
  chmodSync(path, 0o640);
  await assert.rejects(ks.getKey(kp.publicKey), (e) => isSigchainError(e, 'INSECURE_PERMISSIONS'));
  chmodSync(path, 0o600);
  assert.equal((await ks.getKey(kp.publicKey)).publicKey, kp.publicKey);
});

test('a corrupt .nk file is STORE_CORRUPT naming the path, never echoing the content', async (t) => {
  const ks = new KeyStore(tempDir(t));
  const kp = KeyPair.create('account');
  const path = await ks.storeKey(kp);
  // A seed with one character changed: a near-miss secret that must not be echoed.
  const damaged = kp.seed.slice(0, 20) + (kp.seed[20] === 'A' ? 'B' : 'A') + kp.seed.slice(21);
  for (const content of [damaged, 'SECRET-LOOKING-GARBAGE', KeyPair.create('account').seed]) {
    writeFileSync(path, content, { mode: 0o600 });
    await assert.rejects(ks.getKey(kp.publicKey), (e) => {
      assert.ok(isSigchainError(e, 'STORE_CORRUPT'), String(e));
      assert.ok(e.message.includes(path));
      assert.ok(!e.message.includes(content) && !JSON.stringify(e.details).includes(content), 'content leaked');
      return true;
    });
  }
  // storeKey refuses to overwrite a damaged file silently.
  writeFileSync(path, damaged, { mode: 0o600 });
  await assert.rejects(ks.storeKey(kp), (e) => isSigchainError(e, 'STORE_CORRUPT') && !e.message.includes(damaged));
  assert.equal(readFileSync(path, 'utf8'), damaged);
});

test('a missing key is STORE_NOT_FOUND; a malformed public key is a coded nkey error', async (t) => {
  const ks = new KeyStore(tempDir(t));
  const kp = KeyPair.create('user');
  await assert.rejects(ks.getKey(kp.publicKey), (e) => isSigchainError(e, 'STORE_NOT_FOUND') && e.message.includes(kp.publicKey));
  await assert.rejects(async () => ks.getKey('UNOTAKEY'), (e) => isSigchainError(e, 'NKEY_MALFORMED'));
  await assert.rejects(async () => ks.getKey(kp.seed), (e) => isSigchainError(e, 'NKEY_PUBLIC_EXPECTED'));
});

test('creds live at creds/<Op>/<Acct>/<User>.creds, 0600; insecure creds are refused', async (t) => {
  const root = tempDir(t);
  const ks = new KeyStore(root);
  const path = await ks.writeCreds('ACME', 'billing', 'svc', 'CREDS TEXT\n');
  assert.equal(path, join(root, 'creds', 'ACME', 'billing', 'svc.creds'));
  assert.equal(readFileSync(path, 'utf8'), 'CREDS TEXT\n');
  assert.equal(mode(path), 0o600);
  assert.equal(mode(join(root, 'creds', 'ACME', 'billing')), 0o700);
  assert.equal(await ks.readCreds('ACME', 'billing', 'svc'), 'CREDS TEXT\n');
  chmodSync(path, 0o604);
  await assert.rejects(ks.readCreds('ACME', 'billing', 'svc'), (e) => isSigchainError(e, 'INSECURE_PERMISSIONS'));
  assert.equal(await ks.removeCreds('ACME', 'billing', 'svc'), true);
  await assert.rejects(ks.readCreds('ACME', 'billing', 'svc'), (e) => isSigchainError(e, 'STORE_NOT_FOUND'));
  await assert.rejects(ks.writeCreds('ACME', '../etc', 'x', ''), (e) => isSigchainError(e, 'INVALID_NAME'));
});

test('NSC_NO_GIT_IGNORE: no .gitignore; an existing .gitignore is never overwritten', async (t) => {
  const a = tempDir(t);
  await new KeyStore(a, { noGitIgnore: true }).storeKey(KeyPair.create('user'));
  assert.equal(existsSync(join(a, '.gitignore')), false);
  const b = tempDir(t);
  writeFileSync(join(b, '.gitignore'), 'mine\n');
  await new KeyStore(b).storeKey(KeyPair.create('user'));
  assert.equal(readFileSync(join(b, '.gitignore'), 'utf8'), 'mine\n');
});

test('readSecretFile and readSecretFileSync agree: missing is undefined, shared or odd files refused with their code', async (t) => {
  const dir = tempDir(t);
  const seed = KeyPair.create('user').seed;
  const ok = join(dir, 'ok.nk');
  writeFileSync(ok, seed, { mode: 0o600 });
  chmodSync(ok, 0o600);
  assert.equal(readSecretFileSync(ok), seed);
  assert.equal(await readSecretFile(ok), seed);
  assert.equal(readSecretFileSync(join(dir, 'none.nk')), undefined);
  assert.equal(await readSecretFile(join(dir, 'none.nk')), undefined);
  const shared = join(dir, 'shared.nk');
  writeFileSync(shared, seed);
  chmodSync(shared, 0o644);
  const code = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      return isSigchainError(e) ? e.code : 'other';
    }
    return 'none';
  };
  assert.equal(code(() => readSecretFileSync(shared)), 'INSECURE_PERMISSIONS');
  await assert.rejects(readSecretFile(shared), (e: unknown) => isSigchainError(e, 'INSECURE_PERMISSIONS'));
  const big = join(dir, 'big.nk');
  writeFileSync(big, 'S'.repeat(5000), { mode: 0o600 });
  chmodSync(big, 0o600);
  assert.equal(code(() => readSecretFileSync(big, 4096)), 'STORE_CORRUPT');
  mkdirSync(join(dir, 'folder.nk'), { mode: 0o700 });
  assert.equal(code(() => readSecretFileSync(join(dir, 'folder.nk'))), 'STORE_CORRUPT');
});
