/**
 * The public half of a KMS key, as the services hand it out (DER or PEM SubjectPublicKeyInfo, or
 * Vault's raw base64), turned into the 32 bytes of an Ed25519 key: parsed by node:crypto, never by
 * hand, and anything but Ed25519 refused with `KEY_NOT_ED25519`.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { SigchainError } from '../../errors.js';

/** What a service said a key is, for the refusal message. */
export interface KeyOrigin {
  /** `awskms:///…`, shown to the user. */
  readonly uri: string;
  /** The service's own name for the key type (`ECC_NIST_P256`, `ecdsa-p256`…), when known. */
  readonly type?: string;
}

/**
 * The raw Ed25519 key in a SubjectPublicKeyInfo (DER bytes or PEM text). Returns undefined when the
 * bytes are not a public key at all (the caller names that a bad response); refuses a key of
 * another algorithm with `KEY_NOT_ED25519`.
 *
 * @example
 * ```ts
 * const raw = ed25519FromSpki(response.PublicKey, { uri }); // Uint8Array(32)
 * ```
 */
export function ed25519FromSpki(spki: Uint8Array | string, origin: KeyOrigin): Uint8Array | undefined {
  let key: KeyObject;
  try {
    key = typeof spki === 'string' ? createPublicKey({ key: spki, format: 'pem' }) : createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
  } catch {
    return undefined;
  }
  if (key.asymmetricKeyType !== 'ed25519') throw notEd25519(origin, origin.type ?? key.asymmetricKeyType ?? 'unknown');
  return rawOf(key);
}

/** The raw key from Vault's base64 of the 32 bytes, or undefined when it is not that. */
export function ed25519FromBase64(text: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9+/]{43}=$/.test(text)) return undefined;
  const raw = Buffer.from(text, 'base64');
  return raw.length === 32 ? new Uint8Array(raw) : undefined;
}

/** `KEY_NOT_ED25519`, naming what the key is instead. */
export function notEd25519(origin: KeyOrigin, actual: string): SigchainError {
  return new SigchainError(
    'KEY_NOT_ED25519',
    `${origin.uri} is a ${actual} key, not Ed25519, so it cannot be an nkey. Make an Ed25519 signing key in the service (AWS ECC_NIST_EDWARDS25519, GCP EC_SIGN_ED25519, Vault transit type ed25519) and register that one.`,
    { uri: origin.uri, type: actual },
  );
}

function rawOf(key: KeyObject): Uint8Array {
  const jwk = key.export({ format: 'jwk' });
  return new Uint8Array(Buffer.from(String(jwk.x), 'base64url'));
}
