// Keys that never leave their backend, used through the CLI as a new user would: a key made
// inside a real SoftHSM2 token, and a key registered from a KMS (an emulated Vault transit
// engine, since no cloud service can be reached here), each listed as an account signing key
// and signing users; plus scripted signing with a sealed key and the audit log it leaves.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { decodeJwt } from '../../src/jwt/decode.js';
import { parseCreds } from '../../src/input/creds.js';
import { verifySignature } from '../../src/nkeys/keypair.js';
import { decodePublicKey } from '../../src/nkeys/codec.js';
import { cli, runCli } from '../helpers/cli.js';
import { startVault } from '../custody/kms/emulators/vault.js';
import { softHsm } from '../custody/pkcs11/softhsm.js';
import { home, json } from './fixtures-a.js';

const SEALED = { SIGCHAIN_KEYRING_BACKEND: '', SIGCHAIN_AGE_WORK_FACTOR: '10', SIGCHAIN_PASSPHRASE: 'pw' };

/** The issuer of the user JWT in a creds file. */
function issuerOf(credsPath: string): string {
  return decodeJwt(parseCreds(readFileSync(credsPath, 'utf8')).jwt).claims.iss as string;
}

const hsm = softHsm('custody through the CLI (pkcs11)');
if (hsm) {
  describe('custody through the CLI: pkcs11 (real SoftHSM2 token)', () => {
    it('generate nkey --keyring-backend pkcs11 makes the key in the token; keys list shows backend and a URI without PIN; it signs users', async (t) => {
      const h = home(t);
      const env = { ...SEALED, SOFTHSM2_CONF: hsm.conf };
      await cli(h, ['add', 'operator', 'O', '--no-sys'], env);
      await cli(h, ['add', 'account', 'A'], env);
      const uri = `pkcs11:token=${hsm.label}?module-path=${hsm.modulePath}&pin-value=${hsm.pin}`;
      const made = json((await cli(h, ['generate', 'nkey', '--account', '--store', '--usage', 'IssuingOnly', '--keyring-backend', 'pkcs11', '--pkcs11-uri', uri, '--json'], env)).stdout);
      assert.match(made.public_key, /^A[A-Z2-7]{55}$/);
      assert.equal(made.backend, 'pkcs11');
      assert.equal(made.seed, undefined);
      assert.doesNotMatch(JSON.stringify(made), new RegExp(`pin-value|${hsm.pin}`), 'no PIN printed');
      const listed = (json((await cli(h, ['keys', 'list', '--json'], env)).stdout).keys as Array<Record<string, string>>).find((k) => k.public_key === made.public_key)!;
      assert.equal(listed.backend, 'pkcs11');
      assert.match(listed.uri!, /^pkcs11:/);
      assert.doesNotMatch(listed.uri!, /pin-value/);
      // The private key is in the token, and only there.
      assert.match(hsm.pkcs11Tool(['-O', '--login', '--pin', hsm.pin]), new RegExp(made.public_key));

      await cli(h, ['edit', 'account', 'A', '--sk', made.public_key], env);
      // The stored URI holds no PIN: the PIN now comes from the environment.
      const user = json((await cli(h, ['add', 'user', 'U', '-K', made.public_key, '--json'], { ...env, SIGCHAIN_PKCS11_PIN: hsm.pin })).stdout);
      assert.equal(issuerOf(user.user.creds_path), made.public_key, 'the user JWT was signed in the token');
      const noPin = await runCli(h, ['add', 'user', 'V', '-K', made.public_key, '--json'], env);
      assert.match(json(noPin.stdout).error.code, /^PKCS11_PIN_(REQUIRED|INCORRECT)$/);
      const wrong = await runCli(h, ['add', 'user', 'W', '-K', made.public_key, '--json'], { ...env, SIGCHAIN_PKCS11_PIN: '0000' });
      assert.equal(json(wrong.stdout).error.code, 'PKCS11_PIN_INCORRECT');
      assert.doesNotMatch(wrong.stdout + wrong.stderr, /0000/, 'the PIN is never echoed');
    });
  });
}

describe('custody through the CLI: kms (emulated Vault transit)', () => {
  it('keys register hashivault://… records the key (Ed25519 checked); it signs users, each signature checked against it', async (t) => {
    const h = home(t);
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const vault = await startVault({ token: 'tok', keys: [{ name: 'acct-signer', type: 'ed25519', versions: [{ privateKey, publicKey }] }, { name: 'p256', type: 'ecdsa-p256', versions: [generateKeyPairSync('ec', { namedCurve: 'P-256' })] }] });
    t.after(() => vault.close());
    const env = { ...SEALED, VAULT_ADDR: vault.url, VAULT_TOKEN: 'tok' };
    await cli(h, ['add', 'operator', 'O', '--no-sys'], env);
    await cli(h, ['add', 'account', 'A'], env);
    const reg = json((await cli(h, ['keys', 'register', 'hashivault://acct-signer', '--account', '--usage', 'IssuingOnly', '--json'], env)).stdout);
    assert.equal(reg.backend, 'kms');
    assert.equal(reg.uri, 'hashivault://acct-signer');
    const raw = Buffer.from(String(publicKey.export({ format: 'jwk' }).x), 'base64url');
    assert.equal(Buffer.from(decodePublicKey(reg.public_key).raw).toString('hex'), raw.toString('hex'), 'the nkey is the Vault key');

    await cli(h, ['edit', 'account', 'A', '--sk', reg.public_key], env);
    const user = json((await cli(h, ['add', 'user', 'U', '-K', reg.public_key, '--json'], env)).stdout);
    assert.equal(issuerOf(user.user.creds_path), reg.public_key);
    assert.ok(vault.requests.some((r) => r.url.startsWith('/v1/transit/sign/acct-signer')), 'Vault signed it');

    const notEd = await runCli(h, ['keys', 'register', 'hashivault://p256', '--account', '--json'], env);
    assert.equal(json(notEd.stdout).error.code, 'KEY_NOT_ED25519');
    const usage = await runCli(h, ['sign', '-u', reg.public_key, '-m', 'hello', '--json'], env);
    assert.equal(json(usage.stdout).error.code, 'KEY_USAGE_VIOLATION', 'an issuing key signs no messages');
  });
});

describe('scripted signing and the audit log through the CLI', () => {
  it('sign -u with a sealed key; verify-signature; the audit log holds every use (no secret) and verifies', async (t) => {
    const h = home(t);
    const k = json((await cli(h, ['generate', 'nkey', '--user', '--store', '--keyring-backend', 'encrypted', '--json'], SEALED)).stdout);
    const signed = json((await cli(h, ['sign', '-u', k.public_key, '-m', 'hello', '--context', 'login', '--json'], SEALED)).stdout);
    assert.equal(signed.key, k.public_key);
    assert.ok(verifySignature(k.public_key, Buffer.from('sigchain-sign-v1\0login\0hello'), Buffer.from(signed.signature, 'base64url')));
    assert.equal((await runCli(h, ['verify-signature', '-u', k.public_key, '-m', 'hello', '--context', 'login', `--signature=${signed.signature}`])).code, 0);
    assert.equal((await runCli(h, ['verify-signature', '-u', k.public_key, '-m', 'hello', `--signature=${signed.signature}`])).code, 1, 'another context: not genuine');
    const bad = await runCli(h, ['sign', '-u', k.public_key, '-m', 'x', '--json'], { ...SEALED, SIGCHAIN_PASSPHRASE: 'nope' });
    assert.equal(json(bad.stdout).error.code, 'KEYRING_BAD_PASSPHRASE');

    const audit = json((await cli(h, ['audit', 'verify', '--json'])).stdout);
    assert.equal(audit.ok, true);
    assert.ok(audit.records >= 2, `records: ${audit.records}`);
    const shown = json((await cli(h, ['audit', 'show', '--key', k.public_key, '--json'])).stdout);
    const records = (shown.records ?? shown) as Array<Record<string, unknown>>;
    assert.ok(records.some((r) => r.backend === 'encrypted' && r.kind === 'message' && r.result === 'ok' && r.caller === 'sign'));
    assert.ok(records.some((r) => r.result !== 'ok' && r.code === 'KEYRING_BAD_PASSPHRASE'), 'the refused use is recorded too');
    const log = readFileSync(join(h, 'audit', 'audit.log'), 'utf8');
    assert.doesNotMatch(log, /"S[A-Z][A-Z2-7]{50,}/, 'no seed in the log');
  });
});
