// Key usages in the key store: recorded once in a sidecar next to the nsc-format seed file,
// never changed, retired instead; keys nsc made (no sidecar) count as All.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { type ErrorCode, SigchainError } from '../../src/errors.js';
import { KeyPair } from '../../src/nkeys/index.js';
import { KeyStore } from '../../src/store/keystore.js';
import { assertNoSecret } from '../nkeys/assert-code.js';
import { mode, tempDir, tree } from './helpers/fixtures.js';

async function rejects(p: Promise<unknown>, code: ErrorCode): Promise<SigchainError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof SigchainError, String(e));
    assert.equal(e.code, code, e.message);
    return e;
  }
  assert.fail(`expected ${code}, nothing was thrown`);
}

test('usages are recorded once in <PUB>.json next to the .nk, which stays exactly what nsc writes', async (t) => {
  const root = tempDir(t);
  const ks = new KeyStore(root);
  const sk = KeyPair.create('operator');
  const path = await ks.storeKey(sk, { usages: ['issuing'] });
  const pub = sk.publicKey;
  assert.equal(readFileSync(path, 'utf8'), sk.seed, 'the .nk holds the seed only, no newline');
  const side = ks.metaPath(pub);
  assert.equal(side, path.replace(/\.nk$/, '.json'));
  assert.equal(mode(side), 0o600);
  const record = JSON.parse(readFileSync(side, 'utf8'));
  assert.deepEqual(Object.keys(record), ['publicKey', 'usages', 'created']);
  assert.equal(record.publicKey, pub);
  assert.deepEqual(record.usages, ['issuing']);
  assert.ok(!Number.isNaN(Date.parse(record.created)));
  assert.ok(!readFileSync(side, 'utf8').includes(sk.seed.slice(0, 12)), 'the sidecar holds no seed');
  assert.deepEqual(tree(root).filter((p) => p.startsWith('keys/O/')), ['keys/O/', `keys/O/${pub.slice(1, 3)}/`, `keys/O/${pub.slice(1, 3)}/${pub}.json`, `keys/O/${pub.slice(1, 3)}/${pub}.nk`]);

  // They survive: a new KeyStore on the same folder reads them back.
  const again = new KeyStore(root);
  const meta = await again.getKeyMeta(pub);
  assert.deepEqual(meta.usages, ['issuing']);
  assert.equal(meta.legacy, false);
  assert.equal(meta.retired, undefined);
  assert.equal((await again.getKey(pub)).seed, sk.seed);
  // listKeys is as before (nsc's view: .nk files only); listKeyInfo adds the record.
  assert.deepEqual(await again.listKeys(), [{ publicKey: pub, role: 'operator', path, storage: 'file' }]);
  const [info] = await again.listKeyInfo();
  assert.deepEqual({ ...info, created: undefined }, { publicKey: pub, role: 'operator', path, usages: ['issuing'], legacy: false, created: undefined });
});

test('changing the usages of a stored key is refused with KEY_USAGE_FIXED and leaves the record as it was', async (t) => {
  const ks = new KeyStore(tempDir(t));
  const sk = KeyPair.create('account');
  await ks.storeKey(sk, { usages: ['issuing'] });
  const before = readFileSync(ks.metaPath(sk.publicKey), 'utf8');
  await ks.storeKey(sk, { usages: ['issuing'] }); // same usages: a no-op
  await ks.storeKey(sk); // no usages asked: keeps what is recorded
  const e = await rejects(ks.storeKey(sk, { usages: ['issuing', 'authentication'] }), 'KEY_USAGE_FIXED');
  assert.match(e.message, /fixed when the key was made/);
  assert.match(e.message, /keys retire/);
  assertNoSecret(e, sk.seed);
  await rejects(ks.storeKey(sk, { usages: ['identity', 'issuing', 'authentication', 'protocol'] }), 'KEY_USAGE_FIXED');
  assert.equal(readFileSync(ks.metaPath(sk.publicKey), 'utf8'), before);
  assert.deepEqual((await ks.getKeyMeta(sk.publicKey)).usages, ['issuing']);
});

test('a key nsc made (no sidecar) counts as All (legacy), and cannot be narrowed after the fact', async (t) => {
  const root = tempDir(t);
  const ks = new KeyStore(root);
  const kp = KeyPair.create('user');
  await ks.storeKey(kp); // what nsc does: the .nk only
  assert.equal(existsSync(ks.metaPath(kp.publicKey)), false);
  const meta = await ks.getKeyMeta(kp.publicKey);
  assert.deepEqual(meta.usages, ['identity', 'issuing', 'authentication', 'protocol']);
  assert.equal(meta.legacy, true);
  const e = await rejects(ks.storeKey(kp, { usages: ['authentication'] }), 'KEY_USAGE_FIXED');
  assert.match(e.message, /counts as all/);
  assert.equal(existsSync(ks.metaPath(kp.publicKey)), false, 'no record was added');
  // A key that was never stored (a seed given with -K) is All too.
  assert.equal((await ks.getKeyMeta(KeyPair.create('account').publicKey)).legacy, true);
});

test('curve keys take no usages; other keys need one (INVALID_KEY_USAGE, nothing written)', async (t) => {
  const root = tempDir(t);
  const ks = new KeyStore(root);
  const x = KeyPair.create('curve');
  await rejects(ks.storeKey(x, { usages: ['authentication'] }), 'INVALID_KEY_USAGE');
  assert.equal(existsSync(ks.keyPath(x.publicKey)), false);
  await ks.storeKey(x, { usages: [] });
  assert.deepEqual((await ks.getKeyMeta(x.publicKey)).usages, []);
  const u = KeyPair.create('user');
  await rejects(ks.storeKey(u, { usages: [] }), 'INVALID_KEY_USAGE');
  assert.equal(existsSync(ks.keyPath(u.publicKey)), false);
});

test('retireKey: the record says when, why and what replaced it; the seed stays; retiring twice is refused', async (t) => {
  const ks = new KeyStore(tempDir(t));
  const old = KeyPair.create('account');
  const next = KeyPair.create('account');
  await ks.storeKey(old, { usages: ['issuing'] });
  await ks.storeKey(next, { usages: ['issuing'] });
  const r = await ks.retireKey(old.publicKey, { reason: 'rotated\n\u001b[31m', replacedBy: next.publicKey });
  assert.equal(r.retiredReason, 'rotated [31m', 'control characters are not kept (they would reach terminals)');
  const meta = await new KeyStore(ks.root).getKeyMeta(old.publicKey);
  assert.deepEqual(meta.usages, ['issuing'], 'usages are unchanged by retiring');
  assert.ok(!Number.isNaN(Date.parse(meta.retired!)));
  assert.equal(meta.replacedBy, next.publicKey);
  assert.equal((await ks.getKey(old.publicKey)).seed, old.seed, 'the seed stays so old tokens can be checked');
  const twice = await rejects(ks.retireKey(old.publicKey), 'KEY_RETIRED');
  assert.match(twice.message, /already retired/);
  assert.equal((await ks.getKeyMeta(old.publicKey)).retired, meta.retired);
  const listed = await ks.listKeyInfo();
  assert.equal(listed.find((k) => k.publicKey === old.publicKey)!.retired, meta.retired);
  assert.equal(listed.find((k) => k.publicKey === next.publicKey)!.retired, undefined);
});

test('retireKey refuses an unknown key, a replacement of another role, itself, or a seed (never echoed)', async (t) => {
  const ks = new KeyStore(tempDir(t));
  const sk = KeyPair.create('operator');
  await ks.storeKey(sk, { usages: ['issuing'] });
  await rejects(ks.retireKey(KeyPair.create('operator').publicKey), 'STORE_NOT_FOUND');
  await rejects(ks.retireKey(sk.publicKey, { replacedBy: KeyPair.create('account').publicKey }), 'NKEY_WRONG_ROLE');
  await rejects(ks.retireKey(sk.publicKey, { replacedBy: sk.publicKey }), 'USAGE');
  const other = KeyPair.create('operator');
  const e = await rejects(ks.retireKey(sk.publicKey, { replacedBy: other.seed }), 'NKEY_PUBLIC_EXPECTED');
  assertNoSecret(e, other.seed);
  assert.equal((await ks.getKeyMeta(sk.publicKey)).retired, undefined, 'nothing was retired');
});

test('retiring a legacy key records it as legacy with every usage', async (t) => {
  const ks = new KeyStore(tempDir(t));
  const kp = KeyPair.create('account');
  await ks.storeKey(kp);
  await ks.retireKey(kp.publicKey, { reason: 'made by nsc, replaced' });
  const meta = await ks.getKeyMeta(kp.publicKey);
  assert.equal(meta.legacy, true);
  assert.deepEqual(meta.usages, ['identity', 'issuing', 'authentication', 'protocol']);
  assert.ok(meta.retired);
});

test('a damaged, copied or others-writable sidecar is refused, never read as All; listKeyInfo marks it', async (t) => {
  const ks = new KeyStore(tempDir(t));
  const a = KeyPair.create('account');
  const b = KeyPair.create('account');
  await ks.storeKey(a, { usages: ['issuing'] });
  await ks.storeKey(b, { usages: ['identity', 'issuing'] });
  writeFileSync(ks.metaPath(a.publicKey), '{"publicKey": "', { mode: 0o600 });
  await rejects(ks.getKeyMeta(a.publicKey), 'STORE_CORRUPT');
  writeFileSync(ks.metaPath(a.publicKey), readFileSync(ks.metaPath(b.publicKey)));
  const copied = await rejects(ks.getKeyMeta(a.publicKey), 'STORE_CORRUPT');
  assert.ok(copied.message.includes(`describes ${b.publicKey}`));
  writeFileSync(ks.metaPath(a.publicKey), JSON.stringify({ publicKey: a.publicKey, usages: ['issuing', 'everything'] }));
  await rejects(ks.getKeyMeta(a.publicKey), 'STORE_CORRUPT');
  const listed = await ks.listKeyInfo();
  const bad = listed.find((k) => k.publicKey === a.publicKey)!;
  assert.equal(bad.problem?.code, 'STORE_CORRUPT');
  assert.deepEqual(bad.usages, []);
  assert.deepEqual(listed.find((k) => k.publicKey === b.publicKey)!.usages, ['identity', 'issuing'], 'one bad record does not hide the others');

  chmodSync(ks.metaPath(b.publicKey), 0o666);
  await rejects(ks.getKeyMeta(b.publicKey), 'INSECURE_PERMISSIONS');
});

test('removeKey removes the record with the seed', async (t) => {
  const ks = new KeyStore(tempDir(t));
  const kp = KeyPair.create('user');
  await ks.storeKey(kp, { usages: ['authentication'] });
  assert.equal(await ks.removeKey(kp.publicKey), true);
  assert.equal(existsSync(ks.metaPath(kp.publicKey)), false);
  assert.equal(existsSync(ks.keyPath(kp.publicKey)), false);
});
