/**
 * What each KMS adapter (AWS KMS, GCP Cloud KMS, Vault transit) offers the keyring: the key's
 * public half and a pure Ed25519 signature by the service. The keyring does everything around
 * them once (usage guard, deadline, verification of every signature), so an adapter only speaks
 * its service's API.
 */
import type { KmsPeer } from './remote.js';

/** One key in one KMS. */
export interface KmsAdapter extends KmsPeer {
  /** The key's raw 32-byte Ed25519 public key, read from the service (`KEY_NOT_ED25519` otherwise). */
  publicKey(signal: AbortSignal): Promise<Uint8Array>;
  /**
   * The service's pure Ed25519 signature over `data`. `publicKey` is the key the caller expects
   * (an adapter whose key has several versions signs with the version that holds it).
   * Unverified: the keyring verifies it.
   */
  sign(data: Uint8Array, publicKey: Uint8Array, signal: AbortSignal): Promise<Uint8Array>;
  /** Releases connections the adapter's client keeps open. */
  close(): Promise<void>;
}

/** Bytes of a reply field, whatever form a client library decoded it to (Uint8Array, base64 text). */
export function bytesOf(value: unknown): Uint8Array | undefined {
  if (value instanceof Uint8Array) return value;
  if (typeof value === 'string' && /^[A-Za-z0-9+/]*={0,2}$/.test(value) && value.length % 4 === 0) return new Uint8Array(Buffer.from(value, 'base64'));
  return undefined;
}
