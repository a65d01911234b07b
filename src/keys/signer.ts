/**
 * The one shape every private key takes, wherever it lives: a plain `.nk` file, an age-sealed
 * file, memory, a key agent, a PKCS#11 token or a cloud KMS. Code that signs holds a
 * {@link Signer} and never a seed; only the backends that keep seeds (file, encrypted, memory)
 * ever see one.
 */
import type { Role } from '../nkeys/roles.js';
import type { KeyUsage } from './usage.js';

/** Where a private key is kept. */
export type KeyBackend = 'file' | 'encrypted' | 'memory' | 'agent' | 'pkcs11' | 'kms';

/** Every backend, in the order `keys list` and `--help` name them. */
export const KEY_BACKENDS: readonly KeyBackend[] = ['file', 'encrypted', 'memory', 'agent', 'pkcs11', 'kms'];

/** What is being signed, for the usage check, the agent's constraints and the audit log. */
export type SignKind = 'jwt' | 'nonce-claim' | 'message' | 'invocation';

/**
 * Why a signature is made. Every backend refuses a `usage` the key does not hold
 * (`KEY_USAGE_VIOLATION`) before the private key is touched.
 */
export interface SignContext {
  /** The usage this signature exercises. */
  readonly usage: KeyUsage;
  /** What kind of bytes these are. */
  readonly kind: SignKind;
  /** What the signature speaks about (a JWT's `sub`, a contract id…), for the audit log. */
  readonly subject?: string;
}

/**
 * A private key, by whatever backend holds it.
 *
 * @example
 * ```ts
 * const signer = await keyring.signer('OABC…');
 * const sig = await signer.sign(bytes, { usage: 'issuing', kind: 'jwt', subject: accountPub });
 * ```
 */
export interface Signer {
  /** The public nkey. */
  readonly publicKey: string;
  readonly role: Role;
  /** What the key may ever do, fixed when it was made. */
  readonly usages: readonly KeyUsage[];
  readonly backend: KeyBackend;
  /** The key's address in its backend (`pkcs11:…`, `awskms:///…`), where it has one. Never holds a PIN. */
  readonly uri?: string;
  /** Pure Ed25519 over `data` (no prehash). Refuses with `KEY_USAGE_VIOLATION` outside {@link usages}. */
  sign(data: Uint8Array, context: SignContext): Promise<Uint8Array>;
}

/** One key a keyring holds, as `keys list` shows it. Never carries a secret. */
export interface KeyringEntry {
  readonly publicKey: string;
  readonly role: Role;
  readonly usages: readonly KeyUsage[];
  readonly backend: KeyBackend;
  readonly uri?: string;
}

/**
 * `signer` in every field but `sign`: how a wrapper (the audit log, a usage or retirement check)
 * puts itself in front of a backend's signer without dropping what the signer says of its key.
 *
 * @example
 * ```ts
 * const logged = withSign(signer, async (data, context) => { await log(data); return signer.sign(data, context); });
 * ```
 */
export function withSign(signer: Signer, sign: Signer['sign']): Signer {
  return {
    publicKey: signer.publicKey,
    role: signer.role,
    usages: signer.usages,
    backend: signer.backend,
    ...(signer.uri !== undefined ? { uri: signer.uri } : {}),
    sign,
  };
}
