import { Custody, type CustodyOptions, parseBackend } from '../custody/custody.js';
import type { PassphraseSource } from '../custody/encrypted.js';
import { SigchainError, isSigchainError } from '../errors.js';
import type { KeyBackend, Signer } from '../keys/signer.js';
import type { AuditCaller } from '../keys/audit-record.js';
import { join } from 'node:path';
import { decodeSeed, isPublicKey, isSeed } from '../nkeys/codec.js';

import { KeyPair } from '../nkeys/keypair.js';
import { FsStore } from '../store/fs-store.js';
import { KvStore, type KvStoreOptions } from '../store/kv/kv-store.js';
import type { OperatorStore } from '../store/operator-store.js';
import { KeyStore, readSecretFile } from '../store/keystore.js';
import { type LockOptions, tidyAfterCrash } from '../store/lock.js';
import type { EntityStore, OperatorEntities } from '../store/store.js';
import { type ContextFile, type CurrentContext, currentContext, keyringBackendSetting, readContextFile, resolveAccount, resolveOperator, selectAccount, selectOperator, writeContextFile } from '../store/context.js';
import { type Env, type PathFlags, type PathRow, type StorePaths, describePaths, resolvePaths } from '../store/paths.js';

/** How to open a {@link Workspace}. */
export interface WorkspaceOptions {
  /** Environment to resolve paths from (`$SIGCHAIN_HOME`, nsc's env vars); default `process.env`. */
  env?: Env;
  /** Folder overrides, as the CLI's `--data-dir`, `--keystore-dir`, `--config-dir`, `--nsc`. */
  flags?: PathFlags;
  lock?: LockOptions;
  /**
   * Where operators, accounts, users and revocations are kept: `nats://HOST:PORT[/BUCKET]` for
   * JetStream KV buckets shared by several homes (the CLI's `--store`), else `$SIGCHAIN_STORE`,
   * else the stores folder. Keys and the current context stay in this home either way.
   */
  store?: string;
  /** Tuning of a KV store (retries on conflict, timeouts); tests and benchmarks. */
  kv?: KvStoreOptions;
  /**
   * Where private keys are kept and how to open them. The backend for new keys is this
   * `backend`, else `$SIGCHAIN_KEYRING_BACKEND`, else `keyring_backend` in config.json, else
   * (outside nsc mode) encrypted for operator and account keys and file for the rest; in nsc
   * mode file, so nsc keeps reading every key. The passphrase is asked of `passphrase`, else
   * taken from `$SIGCHAIN_PASSPHRASE`.
   */
  custody?: Partial<Omit<CustodyOptions, 'keys' | 'env' | 'backend' | 'audit'>> & {
    backend?: KeyBackend | string;
    /** Who signs, for the audit log (the CLI gives the command's words); default `library`. */
    caller?: AuditCaller;
    /** Keep no audit log (tests of other things, benchmarks). */
    noAudit?: boolean;
  };
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
  /** Operators, accounts, users, revocations: the stores folder, or a NATS KV store. */
  readonly store: EntityStore;
  readonly keys: KeyStore;

  /** Every private key, whatever backend holds it: the one door signatures go through. */
  readonly custody: Custody;

  private constructor(paths: StorePaths, env: Env, options: WorkspaceOptions) {
    this.paths = paths;
    const url = options.store ?? (env.SIGCHAIN_STORE || undefined);
    this.store = url !== undefined ? KvStore.fromUrl(url, { ...(options.kv ?? {}), ...kvTuningFrom(env) }) : FsStore.fromPaths(paths, options.lock);
    this.keys = KeyStore.fromPaths(paths, options.lock);
    const c = options.custody ?? {};
    const named = c.backend !== undefined ? { value: c.backend, from: 'The keyring backend given' } : env.SIGCHAIN_KEYRING_BACKEND ? { value: env.SIGCHAIN_KEYRING_BACKEND, from: '$SIGCHAIN_KEYRING_BACKEND' } : undefined;
    const saved = named ? undefined : keyringBackendSetting(paths);
    const backend = named ? parseBackend(named.value, named.from) : saved !== undefined ? parseBackend(saved, `"keyring_backend" in ${paths.configFile.path}`) : paths.mode === 'nsc' ? 'file' : undefined;
    const fromEnv = env.SIGCHAIN_PASSPHRASE;
    const passphrase: PassphraseSource | undefined = c.passphrase ?? (fromEnv !== undefined ? async () => fromEnv : undefined);
    const workFactor = c.workFactor ?? workFactorFrom(env);
    const { caller, noAudit, ...rest } = c;
    this.custody = new Custody({
      ...rest,
      ...(noAudit ? {} : { audit: { dir: this.auditDir, caller: caller ?? 'library' } }),
      keys: this.keys,
      env: env as NodeJS.ProcessEnv,
      ...(backend ? { backend } : {}),
      ...(passphrase ? { passphrase } : {}),
      ...(workFactor !== undefined ? { workFactor } : {}),
    } as CustodyOptions);
  }

  /** The audit log's folder: `$SIGCHAIN_HOME/audit` (in nsc mode, `audit/` in nsc's data folder). */
  get auditDir(): string {
    return join(this.paths.home.path, 'audit');
  }

  static open(options: WorkspaceOptions = {}): Workspace {
    const env = options.env ?? process.env;
    return new Workspace(resolvePaths(env, options.flags ?? {}), env, options);
  }

  /** The named operator, else the current one, else the only one. */
  operator(named?: string): Promise<OperatorEntities> {
    return resolveOperator(this.store, this.paths, named);
  }

  /**
   * The stores folder, for commands that work on files in bulk (\`keys compromised\`); with a
   * KV store, \`KV_UNSUPPORTED\` naming \`what\`.
   */
  directoryStore(what: string): FsStore {
    if (this.store instanceof FsStore) return this.store;
    throw new SigchainError('KV_UNSUPPORTED', `${what} works on a directory store only, and this workspace keeps its entities in ${this.store.location}. Run \`sigchain store export DIR\`, run it with --data-dir DIR, then \`sigchain store import DIR\`.`, { store: this.store.location });
  }

  /** {@link operator} as a folder (see {@link directoryStore}). */
  async directoryOperator(named?: string, what = 'This command'): Promise<OperatorStore> {
    return (await resolveOperator(this.directoryStore(what), this.paths, named)) as OperatorStore;
  }

  /** Closes what the store holds open (a KV store's connection). The CLI calls it after each command. */
  close(): Promise<void> {
    return this.store.close();
  }

  /** The named account of `op`, else the current one, else the only one. */
  account(op: OperatorEntities, named?: string): Promise<string> {
    return resolveAccount(op, this.paths, named);
  }

  /** Makes `operator` (and `account`, if given) the current context, without checking them. */
  async select(operator: string, account?: string | null): Promise<void> {
    await writeContextFile(this.paths, account === undefined ? { operator } : { operator, account });
  }

  /**
   * Removes what a writer killed mid-way left beside the stores, the key store, the context and
   * the audit log (temp files, a dead process's lock). Commands that change the store do it when
   * they take its lock; the CLI calls this after every other command too. Never throws.
   */
  async tidy(): Promise<void> {
    // The audit log's head is written atomically too: a kill mid-write leaves its temp file.
    for (const dir of new Set([this.paths.storesDir.path, this.paths.keystoreDir.path, this.paths.configDir.path, this.auditDir])) await tidyAfterCrash(dir);
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
   * Resolves a `-K/--private-key` value, as nsc does: a seed, then a public key whose private
   * key a backend here holds (key store file or sealed file, registered HSM/KMS key, the agent),
   * then a path to a file holding a seed. A seed file others may read is refused. The seed
   * never appears in an error.
   */
  async resolveSigner(spec: string): Promise<Signer> {
    const text = spec.trim();
    if (isSeed(text)) return this.custody.signerFromSeed(KeyPair.fromSeed(text));
    if (isPublicKey(text)) {
      const signer = await this.custody.trySigner(text);
      if (!signer) {
        throw new SigchainError('NO_APPROPRIATE_SIGNING_KEY', `The private key of ${text} is not held here: not in the key store (${this.keys.keyPath(text)}, or sealed beside it), not registered, not in the key agent. Pass the seed or the path to its .nk file with -K instead.`, { publicKey: text });
      }
      return signer;
    }
    // A sealed key named by its file (`…/<PUB>.nk.age`): the key store's copy, opened with its passphrase.
    const sealed = /(?:^|[\\/])([A-Z2-7]{56})\.nk\.age$/.exec(text)?.[1];
    if (sealed && isPublicKey(sealed)) {
      const signer = await this.custody.trySigner(sealed);
      if (signer) return signer;
      throw new SigchainError('NO_APPROPRIATE_SIGNING_KEY', `${text} is a sealed key file, and ${sealed} is not in this key store. Import it with \`sigchain keys import\` after unsealing it (\`age -d\`), or pass its seed with -K.`, { publicKey: sealed });
    }
    return this.custody.signerFromSeed(await this.seedFrom(text, '-K/--private-key'));
  }

  /**
   * The key pair in `spec`: a seed, or a file holding one (a `.nk`, or a creds file's seed line).
   * A file others may read is refused. The seed never appears in an error.
   */
  async seedFrom(spec: string, what = 'The key'): Promise<KeyPair> {
    const text = spec.trim();
    if (isSeed(text)) return KeyPair.fromSeed(text);
    const content = await readSecretFile(text);
    // A mistyped or truncated seed is no file name: say what is wrong with it (never echoing it).
    if (content === undefined && /^S[A-Z0-9]{40,}$/.test(text)) {
      try {
        decodeSeed(text);
      } catch (e) {
        if (isSigchainError(e)) throw new SigchainError(e.code, `${what} is not a valid seed: ${e.message} Check that it was copied whole.`);
        throw e;
      }
    }
    if (content === undefined) {
      throw new SigchainError('USAGE', `${what} must be a seed (S…), a public key whose private key is held here, or the path to a .nk file; the value given is none of these (no such file).`);
    }
    // A .nk file holds the seed alone; a creds file holds it on its own line.
    const line = content.split(/\r?\n/).map((l) => l.trim()).find((l) => isSeed(l));
    // The user's own file, not the store: a bad command line, not a damaged store.
    if (!line) throw new SigchainError('USAGE', `${what}: ${text} does not hold an nkey seed. Point at a .nk file (it holds one line starting with S), or give a public key whose private key is held here.`, { path: text });
    return KeyPair.fromSeed(line);
  }

  /** The keys among `publicKeys` whose private keys a backend here holds (nothing is unlocked). */
  async loadSigners(publicKeys: Iterable<string>): Promise<Map<string, Signer>> {
    const out = new Map<string, Signer>();
    for (const pub of new Set(publicKeys)) {
      const s = await this.custody.trySigner(pub);
      if (s) out.set(pub, s);
    }
    return out;
  }
}

// Tuning for tests and benchmarks: how often a KV edit is re-applied after a conflict.
function kvTuningFrom(env: Env): KvStoreOptions {
  const v = env.SIGCHAIN_KV_RETRIES;
  return v !== undefined && /^\d{1,4}$/.test(v) ? { retries: Number(v) } : {};
}

// For test suites only: a lower scrypt cost for sealed keys (age's default, 18, takes ~0.7 s a key).
function workFactorFrom(env: Env): number | undefined {
  const v = env.SIGCHAIN_AGE_WORK_FACTOR;
  if (v === undefined || !/^\d+$/.test(v)) return undefined;
  const n = Number(v);
  return n >= 10 && n <= 20 ? n : undefined;
}
