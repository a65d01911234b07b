/**
 * The AWS KMS adapter, through the real `@aws-sdk/client-kms`, against an emulated AWS KMS
 * (test/custody/kms/emulators/aws.ts: the JSON 1.1 protocol, SigV4 checked, real Ed25519 keys).
 * AWS itself cannot be reached from here; docs/kms.md says how to point the adapter at it.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test, type TestContext } from 'node:test';
import { kmsKeyring, kmsPublicKey, kmsSignerFromUri } from '../../../src/custody/kms/keyring.js';
import { encodePublicKey } from '../../../src/nkeys/codec.js';
import { verifySignature } from '../../../src/nkeys/keypair.js';
import { keyringContract } from '../contract.js';
import { closedPort, rejectsWith, selfSignedCert, signAndCheckAccountJwt } from './common.js';
import { type AwsEmuKey, type AwsEmulator, startAwsKms } from './emulators/aws.js';
import { ed25519, p256 } from './emulators/server.js';

const CREDS = { accessKeyId: 'AKIAEMULATEDKEY00001', secretAccessKey: 'emulated-secret-DO-NOT-PRINT-7f3a9c' };
const enc = new TextEncoder();

interface World {
  emu: AwsEmulator;
  env: NodeJS.ProcessEnv;
  keys: Record<'operator' | 'account' | 'user', AwsEmuKey & { raw: Uint8Array }> & { p256: AwsEmuKey };
  pub: Record<'operator' | 'account' | 'user', string>;
}

async function world(t: TestContext, opts: { tls?: { key: string; cert: string } } = {}): Promise<World> {
  const make = (alias: string) => {
    const k = ed25519();
    return { keyId: randomUUID(), aliases: [`alias/${alias}`], keySpec: 'ECC_NIST_EDWARDS25519' as const, ...k };
  };
  const keys = { operator: make('nats-operator'), account: make('nats-account'), user: make('nats-user'), p256: { keyId: randomUUID(), aliases: ['alias/p256'], keySpec: 'ECC_NIST_P256' as const, ...p256() } };
  const emu = await startAwsKms({ credentials: CREDS, keys: Object.values(keys), ...(opts.tls ? { tls: opts.tls } : {}) });
  t.after(() => emu.close());
  const env: NodeJS.ProcessEnv = {
    AWS_ENDPOINT_URL_KMS: emu.url,
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: CREDS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: CREDS.secretAccessKey,
  };
  const pub = {
    operator: encodePublicKey('operator', keys.operator.raw),
    account: encodePublicKey('account', keys.account.raw),
    user: encodePublicKey('user', keys.user.raw),
  };
  return { emu, env, keys, pub };
}

keyringContract(
  {
    backend: 'kms',
    maxMessageBytes: 4096,
    fixedKeys: async () => [...current!.pubs],
  },
  async (t) => {
    const w = await world(t);
    current = { pubs: Object.values(w.pub) };
    const ring = kmsKeyring({
      env: w.env,
      keys: [
        { uri: 'awskms:///alias/nats-operator', role: 'operator', usages: ['identity', 'issuing'] }, // public key read from the service
        { uri: `awskms:///${w.keys.account.keyId}`, role: 'account', usages: ['issuing'], publicKey: w.pub.account },
        { uri: `awskms:///arn:aws:kms:eu-west-1:111122223333:key/${w.keys.user.keyId}`, role: 'user', usages: ['authentication'], publicKey: w.pub.user },
      ],
    });
    return { ring };
  },
);
let current: { pubs: string[] } | undefined;

test('aws kms (emulated): the public key is read through the SDK by key id, alias, key ARN and alias ARN', async (t) => {
  const w = await world(t);
  const want = Buffer.from(w.keys.operator.raw).toString('hex');
  for (const uri of [
    `awskms:///${w.keys.operator.keyId}`,
    'awskms:///alias/nats-operator',
    `awskms:///arn:aws:kms:us-east-2:111122223333:key/${w.keys.operator.keyId}`,
    'awskms:///arn:aws:kms:us-east-2:111122223333:alias/nats-operator',
  ]) {
    const raw = await kmsPublicKey(uri, { env: w.env });
    assert.equal(raw.length, 32);
    assert.equal(Buffer.from(raw).toString('hex'), want, uri);
  }
  // The SDK signed with the credentials it was given, for the ARN's own region.
  assert.deepEqual(w.emu.lastAuth, { accessKeyId: CREDS.accessKeyId, region: 'us-east-2' });
  const targets = w.emu.requests.map((r) => r.headers['x-amz-target']);
  assert.ok(targets.every((x) => x === 'TrentService.GetPublicKey'));
});

test('aws kms (emulated): signs a NATS account JWT (ED25519_SHA_512, MessageType RAW) that src/jwt and node:crypto verify', async (t) => {
  const w = await world(t);
  const signer = await kmsSignerFromUri('awskms:///alias/nats-operator', { publicKey: w.pub.operator, role: 'operator', usages: ['issuing'] }, { env: w.env });
  assert.equal(signer.backend, 'kms');
  assert.equal(signer.uri, 'awskms:///alias/nats-operator');
  assert.equal(w.emu.requests.length, 0, 'making the signer asks nothing of the service');
  await signAndCheckAccountJwt(signer);
  const sign = w.emu.requests.find((r) => r.headers['x-amz-target'] === 'TrentService.Sign');
  assert.ok(sign);
  const body = JSON.parse(sign.body) as Record<string, unknown>;
  assert.equal(body.SigningAlgorithm, 'ED25519_SHA_512');
  assert.equal(body.MessageType, 'RAW');
  assert.equal(body.KeyId, 'alias/nats-operator');
});

test("aws kms (emulated): the SDK's own AWS_ENDPOINT_URL_KMS, AWS_REGION and credentials in process.env are honoured", async (t) => {
  const w = await world(t);
  const saved = { ...process.env };
  t.after(() => {
    for (const k of Object.keys(w.env)) delete process.env[k];
    Object.assign(process.env, saved);
  });
  Object.assign(process.env, w.env);
  const raw = await kmsPublicKey(`awskms:///${w.keys.account.keyId}`); // no env handed over: the SDK reads process.env
  assert.equal(Buffer.from(raw).toString('hex'), Buffer.from(w.keys.account.raw).toString('hex'));
  assert.deepEqual(w.emu.lastAuth, { accessKeyId: CREDS.accessKeyId, region: 'eu-west-1' });
});

test('aws kms (emulated): awskms://HOST:PORT/KEY reaches that endpoint over https, trusting AWS_CA_BUNDLE', async (t) => {
  const tls = selfSignedCert();
  t.after(tls.cleanup);
  const w = await world(t, { tls });
  const env = { ...w.env, AWS_ENDPOINT_URL_KMS: 'http://127.0.0.1:1', AWS_CA_BUNDLE: tls.certFile }; // the URI's host wins over the variable
  const uri = `awskms://localhost:${w.emu.port}/alias/nats-user`;
  const raw = await kmsPublicKey(uri, { env });
  assert.equal(Buffer.from(raw).toString('hex'), Buffer.from(w.keys.user.raw).toString('hex'));
  const signer = await kmsSignerFromUri(uri, { publicKey: w.pub.user, role: 'user', usages: ['authentication'] }, { env });
  const sig = await signer.sign(enc.encode('nonce'), { usage: 'authentication', kind: 'message' });
  assert.ok(verifySignature(w.pub.user, enc.encode('nonce'), sig));
  // Without the CA the certificate is not trusted: the service is unreachable, not "answered garbage".
  const { AWS_CA_BUNDLE: _, ...untrusted } = env;
  await rejectsWith(kmsPublicKey(uri, { env: untrusted, timeoutMs: 5000 }), 'KMS_UNAVAILABLE', [CREDS.secretAccessKey]);
});

test('aws kms (emulated): a key that is not Ed25519 (ECC_NIST_P256) is KEY_NOT_ED25519', async (t) => {
  const w = await world(t);
  await rejectsWith(kmsPublicKey('awskms:///alias/p256', { env: w.env }), 'KEY_NOT_ED25519', [CREDS.secretAccessKey], /ECC_NIST_P256/);
});

test('aws kms (emulated): a service that never answers is KMS_UNAVAILABLE after timeoutMs (and SIGCHAIN_KMS_TIMEOUT_MS)', async (t) => {
  const w = await world(t);
  w.emu.fault = 'hang';
  let started = Date.now();
  await rejectsWith(kmsPublicKey('awskms:///alias/nats-operator', { env: w.env, timeoutMs: 300 }), 'KMS_UNAVAILABLE', [CREDS.secretAccessKey], /did not answer .* within 300 ms/);
  assert.ok(Date.now() - started < 5000);
  const signer = await kmsSignerFromUri('awskms:///alias/nats-operator', { publicKey: w.pub.operator, role: 'operator', usages: ['issuing'] }, { env: { ...w.env, SIGCHAIN_KMS_TIMEOUT_MS: '250' } });
  started = Date.now();
  await rejectsWith(signer.sign(enc.encode('x'), { usage: 'issuing', kind: 'message' }), 'KMS_UNAVAILABLE', [CREDS.secretAccessKey], /within 250 ms/);
  assert.ok(Date.now() - started < 5000);
});

test('aws kms (emulated): a refused connection is KMS_UNAVAILABLE', async () => {
  const port = await closedPort();
  const env = { AWS_ENDPOINT_URL_KMS: `http://127.0.0.1:${port}`, AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: CREDS.accessKeyId, AWS_SECRET_ACCESS_KEY: CREDS.secretAccessKey };
  await rejectsWith(kmsPublicKey('awskms:///alias/x', { env, timeoutMs: 10_000 }), 'KMS_UNAVAILABLE', [CREDS.secretAccessKey], /ECONNREFUSED/);
});

test('aws kms (emulated): garbage, a refusal and a wrong signature are KMS_BAD_RESPONSE / KMS_BAD_SIGNATURE, credentials never shown', async (t) => {
  const w = await world(t);
  const meta = { publicKey: w.pub.operator, role: 'operator' as const, usages: ['issuing' as const] };
  const signer = await kmsSignerFromUri('awskms:///alias/nats-operator', meta, { env: w.env });
  w.emu.fault = 'garbage';
  await rejectsWith(kmsPublicKey('awskms:///alias/nats-operator', { env: w.env }), 'KMS_BAD_RESPONSE', [CREDS.secretAccessKey]);
  await rejectsWith(signer.sign(enc.encode('x'), { usage: 'issuing', kind: 'message' }), 'KMS_BAD_RESPONSE', [CREDS.secretAccessKey]);
  w.emu.fault = 'wrong-signature';
  await rejectsWith(signer.sign(enc.encode('x'), { usage: 'issuing', kind: 'message' }), 'KMS_BAD_SIGNATURE', [CREDS.secretAccessKey], /does not verify/);
  w.emu.fault = 'none';
  await rejectsWith(kmsPublicKey('awskms:///alias/no-such-key', { env: w.env }), 'KMS_BAD_RESPONSE', [CREDS.secretAccessKey], /NotFoundException: Key 'alias\/no-such-key' does not exist/);
  // A wrong secret: the service refuses the SigV4 signature, and the secret is in no message.
  const wrong = { ...w.env, AWS_SECRET_ACCESS_KEY: 'another-secret-NEVER-SHOWN-31337' };
  await rejectsWith(kmsPublicKey('awskms:///alias/nats-operator', { env: wrong }), 'KMS_BAD_RESPONSE', ['another-secret-NEVER-SHOWN-31337', CREDS.secretAccessKey], /InvalidSignatureException/);
});

test('aws kms (emulated): a usage the key lacks and a message over 4096 bytes are refused before any request', async (t) => {
  const w = await world(t);
  const signer = await kmsSignerFromUri('awskms:///alias/nats-operator', { publicKey: w.pub.operator, role: 'operator', usages: ['issuing'] }, { env: w.env });
  await rejectsWith(signer.sign(enc.encode('x'), { usage: 'authentication', kind: 'message' }), 'KEY_USAGE_VIOLATION');
  await rejectsWith(signer.sign(new Uint8Array(4097), { usage: 'issuing', kind: 'jwt' }), 'KEYRING_UNSUPPORTED', [], /at most 4096 bytes/);
  assert.equal(w.emu.requests.length, 0);
  const sig = await signer.sign(new Uint8Array(4096).fill(1), { usage: 'issuing', kind: 'jwt' });
  assert.ok(verifySignature(w.pub.operator, new Uint8Array(4096).fill(1), sig));
});

test('aws kms (emulated): no credentials at all is KMS_NOT_CONFIGURED; a registered key of the wrong role is refused', async (t) => {
  const w = await world(t);
  const env = { AWS_ENDPOINT_URL_KMS: w.emu.url, AWS_REGION: 'eu-west-1', HOME: '/nonexistent', AWS_EC2_METADATA_DISABLED: 'true' };
  const saved = { ...process.env };
  t.after(() => {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  });
  // The SDK's own chain reads process.env and ~/.aws: point both nowhere.
  for (const k of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE']) delete process.env[k];
  Object.assign(process.env, { AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials', AWS_CONFIG_FILE: '/nonexistent/config', AWS_EC2_METADATA_DISABLED: 'true' });
  await rejectsWith(kmsPublicKey('awskms:///alias/nats-operator', { env, timeoutMs: 10_000 }), 'KMS_NOT_CONFIGURED', [], /credentials/);
  await rejectsWith(kmsSignerFromUri('awskms:///alias/nats-operator', { publicKey: w.pub.operator, role: 'account', usages: ['issuing'] }), 'NKEY_WRONG_ROLE');
});
