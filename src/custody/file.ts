/**
 * The `file` backend: nsc's plain `<PUB>.nk` seed files, exactly as nsc writes and reads them.
 * A hot wallet: anyone who can read the key store can sign. Kept because nsc users need it.
 */
import { SigchainError, isSigchainError } from '../errors.js';
import type { SeedKeyring } from '../keys/keyring.js';
import type { KeyringEntry, Signer } from '../keys/signer.js';
import { type KeyUsage, normalizeUsages } from '../keys/usage.js';
import { KeyPair } from '../nkeys/keypair.js';
import type { Role } from '../nkeys/roles.js';
import { type KeyStore, readSecretFileSync } from '../store/keystore.js';
import { isSeed } from '../nkeys/codec.js';
import { seedSigner } from './seed-signer.js';

/**
 * The plain seed files of `keys`.
 *
 * @example
 * ```ts
 * const ring = fileKeyring(ws.keys);
 * const sk = await ring.generate('account', ['issuing']); // keys/A/…/A….nk
 * ```
 */
export function fileKeyring(keys: KeyStore): SeedKeyring {
  const signerOf = async (publicKey: string): Promise<Signer> => {
    if (!(await keys.hasKey(publicKey))) throw notHere(keys, publicKey);
    const meta = await keys.getKeyMeta(publicKey);
    return seedSigner({ publicKey, role: KeyPair.fromPublic(publicKey).role, usages: meta.usages, backend: 'file' }, () => keys.getKey(publicKey));
  };
  const ring: SeedKeyring = {
    backend: 'file',
    has: (publicKey) => keys.hasKey(publicKey),
    signer: signerOf,
    async generate(role: Role, usages: readonly KeyUsage[]): Promise<Signer> {
      return ring.importKey(KeyPair.create(role), usages);
    },
    async list(): Promise<KeyringEntry[]> {
      const out: KeyringEntry[] = [];
      for (const k of await keys.listKeyInfo()) {
        if (k.path.endsWith('.nk')) out.push({ publicKey: k.publicKey, role: k.role, usages: [...k.usages], backend: 'file' });
      }
      return out;
    },
    async importKey(key: KeyPair, usages: readonly KeyUsage[]): Promise<Signer> {
      if (!key.hasSeed) throw new SigchainError('NKEY_SEED_EXPECTED', `${key.publicKey} came without its seed; the key store keeps private keys. Import the seed.`);
      await keys.storeKey(key, { usages: normalizeUsages(usages) });
      return signerOf(key.publicKey);
    },
    async exportKey(publicKey: string): Promise<KeyPair> {
      if (!(await keys.hasKey(publicKey))) throw notHere(keys, publicKey);
      return keys.getKey(publicKey);
    },
    async removeKey(publicKey: string): Promise<boolean> {
      const had = await keys.removePlainSeed(publicKey);
      // The record is shared with a sealed copy of the same key, if there is one.
      if (!(await keys.hasEncryptedKey(publicKey))) await keys.removeKey(publicKey);
      return had;
    },
  };
  return ring;
}

function notHere(keys: KeyStore, publicKey: string): SigchainError {
  return new SigchainError('STORE_NOT_FOUND', `The seed of ${publicKey} is not in the key store as a plain file (${keys.keyPath(publicKey)}). List the keys with \`sigchain keys list\`.`, { publicKey, backend: 'file' });
}

/**
 * Reads a user's plain seed file without promises, for bulk work (the re-issue of thousands of
 * users after a compromise, in worker threads): the seed, or a note saying why there is none.
 * The file backend is where seeds are read; this is its bulk path.
 *
 * @example
 * ```ts
 * const { seed, note } = readUserSeedSync(keys.keyPath(userPub));
 * ```
 */
export function readUserSeedSync(path: string): { seed?: string; note?: string } {
  let text: string | undefined;
  try {
    text = readSecretFileSync(path, 4096);
  } catch (e) {
    // The key store refuses seeds others may read (they may be copied already): so do we.
    if (isSigchainError(e, 'INSECURE_PERMISSIONS')) return { note: `its seed file ${path} can be read by other users; run \`chmod 600\` on it and consider the user exposed` };
    return { note: `its seed file could not be read (${isSigchainError(e) ? e.code : 'error'})` };
  }
  if (text === undefined) return { note: 'its seed is not in the key store' };
  const seed = text.trim();
  // The file's name is the user's public key and the key store checked the pair when it stored
  // it; deriving the public key again would cost more than the signature.
  if (!seed.startsWith('SU') || !isSeed(seed)) return { note: `its seed file ${path} does not hold a user seed` };
  return { seed };
}
