/**
 * What the three emulated KMS test files share: a NATS account JWT signed through a KMS signer
 * and checked by sigchain's verifier and node:crypto, and the check that no credential reaches
 * an error.
 */
import assert from 'node:assert/strict';
import { createPublicKey, verify } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeAccountAsync, newAccountClaims } from '../../../src/claims/nats/index.js';
import { isSigchainError } from '../../../src/errors.js';
import { verifyJwt } from '../../../src/jwt/index.js';
import type { Signer } from '../../../src/keys/signer.js';
import { KeyPair } from '../../../src/nkeys/keypair.js';
import { decodePublicKey } from '../../../src/nkeys/codec.js';

/** Signs a new account's JWT with `operator` (a KMS signer) and checks it two independent ways. */
export async function signAndCheckAccountJwt(operator: Signer): Promise<string> {
  const account = KeyPair.create('account').publicKey;
  const claims = newAccountClaims('kms-signed', account);
  const token = await encodeAccountAsync(claims, {
    publicKey: operator.publicKey,
    sign: (bytes) => operator.sign(bytes, { usage: 'issuing', kind: 'jwt', subject: account }),
  });
  const decoded = verifyJwt<{ iss: string; sub: string }>(token);
  assert.equal(decoded.claims.iss, operator.publicKey);
  assert.equal(decoded.claims.sub, account);
  // And by node:crypto alone, from the raw key: the signature is pure Ed25519 over header.payload.
  const [h, p, s] = token.split('.') as [string, string, string];
  const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(decodePublicKey(operator.publicKey).raw).toString('base64url') }, format: 'jwk' });
  assert.ok(verify(null, Buffer.from(`${h}.${p}`, 'ascii'), key, Buffer.from(s, 'base64url')));
  return token;
}

/** Asserts `promise` rejects with `code`, and that neither message nor details hold any of `secrets`. */
export async function rejectsWith(promise: Promise<unknown>, code: string, secrets: readonly string[] = [], message?: RegExp): Promise<Error> {
  let caught: unknown;
  await assert.rejects(promise, (e) => {
    caught = e;
    return true;
  });
  assert.ok(isSigchainError(caught), `a SigchainError, not ${String(caught)}`);
  const e = caught as Error & { code: string; details?: unknown };
  assert.equal(e.code, code, e.message);
  const text = `${e.message} ${JSON.stringify(e.details ?? {})} ${String(e.stack)}`;
  for (const s of secrets) assert.ok(!text.includes(s), `the error does not carry a credential: ${e.message}`);
  if (message) assert.match(e.message, message);
  return e;
}

/** A self-signed certificate for 127.0.0.1 and localhost (made with the openssl CLI), and its files. */
export function selfSignedCert(): { key: string; cert: string; certFile: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'sigchain-kms-tls-'));
  const keyFile = join(dir, 'key.pem');
  const certFile = join(dir, 'cert.pem');
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1',
    '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1',
    '-keyout', keyFile, '-out', certFile,
  ], { stdio: 'ignore' });
  return { key: readFileSync(keyFile, 'utf8'), cert: readFileSync(certFile, 'utf8'), certFile, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const { createServer } = await import('node:net');
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}
