/**
 * The `memory` backend: keys that live only as long as this process (tests, and the key agent's
 * own store). Nothing touches disk.
 */
import { SigchainError } from '../errors.js';
import type { SeedKeyring } from '../keys/keyring.js';
import type { KeyringEntry, Signer } from '../keys/signer.js';
import { type KeyUsage, normalizeUsages } from '../keys/usage.js';
import { KeyPair } from '../nkeys/keypair.js';
import type { Role } from '../nkeys/roles.js';
import { seedSigner } from './seed-signer.js';

/**
 * A keyring in this process's memory.
 *
 * @example
 * ```ts
 * const ring = memoryKeyring();
 * const sk = await ring.generate('account', ['issuing']);
 * ```
 */
export function memoryKeyring(): SeedKeyring {
  const keys = new Map<string, { key: KeyPair; usages: readonly KeyUsage[] }>();
  const signerOf = (publicKey: string): Signer => {
    const k = keys.get(publicKey);
    if (!k) throw notHere(publicKey);
    return seedSigner({ publicKey, role: k.key.role, usages: k.usages, backend: 'memory' }, async () => k.key);
  };
  const ring: SeedKeyring = {
    backend: 'memory' as const,
    async has(publicKey: string): Promise<boolean> {
      return keys.has(publicKey);
    },
    async signer(publicKey: string): Promise<Signer> {
      return signerOf(publicKey);
    },
    async generate(role: Role, usages: readonly KeyUsage[]): Promise<Signer> {
      return ring.importKey(KeyPair.create(role), usages);
    },
    async list(): Promise<KeyringEntry[]> {
      return [...keys.entries()]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([publicKey, k]) => ({ publicKey, role: k.key.role, usages: [...k.usages], backend: 'memory' as const }));
    },
    async importKey(key: KeyPair, usages: readonly KeyUsage[]): Promise<Signer> {
      if (!key.hasSeed) throw new SigchainError('NKEY_SEED_EXPECTED', `${key.publicKey} came without its seed; a keyring holds private keys. Import the seed.`);
      const wanted = normalizeUsages(usages);
      const had = keys.get(key.publicKey);
      if (!had) keys.set(key.publicKey, { key, usages: wanted });
      return signerOf(key.publicKey);
    },
    async exportKey(publicKey: string): Promise<KeyPair> {
      const k = keys.get(publicKey);
      if (!k) throw notHere(publicKey);
      return k.key;
    },
    async removeKey(publicKey: string): Promise<boolean> {
      return keys.delete(publicKey);
    },
  };
  return ring;
}

function notHere(publicKey: string): SigchainError {
  return new SigchainError('STORE_NOT_FOUND', `The memory keyring does not hold ${publicKey}. Import the key first.`, { publicKey, backend: 'memory' });
}
