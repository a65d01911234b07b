import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { encryptedKeyring } from '../../src/custody/encrypted.js';
import { isSigchainError } from '../../src/errors.js';
import { KeyPair } from '../../src/nkeys/keypair.js';
import { KeyStore } from '../../src/store/keystore.js';
import { tempDir } from '../store/helpers/fixtures.js';
import { keyringContract } from './contract.js';

// Work factor 10 keeps the suite fast; one test below uses age's default (18).
const FAST = { workFactor: 10 };
const pass = (p: string) => async () => p;

keyringContract({ backend: 'encrypted' }, async (t) => {
  const root = tempDir(t, 'sigchain-enc-ring-');
  return { ring: encryptedKeyring(new KeyStore(root), pass('pw'), FAST), reopen: async () => encryptedKeyring(new KeyStore(root), pass('pw'), FAST) };
});

async function sealedKey(t: Parameters<typeof tempDir>[0], workFactor = 10) {
  const root = tempDir(t, 'sigchain-enc-ring-');
  const ks = new KeyStore(root);
  const kp = KeyPair.create('operator');
  await encryptedKeyring(ks, pass('correct horse'), { workFactor }).importKey(kp, ['issuing']);
  return { ks, kp, path: ks.encryptedKeyPath(kp.publicKey) };
}

const sign = async (ks: KeyStore, pub: string, passphrase: string) => (await encryptedKeyring(ks, pass(passphrase), FAST).signer(pub)).sign(new Uint8Array([1, 2, 3]), { usage: 'issuing', kind: 'message' });

test('encrypted keyring: the real `age -d` opens <PUB>.nk.age and gives back exactly the .nk nsc would have written', async (t) => {
  const { kp, path, ks } = await sealedKey(t, 18);
  assert.equal((readFileSync(path).subarray(0, 22)).toString(), 'age-encryption.org/v1\n');
  assert.equal(await ks.hasKey(kp.publicKey), false, 'no plain seed beside it');
  // age reads the passphrase from a terminal only: give it one with script(1).
  const r = spawnSync('script', ['-qec', `age -d ${path}`, '/dev/null'], { input: 'correct horse\n', encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.ok(r.stdout.trimEnd().endsWith(kp.seed), 'age -d printed the seed');
  assert.match(r.stdout, new RegExp(`(^|\\n|\\r|K)${kp.seed}\\s*$`));
});

test('encrypted keyring: a wrong passphrase is KEYRING_BAD_PASSPHRASE, and the file stays as it was', async (t) => {
  const { ks, kp, path } = await sealedKey(t);
  const before = readFileSync(path);
  await assert.rejects(sign(ks, kp.publicKey, 'wrong'), (e) => isSigchainError(e, 'KEYRING_BAD_PASSPHRASE') && !e.message.includes(kp.seed));
  assert.deepEqual(readFileSync(path), before);
  assert.equal((await sign(ks, kp.publicKey, 'correct horse')).length, 64);
});

test('encrypted keyring: a truncated or edited file is KEYRING_CORRUPT, never half-read, and left as it was', async (t) => {
  const { ks, kp, path } = await sealedKey(t);
  const good = readFileSync(path);
  for (const [what, bytes] of [
    ['truncated', good.subarray(0, good.length - 5)],
    ['cut after the header', good.subarray(0, good.indexOf('\n---') + 50)],
    ['payload byte flipped', Buffer.concat([good.subarray(0, good.length - 3), Buffer.from([good[good.length - 3]! ^ 1]), good.subarray(good.length - 2)])],
    ['header MAC edited', Buffer.from(good.toString('latin1').replace(/\n--- (.)/, (_m, c: string) => `\n--- ${c === 'A' ? 'B' : 'A'}`), 'latin1')],
    ['empty', Buffer.alloc(0)],
  ] as const) {
    writeFileSync(path, bytes);
    chmodSync(path, 0o600);
    await assert.rejects(sign(ks, kp.publicKey, 'correct horse'), (e) => isSigchainError(e, 'KEYRING_CORRUPT'), what);
    assert.deepEqual(readFileSync(path), bytes, `${what}: left as it was`);
  }
});

test('encrypted keyring: widening the usages in the record beside it is refused (KEYRING_CORRUPT): the key sealed them', async (t) => {
  const { ks, kp } = await sealedKey(t);
  const metaPath = ks.metaPath(kp.publicKey);
  const rec = JSON.parse(readFileSync(metaPath, 'utf8'));
  rec.usages = ['identity', 'issuing'];
  writeFileSync(metaPath, JSON.stringify(rec));
  chmodSync(metaPath, 0o600);
  const signer = await encryptedKeyring(ks, pass('correct horse'), FAST).signer(kp.publicKey);
  await assert.rejects(signer.sign(new Uint8Array(1), { usage: 'identity', kind: 'jwt' }), (e) => isSigchainError(e, 'KEYRING_CORRUPT'));
  await assert.rejects(signer.sign(new Uint8Array(1), { usage: 'issuing', kind: 'jwt' }), (e) => isSigchainError(e, 'KEYRING_CORRUPT'));
});

test('encrypted keyring: a sealed file others may read is refused (INSECURE_PERMISSIONS)', async (t) => {
  const { ks, kp, path } = await sealedKey(t);
  chmodSync(path, 0o644);
  await assert.rejects(sign(ks, kp.publicKey, 'correct horse'), (e) => isSigchainError(e, 'INSECURE_PERMISSIONS'));
});
