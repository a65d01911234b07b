/**
 * The key store in nsc's layout, so nsc and sigchain can share one:
 *
 * ```
 * <root>/.gitignore                               **\/*.nk, **\/*.creds
 * <root>/keys/<X>/<YZ>/<PUBKEY>.nk                the seed only, 0600, folders 0700
 * <root>/keys/<X>/<YZ>/<PUBKEY>.json              sigchain only: usages and retirement (key-meta-file.ts)
 * <root>/creds/<Operator>/<Account>/<User>.creds  0600
 * ```
 * where X is the key's role letter and YZ its 2nd and 3rd characters. A key without a `.json`
 * (made by nsc) counts as having every usage.
 */
// node:fs/promises as fs.promises: loaded when first used, not by every command that imports
// this file (~1 ms of CLI start-up).
import { closeSync, fstatSync, openSync, promises as fsp, readdirSync, readSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { SigchainError } from '../errors.js';
import { type KeyInfo, type KeyMeta, legacyMeta } from '../keys/key-meta.js';
import { KEY_USAGES, type KeyUsage, formatUsages, normalizeUsages, sameUsages } from '../keys/usage.js';
import { KeyPair } from '../nkeys/keypair.js';
import { type Role, roleOfLetter } from '../nkeys/roles.js';
import { decodePublicKey, isPublicKey, isSeed } from '../nkeys/codec.js';
import { PRIVATE_DIR_MODE, SECRET_FILE_MODE, ensureDir, ioError, removeFile, syncDir, writeFileAtomic } from './atomic.js';
import type { NewFile } from './bulk-write.js';
import { KEY_META_EXTENSION, keyMetaText, readKeyMetaFile, readKeyMetaFileSync, readKeyMetas, writeKeyMetaFile } from './key-meta-file.js';
import { type LockOptions, withStoreLock } from './lock.js';
import { safeName } from './names.js';
import type { StorePaths } from './paths.js';
import { trimSpace } from '../text.js';

/** Extension an age-sealed seed adds to `<PUB>.nk`. */
export const ENCRYPTED_EXTENSION = '.age';

/** nsc's `.gitignore` at the key store root, byte for byte (cmd/store/keys.go `AddGitIgnore`). */
export const KEYSTORE_GITIGNORE = '# ignore all nk files \n**/*.nk\n\n# ignore all creds files\n**/*.creds\n';

/**
 * How a key is kept in the store: `file` a plain `<PUB>.nk` (nsc's form), `encrypted` an age-sealed
 * `<PUB>.nk.age`, `registered` only a record naming the HSM or KMS key that holds it.
 */
export type KeyStorage = 'file' | 'encrypted' | 'registered';

/** A key in the store. */
export interface KeyEntry {
  readonly publicKey: string;
  readonly role: Role;
  /** The `.nk`, `.nk.age`, or (for a registered key) the record. */
  readonly path: string;
  readonly storage: KeyStorage;
}

/** Options of {@link KeyStore.storeKey}. */
export interface StoreKeyOptions {
  /**
   * The key's usages, recorded once next to the seed and never changed afterwards. Without
   * them nothing is recorded and the key counts as `All`, as a key nsc made.
   */
  usages?: readonly KeyUsage[];
  /**
   * Usages to record only when the seed is not stored yet; a key already stored keeps what it
   * has (recorded, or `All` when nsc made it). Decided under the key-store lock, so two
   * processes storing the same key cannot both think it new. Ignored when `usages` is given.
   */
  usagesIfNew?: readonly KeyUsage[];
}

/** Options of {@link KeyStore.retireKey}. */
export interface RetireKeyOptions {
  /** Why, for the record (`compromised`, `rotated`…). */
  reason?: string;
  /** The public key that takes over the retired key's job (same role). */
  replacedBy?: string;
}

/** A stored key with its recorded usages; `problem` is set when its record cannot be read. */
export interface KeyListing extends KeyInfo {
  readonly problem?: { code: string; message: string };
}

/** Options of a {@link KeyStore}. */
export interface KeyStoreOptions {
  /** Do not write the `.gitignore` (nsc: `NSC_NO_GIT_IGNORE`). */
  noGitIgnore?: boolean;
  /** Lock wait for changes. */
  lock?: LockOptions;
}

function errno(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException | undefined)?.code;
}

const CHECK_MODES = process.platform !== 'win32';

function notAFile(path: string): SigchainError {
  return new SigchainError('STORE_CORRUPT', `${path} should be a file but is not. Move it away; sigchain will not read it.`, { path });
}

function insecure(path: string, mode: number): SigchainError {
  return new SigchainError(
    'INSECURE_PERMISSIONS',
    `${path} can be read or changed by other users (mode ${(mode & 0o777).toString(8).padStart(4, '0')}), so sigchain will not use it. ` +
      `Run \`chmod 600 ${path}\`, and consider the key exposed if others had access.`,
    { path, mode: mode & 0o777 },
  );
}

/**
 * Reads a file that holds a secret, refusing it when group or others may read it: a seed that
 * others could read may already be copied, and using it quietly would hide that.
 * Returns undefined when the file does not exist.
 */
export async function readSecretFile(path: string): Promise<string | undefined> {
  try {
    const s = await fsp.stat(path);
    if (!s.isFile()) throw notAFile(path);
    if (CHECK_MODES && (s.mode & 0o077) !== 0) throw insecure(path, s.mode);
    return await fsp.readFile(path, 'utf8');
  } catch (e) {
    if (errno(e) === 'ENOENT') return undefined;
    throw ioError('read', path, e);
  }
}

/**
 * {@link readSecretFile} without promises, judging the file it opened (fstat of the same
 * descriptor), in one read: for loops over thousands of seed files, worker threads included.
 * A file over `maxBytes` is refused (`STORE_CORRUPT`): it is not what it should be.
 *
 * @example
 * ```ts
 * const seed = readSecretFileSync(keys.keyPath(publicKey), 4096)?.trim();
 * ```
 */
export function readSecretFileSync(path: string, maxBytes = 64 * 1024): string | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    if (errno(e) === 'ENOENT') return undefined;
    throw ioError('read', path, e);
  }
  try {
    const s = fstatSync(fd);
    if (!s.isFile()) throw notAFile(path);
    if (CHECK_MODES && (s.mode & 0o077) !== 0) throw insecure(path, s.mode);
    if (s.size > maxBytes) throw new SigchainError('STORE_CORRUPT', `${path} holds ${s.size} bytes, more than a key file can. Move it away; sigchain will not read it.`, { path });
    const buf = Buffer.allocUnsafe(s.size);
    return buf.toString('utf8', 0, readSync(fd, buf, 0, s.size, 0));
  } catch (e) {
    throw ioError('read', path, e);
  } finally {
    closeSync(fd);
  }
}

/**
 * nsc-compatible key store rooted at `root` (nsc's `--keystore-dir` / `$NKEYS_PATH`).
 * Writes take the key store's lock; reads do not need it since every write is atomic.
 *
 * @example
 * ```ts
 * const keys = KeyStore.fromPaths(resolvePaths());
 * const op = KeyPair.create('operator');
 * await keys.storeKey(op);                         // …/keys/O/AB/OAB….nk
 * (await keys.getKey(op.publicKey)).seed === op.seed; // true
 * ```
 */
export class KeyStore {
  readonly root: string;
  readonly #noGitIgnore: boolean;
  readonly #lock: LockOptions;

  constructor(root: string, options: KeyStoreOptions = {}) {
    this.root = root;
    this.#noGitIgnore = options.noGitIgnore ?? false;
    this.#lock = options.lock ?? {};
  }

  /** The key store the resolved paths name. */
  static fromPaths(paths: StorePaths, lock?: LockOptions): KeyStore {
    return new KeyStore(paths.keystoreDir.path, { noGitIgnore: paths.noGitIgnore, lock });
  }

  /** Folder of the `.nk` files. */
  get keysDir(): string {
    return join(this.root, 'keys');
  }

  /** Folder of the `.creds` files. */
  get credsDir(): string {
    return join(this.root, 'creds');
  }

  /** Path of the seed file of `publicKey` (nsc `GetKeyPath`). Throws a coded error for a malformed key. */
  keyPath(publicKey: string): string {
    decodePublicKey(publicKey);
    return join(this.keysDir, publicKey[0]!, publicKey.slice(1, 3), `${publicKey}.nk`);
  }

  /** Path of the age-sealed seed of `publicKey` (`<PUB>.nk.age`, beside where its `.nk` would be). */
  encryptedKeyPath(publicKey: string): string {
    return `${this.keyPath(publicKey)}${ENCRYPTED_EXTENSION}`;
  }

  /** Path of the sidecar recording the usages of `publicKey` (next to its `.nk`). */
  metaPath(publicKey: string): string {
    return this.keyPath(publicKey).slice(0, -'.nk'.length) + KEY_META_EXTENSION;
  }

  /** Path of a user's creds file (nsc `CalcUserCredsPath`). */
  /** `creds/<Op>/<Acct>`: the folder of an account's creds files. */
  accountCredsDir(operator: string, account: string): string {
    return join(this.credsDir, safeName(operator, 'operator'), safeName(account, 'account'));
  }

  /**
   * `keys/<R>`: the seed folder of one role, where `<YZ>/<PUB>.nk` files live. For bulk work
   * that builds seed paths of already-checked public keys by concatenation.
   */
  roleKeysDir(roleLetter: string): string {
    return join(this.keysDir, roleLetter);
  }

  credsPath(operator: string, account: string, user: string): string {
    return join(this.credsDir, safeName(operator, 'operator'), safeName(account, 'account'), `${safeName(user, 'user')}.creds`);
  }

  // nsc's makeKeyStore: keys/, creds/ and the .gitignore, so seeds are never committed by accident.
  async #prepare(): Promise<void> {
    await ensureDir(this.keysDir, PRIVATE_DIR_MODE);
    await ensureDir(this.credsDir, PRIVATE_DIR_MODE);
    if (this.#noGitIgnore) return;
    const ignore = join(this.root, '.gitignore');
    try {
      await fsp.lstat(ignore);
    } catch (e) {
      if (errno(e) !== 'ENOENT') throw ioError('inspect', ignore, e);
      await writeFileAtomic(ignore, KEYSTORE_GITIGNORE, { mode: SECRET_FILE_MODE });
    }
  }

  /**
   * Stores the seed of `kp` (the seed only, no newline, as nsc writes it) and, with
   * `options.usages`, records its usages in the sidecar once. Storing the same key again is a
   * no-op; asking for other usages than the recorded ones is refused with `KEY_USAGE_FIXED`
   * (usages never change: make a new key). Returns the seed file's path.
   *
   * @example
   * ```ts
   * await keys.storeKey(KeyPair.create('operator'), { usages: ['issuing'] }); // an operator signing key
   * ```
   */
  async storeKey(kp: KeyPair, options: StoreKeyOptions = {}): Promise<string> {
    const seed = kp.seed;
    const path = this.keyPath(kp.publicKey);
    const given = options.usages ?? options.usagesIfNew;
    if (given) checkUsagesFitRole(kp.publicKey, kp.role, normalizeUsages(given));
    return withStoreLock(
      this.root,
      async () => {
        await this.#prepare();
        const existing = await readSecretFile(path);
        const chosen = options.usages ?? (existing === undefined ? options.usagesIfNew : undefined);
        const wanted = chosen === undefined ? undefined : normalizeUsages(chosen);
        // A different or unreadable seed under this name is damage; replacing it would hide it.
        if (existing !== undefined && trimSpace(existing) !== seed) throw new SigchainError('STORE_CORRUPT', `${path} already exists and does not hold the seed of ${kp.publicKey}. Inspect or move the file away, then store the key again.`, { path });
        if (wanted) {
          const recorded = await readKeyMetaFile(this.metaPath(kp.publicKey), kp.publicKey);
          const current = recorded?.usages ?? (existing !== undefined ? KEY_USAGES : undefined);
          if (current !== undefined && !sameUsages(current, wanted)) throw usagesFixed(kp.publicKey, current, wanted, recorded === undefined);
          // The record goes first: a crash before the seed lands leaves a harmless record, never an unrestricted seed.
          if (current === undefined) await writeKeyMetaFile(this.metaPath(kp.publicKey), { publicKey: kp.publicKey, usages: wanted, legacy: false, created: new Date().toISOString() });
        }
        if (existing === undefined) await writeFileAtomic(path, seed, { mode: SECRET_FILE_MODE, dirMode: PRIVATE_DIR_MODE });
        return path;
      },
      this.#lock,
    );
  }

  /**
   * What is recorded about `publicKey`: its usages and retirement. A key with no record (made by
   * nsc, or not in the store at all, e.g. a seed passed with -K) counts as `All`
   * ({@link legacyMeta}). A record that does not parse is refused (`STORE_CORRUPT`), never read as `All`.
   *
   * @example
   * ```ts
   * (await keys.getKeyMeta(pub)).usages; // ['issuing']
   * ```
   */
  async getKeyMeta(publicKey: string): Promise<KeyMeta> {
    return (await readKeyMetaFile(this.metaPath(publicKey), publicKey)) ?? legacyMeta(publicKey);
  }

  /**
   * Marks a stored key retired: it signs nothing more (`KEY_RETIRED`), but its seed stays so
   * tokens it signed can still be checked and re-issued. Retiring is for good; a key already
   * retired is refused with `KEY_RETIRED`. Returns the new record.
   *
   * @example
   * ```ts
   * await keys.retireKey(oldSk, { reason: 'rotated', replacedBy: newSk });
   * ```
   */
  async retireKey(publicKey: string, options: RetireKeyOptions = {}): Promise<KeyMeta> {
    this.keyPath(publicKey); // a malformed key gets its coded error before anything else
    const replacedBy = options.replacedBy === undefined ? undefined : checkReplacement(publicKey, options.replacedBy);
    const reason = options.reason?.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
    return withStoreLock(
      this.root,
      async () => {
        if (!(await this.hasKey(publicKey))) {
          throw new SigchainError('STORE_NOT_FOUND', `The seed of ${publicKey} is not in the key store (${this.keyPath(publicKey)}), so there is nothing to retire here. List the stored keys with \`sigchain keys list\`.`, { publicKey });
        }
        const meta = await this.getKeyMeta(publicKey);
        if (meta.retired !== undefined) {
          throw new SigchainError('KEY_RETIRED', `${publicKey} was already retired on ${meta.retired}${meta.retiredReason ? ` (${meta.retiredReason})` : ''}; retiring is for good and its record stays as it is.`, { publicKey, retired: meta.retired });
        }
        const next: KeyMeta = { ...meta, retired: new Date().toISOString(), ...(reason ? { retiredReason: reason } : {}), ...(replacedBy ? { replacedBy } : {}) };
        await writeKeyMetaFile(this.metaPath(publicKey), next);
        return next;
      },
      this.#lock,
    );
  }

  /** True when the seed of `publicKey` is in the store (the file is not read). */
  async hasKey(publicKey: string): Promise<boolean> {
    try {
      return (await fsp.stat(this.keyPath(publicKey))).isFile();
    } catch (e) {
      if (e instanceof SigchainError) throw e;
      return false;
    }
  }

  /**
   * The key pair of `publicKey`, read from its seed file. Throws `STORE_NOT_FOUND` when absent,
   * `INSECURE_PERMISSIONS` when others may read the file, `STORE_CORRUPT` when it does not hold
   * this key's seed (the file's content is never put in the message).
   */
  async getKey(publicKey: string): Promise<KeyPair> {
    const path = this.keyPath(publicKey);
    const text = await readSecretFile(path);
    if (text === undefined) {
      throw new SigchainError('STORE_NOT_FOUND', `The seed of ${publicKey} is not in the key store (${path}). Import it, or sign with --private-key pointing at the seed.`, { publicKey, path });
    }
    const seed = trimSpace(text);
    const corrupt = (why: string): SigchainError =>
      new SigchainError('STORE_CORRUPT', `${path} ${why}. Restore it from a backup, or remove it and import the seed again.`, { path, publicKey });
    if (!isSeed(seed)) throw corrupt('does not hold a valid nkey seed');
    let kp: KeyPair;
    try {
      kp = KeyPair.fromSeed(seed);
    } catch {
      throw corrupt('does not hold a valid nkey seed');
    }
    if (kp.publicKey !== publicKey) throw corrupt(`holds the seed of a different key (${kp.publicKey})`);
    return kp;
  }

  /** Removes the seed of `publicKey`; returns whether it was there. Empty shard folders are removed too, as nsc does. */
  async removeKey(publicKey: string): Promise<boolean> {
    const path = this.keyPath(publicKey);
    return withStoreLock(
      this.root,
      async () => {
        const plain = await removeFile(path);
        const removed = (await removeFile(this.encryptedKeyPath(publicKey))) || plain;
        // The record goes with the seed: a key stored again later gets its usages afresh.
        await removeFile(this.metaPath(publicKey));
        if (removed) await removeIfEmpty(dirname(path));
        return removed;
      },
      this.#lock,
    );
  }

  /**
   * Every key in the store, sorted by public key. Only files that sit where nsc puts them
   * (`keys/<X>/<YZ>/<PUB>.nk` with a valid public key) count; other files are ignored.
   * Seeds are not read.
   */
  async listKeys(): Promise<KeyEntry[]> {
    return this.#scan().keys;
  }

  // One listing per folder (synchronous: a store of 10,000 users has ~1,000 shard folders, and a
  // promise per folder costs more than the listing), each file judged by its name only. Records
  // are noted by key, so their readers need no existence check of their own.
  #scan(): { keys: KeyEntry[]; records: Map<string, string> } {
    const found = new Map<string, KeyEntry>();
    const records = new Map<string, string>();
    // A key's seed and record share its name and sit side by side in the sorted listing:
    // decode (checksum included) each name once.
    let lastPub = '';
    let lastValid = false;
    for (const kind of listDirSync(this.keysDir)) {
      if (kind.length !== 1) continue;
      for (const shard of listDirSync(join(this.keysDir, kind))) {
        if (shard.length !== 2) continue;
        const dir = join(this.keysDir, kind, shard);
        const role = roleOfLetter(kind);
        const prefix = kind + shard;
        for (const file of listDirSync(dir)) {
          const storage: KeyStorage | 'record' | undefined = file.endsWith('.nk') ? 'file' : file.endsWith(`.nk${ENCRYPTED_EXTENSION}`) ? 'encrypted' : file.endsWith(KEY_META_EXTENSION) ? 'record' : undefined;
          if (!storage || !role) continue;
          const pub = file.slice(0, file.indexOf('.'));
          if (!pub.startsWith(prefix)) continue;
          if (pub !== lastPub) {
            lastPub = pub;
            lastValid = isPublicKey(pub);
          }
          if (!lastValid) continue;
          if (storage === 'record') {
            // Only `<PUB>.json` is the record (what metaPath names), not `<PUB>.x.json`.
            if (file.length === pub.length + KEY_META_EXTENSION.length) records.set(pub, `${dir}${sep}${file}`);
          }
          // A plain seed and a sealed one of the same key: the plain one is what signs (and what nsc sees).
          else if (storage === 'file' || !found.has(pub)) found.set(pub, { publicKey: pub, role, path: `${dir}${sep}${file}`, storage });
        }
      }
    }
    // A record without a seed beside it is a key registered in an HSM or KMS, if it says so.
    for (const [pub, path] of records) {
      if (found.has(pub)) continue;
      let meta: KeyMeta | undefined;
      try {
        meta = readKeyMetaFileSync(path, pub);
      } catch {
        meta = undefined; // listKeyInfo reports a damaged record of a key it lists; a lone one is ignored
      }
      // A record's name starts with its folder's letter (checked above).
      if (meta?.backend === 'pkcs11' || meta?.backend === 'kms') found.set(pub, { publicKey: pub, role: roleOfLetter(pub[0]!)!, path, storage: 'registered' });
    }
    const keys = [...found.values()].sort((a, b) => (a.publicKey < b.publicKey ? -1 : a.publicKey > b.publicKey ? 1 : 0));
    return { keys, records };
  }

  /** True when the age-sealed seed of `publicKey` is in the store (the file is not read). */
  async hasEncryptedKey(publicKey: string): Promise<boolean> {
    try {
      return (await fsp.stat(this.encryptedKeyPath(publicKey))).isFile();
    } catch (e) {
      if (e instanceof SigchainError) throw e;
      return false;
    }
  }

  /**
   * Stores an age-sealed seed (`<PUB>.nk.age`, 0600) with its record. The record lands first, so
   * a crash leaves a harmless record, never a sealed key without its usages. Refuses with
   * `STORE_EXISTS` when the key is already stored sealed.
   */
  async storeEncryptedKey(meta: KeyMeta, sealed: Uint8Array): Promise<string> {
    const path = this.encryptedKeyPath(meta.publicKey);
    return withStoreLock(
      this.root,
      async () => {
        await this.#prepare();
        if (await this.hasEncryptedKey(meta.publicKey)) throw new SigchainError('STORE_EXISTS', `${meta.publicKey} is already stored encrypted (${path}).`, { publicKey: meta.publicKey, path });
        await writeKeyMetaFile(this.metaPath(meta.publicKey), meta);
        await writeFileAtomic(path, sealed, { mode: SECRET_FILE_MODE, dirMode: PRIVATE_DIR_MODE });
        return path;
      },
      this.#lock,
    );
  }

  /** The bytes of `<PUB>.nk.age`; undefined when absent. Refused when others may read it. */
  async readEncryptedKey(publicKey: string): Promise<Uint8Array | undefined> {
    const path = this.encryptedKeyPath(publicKey);
    try {
      const s = await fsp.stat(path);
      if (!s.isFile()) throw notAFile(path);
      if (CHECK_MODES && (s.mode & 0o077) !== 0) throw insecure(path, s.mode);
      if (s.size > 64 * 1024) throw new SigchainError('KEYRING_CORRUPT', `${path} holds ${s.size} bytes, more than a sealed key can. It was left as it is; restore it from a backup.`, { path });
      return new Uint8Array(await fsp.readFile(path));
    } catch (e) {
      if (errno(e) === 'ENOENT') return undefined;
      throw ioError('read', path, e);
    }
  }

  /**
   * Records a key that lives in an HSM or KMS (`meta.backend` `pkcs11` or `kms`, `meta.uri`): no
   * seed is stored, only what it is and where. Refuses with `STORE_EXISTS` when the key store
   * already holds the key in any form.
   */
  async registerKey(meta: KeyMeta): Promise<string> {
    const path = this.metaPath(meta.publicKey);
    return withStoreLock(
      this.root,
      async () => {
        await this.#prepare();
        if ((await this.hasKey(meta.publicKey)) || (await this.hasEncryptedKey(meta.publicKey)) || (await readKeyMetaFile(path, meta.publicKey).catch(() => undefined))) {
          throw new SigchainError('STORE_EXISTS', `${meta.publicKey} is already in the key store; see it with \`sigchain keys list\`.`, { publicKey: meta.publicKey });
        }
        await writeKeyMetaFile(path, meta);
        return path;
      },
      this.#lock,
    );
  }

  /**
   * Removes only the plain seed file of `publicKey` (its record stays): the last step of moving
   * a key into another backend, once it is safely there.
   */
  async removePlainSeed(publicKey: string): Promise<boolean> {
    return withStoreLock(this.root, () => removeFile(this.keyPath(publicKey)), this.#lock);
  }

  /** Removes only the sealed seed of `publicKey` (its record stays). */
  async removeEncryptedSeed(publicKey: string): Promise<boolean> {
    return withStoreLock(this.root, () => removeFile(this.encryptedKeyPath(publicKey)), this.#lock);
  }

  /** Rewrites the record of `publicKey` (under the lock), e.g. when a key moves between backends. */
  async writeKeyMeta(meta: KeyMeta): Promise<void> {
    await withStoreLock(this.root, async () => { await this.#prepare(); await writeKeyMetaFile(this.metaPath(meta.publicKey), meta); }, this.#lock);
  }

  /**
   * Every key in the store with its recorded usages and retirement (see {@link getKeyMeta}),
   * sorted by public key. A key whose record cannot be read is listed with `problem` set and
   * no usages, so one damaged file does not hide the others.
   *
   * @example
   * ```ts
   * (await keys.listKeyInfo()).filter((k) => k.usages.includes('issuing') && !k.retired);
   * ```
   */
  async listKeyInfo(): Promise<KeyListing[]> {
    const { keys, records } = this.#scan();
    const out: KeyListing[] = [];
    // The records in the order of the keys, read on libuv's pool a few folders ahead of the parsing.
    const wanted: Array<readonly [string, string]> = [];
    for (const k of keys) {
      const record = records.get(k.publicKey);
      if (record !== undefined) wanted.push([record, k.publicKey]);
    }
    const metas = await readKeyMetas(wanted);
    let next = 0;
    for (const k of keys) {
      // No record beside the seed: a key nsc made (getKeyMeta's answer, without asking the disk again).
      const meta = records.has(k.publicKey) ? metas[next++] : undefined;
      if (meta instanceof SigchainError) {
        out.push({ publicKey: k.publicKey, role: k.role, path: k.path, usages: [], legacy: false, problem: { code: meta.code, message: meta.message } });
        continue;
      }
      // Both readers return a fresh object: completed in place (a spread per key costs more than its read).
      const row = (meta ?? legacyMeta(k.publicKey)) as { -readonly [K in keyof KeyListing]: KeyListing[K] };
      row.role = k.role;
      row.path = k.path;
      out.push(row);
    }
    return out;
  }

  /** Runs `fn` under the key store's lock (several changes as one, e.g. a batch of new keys). */
  locked<T>(fn: () => Promise<T>): Promise<T> {
    return withStoreLock(this.root, fn, this.#lock);
  }

  /**
   * The key store's folders and `.gitignore`, as every write makes sure of first: for callers
   * that write files into the store in bulk ({@link newKeyFiles}). Call it under {@link locked}.
   */
  async prepare(): Promise<void> {
    await this.#prepare();
  }

  /**
   * The files that store a new key (its usage record, then its seed, as {@link storeKey} writes
   * them), for a batch written with `createFilesDurably`: the record in `phase`, the seed in
   * `phase + 1`, so a crash never leaves a seed without its usages. The key must be new (a
   * fresh random key); checked only for its role and usages.
   *
   * @example
   * ```ts
   * const files = keys.newKeyFiles(pub, seed, ['authentication'], 0);
   * ```
   */
  newKeyFiles(publicKey: string, seed: string, usages: readonly KeyUsage[], phase = 0, created = new Date().toISOString()): NewFile[] {
    const wanted = normalizeUsages(usages);
    checkUsagesFitRole(publicKey, roleOfLetter(publicKey[0]!)!, wanted);
    return [
      { path: this.metaPath(publicKey), data: keyMetaText({ publicKey, usages: wanted, legacy: false, created }), mode: SECRET_FILE_MODE, phase },
      { path: this.keyPath(publicKey), data: seed, mode: SECRET_FILE_MODE, phase: phase + 1 },
    ];
  }

  /**
   * Writes a user's creds file (text already formatted by the caller), 0600. Returns its path.
   *
   * @example
   * ```ts
   * await keys.writeCreds('ACME', 'billing', 'svc', formatCreds(userJwt, userSeed));
   * ```
   */
  async writeCreds(operator: string, account: string, user: string, text: string): Promise<string> {
    const path = this.credsPath(operator, account, user);
    return withStoreLock(
      this.root,
      async () => {
        await this.#prepare();
        await writeFileAtomic(path, text, { mode: SECRET_FILE_MODE, dirMode: PRIVATE_DIR_MODE });
        return path;
      },
      this.#lock,
    );
  }

  /** A user's creds file text. `STORE_NOT_FOUND` when absent; `INSECURE_PERMISSIONS` when others may read it. */
  async readCreds(operator: string, account: string, user: string): Promise<string> {
    const path = this.credsPath(operator, account, user);
    const text = await readSecretFile(path);
    if (text === undefined) {
      throw new SigchainError('STORE_NOT_FOUND', `There is no creds file for user ${user} of account ${account} (operator ${operator}) at ${path}. Generate it from the user's JWT and seed.`, { path });
    }
    return text;
  }

  /** Removes a user's creds file; returns whether it was there. */
  async removeCreds(operator: string, account: string, user: string): Promise<boolean> {
    const path = this.credsPath(operator, account, user);
    return withStoreLock(
      this.root,
      async () => {
        const removed = await removeFile(path);
        // The account's creds folder goes with its last file (as a key shard's does): no empty folders of deleted accounts.
        if (removed) await removeIfEmpty(dirname(path));
        return removed;
      },
      this.#lock,
    );
  }
}

function listDirSync(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch (e) {
    if (errno(e) === 'ENOENT' || errno(e) === 'ENOTDIR') return [];
    throw ioError('list', dir, e);
  }
}

async function removeIfEmpty(dir: string): Promise<void> {
  try {
    if ((await fsp.readdir(dir)).length === 0) {
      await fsp.rmdir(dir);
      await syncDir(dirname(dir));
    }
  } catch {
    // Best effort, as nsc: an empty shard folder left behind is harmless.
  }
}

// Curve keys never sign, and a signing key with no usage could never be used: both are mistakes.
function checkUsagesFitRole(publicKey: string, role: Role, usages: readonly KeyUsage[]): void {
  if (role === 'curve' && usages.length) {
    throw new SigchainError('INVALID_KEY_USAGE', `${publicKey} is a curve (encryption) key: it never signs, so it takes no usages. Store it without --usage.`, { publicKey, usages: [...usages] });
  }
  if (role !== 'curve' && !usages.length) {
    throw new SigchainError('INVALID_KEY_USAGE', `A ${role} key with no usage could never sign. Give at least one usage (identity, issuing, authentication, protocol).`, { publicKey });
  }
}

function usagesFixed(publicKey: string, current: readonly KeyUsage[], wanted: readonly KeyUsage[], legacy: boolean): SigchainError {
  return new SigchainError(
    'KEY_USAGE_FIXED',
    `${publicKey} is already stored with usages ${formatUsages(current)}${legacy ? ' (made without recorded usages, so it counts as all)' : ''}; they were fixed when the key was made and cannot become ${formatUsages(wanted)}. ` +
      'Make a new key with the usages you need (`sigchain generate nkey --store --usage …`) and retire this one (`sigchain keys retire`).',
    { publicKey, usages: [...current], requested: [...wanted] },
  );
}

function checkReplacement(publicKey: string, replacedBy: string): string {
  const text = replacedBy.trim();
  // Never echo what looks like a seed: it would land in terminals and logs.
  if (isSeed(text)) throw new SigchainError('NKEY_PUBLIC_EXPECTED', 'The replacement must be a public key, but a seed was given. Pass the public key of the new key; keep the seed secret.');
  decodePublicKey(text);
  if (text === publicKey) throw new SigchainError('USAGE', `A key cannot replace itself: pass the public key of the new key that takes over from ${publicKey}.`);
  if (text[0] !== publicKey[0]) {
    throw new SigchainError('NKEY_WRONG_ROLE', `${text} is a key of role ${roleOfLetter(text[0]!)}, but it would replace ${publicKey}, a key of role ${roleOfLetter(publicKey[0]!)}: a replacement has the same role.`, { publicKey, replacedBy: text });
  }
  return text;
}
