import { type KeyObject, createPrivateKey, createPublicKey, randomBytes, sign as edSign, verify as edVerify } from 'node:crypto';
import { sharedCache } from '../bounded-map.js';
import { SigchainError } from '../errors.js';
import { decodePublicKey, decodeSeed, encodePublicKey, encodeSeed } from './codec.js';
import { type Role, roleCanSign } from './roles.js';

// PKCS#8 DER headers for a raw 32-byte seed: node:crypto imports these without needing the public half.
const ED25519_PKCS8 = Buffer.from('302e020100300506032b657004220420', 'hex');
const X25519_PKCS8 = Buffer.from('302e020100300506032b656e04220420', 'hex');

/** Anything that holds a key and can sign synchronously: a {@link KeyPair}, or a keyring entry. */
export interface Signer {
  /** The public nkey of the signing key. */
  readonly publicKey: string;
  /** Pure Ed25519 signature over `data` (no prehash). */
  sign(data: Uint8Array): Uint8Array;
}

/** A signer whose key lives elsewhere (daemon, HSM, KMS): signing is asynchronous. */
export interface AsyncSigner {
  readonly publicKey: string;
  sign(data: Uint8Array): Promise<Uint8Array>;
}

// A bounded cache of imported public keys: importing costs far more than verifying.
const PUBLIC_CACHE_LIMIT = 4096;
const publicCache = sharedCache<string, KeyObject>(PUBLIC_CACHE_LIMIT);

function b64url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
}

/** The node:crypto KeyObject for a public nkey, imported once (as JWK, the fast path) and cached. */
export function publicKeyObject(publicKey: string): KeyObject {
  let key = publicCache.get(publicKey);
  if (key) return key;
  const { role, raw } = decodePublicKey(publicKey);
  if (!roleCanSign(role)) throw new SigchainError('NKEY_CANNOT_SIGN', `${publicKey} is a curve (X) key; curve keys encrypt and never sign or verify.`);
  key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: b64url(raw) }, format: 'jwk' });
  publicCache.set(publicKey, key);
  return key;
}

/**
 * Verifies an Ed25519 signature made by the nkey `publicKey`. Returns false (never throws)
 * for a bad signature; throws a coded error only when the key itself is malformed.
 *
 * @example
 * ```ts
 * verifySignature('UDVEU3DD…', new TextEncoder().encode('abc'), sig) // true
 * ```
 */
export function verifySignature(publicKey: string, data: Uint8Array, signature: Uint8Array): boolean {
  if (signature.length !== 64) return false;
  return edVerify(null, data, publicKeyObject(publicKey), signature);
}

/**
 * The private KeyObject of a raw seed. Imported as a JWK (~8x cheaper than a PKCS#8 DER import
 * on OpenSSL 3, whose decoder chain dominates); node builds a private OKP key from `d` alone and
 * only type-checks `x`, and the public key is always derived from the result, never taken from
 * `x`. A node that refused the empty `x` still gets the key through DER.
 */
function privateKeyOf(role: Role, raw: Uint8Array): KeyObject {
  try {
    return createPrivateKey({ key: { kty: 'OKP', crv: role === 'curve' ? 'X25519' : 'Ed25519', d: Buffer.from(raw).toString('base64url'), x: '' }, format: 'jwk' });
  } catch {
    return createPrivateKey({ key: Buffer.concat([role === 'curve' ? X25519_PKCS8 : ED25519_PKCS8, raw]), format: 'der', type: 'pkcs8' });
  }
}

/**
 * A typed Ed25519 key: public-only (verifies) or with its seed (signs too).
 * Byte-compatible with NATS nkeys.
 *
 * @example
 * ```ts
 * const op = KeyPair.create('operator');
 * const sig = op.sign(new TextEncoder().encode('hello'));
 * KeyPair.fromPublic(op.publicKey).verify(new TextEncoder().encode('hello'), sig); // true
 * op.seed; // 'SO…' — only read it when the user asked for it
 * ```
 */
export class KeyPair implements Signer {
  readonly role: Role;
  readonly publicKey: string;
  readonly #seedRaw: Uint8Array | undefined;
  readonly #private: KeyObject | undefined;

  private constructor(role: Role, publicKey: string, seedRaw?: Uint8Array, privateKey?: KeyObject) {
    this.role = role;
    this.publicKey = publicKey;
    this.#seedRaw = seedRaw;
    this.#private = privateKey;
  }

  /** A fresh random key of `role`. */
  static create(role: Role): KeyPair {
    return KeyPair.fromRawSeed(role, randomBytes(32));
  }

  /** The key derived from a raw 32-byte seed. */
  static fromRawSeed(role: Role, raw: Uint8Array): KeyPair {
    if (raw.length !== 32) throw new SigchainError('NKEY_MALFORMED', `A raw seed is 32 bytes, got ${raw.length}.`);
    const privateKey = privateKeyOf(role, raw);
    const jwk = createPublicKey(privateKey).export({ format: 'jwk' });
    const pub = encodePublicKey(role, Buffer.from(jwk.x!, 'base64url'));
    return new KeyPair(role, pub, Uint8Array.from(raw), privateKey);
  }

  /** The key held by an encoded seed (`S…`), optionally requiring one of `roles`. */
  static fromSeed(seed: string, roles?: readonly Role[]): KeyPair {
    // decodeSeed refuses a non-string with its code; trimming first would throw a TypeError.
    const { role, raw } = decodeSeed(typeof seed === 'string' ? seed.trim() : seed, roles);
    return KeyPair.fromRawSeed(role, raw);
  }

  /** A verify-only key from a public nkey, optionally requiring one of `roles`. */
  static fromPublic(publicKey: string, roles?: readonly Role[]): KeyPair {
    const { role } = decodePublicKey(publicKey, roles);
    return new KeyPair(role, publicKey);
  }

  /** True when this key holds its seed and its role may sign. */
  get canSign(): boolean {
    return this.#private !== undefined && roleCanSign(this.role);
  }

  /** The encoded seed. Secret: never log or print it unless the user asked for exactly that. */
  get seed(): string {
    if (!this.#seedRaw) throw new SigchainError('NKEY_SEED_EXPECTED', `${this.publicKey} is public-only; it has no seed.`);
    return encodeSeed(this.role, this.#seedRaw);
  }

  /** True when this key holds its seed. */
  get hasSeed(): boolean {
    return this.#seedRaw !== undefined;
  }

  /** Pure Ed25519 signature over `data`. */
  sign(data: Uint8Array): Uint8Array {
    if (!this.#private) throw new SigchainError('NKEY_CANNOT_SIGN', `${this.publicKey} is public-only; load its seed to sign.`);
    if (!roleCanSign(this.role)) throw new SigchainError('NKEY_CANNOT_SIGN', 'Curve (X) keys encrypt; they never sign.');
    return edSign(null, data, this.#private);
  }

  /** Verifies a signature made by this key. */
  verify(data: Uint8Array, signature: Uint8Array): boolean {
    return verifySignature(this.publicKey, data, signature);
  }

  /** A public-only copy, safe to hand to code that must not sign. */
  toPublic(): KeyPair {
    return new KeyPair(this.role, this.publicKey);
  }

  /** Keeps seeds out of logs and JSON by accident. */
  toJSON(): { role: Role; publicKey: string } {
    return { role: this.role, publicKey: this.publicKey };
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `KeyPair(${this.role} ${this.publicKey}${this.hasSeed ? ', with seed' : ''})`;
  }
}
