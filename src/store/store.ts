/**
 * What the workspace needs of a store, whatever keeps it: the directory in nsc's layout
 * ({@link FsStore}, {@link OperatorStore}) or JetStream key-value buckets on a NATS server
 * (`KvStore`, `--store nats://…`). Types only: the workspace names these, never a backend.
 *
 * Private keys are never part of a store (they stay in each home's key store), nor is the
 * current context (it stays in each home's config file).
 */
import type { JwtDirEntry } from './jwt-files.js';
import type { SigchainError } from '../errors.js';

/** The `.nsc` marker of an operator (nsc's store.Info). */
export interface OperatorInfo {
  /** Imported without its key (a hosted operator): accounts are re-signed elsewhere. */
  readonly managed: boolean;
  readonly name: string;
  readonly kind: 'operator';
  readonly version: string;
}

/** A stored entity found by public key. */
export interface FoundEntity {
  readonly name: string;
  readonly publicKey: string;
  readonly token: string;
  /** Where it is kept: a file path, or `nats://host:port/bucket key` for a KV store. */
  readonly path: string;
  /** For users: the account holding it. */
  readonly account?: string;
}

/** Options of {@link EntityStore.createOperator}. */
export interface CreateOperatorOptions {
  /** Mark the operator as managed (imported without its key), as nsc does for hosted operators. */
  managed?: boolean;
}

/**
 * One operator's entities: its JWT, its accounts and their users, and each account's revoked
 * jtis (sigchain's own list, beside the account). Reads return raw tokens; every change is
 * atomic. Obtain one from {@link EntityStore.openOperator}.
 *
 * @example
 * ```ts
 * const op = await ws.store.openOperator('ACME');
 * await op.addAccount('billing', accountJwt);
 * await op.listAccounts(); // ['SYS', 'billing']
 * ```
 */
export interface OperatorEntities {
  /** The operator's name (what users type). */
  readonly name: string;
  /** Its `.nsc` marker. */
  readonly info: OperatorInfo;
  /** Where it is kept, for messages: its folder, or `nats://host:port/bucket`. */
  readonly location: string;

  /** The operator's JWT; `STORE_NOT_FOUND` when it was never stored. */
  readOperatorJwt(): Promise<string>;
  /** Replaces the operator's JWT. */
  writeOperatorJwt(token: string): Promise<void>;

  /** Account names, sorted. */
  listAccounts(): Promise<string[]>;
  hasAccount(account: string): Promise<boolean>;
  /** The account's JWT; `STORE_NOT_FOUND` (listing the accounts) when absent. */
  readAccountJwt(account: string): Promise<string>;
  /** Stores a new account; `STORE_EXISTS` when one of that name exists. */
  addAccount(account: string, token: string): Promise<void>;
  /** Stores or replaces the account's JWT. */
  writeAccountJwt(account: string, token: string): Promise<void>;
  /** Deletes the account with its users and revoked jtis; false when it did not exist. */
  deleteAccount(account: string): Promise<boolean>;

  /** User names of an account, sorted; `STORE_NOT_FOUND` when the account is absent. */
  listUsers(account: string): Promise<string[]>;
  /**
   * Every user of an account with its token's facts (and, with `tokens`, the token), or the
   * coded error reading it gave: one entry per user, for listings and bulk work. A store whose
   * bytes others can write (KV) verifies each entry's signature as it reads it, unless
   * `skipSignatures` says the caller verifies every token itself (`validate`); a folder store
   * never does (its files are the user's own).
   */
  readUsers(account: string, opts?: { tokens?: boolean; skipSignatures?: boolean }): Promise<JwtDirEntry[]>;
  hasUser(account: string, user: string): Promise<boolean>;
  /** The user's JWT; `STORE_NOT_FOUND` (listing the users) when absent. */
  readUserJwt(account: string, user: string): Promise<string>;
  /** Stores a new user under an existing account; `STORE_EXISTS` when one of that name exists. */
  addUser(account: string, user: string, token: string): Promise<void>;
  /**
   * Stores new users under an existing account, all or none: `STORE_EXISTS` naming the users
   * that exist (one may have been added by another writer meanwhile), and then none is stored.
   */
  addUsers(account: string, users: ReadonlyArray<{ name: string; token: string }>): Promise<void>;
  /** Stores or replaces a user's JWT (the account must exist). */
  writeUserJwt(account: string, user: string, token: string): Promise<void>;
  /** Deletes a user's JWT; false when it did not exist. */
  deleteUser(account: string, user: string): Promise<boolean>;

  findAccountByPublicKey(publicKey: string): Promise<FoundEntity | undefined>;
  findUserByPublicKey(publicKey: string, account?: string): Promise<FoundEntity | undefined>;

  /**
   * The account's revoked-jti list as stored (JSON text) and where it is kept; undefined when
   * the account has none. `src/store/revoked-jtis.ts` owns its format.
   */
  readRevokedJtisText(account: string): Promise<{ text: string; where: string } | undefined>;
  /** Replaces the account's revoked-jti list (JSON text). */
  writeRevokedJtisText(account: string, text: string): Promise<void>;
}

/**
 * The operators of a store. {@link EntityStore.locked} is how an operation makes a
 * read-modify-write safe against other writers: the directory store takes its lock; the KV
 * store runs `fn` as an optimistic transaction (every write a compare-and-set on the revision
 * `fn` read) and, when another writer got there first, runs `fn` again on the fresh entries.
 * So `fn` must be an edit that can be re-run: read, decide, write.
 *
 * @example
 * ```ts
 * await ws.store.locked(async () => {
 *   const op = await ws.store.openOperator('ACME');
 *   const token = await op.readAccountJwt('A');
 *   await op.writeAccountJwt('A', await reSign(token));
 * });
 * ```
 */
export interface EntityStore {
  /** `directory` (nsc's layout on disk) or `nats-kv` (JetStream KV buckets). */
  readonly kind: 'directory' | 'nats-kv';
  /** Where it is kept, for messages: the stores folder, or `nats://host:port/bucket`. */
  readonly location: string;
  /** Runs `fn` so that its reads and writes are one change (see above). */
  locked<T>(fn: () => Promise<T> | T): Promise<T>;
  /** Operator names, sorted. */
  listOperators(): Promise<string[]>;
  hasOperator(name: string): Promise<boolean>;
  /** A `STORE_NOT_FOUND` error for operator `name` that lists the operators there are. */
  notFound(name: string): Promise<SigchainError>;
  /** Opens an operator; `STORE_NOT_FOUND` (listing the operators) when it is absent. */
  openOperator(name: string): Promise<OperatorEntities>;
  /** Creates an operator from its JWT; `STORE_EXISTS` when it exists. */
  createOperator(name: string, token: string, options?: CreateOperatorOptions): Promise<OperatorEntities>;
  findOperatorByPublicKey(publicKey: string): Promise<FoundEntity | undefined>;
  /** Releases what the store holds open (the KV store's connection); a no-op for a directory. */
  close(): Promise<void>;
}
