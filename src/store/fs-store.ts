/**
 * The folder of operator stores (nsc's `--data-dir`): one sub-folder per operator, each
 * marked by a `.nsc` file. Works in place on folders nsc wrote, and nsc can read what it writes.
 */
// node:fs/promises as fs.promises: loaded when first used, not by every command that imports
// this file (~1 ms of CLI start-up).
import { promises as fsp, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { SigchainError } from '../errors.js';
import { goJson } from '../jwt/go-json.js';
import { PRIVATE_DIR_MODE, SECRET_FILE_MODE, ensureDir, ioError, writeFileAtomic } from './atomic.js';
import { checkTokenFor, readJwtFile } from './jwt-files.js';
import { type LockOptions, withStoreLock } from './lock.js';
import { safeName } from './names.js';
import { OperatorStore, listNames } from './operator-store.js';
import type { CreateOperatorOptions, EntityStore, FoundEntity, OperatorInfo } from './store.js';

export type { CreateOperatorOptions } from './store.js';
import type { StorePaths } from './paths.js';

/** Name of the file that marks an operator folder. */
export const NSC_FILE = '.nsc';
/** Store format version nsc writes in `.nsc`. */
export const NSC_STORE_VERSION = '1';

/**
 * The exact `.nsc` content nsc writes for an operator (Go `json.Marshal` of store.Info:
 * field order managed, name, kind, version; no trailing newline).
 *
 * @example
 * ```ts
 * nscFileContent('ACME'); // '{"managed":false,"name":"ACME","kind":"operator","version":"1"}'
 * ```
 */
export function nscFileContent(name: string, managed = false): string {
  return goJson({ managed, name, kind: 'operator', version: NSC_STORE_VERSION });
}

function errno(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException | undefined)?.code;
}

/**
 * The stores folder. Lists, opens and creates operators; each operator's accounts and users are
 * handled by its {@link OperatorStore}.
 *
 * @example
 * ```ts
 * const store = FsStore.fromPaths(resolvePaths(process.env, { nsc: true })); // nsc's own stores, in place
 * await store.listOperators();                 // ['ACME', 'local']
 * const op = await store.openOperator('ACME');
 * await op.readAccountJwt('SYS');
 * ```
 */
export class FsStore implements EntityStore {
  /** The stores folder. */
  readonly dir: string;
  readonly kind = 'directory' as const;
  readonly #lock: LockOptions;

  constructor(dir: string, lock: LockOptions = {}) {
    this.dir = dir;
    this.#lock = lock;
  }

  /** The stores folder (the {@link EntityStore} view of {@link dir}). */
  get location(): string {
    return this.dir;
  }

  /** Nothing to release: files are opened and closed by each call. */
  async close(): Promise<void> {}

  /** The stores folder the resolved paths name. */
  static fromPaths(paths: StorePaths, lock?: LockOptions): FsStore {
    return new FsStore(paths.storesDir.path, lock);
  }

  /** Runs `fn` under the stores lock; use it to make several changes as one. */
  locked<T>(fn: () => Promise<T> | T): Promise<T> {
    return withStoreLock(this.dir, fn, this.#lock);
  }

  /** Operator names: sub-folders holding a `.nsc` file (nsc `ListOperators`), sorted. */
  async listOperators(): Promise<string[]> {
    const out: string[] = [];
    for (const n of await listNames(this.dir, 'dir')) {
      try {
        // Sync, as listNames: every command lists the operators.
        if (statSync(join(this.dir, n, NSC_FILE)).isFile()) out.push(n);
      } catch (e) {
        if (errno(e) !== 'ENOENT' && errno(e) !== 'ENOTDIR') throw ioError('inspect', join(this.dir, n), e);
      }
    }
    return out;
  }

  /** True when an operator of that name exists. */
  async hasOperator(name: string): Promise<boolean> {
    return (await this.listOperators()).includes(safeName(name, 'operator'));
  }

  async #storeExists(): Promise<boolean> {
    try {
      return (await fsp.stat(this.dir)).isDirectory();
    } catch (e) {
      if (errno(e) === 'ENOENT') return false;
      throw ioError('inspect', this.dir, e);
    }
  }

  /** A not-found error for operator `name` that lists the operators there are. */
  async notFound(name: string): Promise<SigchainError> {
    if (!(await this.#storeExists())) {
      return new SigchainError('STORE_NOT_FOUND', `There is no store at ${this.dir}, so operator ${name} does not exist. Create an operator first, or point --data-dir (or --nsc) at the folder holding your stores.`, { kind: 'operator', name, dir: this.dir });
    }
    const ops = await this.listOperators();
    return new SigchainError('STORE_NOT_FOUND', `Operator ${name} does not exist in ${this.dir}. Operators: ${ops.length ? ops.join(', ') : '(none)'}.`, { kind: 'operator', name, dir: this.dir, operators: ops });
  }

  /**
   * Opens an operator's store. `STORE_NOT_FOUND` (listing the operators) when it is absent;
   * `STORE_CORRUPT` when its `.nsc` cannot be read as nsc writes it.
   */
  async openOperator(name: string): Promise<OperatorStore> {
    const n = safeName(name, 'operator');
    const file = join(this.dir, n, NSC_FILE);
    let text: string;
    try {
      text = readFileSync(file, 'utf8'); // sync: a few bytes, read by every command
    } catch (e) {
      if (errno(e) === 'ENOENT' || errno(e) === 'ENOTDIR') throw await this.notFound(n);
      throw ioError('read', file, e);
    }
    let info: Partial<OperatorInfo> | undefined;
    try {
      info = JSON.parse(text) as Partial<OperatorInfo>;
    } catch {
      info = undefined;
    }
    if (!info || typeof info !== 'object' || typeof info.name !== 'string' || info.name === '' || info.kind !== 'operator') {
      throw new SigchainError('STORE_CORRUPT', `${file} is not an nsc operator marker (expected {"managed":…,"name":"${n}","kind":"operator","version":"1"}). Restore it from a backup or rewrite it with that content.`, { path: file });
    }
    return new OperatorStore(this.dir, n, { managed: info.managed === true, name: info.name, kind: 'operator', version: String(info.version ?? NSC_STORE_VERSION) }, this.#lock);
  }

  /**
   * Creates an operator's store from its JWT: `<Op>/<Op>.jwt`, `<Op>/accounts/`, then `<Op>/.nsc`
   * (last, so a crash never leaves a folder that looks like a finished operator).
   * `STORE_EXISTS` when a non-empty folder of that name is there.
   *
   * @example
   * ```ts
   * const op = await store.createOperator('ACME', operatorJwt);
   * ```
   */
  async createOperator(name: string, token: string, options: CreateOperatorOptions = {}): Promise<OperatorStore> {
    const n = safeName(name, 'operator');
    const { token: jwt } = checkTokenFor('operator', token);
    const dir = join(this.dir, n);
    return this.locked(async () => {
      let entries: string[] = [];
      try {
        entries = await fsp.readdir(dir);
      } catch (e) {
        if (errno(e) !== 'ENOENT') throw ioError('inspect', dir, e);
      }
      if (entries.length > 0) {
        const what = entries.includes(NSC_FILE) ? `Operator ${n} already exists` : `The folder ${dir} already exists and is not empty`;
        throw new SigchainError('STORE_EXISTS', `${what} in ${this.dir}. Choose another name, or remove the folder if it is left over.`, { kind: 'operator', path: dir });
      }
      const info: OperatorInfo = { managed: options.managed === true, name: n, kind: 'operator', version: NSC_STORE_VERSION };
      await writeFileAtomic(join(dir, `${n}.jwt`), jwt, { mode: SECRET_FILE_MODE, dirMode: PRIVATE_DIR_MODE });
      await ensureDir(join(dir, 'accounts'), PRIVATE_DIR_MODE);
      await writeFileAtomic(join(dir, NSC_FILE), nscFileContent(n, info.managed), { mode: SECRET_FILE_MODE, dirMode: PRIVATE_DIR_MODE });
      return new OperatorStore(this.dir, n, info, this.#lock);
    });
  }

  /** The operator whose JWT subject is `publicKey`, if any. */
  async findOperatorByPublicKey(publicKey: string): Promise<FoundEntity | undefined> {
    for (const name of await this.listOperators()) {
      const op = await this.openOperator(name);
      const r = await readJwtFile(op.jwtPath);
      if (r?.facts.sub === publicKey) return { name, publicKey, token: r.token, path: op.jwtPath };
    }
    return undefined;
  }
}
