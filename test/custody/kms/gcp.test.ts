/**
 * The GCP Cloud KMS adapter, through the real `@google-cloud/kms` client in its REST mode, against
 * an emulated Cloud KMS (test/custody/kms/emulators/gcp.ts: the v1 REST API, real Ed25519 keys).
 * Google's service cannot be reached from here; docs/kms.md says how to point the adapter at it.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { kmsKeyring, kmsPublicKey, kmsSignerFromUri } from '../../../src/custody/kms/keyring.js';
import { encodePublicKey } from '../../../src/nkeys/codec.js';
import { verifySignature } from '../../../src/nkeys/keypair.js';
import { keyringContract } from '../contract.js';
import { closedPort, rejectsWith, signAndCheckAccountJwt } from './common.js';
import { startGcpKms } from './emulators/gcp.js';
import { type Emulator, ed25519, p256 } from './emulators/server.js';

const TOKEN = 'ya29.emulated-token-DO-NOT-PRINT-4c1d';
const RING = 'projects/sigchain-test/locations/europe-west1/keyRings/nats';
const NAME = { operator: `${RING}/cryptoKeys/operator/cryptoKeyVersions/1`, account: `${RING}/cryptoKeys/account/cryptoKeyVersions/3`, user: `${RING}/cryptoKeys/user/cryptoKeyVersions/1`, p256: `${RING}/cryptoKeys/p256/cryptoKeyVersions/1` };
const enc = new TextEncoder();

interface World {
  emu: Emulator;
  env: NodeJS.ProcessEnv;
  pub: Record<'operator' | 'account' | 'user', string>;
}

async function world(t: TestContext): Promise<World> {
  const op = ed25519();
  const ac = ed25519();
  const us = ed25519();
  const emu = await startGcpKms({
    token: TOKEN,
    keys: [
      { name: NAME.operator, algorithm: 'EC_SIGN_ED25519', ...op },
      { name: NAME.account, algorithm: 'EC_SIGN_ED25519', ...ac },
      { name: NAME.user, algorithm: 'EC_SIGN_ED25519', ...us },
      { name: NAME.p256, algorithm: 'EC_SIGN_P256_SHA256', ...p256() },
    ],
  });
  t.after(() => emu.close());
  return {
    emu,
    env: { SIGCHAIN_GCPKMS_ENDPOINT: emu.url, GOOGLE_OAUTH_ACCESS_TOKEN: TOKEN },
    pub: { operator: encodePublicKey('operator', op.raw), account: encodePublicKey('account', ac.raw), user: encodePublicKey('user', us.raw) },
  };
}

let current: string[] = [];
keyringContract({ backend: 'kms', fixedKeys: async () => current }, async (t) => {
  const w = await world(t);
  current = Object.values(w.pub);
  const ring = kmsKeyring({
    env: w.env,
    keys: [
      // cosign's short `versions/` form is read too
      { uri: `gcpkms://${NAME.operator.replace('cryptoKeyVersions', 'versions')}`, role: 'operator', usages: ['identity', 'issuing'] },
      { uri: `gcpkms://${NAME.account}`, role: 'account', usages: ['issuing'], publicKey: w.pub.account },
      { uri: `gcpkms://${NAME.user}`, role: 'user', usages: ['authentication'] },
    ],
  });
  return { ring };
});

test('gcp kms (emulated): getPublicKey through the official client in REST mode gives the 32-byte Ed25519 key', async (t) => {
  const w = await world(t);
  const raw = await kmsPublicKey(`gcpkms://${NAME.account}`, { env: w.env });
  assert.equal(encodePublicKey('account', raw), w.pub.account);
  const req = w.emu.requests[0]!;
  assert.equal(req.method, 'GET');
  assert.match(req.url, new RegExp(`^/v1/${NAME.account}/publicKey`));
  assert.equal(req.headers.authorization, `Bearer ${TOKEN}`);
});

test('gcp kms (emulated): asymmetricSign with data (not digest) signs a NATS account JWT that src/jwt and node:crypto verify', async (t) => {
  const w = await world(t);
  const signer = await kmsSignerFromUri(`gcpkms://${NAME.operator}`, { publicKey: w.pub.operator, role: 'operator', usages: ['issuing'] }, { env: w.env });
  assert.equal(signer.uri, `gcpkms://${NAME.operator}`);
  assert.equal(w.emu.requests.length, 0);
  await signAndCheckAccountJwt(signer);
  const req = w.emu.requests.find((r) => r.url.includes(':asymmetricSign'))!;
  const body = JSON.parse(req.body) as Record<string, unknown>;
  assert.equal(typeof body.data, 'string');
  assert.equal(body.digest, undefined);
  // 64 KiB, the limit of software keys, goes through too.
  const big = new Uint8Array(65536).fill(3);
  assert.ok(verifySignature(w.pub.operator, big, await signer.sign(big, { usage: 'issuing', kind: 'jwt' })));
});

test('gcp kms (emulated): a key version that is not Ed25519 (EC_SIGN_P256_SHA256) is KEY_NOT_ED25519', async (t) => {
  const w = await world(t);
  await rejectsWith(kmsPublicKey(`gcpkms://${NAME.p256}`, { env: w.env }), 'KEY_NOT_ED25519', [TOKEN], /EC_SIGN_P256_SHA256/);
});

test('gcp kms (emulated): no answer is KMS_UNAVAILABLE after timeoutMs; a refused connection too', async (t) => {
  const w = await world(t);
  w.emu.fault = 'hang';
  const started = Date.now();
  await rejectsWith(kmsPublicKey(`gcpkms://${NAME.account}`, { env: w.env, timeoutMs: 300 }), 'KMS_UNAVAILABLE', [TOKEN], /within 300 ms/);
  assert.ok(Date.now() - started < 5000);
  const port = await closedPort();
  await rejectsWith(kmsPublicKey(`gcpkms://${NAME.account}`, { env: { ...w.env, SIGCHAIN_GCPKMS_ENDPOINT: `http://127.0.0.1:${port}` }, timeoutMs: 10_000 }), 'KMS_UNAVAILABLE', [TOKEN], /ECONNREFUSED/);
});

test('gcp kms (emulated): garbage, a refusal and a wrong signature are KMS_BAD_RESPONSE / KMS_BAD_SIGNATURE, the token never shown', async (t) => {
  const w = await world(t);
  const signer = await kmsSignerFromUri(`gcpkms://${NAME.operator}`, { publicKey: w.pub.operator, role: 'operator', usages: ['issuing'] }, { env: w.env });
  w.emu.fault = 'garbage';
  await rejectsWith(kmsPublicKey(`gcpkms://${NAME.operator}`, { env: w.env }), 'KMS_BAD_RESPONSE', [TOKEN]);
  await rejectsWith(signer.sign(enc.encode('x'), { usage: 'issuing', kind: 'message' }), 'KMS_BAD_RESPONSE', [TOKEN]);
  w.emu.fault = 'wrong-signature';
  await rejectsWith(signer.sign(enc.encode('x'), { usage: 'issuing', kind: 'message' }), 'KMS_BAD_SIGNATURE', [TOKEN]);
  w.emu.fault = 'none';
  await rejectsWith(kmsPublicKey(`gcpkms://${RING}/cryptoKeys/gone/cryptoKeyVersions/1`, { env: w.env }), 'KMS_BAD_RESPONSE', [TOKEN], /not found/);
  const other = 'ya29.another-token-NEVER-SHOWN-99';
  await rejectsWith(kmsPublicKey(`gcpkms://${NAME.operator}`, { env: { ...w.env, GOOGLE_OAUTH_ACCESS_TOKEN: other } }), 'KMS_BAD_RESPONSE', [other, TOKEN], /invalid authentication credentials/);
});

test('gcp kms (emulated): a usage the key lacks is refused before any request', async (t) => {
  const w = await world(t);
  const signer = await kmsSignerFromUri(`gcpkms://${NAME.user}`, { publicKey: w.pub.user, role: 'user', usages: ['authentication'] }, { env: w.env });
  await rejectsWith(signer.sign(enc.encode('x'), { usage: 'issuing', kind: 'jwt' }), 'KEY_USAGE_VIOLATION');
  assert.equal(w.emu.requests.length, 0);
});

test('gcp kms (emulated): no Google credentials at all is KMS_NOT_CONFIGURED', async (t) => {
  const w = await world(t);
  const home = mkdtempSync(join(tmpdir(), 'sigchain-kms-home-'));
  const saved = { ...process.env };
  t.after(() => {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
    rmSync(home, { recursive: true, force: true });
  });
  // Application Default Credentials read process.env, ~/.config/gcloud and the metadata server: point all nowhere.
  delete process.env.GOOGLE_APPLICATION_CREDENTIALS;
  Object.assign(process.env, { HOME: home, CLOUDSDK_CONFIG: join(home, 'gcloud'), METADATA_SERVER_DETECTION: 'none' });
  await rejectsWith(kmsPublicKey(`gcpkms://${NAME.operator}`, { env: { SIGCHAIN_GCPKMS_ENDPOINT: w.emu.url }, timeoutMs: 10_000 }), 'KMS_NOT_CONFIGURED', [], /credentials/);
});
