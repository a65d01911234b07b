/**
 * One operator's folder in nsc's layout:
 *
 * ```
 * <stores>/<Op>/.nsc                                {"managed":false,"name":"<Op>","kind":"operator","version":"1"}
 * <stores>/<Op>/<Op>.jwt
 * <stores>/<Op>/accounts/<Acct>/<Acct>.jwt
 * <stores>/<Op>/accounts/<Acct>/users/<User>.jwt
 * ```
 * Files hold the raw JWT, 0600, in 0700 folders (as nsc writes them).
 */
import { randomBytes } from 'node:crypto';
// node:fs/promises as fs.promises: loaded when first used, not by every command that imports
// this file (~1 ms of CLI start-up).
import { promises as fsp, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { SigchainError } from '../errors.js';
import { PRIVATE_DIR_MODE, SECRET_FILE_MODE, ioError, removeFile, syncDir, writeFileAtomic } from './atomic.js';
import { type JwtDirEntry, type StoredKind, checkTokenFor, readJwtDir, readJwtFile } from './jwt-files.js';
import { type LockOptions, withStoreLock } from './lock.js';
import { namedOnce, safeName, usersTakenError } from './names.js';
import type { FoundEntity, OperatorEntities, OperatorInfo } from './store.js';

export type { FoundEntity, OperatorInfo } from './store.js';

/** Name of an account's revoked-jti file, next to `<Acct>.jwt` (format: `revoked-jtis.ts`). */
export const REVOKED_JTIS_FILE = 'revocations.json';

const USERS = 'users';

function errno(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException | undefined)?.code;
}

/** Names of folder entries, sorted; [] when the folder is missing. Hidden entries are store internals. */
export async function listNames(dir: string, want: 'dir' | 'file'): Promise<string[]> {
  let entries;
  try {
    // Sync: a listing takes less than a trip through the thread pool, and every command makes a
    // few (CLI start-up, issue 8).
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (e) {
    if (errno(e) === 'ENOENT' || errno(e) === 'ENOTDIR') return [];
    throw ioError('list', dir, e);
  }
  return entries
    .filter((d) => !d.name.startsWith('.') && (want === 'dir' ? d.isDirectory() : d.isFile()))
    .map((d) => d.name)
    .sort();
}

async function exists(path: string): Promise<boolean> {
  try {
    statSync(path); // sync, as listNames
    return true;
  } catch (e) {
    if (errno(e) === 'ENOENT' || errno(e) === 'ENOTDIR') return false;
    throw ioError('inspect', path, e);
  }
}

function listing(names: string[]): string {
  return names.length ? names.join(', ') : '(none)';
}

/**
 * An operator's store folder. Obtain one from {@link FsStore.openOperator} or
 * {@link FsStore.createOperator}. Every change is atomic and made under the stores lock.
 *
 * @example
 * ```ts
 * const op = await FsStore.fromPaths(resolvePaths()).openOperator('ACME');
 * await op.addAccount('billing', accountJwt);
 * await op.addUser('billing', 'svc', userJwt);
 * await op.listUsers('billing'); // ['svc']
 * ```
 */
export class OperatorStore implements OperatorEntities {
  /** Folder name of the operator (what users type). */
  readonly name: string;
  /** `<stores>/<name>`. */
  readonly dir: string;
  /** Contents of `.nsc`. */
  readonly info: OperatorInfo;
  /** The locked folder: the stores folder, shared by all operators. */
  readonly lockDir: string;
  readonly #lock: LockOptions;

  /** @internal Use FsStore. */
  constructor(storesDir: string, name: string, info: OperatorInfo, lock: LockOptions = {}) {
    this.name = name;
    this.dir = join(storesDir, name);
    this.info = info;
    this.lockDir = storesDir;
    this.#lock = lock;
  }

  /** The operator's folder (the {@link OperatorEntities} view of {@link dir}). */
  get location(): string {
    return this.dir;
  }

  #locked<T>(fn: () => Promise<T>): Promise<T> {
    return withStoreLock(this.lockDir, fn, this.#lock);
  }

  /** `<Op>/<Op>.jwt`; nsc names it after the name in `.nsc`. */
  get jwtPath(): string {
    return join(this.dir, `${this.info.name}.jwt`);
  }

  /** `<Op>/accounts/<Acct>`. */
  accountDir(account: string): string {
    return join(this.dir, 'accounts', safeName(account, 'account'));
  }

  /** `<Op>/accounts/<Acct>/users`. */
  usersDir(account: string): string {
    return join(this.accountDir(account), USERS);
  }

  /** `<Op>/accounts/<Acct>/<Acct>.jwt`. */
  accountJwtPath(account: string): string {
    const a = safeName(account, 'account');
    return join(this.dir, 'accounts', a, `${a}.jwt`);
  }

  /** `<Op>/accounts/<Acct>/users/<User>.jwt`. */
  userJwtPath(account: string, user: string): string {
    return join(this.accountDir(account), USERS, `${safeName(user, 'user')}.jwt`);
  }

  async #read(path: string, missing: () => Promise<SigchainError>): Promise<string> {
    const r = await readJwtFile(path);
    if (!r) throw await missing();
    return r.token;
  }

  async #write(kind: StoredKind, path: string, token: string): Promise<void> {
    const checked = checkTokenFor(kind, token);
    await writeFileAtomic(path, checked.token, { mode: SECRET_FILE_MODE, dirMode: PRIVATE_DIR_MODE });
  }

  // --- operator ---------------------------------------------------------------------------

  /** The operator's JWT. `STORE_NOT_FOUND` for a managed operator whose JWT was never stored. */
  readOperatorJwt(): Promise<string> {
    return this.#read(this.jwtPath, async () => new SigchainError('STORE_NOT_FOUND', `Operator ${this.name} has no JWT at ${this.jwtPath}. Import the operator's JWT again.`, { path: this.jwtPath }));
  }

  /** Replaces the operator's JWT. */
  writeOperatorJwt(token: string): Promise<void> {
    return this.#locked(() => this.#write('operator', this.jwtPath, token));
  }

  // --- accounts ---------------------------------------------------------------------------

  /** Account names: folders under `accounts/` holding `<name>/<name>.jwt` (nsc `ListSubContainers`). */
  async listAccounts(): Promise<string[]> {
    const dir = join(this.dir, 'accounts');
    const out: string[] = [];
    for (const n of await listNames(dir, 'dir')) if (await exists(join(dir, n, `${n}.jwt`))) out.push(n);
    return out;
  }

  /** True when the account's JWT file exists. */
  hasAccount(account: string): Promise<boolean> {
    return exists(this.accountJwtPath(account));
  }

  async #noAccount(account: string): Promise<SigchainError> {
    const a = safeName(account, 'account');
    return new SigchainError('STORE_NOT_FOUND', `Account ${a} does not exist in operator ${this.name}. Accounts: ${listing(await this.listAccounts())}.`, { kind: 'account', name: a, operator: this.name });
  }

  /** The account's JWT; `STORE_NOT_FOUND` (listing the accounts) when absent. */
  readAccountJwt(account: string): Promise<string> {
    return this.#read(this.accountJwtPath(account), () => this.#noAccount(account));
  }

  /** Stores a new account; `STORE_EXISTS` when one of that name exists. */
  addAccount(account: string, token: string): Promise<void> {
    const path = this.accountJwtPath(account);
    return this.#locked(async () => {
      if (await exists(path)) throw new SigchainError('STORE_EXISTS', `Account ${safeName(account, 'account')} already exists in operator ${this.name}. Choose another name, or edit that account.`, { kind: 'account', path });
      await this.#write('account', path, token);
    });
  }

  /** Stores or replaces the account's JWT. */
  writeAccountJwt(account: string, token: string): Promise<void> {
    return this.#locked(() => this.#write('account', this.accountJwtPath(account), token));
  }

  /**
   * Deletes the account with its users. The folder is first renamed aside, so readers never
   * see a half-deleted account. Returns false when it did not exist.
   */
  deleteAccount(account: string): Promise<boolean> {
    const dir = this.accountDir(account);
    return this.#locked(async () => {
      if (!(await exists(dir))) return false;
      const aside = join(this.dir, 'accounts', `.deleted-${randomBytes(6).toString('hex')}`);
      try {
        await fsp.rename(dir, aside);
        await syncDir(join(this.dir, 'accounts'));
        await fsp.rm(aside, { recursive: true, force: true });
      } catch (e) {
        throw ioError('delete', dir, e);
      }
      return true;
    });
  }

  // --- users ------------------------------------------------------------------------------

  async #requireAccount(account: string): Promise<void> {
    if (!(await this.hasAccount(account))) throw await this.#noAccount(account);
  }

  /** User names of an account (nsc `ListEntries`); `STORE_NOT_FOUND` when the account is absent. */
  async listUsers(account: string): Promise<string[]> {
    await this.#requireAccount(account);
    const names = await listNames(join(this.accountDir(account), USERS), 'file');
    return names.filter((n) => n.endsWith('.jwt')).map((n) => n.slice(0, -4));
  }

  /**
   * Every user of an account with the facts the store peeks at (`sub`, `iss`, `name`, type)
   * and, with `tokens`, its token, read in one pass ({@link readJwtDir}: signatures are not verified); a
   * file that cannot be read is an entry with its coded error. `STORE_NOT_FOUND` when the
   * account is absent.
   *
   * @example
   * ```ts
   * for (const u of await op.readUsers('A')) console.log(u.name, u.facts?.sub);
   * ```
   */
  async readUsers(account: string, opts: { tokens?: boolean } = {}): Promise<JwtDirEntry[]> {
    await this.#requireAccount(account);
    return readJwtDir(join(this.accountDir(account), USERS), opts);
  }

  /** True when the user's JWT file exists. */
  hasUser(account: string, user: string): Promise<boolean> {
    return exists(this.userJwtPath(account, user));
  }

  /** The user's JWT; `STORE_NOT_FOUND` (listing the account's users) when absent. */
  readUserJwt(account: string, user: string): Promise<string> {
    return this.#read(this.userJwtPath(account, user), async () => {
      const u = safeName(user, 'user');
      const users = await this.listUsers(account);
      return new SigchainError('STORE_NOT_FOUND', `User ${u} does not exist in account ${safeName(account, 'account')} of operator ${this.name}. Users: ${listing(users)}.`, { kind: 'user', name: u, account, operator: this.name });
    });
  }

  /** Stores a new user under an existing account; `STORE_EXISTS` when one of that name exists. */
  addUser(account: string, user: string, token: string): Promise<void> {
    const path = this.userJwtPath(account, user);
    return this.#locked(async () => {
      await this.#requireAccount(account);
      if (await exists(path)) throw new SigchainError('STORE_EXISTS', `User ${safeName(user, 'user')} already exists in account ${safeName(account, 'account')}. Choose another name, or edit that user.`, { kind: 'user', path });
      await this.#write('user', path, token);
    });
  }

  /**
   * Stores new users under an existing account, all or none: one durable batch (every file
   * synced, then renamed into place); `STORE_EXISTS` naming those that exist, and nothing written.
   */
  async addUsers(account: string, users: ReadonlyArray<{ name: string; token: string }>): Promise<void> {
    const names = namedOnce(users.map((u) => u.name), 'user');
    const files = users.map(({ token }, i) => ({ path: this.userJwtPath(account, names[i]!), data: checkTokenFor('user', token).token, mode: SECRET_FILE_MODE }));
    return this.#locked(async () => {
      await this.#requireAccount(account);
      // Loaded here: every command opens an operator store, few add users in bulk.
      const [{ jwtNamesSync }, { createFilesDurably }] = await Promise.all([import('./bulk-read.js'), import('./bulk-write.js')]);
      const existing = new Set(jwtNamesSync(this.usersDir(account)));
      const taken = names.filter((n) => existing.has(n));
      if (taken.length) throw usersTakenError(taken, safeName(account, 'account'));
      if (files.length) await createFilesDurably(files, { dirMode: PRIVATE_DIR_MODE, how: files.length >= 64 ? 'auto' : 'fsync' });
    });
  }

  /** Stores or replaces a user's JWT (the account must exist). */
  writeUserJwt(account: string, user: string, token: string): Promise<void> {
    const path = this.userJwtPath(account, user);
    return this.#locked(async () => {
      await this.#requireAccount(account);
      await this.#write('user', path, token);
    });
  }

  /** Deletes a user's JWT; returns false when it did not exist. */
  deleteUser(account: string, user: string): Promise<boolean> {
    const path = this.userJwtPath(account, user);
    return this.#locked(() => removeFile(path));
  }

  // --- revoked jtis ----------------------------------------------------------------------

  /** `<Op>/accounts/<Acct>/revocations.json`: the account's revoked-jti list. */
  revokedJtisPath(account: string): string {
    return join(this.accountDir(account), REVOKED_JTIS_FILE);
  }

  /** The revoked-jti file's text; undefined when the account has none. */
  async readRevokedJtisText(account: string): Promise<{ text: string; where: string } | undefined> {
    const path = this.revokedJtisPath(account);
    try {
      return { text: await fsp.readFile(path, 'utf8'), where: path };
    } catch (e) {
      if (errno(e) === 'ENOENT' || errno(e) === 'ENOTDIR') return undefined;
      throw ioError('read', path, e);
    }
  }

  /** Replaces the revoked-jti file atomically (0600, as every store file). Callers hold the stores lock. */
  async writeRevokedJtisText(account: string, text: string): Promise<void> {
    await writeFileAtomic(this.revokedJtisPath(account), text, { mode: SECRET_FILE_MODE, dirMode: PRIVATE_DIR_MODE });
  }

  // --- lookups ----------------------------------------------------------------------------

  /** The account whose JWT subject is `publicKey`, if any. */
  async findAccountByPublicKey(publicKey: string): Promise<FoundEntity | undefined> {
    for (const name of await this.listAccounts()) {
      const path = this.accountJwtPath(name);
      const r = await readJwtFile(path);
      if (r?.facts.sub === publicKey) return { name, publicKey, token: r.token, path };
    }
    return undefined;
  }

  /** The user whose JWT subject is `publicKey`, in any account (or only in `account`). */
  async findUserByPublicKey(publicKey: string, account?: string): Promise<FoundEntity | undefined> {
    for (const a of account === undefined ? await this.listAccounts() : [account]) {
      for (const name of await this.listUsers(a)) {
        const path = this.userJwtPath(a, name);
        const r = await readJwtFile(path);
        if (r?.facts.sub === publicKey) return { name, publicKey, token: r.token, path, account: a };
      }
    }
    return undefined;
  }
}
