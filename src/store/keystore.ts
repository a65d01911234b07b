/**
 * The key store in nsc's layout, so nsc and sigchain can share one:
 *
 * ```
 * <root>/.gitignore                               **\/*.nk, **\/*.creds
 * <root>/keys/<X>/<YZ>/<PUBKEY>.nk                the seed only, 0600, folders 0700
 * <root>/creds/<Operator>/<Account>/<User>.creds  0600
 * ```
 * where X is the key's role letter and YZ its 2nd and 3rd characters.
 */
import { lstat, readFile, readdir, rmdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { SigchainError } from '../errors.js';
import { KeyPair, type Role, decodePublicKey, isPublicKey, isSeed, roleOfLetter } from '../nkeys/index.js';
import { PRIVATE_DIR_MODE, SECRET_FILE_MODE, ensureDir, ioError, removeFile, syncDir, writeFileAtomic } from './atomic.js';
import { type LockOptions, withStoreLock } from './lock.js';
import { safeName } from './names.js';
import type { StorePaths } from './paths.js';

/** nsc's `.gitignore` at the key store root, byte for byte (cmd/store/keys.go `AddGitIgnore`). */
export const KEYSTORE_GITIGNORE = '# ignore all nk files \n**/*.nk\n\n# ignore all creds files\n**/*.creds\n';

/** A key in the store. */
export interface KeyEntry {
  readonly publicKey: string;
  readonly role: Role;
  readonly path: string;
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

/**
 * Reads a file that holds a secret, refusing it when group or others may read it: a seed that
 * others could read may already be copied, and using it quietly would hide that.
 * Returns undefined when the file does not exist.
 */
async function readSecretFile(path: string): Promise<string | undefined> {
  try {
    const s = await stat(path);
    if (!s.isFile()) throw new SigchainError('STORE_CORRUPT', `${path} should be a file but is not. Move it away; sigchain will not read it.`, { path });
    if (CHECK_MODES && (s.mode & 0o077) !== 0) {
      throw new SigchainError(
        'INSECURE_PERMISSIONS',
        `${path} can be read or changed by other users (mode ${(s.mode & 0o777).toString(8).padStart(4, '0')}), so sigchain will not use it. ` +
          `Run \`chmod 600 ${path}\`, and consider the key exposed if others had access.`,
        { path, mode: s.mode & 0o777 },
      );
    }
    return await readFile(path, 'utf8');
  } catch (e) {
    if (errno(e) === 'ENOENT') return undefined;
    throw ioError('read', path, e);
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

  /** Path of a user's creds file (nsc `CalcUserCredsPath`). */
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
      await lstat(ignore);
    } catch (e) {
      if (errno(e) !== 'ENOENT') throw ioError('inspect', ignore, e);
      await writeFileAtomic(ignore, KEYSTORE_GITIGNORE, { mode: SECRET_FILE_MODE });
    }
  }

  /**
   * Stores the seed of `kp` (the seed only, no newline, as nsc writes it). Storing the same key
   * again is a no-op. Returns the file's path.
   */
  async storeKey(kp: KeyPair): Promise<string> {
    const seed = kp.seed;
    const path = this.keyPath(kp.publicKey);
    return withStoreLock(
      this.root,
      async () => {
        await this.#prepare();
        const existing = await readSecretFile(path);
        if (existing !== undefined && existing.trim() === seed) return path;
        // A different or unreadable seed under this name is damage; replacing it would hide it.
        if (existing !== undefined) throw new SigchainError('STORE_CORRUPT', `${path} already exists and does not hold the seed of ${kp.publicKey}. Inspect or move the file away, then store the key again.`, { path });
        await writeFileAtomic(path, seed, { mode: SECRET_FILE_MODE, dirMode: PRIVATE_DIR_MODE });
        return path;
      },
      this.#lock,
    );
  }

  /** True when the seed of `publicKey` is in the store (the file is not read). */
  async hasKey(publicKey: string): Promise<boolean> {
    try {
      return (await stat(this.keyPath(publicKey))).isFile();
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
    const seed = text.trim();
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
        const removed = await removeFile(path);
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
    const out: KeyEntry[] = [];
    for (const kind of await listDir(this.keysDir)) {
      if (kind.length !== 1) continue;
      for (const shard of await listDir(join(this.keysDir, kind))) {
        if (shard.length !== 2) continue;
        for (const file of await listDir(join(this.keysDir, kind, shard))) {
          if (!file.endsWith('.nk')) continue;
          const pub = file.slice(0, -3);
          if (pub[0] !== kind || pub.slice(1, 3) !== shard || !isPublicKey(pub)) continue;
          out.push({ publicKey: pub, role: roleOfLetter(kind)!, path: join(this.keysDir, kind, shard, file) });
        }
      }
    }
    return out.sort((a, b) => (a.publicKey < b.publicKey ? -1 : a.publicKey > b.publicKey ? 1 : 0));
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
    return withStoreLock(this.root, () => removeFile(path), this.#lock);
  }
}

async function listDir(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort();
  } catch (e) {
    if (errno(e) === 'ENOENT' || errno(e) === 'ENOTDIR') return [];
    throw ioError('list', dir, e);
  }
}

async function removeIfEmpty(dir: string): Promise<void> {
  try {
    if ((await readdir(dir)).length === 0) {
      await rmdir(dir);
      await syncDir(dirname(dir));
    }
  } catch {
    // Best effort, as nsc: an empty shard folder left behind is harmless.
  }
}
