/**
 * What sigchain records about a stored key besides its seed: its usages (fixed when the key is
 * made), when it was made, and whether it was retired (and for what). Kept next to the seed in
 * the key store, never inside the `.nk` file, so nsc keeps reading the key store unchanged.
 */
import type { Role } from '../nkeys/roles.js';
import type { KeyBackend } from './signer.js';
import { KEY_USAGES, type KeyUsage } from './usage.js';

/** The recorded facts about one key. */
export interface KeyMeta {
  readonly publicKey: string;
  /** What the key may ever do; empty for keys that never sign (curve keys). */
  readonly usages: readonly KeyUsage[];
  /**
   * True when nothing was recorded when the key was made (nsc made it, or it was never stored):
   * such a key counts as `All`, as Canton reads keys stored without usages.
   */
  readonly legacy: boolean;
  /** ISO time the key's usages were recorded. */
  readonly created?: string;
  /** ISO time the key was retired; a retired key signs nothing more. */
  readonly retired?: string;
  readonly retiredReason?: string;
  /** Public key of the key that took over its job. */
  readonly replacedBy?: string;
  /**
   * Where the private key lives when it is not a plain `.nk` beside the record: `encrypted`
   * (`<PUB>.nk.age`), or `pkcs11`/`kms` for a key registered by URI. Absent: a plain `.nk`.
   */
  readonly backend?: KeyBackend;
  /** The key's URI in an HSM or KMS (never holding a PIN). */
  readonly uri?: string;
  /**
   * The key's own Ed25519 signature over its public key and usages (base64url), made when an
   * encrypted key is sealed: only someone who can open the key can write usages that verify.
   */
  readonly seal?: string;
}

/** A stored key with what is recorded about it. */
export interface KeyInfo extends KeyMeta {
  readonly role: Role;
  /** Path of its `.nk` (seed) file. */
  readonly path: string;
}

/**
 * The facts assumed for a key nothing was recorded about: every usage, not retired. Keys made
 * by nsc, and keys given with -K as a seed or file that the key store does not know, get these.
 *
 * @example
 * ```ts
 * legacyMeta('OABC…').usages; // ['identity', 'issuing', 'authentication', 'protocol']
 * ```
 */
export function legacyMeta(publicKey: string): KeyMeta {
  return { publicKey, usages: KEY_USAGES, legacy: true };
}

/** True when the key was retired. */
export function isRetired(meta: KeyMeta): boolean {
  return meta.retired !== undefined;
}
