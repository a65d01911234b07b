/**
 * The Vault transit adapter (Vault has no official Node client: the adapter speaks its HTTP API
 * with fetch) against an emulated Vault (test/custody/kms/emulators/vault.ts, real Ed25519 keys).
 * A Vault server is not installed here; docs/kms.md says how to point the adapter at one.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { kmsKeyring, kmsPublicKey, kmsSignerFromUri } from '../../../src/custody/kms/keyring.js';
import { encodePublicKey } from '../../../src/nkeys/codec.js';
import { verifySignature } from '../../../src/nkeys/keypair.js';
import { keyringContract } from '../contract.js';
import { closedPort, rejectsWith, signAndCheckAccountJwt } from './common.js';
import { type Emulator, ed25519, p256 } from './emulators/server.js';
import { type VaultEmuKey, startVault } from './emulators/vault.js';

const TOKEN = 'hvs.emulated-token-DO-NOT-PRINT-a1b2';
const enc = new TextEncoder();

interface World {
  emu: Emulator;
  env: NodeJS.ProcessEnv;
  keys: Record<'operator' | 'account' | 'user', VaultEmuKey>;
  pub: Record<'operator' | 'account' | 'user', string>;
}

async function world(t: TestContext, opts: { mount?: string; namespace?: string } = {}): Promise<World> {
  const pairs = { operator: ed25519(), account: ed25519(), user: ed25519() };
  const keys = {
    operator: { name: 'nats-operator', type: 'ed25519' as const, versions: [pairs.operator] },
    account: { name: 'nats-account', type: 'ed25519' as const, versions: [pairs.account] },
    user: { name: 'nats.user-1', type: 'ed25519' as const, versions: [pairs.user] },
  };
  const emu = await startVault({ token: TOKEN, keys: [...Object.values(keys), { name: 'p256', type: 'ecdsa-p256', versions: [p256()] }], ...opts });
  t.after(() => emu.close());
  return {
    emu,
    env: { VAULT_ADDR: emu.url, VAULT_TOKEN: TOKEN, ...(opts.mount ? { TRANSIT_SECRET_ENGINE_PATH: opts.mount } : {}), ...(opts.namespace ? { VAULT_NAMESPACE: opts.namespace } : {}) },
    keys,
    pub: { operator: encodePublicKey('operator', pairs.operator.raw), account: encodePublicKey('account', pairs.account.raw), user: encodePublicKey('user', pairs.user.raw) },
  };
}

let current: string[] = [];
keyringContract({ backend: 'kms', fixedKeys: async () => current }, async (t) => {
  const w = await world(t);
  current = Object.values(w.pub);
  const ring = kmsKeyring({
    env: w.env,
    keys: [
      { uri: 'hashivault://nats-operator', role: 'operator', usages: ['identity', 'issuing'] },
      { uri: 'hashivault://nats-account', role: 'account', usages: ['issuing'], publicKey: w.pub.account },
      { uri: 'openbao://nats.user-1', role: 'user', usages: ['authentication'] }, // cosign's OpenBao scheme, same API
    ],
  });
  return { ring };
});

test('vault transit (emulated): reads the ed25519 key and signs a NATS account JWT that src/jwt and node:crypto verify', async (t) => {
  const w = await world(t, { mount: 'nats-transit', namespace: 'team-a' });
  const raw = await kmsPublicKey('hashivault://nats-operator', { env: w.env });
  assert.equal(encodePublicKey('operator', raw), w.pub.operator);
  const signer = await kmsSignerFromUri('hashivault://nats-operator', { publicKey: w.pub.operator, role: 'operator', usages: ['issuing'] }, { env: w.env });
  await signAndCheckAccountJwt(signer);
  const sign = w.emu.requests.find((r) => r.url.startsWith('/v1/nats-transit/sign/'))!;
  assert.equal(sign.method, 'POST');
  assert.equal(sign.headers['x-vault-token'], TOKEN);
  assert.equal(sign.headers['x-vault-namespace'], 'team-a');
  const body = JSON.parse(sign.body) as Record<string, unknown>;
  assert.equal(typeof body.input, 'string');
  assert.equal(body.key_version, 1);
});

test('vault transit (emulated): after the key is rotated, the registered key still signs (its own version), and the new version is another key', async (t) => {
  const w = await world(t);
  const signer = await kmsSignerFromUri('hashivault://nats-account', { publicKey: w.pub.account, role: 'account', usages: ['issuing'] }, { env: w.env });
  w.keys.account.versions.push(ed25519()); // `vault write -f transit/keys/nats-account/rotate`
  const sig = await signer.sign(enc.encode('after rotation'), { usage: 'issuing', kind: 'message' });
  assert.ok(verifySignature(w.pub.account, enc.encode('after rotation'), sig));
  assert.equal(JSON.parse(w.emu.requests.at(-1)!.body).key_version, 1);
  const latest = await kmsPublicKey('hashivault://nats-account', { env: w.env });
  assert.notEqual(encodePublicKey('account', latest), w.pub.account, 'the latest version is a new key, registered on its own');
});

test('vault transit (emulated): the token comes from VAULT_TOKEN, else ~/.vault-token (as `vault login` leaves it)', async (t) => {
  const w = await world(t);
  const home = mkdtempSync(join(tmpdir(), 'sigchain-vault-home-'));
  t.after(() => rmSync(home, { recursive: true, force: true }));
  writeFileSync(join(home, '.vault-token'), `${TOKEN}\n`, { mode: 0o600 });
  const raw = await kmsPublicKey('hashivault://nats.user-1', { env: { VAULT_ADDR: w.emu.url, HOME: home } });
  assert.equal(encodePublicKey('user', raw), w.pub.user);
  await rejectsWith(kmsPublicKey('hashivault://nats-operator', { env: { VAULT_ADDR: w.emu.url, HOME: join(home, 'none') } }), 'KMS_NOT_CONFIGURED', [], /VAULT_TOKEN/);
  await rejectsWith(kmsPublicKey('hashivault://nats-operator', { env: { VAULT_TOKEN: TOKEN } }), 'KMS_NOT_CONFIGURED', [TOKEN], /VAULT_ADDR/);
});

test('vault transit (emulated): a key of type ecdsa-p256 is KEY_NOT_ED25519', async (t) => {
  const w = await world(t);
  await rejectsWith(kmsPublicKey('hashivault://p256', { env: w.env }), 'KEY_NOT_ED25519', [TOKEN], /ecdsa-p256/);
});

test('vault transit (emulated): no answer is KMS_UNAVAILABLE after timeoutMs; a refused connection too', async (t) => {
  const w = await world(t);
  w.emu.fault = 'hang';
  const started = Date.now();
  await rejectsWith(kmsPublicKey('hashivault://nats-operator', { env: { ...w.env, SIGCHAIN_KMS_TIMEOUT_MS: '300' } }), 'KMS_UNAVAILABLE', [TOKEN], /within 300 ms/);
  assert.ok(Date.now() - started < 5000);
  const port = await closedPort();
  await rejectsWith(kmsPublicKey('hashivault://nats-operator', { env: { ...w.env, VAULT_ADDR: `http://127.0.0.1:${port}` } }), 'KMS_UNAVAILABLE', [TOKEN], /ECONNREFUSED/);
});

test('vault transit (emulated): garbage, a refusal and a wrong signature are KMS_BAD_RESPONSE / KMS_BAD_SIGNATURE, the token never shown', async (t) => {
  const w = await world(t);
  const signer = await kmsSignerFromUri('hashivault://nats-operator', { publicKey: w.pub.operator, role: 'operator', usages: ['issuing'] }, { env: w.env });
  w.emu.fault = 'garbage';
  await rejectsWith(kmsPublicKey('hashivault://nats-operator', { env: w.env }), 'KMS_BAD_RESPONSE', [TOKEN]);
  await rejectsWith(signer.sign(enc.encode('x'), { usage: 'issuing', kind: 'message' }), 'KMS_BAD_RESPONSE', [TOKEN]);
  w.emu.fault = 'wrong-signature';
  await rejectsWith(signer.sign(enc.encode('x'), { usage: 'issuing', kind: 'message' }), 'KMS_BAD_SIGNATURE', [TOKEN]);
  w.emu.fault = 'none';
  await rejectsWith(kmsPublicKey('hashivault://nats-operator', { env: { ...w.env, VAULT_TOKEN: 'hvs.wrong-token-NEVER-SHOWN' } }), 'KMS_BAD_RESPONSE', [TOKEN, 'hvs.wrong-token-NEVER-SHOWN'], /HTTP 403: permission denied/);
  await rejectsWith(kmsPublicKey('hashivault://missing', { env: w.env }), 'KMS_BAD_RESPONSE', [TOKEN], /HTTP 404/);
});

test('vault transit (emulated): a usage the key lacks is refused before any request', async (t) => {
  const w = await world(t);
  const signer = await kmsSignerFromUri('hashivault://nats-operator', { publicKey: w.pub.operator, role: 'operator', usages: ['identity'] }, { env: w.env });
  await rejectsWith(signer.sign(enc.encode('x'), { usage: 'issuing', kind: 'jwt' }), 'KEY_USAGE_VIOLATION');
  assert.equal(w.emu.requests.length, 0);
});
