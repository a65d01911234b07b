// Module (M) and Service (V) keys: wasmCloud's roles. nkeys.js refuses them, so the oracle here
// is wasmCloud's own fixture seeds and the public keys they are published with.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fromSeed as natsFromSeed } from '@nats-io/nkeys';
import { KeyPair, decodePublicKey, decodeSeed, encodePublicKey, encodeSeed, isPublicKey, isSeed } from '../../src/nkeys/index.js';
import { type ManifestEntry, WASCAP_FIXTURES_DIR, WASCAP_SEEDS, WASCAP_SERVICE_KEY, loadManifest } from './wascap-fixtures.js';

describe('wascap fixture seeds', () => {
  for (const f of WASCAP_SEEDS) {
    it(`${f.file} derives its published ${f.role} public key`, () => {
      const kp = KeyPair.fromSeed(f.seed);
      assert.equal(kp.role, f.role);
      assert.equal(kp.publicKey, f.publicKey);
      assert.equal(kp.seed, f.seed, 'seed re-encodes to the same text');
      assert.equal(decodePublicKey(f.publicKey).role, f.role);
      assert.ok(isSeed(f.seed));
      assert.ok(isPublicKey(f.publicKey, [f.role]));
    });
  }

  it('copies match the fixture files and MANIFEST.json', () => {
    const manifest = loadManifest();
    for (const f of WASCAP_SEEDS) {
      assert.equal(readFileSync(join(WASCAP_FIXTURES_DIR, f.file), 'utf8').trim(), f.seed);
      const entry: ManifestEntry | undefined = manifest.find((e) => e.file === f.file);
      assert.equal(entry?.expect.public_key, f.publicKey, `${f.file} public_key in MANIFEST.json`);
    }
  });

  it('the official nkeys.js refuses module seeds (why these fixtures are the oracle)', () => {
    assert.throws(() => natsFromSeed(new TextEncoder().encode(WASCAP_SEEDS[1].seed)).getPublicKey());
  });
});

describe('module and service keys', () => {
  it('a published service (provider) key decodes as service', () => {
    const { role, raw } = decodePublicKey(WASCAP_SERVICE_KEY, ['service']);
    assert.equal(role, 'service');
    assert.equal(encodePublicKey('service', raw), WASCAP_SERVICE_KEY);
  });

  it('a module seed and a service seed share raw bytes but not text', () => {
    const raw = decodeSeed(WASCAP_SEEDS[1].seed).raw;
    const module = KeyPair.fromRawSeed('module', raw);
    const service = KeyPair.fromRawSeed('service', raw);
    assert.equal(module.publicKey, WASCAP_SEEDS[1].publicKey);
    assert.match(service.seed, /^SV/);
    assert.match(service.publicKey, /^V/);
    assert.deepEqual(decodePublicKey(service.publicKey).raw, decodePublicKey(module.publicKey).raw);
    assert.equal(encodeSeed('service', raw), service.seed);
    assert.deepEqual(decodeSeed(service.seed), { role: 'service', raw: Uint8Array.from(raw) });
  });

  for (const role of ['module', 'service'] as const) {
    it(`${role} keys sign and verify, and refuse other roles' signatures`, () => {
      const kp = KeyPair.create(role);
      const other = KeyPair.create(role);
      const data = new TextEncoder().encode(`invocation for ${role}`);
      const sig = kp.sign(data);
      assert.equal(KeyPair.fromPublic(kp.publicKey, [role]).verify(data, sig), true);
      assert.equal(other.verify(data, sig), false);
      assert.equal(KeyPair.fromSeed(kp.seed).publicKey, kp.publicKey);
    });
  }
});
