/**
 * A keyring is one custody backend: where keys are created, found and used. Each backend is one
 * file in `src/custody/` that `satisfies Keyring`, and every backend runs the same contract test
 * suite (`test/custody/contract.ts`). Backends that can hand a seed over (file, encrypted,
 * memory) also implement {@link SeedKeyring}, which `keys import|export|move` and creds files use;
 * HSM and KMS keys never leave their backend.
 */
import type { KeyPair } from '../nkeys/keypair.js';
import type { Role } from '../nkeys/roles.js';
import type { KeyBackend, KeyringEntry, Signer } from './signer.js';
import type { KeyUsage } from './usage.js';

/**
 * One custody backend.
 *
 * @example
 * ```ts
 * const ring: Keyring = memoryKeyring();
 * const signer = await ring.generate('account', ['issuing']);
 * await ring.has(signer.publicKey); // true
 * ```
 */
export interface Keyring {
  readonly backend: KeyBackend;
  /** True when this backend holds the private half of `publicKey`. */
  has(publicKey: string): Promise<boolean>;
  /**
   * The signer of `publicKey`. May be lazy: a backend that needs a passphrase, PIN or network
   * asks for it at the first `sign`, so listing and choosing keys never prompts.
   * Refuses with `STORE_NOT_FOUND` when the key is not here.
   */
  signer(publicKey: string): Promise<Signer>;
  /** Makes a new key of `role` inside the backend, its usages fixed from now on. */
  generate(role: Role, usages: readonly KeyUsage[]): Promise<Signer>;
  /** Every key held, sorted by public key. */
  list(): Promise<KeyringEntry[]>;
}

/** A backend that can take a seed in and give it back out. */
export interface SeedKeyring extends Keyring {
  /** Stores `key` (which holds its seed) with `usages`; storing the same key again is a no-op. */
  importKey(key: KeyPair, usages: readonly KeyUsage[]): Promise<Signer>;
  /** The key pair of `publicKey`, seed included: for creds files and `keys export|move`. */
  exportKey(publicKey: string): Promise<KeyPair>;
  /** Removes the key; returns whether it was there. */
  removeKey(publicKey: string): Promise<boolean>;
}

/** True when `ring` can import and export seeds. */
export function isSeedKeyring(ring: Keyring): ring is SeedKeyring {
  return typeof (ring as Partial<SeedKeyring>).exportKey === 'function';
}
