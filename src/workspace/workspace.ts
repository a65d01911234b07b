import { SigchainError } from '../errors.js';
import { isPublicKey, isSeed } from '../nkeys/codec.js';
import { KeyPair } from '../nkeys/keypair.js';
import { FsStore } from '../store/fs-store.js';
import { KeyStore, readSecretFile } from '../store/keystore.js';
import { type LockOptions, tidyAfterCrash } from '../store/lock.js';
import type { OperatorStore } from '../store/operator-store.js';
import { type ContextFile, type CurrentContext, currentContext, readContextFile, resolveAccount, resolveOperator, selectAccount, selectOperator, writeContextFile } from '../store/context.js';
import { type Env, type PathFlags, type PathRow, type StorePaths, describePaths, resolvePaths } from '../store/paths.js';

/** How to open a {@link Workspace}. */
export interface WorkspaceOptions {
  /** Environment to resolve paths from (`$SIGCHAIN_HOME`, nsc's env vars); default `process.env`. */
  env?: Env;
  /** Folder overrides, as the CLI's `--data-dir`, `--keystore-dir`, `--config-dir`, `--nsc`. */
  flags?: PathFlags;
  lock?: LockOptions;
}

/**
 * The stores, the key store and the current context, opened together. Every operation
 * (`addOperator`, `addAccount`, `editAccount`, …) takes a workspace; the CLI is a thin face on them.
 *
 * @example
 * ```ts
 * const ws = Workspace.open({ env: { SIGCHAIN_HOME: '/tmp/demo' } });
 * await addOperator(ws, 'O2');
 * const acct = await addAccount(ws, 'A');
 * ```
 */
export class Workspace {
  readonly paths: StorePaths;
  readonly store: FsStore;
  readonly keys: KeyStore;

  private constructor(paths: StorePaths, lock?: LockOptions) {
    this.paths = paths;
    this.store = FsStore.fromPaths(paths, lock);
    this.keys = KeyStore.fromPaths(paths, lock);
  }

  static open(options: WorkspaceOptions = {}): Workspace {
    return new Workspace(resolvePaths(options.env ?? process.env, options.flags ?? {}), options.lock);
  }

  /** The named operator, else the current one, else the only one. */
  operator(named?: string): Promise<OperatorStore> {
    return resolveOperator(this.store, this.paths, named);
  }

  /** The named account of `op`, else the current one, else the only one. */
  account(op: OperatorStore, named?: string): Promise<string> {
    return resolveAccount(op, this.paths, named);
  }

  /** Makes `operator` (and `account`, if given) the current context, without checking them. */
  async select(operator: string, account?: string | null): Promise<void> {
    await writeContextFile(this.paths, account === undefined ? { operator } : { operator, account });
  }

  /**
   * Removes what a writer killed mid-way left beside the stores, the key store and the context
   * (temp files, a dead process's lock). Commands that change the store do it when they take
   * its lock; the CLI calls this after every other command too. Never throws.
   */
  async tidy(): Promise<void> {
    for (const dir of new Set([this.paths.storesDir.path, this.paths.keystoreDir.path, this.paths.configDir.path])) await tidyAfterCrash(dir);
  }

  /** The current operator and account, and why each is current (`sigchain env`). */
  context(): Promise<CurrentContext> {
    return currentContext(this.store, this.paths);
  }

  /** The context file as saved (what `select` wrote), before defaults are applied. */
  savedContext(): Promise<ContextFile> {
    return readContextFile(this.paths);
  }

  /** Makes an existing operator current; its account is kept if it has one of that name. */
  selectOperator(name: string): Promise<ContextFile> {
    return selectOperator(this.store, this.paths, name);
  }

  /** Makes an existing account (of `operator`, else the current one) current. */
  selectAccount(account: string, operator?: string): Promise<ContextFile> {
    return selectAccount(this.store, this.paths, account, operator);
  }

  /** Every path the workspace uses and where it came from (flag, variable, default). */
  describePaths(env: Env): PathRow[] {
    return describePaths(env, this.paths);
  }

  /**
   * Resolves a `-K/--private-key` value, as nsc does: a seed, then a public key whose seed
   * is in the key store, then a path to a file holding a seed. A seed file others may read
   * is refused. The seed never appears in an error.
   */
  async resolveKey(spec: string): Promise<KeyPair> {
    const text = spec.trim();
    if (isSeed(text)) return KeyPair.fromSeed(text);
    if (isPublicKey(text)) {
      if (!(await this.keys.hasKey(text))) {
        throw new SigchainError('NO_APPROPRIATE_SIGNING_KEY', `The seed of ${text} is not in the key store (${this.keys.keyPath(text)}). Pass the seed or the path to its .nk file with -K instead.`, { publicKey: text });
      }
      return this.keys.getKey(text);
    }
    const content = await readSecretFile(text);
    if (content === undefined) {
      throw new SigchainError('USAGE', '-K/--private-key must be a seed (S…), a public key whose seed is in the key store, or the path to a .nk file; the value given is none of these (no such file).');
    }
    // A .nk file holds the seed alone; a creds file holds it on its own line.
    const line = content.split(/\r?\n/).map((l) => l.trim()).find((l) => isSeed(l));
    if (!line) throw new SigchainError('STORE_CORRUPT', `${text} does not hold an nkey seed. Point -K at a .nk file (it holds one line starting with S).`, { path: text });
    return KeyPair.fromSeed(line);
  }

  /** The keys among `publicKeys` whose seeds are in the key store. */
  async loadSeeds(publicKeys: Iterable<string>): Promise<Map<string, KeyPair>> {
    const out = new Map<string, KeyPair>();
    for (const pub of new Set(publicKeys)) {
      if (await this.keys.hasKey(pub)) out.set(pub, await this.keys.getKey(pub));
    }
    return out;
  }
}
