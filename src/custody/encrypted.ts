/**
 * The `encrypted` backend: each seed sealed with a passphrase in the age format
 * (age-encryption.org/v1, scrypt recipient), as `<PUB>.nk.age` in nsc's key-store layout.
 * The plaintext is exactly what nsc would have written to `<PUB>.nk`, so `age -d` recovers it.
 *
 * The usages live in the key's record beside it, sealed by the key itself: the record carries
 * the key's own signature over its public key and usages, made when the key was sealed. Anyone
 * may read the usages without the passphrase, nobody can widen them without it, and a record
 * that disagrees is refused at unlock (`KEYRING_CORRUPT`).
 */
import { SigchainError } from '../errors.js';
import type { KeyMeta } from '../keys/key-meta.js';
import type { SeedKeyring } from '../keys/keyring.js';
import type { KeyringEntry, Signer } from '../keys/signer.js';
import { type KeyUsage, normalizeUsages } from '../keys/usage.js';
import { KeyPair, verifySignature } from '../nkeys/keypair.js';
import { isSeed } from '../nkeys/codec.js';
import type { Role } from '../nkeys/roles.js';
import type { KeyStore } from '../store/keystore.js';
import { AGE_SCRYPT_WORK_FACTOR, scryptIdentity, scryptRecipient } from './age-scrypt.js';
import { seedSigner } from './seed-signer.js';

/** Asks for the passphrase of `publicKey`: to open it (`unlock`) or to seal a new one (`seal`). */
export type PassphraseSource = (request: { publicKey: string; purpose: 'unlock' | 'seal' }) => Promise<string>;

/** Options of {@link encryptedKeyring}. */
export interface EncryptedKeyringOptions {
  /** scrypt work factor (log2 N) for new files; age's default, 18, unless tests need speed. */
  workFactor?: number;
}

const enc = new TextEncoder();

function sealText(publicKey: string, usages: readonly KeyUsage[]): Uint8Array {
  return enc.encode(`sigchain-key-usages-v1\0${publicKey}\0${normalizeUsages(usages).join(',')}`);
}

/** The key's own signature over its usages (base64url), as the record carries it. */
export function sealUsages(key: KeyPair, usages: readonly KeyUsage[]): string {
  return Buffer.from(key.sign(sealText(key.publicKey, usages))).toString('base64url');
}

function corrupt(path: string, why: string, publicKey: string): SigchainError {
  return new SigchainError('KEYRING_CORRUPT', `${path} ${why}. It was left as it is and nothing was signed; restore it from a backup (or import the seed again).`, { path, publicKey });
}

/**
 * Seals `key` for `passphrase` in the age format.
 *
 * @example
 * ```ts
 * const bytes = await sealSeed(kp, 'correct horse battery staple');
 * ```
 */
export async function sealSeed(key: KeyPair, passphrase: string, workFactor = AGE_SCRYPT_WORK_FACTOR): Promise<Uint8Array> {
  const age = await import('age-encryption');
  const e = new age.Encrypter();
  e.addRecipient(scryptRecipient(age.Stanza, passphrase, workFactor));
  return e.encrypt(key.seed);
}

/**
 * Opens a sealed seed: `KEYRING_BAD_PASSPHRASE` for a passphrase that does not open it,
 * `KEYRING_CORRUPT` for a file that is truncated, edited, or holds another key.
 */
export async function openSeed(sealed: Uint8Array, passphrase: string, publicKey: string, path: string): Promise<KeyPair> {
  const age = await import('age-encryption');
  const d = new age.Decrypter();
  d.addIdentity(scryptIdentity(passphrase));
  let text: string;
  try {
    text = await d.decrypt(sealed, 'text');
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    if (/no identity matched/.test(why)) {
      throw new SigchainError('KEYRING_BAD_PASSPHRASE', `The passphrase does not open ${publicKey} (${path}). Nothing was signed; try again with the right passphrase.`, { publicKey, path });
    }
    throw corrupt(path, `cannot be opened as an age file (${why.replace(/[^\x20-\x7e]/g, '?').slice(0, 120)})`, publicKey);
  }
  if (!isSeed(text)) throw corrupt(path, 'does not hold an nkey seed', publicKey);
  const kp = KeyPair.fromSeed(text);
  if (kp.publicKey !== publicKey) throw corrupt(path, `holds the seed of another key (${kp.publicKey})`, publicKey);
  return kp;
}

/**
 * Passphrase-sealed seeds in `keys`.
 *
 * @example
 * ```ts
 * const ring = encryptedKeyring(ws.keys, async () => process.env.SIGCHAIN_PASSPHRASE!);
 * const op = await ring.generate('operator', ['identity']);   // keys/O/…/O….nk.age
 * ```
 */
export function encryptedKeyring(keys: KeyStore, passphrase: PassphraseSource, options: EncryptedKeyringOptions = {}): SeedKeyring {
  const open = async (publicKey: string, meta: KeyMeta): Promise<KeyPair> => {
    const path = keys.encryptedKeyPath(publicKey);
    const sealed = await keys.readEncryptedKey(publicKey);
    if (!sealed) throw notHere(keys, publicKey);
    const kp = await openSeed(sealed, await passphrase({ publicKey, purpose: 'unlock' }), publicKey, path);
    // Curve keys never sign: they have no usages to seal, and none may be recorded.
    if (kp.role === 'curve' ? meta.usages.length > 0 : !meta.seal || !verifySignature(publicKey, sealText(publicKey, meta.usages), Buffer.from(meta.seal, 'base64url'))) {
      throw corrupt(keys.metaPath(publicKey), `records usages (${meta.usages.join(', ') || 'none'}) that ${publicKey} did not seal: someone edited them`, publicKey);
    }
    return kp;
  };
  const recordOf = async (publicKey: string): Promise<KeyMeta> => {
    if (!(await keys.hasEncryptedKey(publicKey))) throw notHere(keys, publicKey);
    const meta = await keys.getKeyMeta(publicKey);
    if (meta.legacy || meta.backend !== 'encrypted') throw corrupt(keys.metaPath(publicKey), 'is missing or does not describe a sealed key', publicKey);
    return meta;
  };
  const ring: SeedKeyring = {
    backend: 'encrypted',
    has: (publicKey) => keys.hasEncryptedKey(publicKey),
    async signer(publicKey: string): Promise<Signer> {
      const meta = await recordOf(publicKey);
      return seedSigner({ publicKey, role: KeyPair.fromPublic(publicKey).role, usages: meta.usages, backend: 'encrypted' }, () => open(publicKey, meta));
    },
    async generate(role: Role, usages: readonly KeyUsage[]): Promise<Signer> {
      return ring.importKey(KeyPair.create(role), usages);
    },
    async list(): Promise<KeyringEntry[]> {
      const out: KeyringEntry[] = [];
      for (const k of await keys.listKeyInfo()) {
        if (k.path.endsWith('.nk.age')) out.push({ publicKey: k.publicKey, role: k.role, usages: [...k.usages], backend: 'encrypted' });
      }
      return out;
    },
    async importKey(key: KeyPair, usages: readonly KeyUsage[]): Promise<Signer> {
      if (!key.hasSeed) throw new SigchainError('NKEY_SEED_EXPECTED', `${key.publicKey} came without its seed; the key store keeps private keys. Import the seed.`);
      const wanted = normalizeUsages(usages);
      if (!(await keys.hasEncryptedKey(key.publicKey))) {
        const previous = await keys.getKeyMeta(key.publicKey);
        if (!previous.legacy && normalizeUsages(previous.usages).join() !== wanted.join()) {
          throw new SigchainError('KEY_USAGE_FIXED', `${key.publicKey} is recorded with usages ${previous.usages.join(', ')}; they were fixed when the key was made and cannot become ${wanted.join(', ')}.`, { publicKey: key.publicKey, usages: [...previous.usages], requested: wanted });
        }
        const meta: KeyMeta = { ...(previous.legacy ? {} : previous), publicKey: key.publicKey, usages: wanted, legacy: false, created: previous.created ?? new Date().toISOString(), backend: 'encrypted', ...(key.role === 'curve' ? {} : { seal: sealUsages(key, wanted) }) };
        const sealed = await sealSeed(key, await passphrase({ publicKey: key.publicKey, purpose: 'seal' }), options.workFactor);
        await keys.storeEncryptedKey(meta, sealed);
        // Sealed just now by this process: no need to open it again to sign.
        return seedSigner({ publicKey: key.publicKey, role: key.role, usages: wanted, backend: 'encrypted' }, async () => key);
      }
      return ring.signer(key.publicKey);
    },
    async exportKey(publicKey: string): Promise<KeyPair> {
      return open(publicKey, await recordOf(publicKey));
    },
    async removeKey(publicKey: string): Promise<boolean> {
      const had = await keys.removeEncryptedSeed(publicKey);
      if (!(await keys.hasKey(publicKey))) await keys.removeKey(publicKey);
      return had;
    },
  };
  return ring;
}

function notHere(keys: KeyStore, publicKey: string): SigchainError {
  return new SigchainError('STORE_NOT_FOUND', `${publicKey} is not in the key store sealed (${keys.encryptedKeyPath(publicKey)}). List the keys with \`sigchain keys list\`.`, { publicKey, backend: 'encrypted' });
}
