/**
 * The store kept in a JetStream key-value bucket on a NATS server (`--store nats://HOST:PORT`,
 * `$SIGCHAIN_STORE`), shared by every home that points at it. One bucket (default `sigchain`,
 * or the URL's path: `nats://HOST:PORT/BUCKET`), history {@link KV_HISTORY}, its description
 * {@link KV_LAYOUT}; one entry per stored thing:
 *
 * ```
 * nsc.<Op>                  the operator's marker, nsc's .nsc JSON; written last, so an operator exists when it does
 * op.<Op>                   the operator's JWT
 * acct.<Op>.<Acct>          an account's JWT
 * user.<Op>.<Acct>.<User>   a user's JWT
 * jtis.<Op>.<Acct>          the account's revoked jtis (sigchain's revocations.json, same JSON)
 * ```
 *
 * A name segment keeps `A–Z a–z 0–9 _ -` and writes every other UTF-8 byte as `=XX` (hex), so
 * any name the directory store accepts has exactly one key. No private key is ever written here:
 * seeds stay in each home's key store, the current context in each home's config file.
 *
 * Every change is a compare-and-set on the revision the change was computed from. Operations
 * run inside {@link KvStore.locked}, an optimistic transaction: it remembers the revision of
 * every entry it read, writes with that revision expected, and when another writer got there
 * first (JetStream's "wrong last sequence") runs the whole operation again on fresh entries,
 * up to `retries` times, before `KV_CONFLICT`. Entries are checked when read: a token must
 * verify with its issuer and be of the kind its key names (`KV_ENTRY_INVALID`, for that entity
 * only). Every server call has a deadline (`STORE_UNREACHABLE`, never a hang). The NATS client
 * (`@nats-io/kv`) is loaded on first use: commands that never touch a KV store never load it.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { KV, KvEntry, Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { SigchainError, isSigchainError } from '../../errors.js';
import { MAX_TOKEN_SIZE } from '../../jwt/decode.js';
import { type JwtDirEntry, type JwtFacts, type StoredKind, checkTokenFor, verifyStoredToken } from '../jwt-files.js';
import { type NameKind, namedOnce, safeName } from '../names.js';
import type { CreateOperatorOptions, EntityStore, FoundEntity, OperatorEntities, OperatorInfo } from '../store.js';

/** Revisions kept per entry: what `watch` and an audit of the bucket can look back on. */
export const KV_HISTORY = 16;
/** The bucket's description: marks a bucket sigchain made, in this key layout. */
export const KV_LAYOUT = 'sigchain store, key layout 1';
/** The bucket used when the URL names none. */
export const DEFAULT_KV_BUCKET = 'sigchain';
/** Largest entry read or written: a token's limit (NATS refuses larger ones anyway). */
export const MAX_KV_ENTRY = MAX_TOKEN_SIZE;
// Listing a bucket this large is not a store any more, but a flood: stop reading.
const MAX_KV_KEYS = 1_000_000;

/** Entries a bulk read asks the server for at once (each a round trip; more gained nothing on 127.0.0.1). */
const READS_IN_FLIGHT = 32;
/** Entries a bulk create sends at once (see {@link KvStore.createAll}). */
const WRITES_IN_FLIGHT = 32;

/** Tuning of a {@link KvStore}. */
export interface KvStoreOptions {
  /** How many times an operation is re-run after a conflict before `KV_CONFLICT` (default 40). */
  retries?: number;
  /** Deadline to connect, ms (default 3000). */
  connectTimeoutMs?: number;
  /** Deadline of each server call (get, update, list, status), ms (default 10000). */
  requestTimeoutMs?: number;
}

/** What a key of the layout names. */
export type KvKey =
  | { kind: 'marker' | 'operator'; operator: string }
  | { kind: 'account' | 'revocations'; operator: string; account: string }
  | { kind: 'user'; operator: string; account: string; user: string };

/** A change seen by {@link KvStore.watch}. */
export interface KvChange {
  op: 'put' | 'delete';
  kind: 'operator' | 'account' | 'user' | 'revocations';
  name: string;
  operator: string;
  account?: string;
  /** The subject of the token (for revocations, the account's key); null when deleted or unreadable. */
  public_key: string | null;
  revision: number;
}

// --- key layout -------------------------------------------------------------------------------

const PLAIN = /^[A-Za-z0-9_-]$/;

/** One name as a key segment (see the layout above). */
export function kvSegment(name: string): string {
  let out = '';
  for (const ch of name) {
    if (PLAIN.test(ch)) out += ch;
    else for (const b of Buffer.from(ch, 'utf8')) out += `=${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

function unsegment(seg: string): string | undefined {
  if (!/^(?:[A-Za-z0-9_-]|=[0-9A-F]{2})+$/.test(seg)) return undefined;
  const bytes: number[] = [];
  for (let i = 0; i < seg.length; ) {
    if (seg[i] === '=') bytes.push(parseInt(seg.slice(i + 1, i + 3), 16)), (i += 3);
    else bytes.push(seg.charCodeAt(i)), i++;
  }
  const text = Buffer.from(bytes).toString('utf8');
  return kvSegment(text) === seg ? text : undefined; // one spelling per name: reject the rest
}

/** The keys of the layout. */
export const kvKeys = {
  marker: (op: string) => `nsc.${kvSegment(op)}`,
  operator: (op: string) => `op.${kvSegment(op)}`,
  account: (op: string, a: string) => `acct.${kvSegment(op)}.${kvSegment(a)}`,
  user: (op: string, a: string, u: string) => `user.${kvSegment(op)}.${kvSegment(a)}.${kvSegment(u)}`,
  revocations: (op: string, a: string) => `jtis.${kvSegment(op)}.${kvSegment(a)}`,
};

/**
 * What a key names; undefined for a key outside the layout (left alone).
 *
 * @example
 * ```ts
 * parseKvKey('user.ACME.billing.svc'); // { kind: 'user', operator: 'ACME', account: 'billing', user: 'svc' }
 * ```
 */
export function parseKvKey(key: string): KvKey | undefined {
  const parts = key.split('.');
  const names = parts.slice(1).map(unsegment);
  if (names.some((n) => n === undefined)) return undefined;
  const [a, b, c] = names as string[];
  switch (`${parts[0]}/${names.length}`) {
    case 'nsc/1':
      return { kind: 'marker', operator: a! };
    case 'op/1':
      return { kind: 'operator', operator: a! };
    case 'acct/2':
      return { kind: 'account', operator: a!, account: b! };
    case 'jtis/2':
      return { kind: 'revocations', operator: a!, account: b! };
    case 'user/3':
      return { kind: 'user', operator: a!, account: b!, user: c! };
    default:
      return undefined;
  }
}

/** Runs `fn(0)`…`fn(count - 1)`, `limit` at a time (each a round trip to the server), in order of start. */
async function inFlight(count: number, limit: number, fn: (k: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < count) await fn(next++);
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, lane));
}

const ENCODER = new TextEncoder();

/** `text` as the bytes of the entry at `key`; `TOKEN_TOO_LARGE` over {@link MAX_KV_ENTRY}. */
function entryBytes(key: string, text: string): Uint8Array {
  const bytes = ENCODER.encode(text);
  if (bytes.length > MAX_KV_ENTRY) throw new SigchainError('TOKEN_TOO_LARGE', `The entry for ${key} is ${bytes.length} bytes; a store entry holds at most ${MAX_KV_ENTRY}.`, { key });
  return bytes;
}

// --- errors -------------------------------------------------------------------------------------

/** A compare-and-set that lost: retried by {@link KvStore.locked}, never seen outside it. */
class KvConflict extends SigchainError {
  constructor(key: string) {
    super('KV_CONFLICT', `Another writer changed ${key} first.`, { key });
  }
}

function describe(e: unknown): { name: string; message: string; code: unknown } {
  const x = e as { name?: unknown; message?: unknown; code?: unknown; api_error?: { err_code?: unknown } } | undefined;
  return { name: String(x?.name ?? ''), message: String(x?.message ?? e), code: x?.api_error?.err_code ?? x?.code };
}

// --- the connection ---------------------------------------------------------------------------

// Stores with an open connection, closed by the CLI after each command (a global, like the audit
// set, so the CLI needs no import of this module to do it).
function openStores(): Set<KvStore> {
  const g = globalThis as { [k: symbol]: Set<KvStore> | undefined };
  return (g[Symbol.for('sigchain.kv.open')] ??= new Set());
}

interface Seen {
  revision: number;
  value: Uint8Array | undefined;
}

interface Tx {
  seen: Map<string, Seen>;
}

const DECODER = new TextDecoder('utf-8', { fatal: true });

/**
 * The operators of a KV store. Made by the workspace from `--store nats://HOST:PORT[/BUCKET]`;
 * connects on first use, and {@link close} (or the CLI, after each command) disconnects.
 *
 * @example
 * ```ts
 * const store = KvStore.fromUrl('nats://127.0.0.1:4222');
 * await store.locked(async () => (await store.openOperator('ACME')).writeAccountJwt('A', token));
 * await store.close();
 * ```
 */
export class KvStore implements EntityStore {
  readonly kind = 'nats-kv' as const;
  /** `nats://HOST:PORT/BUCKET`. */
  readonly location: string;
  /** The server URL connected to. */
  readonly server: string;
  readonly bucket: string;
  readonly retries: number;
  /** Compare-and-sets lost to another writer and re-run (for tests and the bench). */
  conflicts = 0;
  readonly #connectTimeoutMs: number;
  readonly #requestTimeoutMs: number;
  readonly #txs = new AsyncLocalStorage<Tx>();
  #conn: Promise<{ nc: NatsConnection; kvm: Kvm }> | undefined;
  #kv: KV | undefined;

  constructor(server: string, bucket: string, options: KvStoreOptions = {}) {
    this.server = server;
    this.bucket = bucket;
    this.location = `${server}/${bucket}`;
    this.retries = options.retries ?? 40;
    this.#connectTimeoutMs = options.connectTimeoutMs ?? 3000;
    this.#requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
  }

  /**
   * Parses `nats://HOST:PORT[/BUCKET]` (`USAGE` otherwise); nothing is contacted yet.
   *
   * @example
   * ```ts
   * KvStore.fromUrl('nats://10.0.0.5:4222/team').bucket; // 'team'
   * ```
   */
  static fromUrl(url: string, options: KvStoreOptions = {}): KvStore {
    const bad = (why: string) => new SigchainError('USAGE', `--store ${JSON.stringify(url)} ${why}. Give nats://HOST:PORT, optionally with /BUCKET (default bucket "${DEFAULT_KV_BUCKET}").`);
    let u: URL;
    try {
      u = new URL(url.trim());
    } catch {
      throw bad('is not a URL');
    }
    if (u.protocol !== 'nats:') throw bad('is not a nats:// URL');
    if (!u.hostname) throw bad('names no host');
    if (u.username || u.password || u.search || u.hash) throw bad('may hold only a host, a port and a bucket');
    const path = u.pathname.replace(/^\/+|\/+$/g, '');
    if (path !== '' && !/^[A-Za-z0-9_-]{1,64}$/.test(path)) throw bad('names a bucket that is not letters, digits, _ and - (at most 64)');
    return new KvStore(`nats://${u.host}`, path || DEFAULT_KV_BUCKET, options);
  }

  // --- connection, bucket, deadlines -----------------------------------------------------------

  #unreachable(why: string, cause?: unknown): SigchainError {
    return new SigchainError('STORE_UNREACHABLE', `The store at ${this.location} cannot be used: ${why}. Check that nats-server runs there with JetStream (-js), or point --store (or $SIGCHAIN_STORE) elsewhere.`, { store: this.location, reason: why }, { cause });
  }

  /** Maps a client error to a coded one: conflicts, a missing bucket, an unreachable server. */
  #fail(e: unknown, key?: string): SigchainError {
    if (isSigchainError(e)) return e;
    const d = describe(e);
    if (d.code === 10071 || /wrong last sequence/i.test(d.message)) return new KvConflict(key ?? '(an entry)');
    if (d.name === 'StreamNotFoundError' || d.code === 10059 || /stream not found/i.test(d.message)) return this.#missing();
    if (/no responders|503/i.test(d.message) || d.name === 'NoRespondersError') return this.#unreachable('the server has no JetStream (no responder to the JetStream API)', e);
    return this.#unreachable(`${d.name || 'error'}: ${d.message}`, e);
  }

  #missing(): SigchainError {
    return new SigchainError(
      'KV_BUCKET_MISSING',
      `The NATS server at ${this.server} has no bucket "${this.bucket}": no sigchain store was ever written there. Add an operator (or \`sigchain store import DIR\`) with --store ${this.location} to create it, or check the URL.`,
      { store: this.location, bucket: this.bucket },
    );
  }

  /** Runs a server call with a deadline: a silent server is STORE_UNREACHABLE, never a hang. */
  async #within<T>(what: string, call: () => Promise<T>, key?: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(this.#unreachable(`no answer to ${what} within ${this.#requestTimeoutMs} ms`)), this.#requestTimeoutMs);
    });
    try {
      return await Promise.race([call(), deadline]);
    } catch (e) {
      throw this.#fail(e, key);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Waits for the server's INFO line on a socket of our own, then closes it. The client
   * (@nats-io/transport-node 3.4) leaves its socket open when a server accepts and never speaks
   * (its connect times out, but the socket keeps the process alive): a silent server is told
   * apart here, where the socket is ours to destroy.
   */
  async #probe(): Promise<void> {
    const { hostname, port } = new URL(this.server);
    // Imported here: every command opens a workspace, and node:net costs ~2 ms to load.
    const { connect: tcpConnect } = await import('node:net');
    return new Promise((resolve, reject) => {
      const socket = tcpConnect({ host: hostname.replace(/^\[|\]$/g, ''), port: Number(port || 4222) });
      let seen = '';
      const done = (err?: SigchainError) => {
        clearTimeout(timer);
        socket.destroy();
        if (err) reject(err);
        else resolve();
      };
      const timer = setTimeout(() => done(this.#unreachable(`no NATS greeting within ${this.#connectTimeoutMs} ms`)), this.#connectTimeoutMs);
      socket.on('data', (d: Buffer) => {
        seen += d.toString('latin1');
        if (seen.length >= 5) done(seen.startsWith('INFO ') ? undefined : this.#unreachable('the server there does not speak the NATS protocol'));
      });
      socket.on('error', (e: NodeJS.ErrnoException) => done(this.#unreachable(e.code === 'ECONNREFUSED' ? 'connection refused' : `${e.code ?? 'error'}: ${e.message}`, e)));
      socket.on('close', () => done(this.#unreachable('the server closed the connection before greeting')));
    });
  }

  async #connect(): Promise<{ nc: NatsConnection; kvm: Kvm }> {
    this.#conn ??= (async () => {
      await this.#probe();
      const [{ connect }, { Kvm }] = await Promise.all([import('@nats-io/transport-node'), import('@nats-io/kv')]);
      let nc: NatsConnection;
      try {
        // No reconnect: a command is short, and a dropped connection must fail its calls, not park them.
        nc = await this.#within('the connection', () => connect({ servers: this.server, timeout: this.#connectTimeoutMs, reconnect: false, name: 'sigchain store' }));
      } catch (e) {
        const err = isSigchainError(e) && e.code !== 'STORE_UNREACHABLE' ? this.#unreachable(e.message, e) : e;
        throw err;
      }
      openStores().add(this);
      return { nc, kvm: new Kvm(nc) };
    })();
    try {
      return await this.#conn;
    } catch (e) {
      this.#conn = undefined;
      throw e;
    }
  }

  /**
   * The bucket: opened for reads (`KV_BUCKET_MISSING` when absent), created for writes; either
   * way `KV_BUCKET_SHAPE` when a bucket of that name is not one sigchain made.
   */
  async #bucket(create: boolean): Promise<KV> {
    if (this.#kv) return this.#kv;
    const { kvm } = await this.#connect();
    const kv = await this.#within(create ? 'creating the bucket' : 'opening the bucket', () =>
      create ? kvm.create(this.bucket, { history: KV_HISTORY, description: KV_LAYOUT, maxValueSize: MAX_KV_ENTRY }) : kvm.open(this.bucket, { bindOnly: true }),
    );
    const status = await this.#within('the bucket status', () => kv.status());
    if (status.history !== KV_HISTORY || status.description !== KV_LAYOUT) {
      throw new SigchainError(
        'KV_BUCKET_SHAPE',
        `The bucket "${this.bucket}" at ${this.server} is not a sigchain store: it keeps ${status.history} revision(s) per key (sigchain's keep ${KV_HISTORY}) and its description is ${JSON.stringify(status.description ?? '')} (sigchain's say "${KV_LAYOUT}"). It was left as it was: name another bucket (--store ${this.server}/NAME), or remove that one if it is sigchain's own left over.`,
        { store: this.location, history: status.history, description: status.description ?? null },
      );
    }
    this.#kv = kv;
    return kv;
  }

  /** Disconnects (idempotent). */
  async close(): Promise<void> {
    const conn = this.#conn;
    this.#conn = undefined;
    this.#kv = undefined;
    openStores().delete(this);
    if (!conn) return;
    try {
      const { nc } = await conn;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([nc.close(), new Promise((resolve) => (timer = setTimeout(resolve, 2000)))]);
      clearTimeout(timer);
    } catch {
      /* never connected: nothing to close */
    }
  }

  // --- entries, inside and outside transactions ---------------------------------------------

  /** @internal The entry at `key` (its revision, 0 when never written; its value unless deleted). */
  async get(key: string): Promise<Seen> {
    const tx = this.#txs.getStore();
    const hit = tx?.seen.get(key);
    if (hit) return hit;
    const kv = await this.#bucket(false);
    const e: KvEntry | null = await this.#within(`reading ${key}`, () => kv.get(key), key);
    if (e && e.length > MAX_KV_ENTRY) throw this.invalid(key, e.revision, `${e.length} bytes, over the ${MAX_KV_ENTRY}-byte limit`);
    const seen: Seen = { revision: e?.revision ?? 0, value: e && e.operation === 'PUT' ? e.value : undefined };
    tx?.seen.set(key, seen);
    return seen;
  }

  /** @internal The text at `key`, undefined when absent. */
  async text(key: string): Promise<{ text: string; revision: number } | undefined> {
    const seen = await this.get(key);
    if (!seen.value) return undefined;
    try {
      return { text: DECODER.decode(seen.value), revision: seen.revision };
    } catch {
      throw this.invalid(key, seen.revision, 'it is not UTF-8 text');
    }
  }

  /** @internal A `KV_ENTRY_INVALID` for the entry at `key`. */
  invalid(key: string, revision: number, why: string): SigchainError {
    return new SigchainError(
      'KV_ENTRY_INVALID',
      `The store entry ${key} (revision ${revision}) in ${this.location} cannot be trusted: ${why}. Someone wrote it without sigchain or tampered with it; the other entries are unaffected. Re-issue that entity, or restore it with \`sigchain store import\` from a good export.`,
      { store: this.location, key, revision, reason: why },
    );
  }

  /**
   * @internal The verified token at `key`, of `kind`; undefined when absent. `verify: false`
   * only decodes it and checks its kind: for a caller that verifies every signature itself.
   */
  async token(key: string, kind: StoredKind, verify = true): Promise<{ token: string; facts: JwtFacts; revision: number } | undefined> {
    const t = await this.text(key);
    if (!t) return undefined;
    try {
      if (verify) verifyStoredToken(t.text);
      const { token, facts } = checkTokenFor(kind, t.text);
      return { token, facts, revision: t.revision };
    } catch (e) {
      throw this.invalid(key, t.revision, isSigchainError(e) ? `${e.code}: ${e.message}` : String(e));
    }
  }

  #writing(): Tx {
    const tx = this.#txs.getStore();
    // Writes are made by the entity methods, each of which runs in locked(): never outside one.
    if (!tx) throw new Error('internal: a KV write outside locked()');
    return tx;
  }

  /** @internal Writes `text` at `key` if it still has the revision this transaction read. */
  async put(key: string, text: string): Promise<void> {
    const tx = this.#writing();
    const before = await this.get(key);
    const kv = await this.#bucket(true);
    const bytes = entryBytes(key, text);
    const revision = await this.#within(`writing ${key}`, () => (before.revision === 0 ? kv.create(key, bytes) : kv.update(key, bytes, before.revision)), key);
    tx.seen.set(key, { revision, value: bytes });
  }

  /**
   * @internal Creates every entry of `entries` ({@link WRITES_IN_FLIGHT} at a time), all or
   * none: each must not exist (a deleted one may be written again). At the first failure no
   * more are sent, the ones already created are deleted again (each only if still at the
   * revision this call wrote), and the failure is thrown: a `KvConflict` naming the key that
   * exists, or the server's error.
   */
  async createAll(entries: ReadonlyArray<readonly [key: string, text: string]>): Promise<void> {
    const tx = this.#writing();
    const bytes = entries.map(([key, text]) => entryBytes(key, text));
    const kv = await this.#bucket(true);
    const made: Array<{ key: string; revision: number }> = [];
    let failure: unknown;
    await inFlight(entries.length, WRITES_IN_FLIGHT, async (k) => {
      if (failure !== undefined) return;
      const key = entries[k]![0];
      try {
        const revision = await this.#within(`writing ${key}`, () => kv.create(key, bytes[k]!), key);
        made.push({ key, revision });
        tx.seen.set(key, { revision, value: bytes[k] });
      } catch (e) {
        failure ??= e;
      }
    });
    if (failure === undefined) return;
    // Undone as far as the server lets us: an entry another writer changed since is theirs now.
    await inFlight(made.length, WRITES_IN_FLIGHT, async (k) => {
      const { key, revision } = made[k]!;
      tx.seen.delete(key);
      await this.#within(`deleting ${key}`, () => kv.delete(key, { previousSeq: revision }), key).catch(() => undefined);
    });
    throw failure;
  }

  /** @internal Deletes `key` if it still has the revision read; false when it held nothing. */
  async remove(key: string): Promise<boolean> {
    const tx = this.#writing();
    const before = await this.get(key);
    if (!before.value) return false;
    const kv = await this.#bucket(true);
    await this.#within(`deleting ${key}`, () => kv.delete(key, { previousSeq: before.revision }), key);
    tx.seen.delete(key); // its delete marker's revision is read again if needed
    return true;
  }

  /** @internal The keys matching `filter` (a subject pattern), sorted. */
  async keys(filter: string): Promise<string[]> {
    const kv = await this.#bucket(false);
    return this.#within(`listing ${filter}`, async () => {
      const out: string[] = [];
      for await (const k of await kv.keys(filter)) {
        if (out.length >= MAX_KV_KEYS) throw new SigchainError('KV_BUCKET_SHAPE', `The bucket ${this.location} holds over ${MAX_KV_KEYS} keys under ${filter}: it is not a sigchain store.`, { store: this.location });
        out.push(k);
      }
      return out.sort();
    });
  }

  /** @internal The names in the last segment of the keys matching `filter`. */
  async names(filter: string, segment: number): Promise<string[]> {
    const out: string[] = [];
    for (const k of await this.keys(filter)) {
      const name = unsegment(k.split('.')[segment] ?? '');
      if (name !== undefined) out.push(name);
    }
    return out.sort();
  }

  // --- EntityStore ------------------------------------------------------------------------

  /**
   * Runs `fn` as one change: each entry it reads is remembered with its revision, each write
   * expects that revision, and when another writer changed an entry first `fn` runs again on
   * the fresh entries (at most {@link retries} times, with a random pause growing each time),
   * then `KV_CONFLICT`. Creates the bucket if needed. Nested calls join the outer change.
   */
  async locked<T>(fn: () => Promise<T> | T): Promise<T> {
    if (this.#txs.getStore()) return fn();
    await this.#bucket(true);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#txs.run({ seen: new Map() }, async () => fn());
      } catch (e) {
        if (!(e instanceof KvConflict)) throw e;
        if (attempt > this.retries) {
          throw new SigchainError(
            'KV_CONFLICT',
            `Other writers kept changing ${String(e.details?.key)} in ${this.location}: the change was re-read and re-applied ${attempt} times and lost each time. Run the command again (or raise $SIGCHAIN_KV_RETRIES).`,
            { store: this.location, key: e.details?.key, attempts: attempt },
          );
        }
        this.conflicts++;
        // Random pauses, growing: two writers that collided rarely collide again.
        await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(2 ** attempt, 200)));
      }
    }
  }

  async listOperators(): Promise<string[]> {
    return this.names('nsc.*', 1);
  }

  async hasOperator(name: string): Promise<boolean> {
    return (await this.get(kvKeys.marker(safeName(name, 'operator')))).value !== undefined;
  }

  async notFound(name: string): Promise<SigchainError> {
    const ops = await this.listOperators();
    return new SigchainError('STORE_NOT_FOUND', `Operator ${name} does not exist in ${this.location}. Operators: ${ops.length ? ops.join(', ') : '(none)'}.`, { kind: 'operator', name, store: this.location, operators: ops });
  }

  async openOperator(name: string): Promise<KvOperatorStore> {
    const n = safeName(name, 'operator');
    const key = kvKeys.marker(n);
    const t = await this.text(key);
    if (!t) throw await this.notFound(n);
    let info: Partial<OperatorInfo> | undefined;
    try {
      info = JSON.parse(t.text) as Partial<OperatorInfo>;
    } catch {
      info = undefined;
    }
    if (!info || typeof info !== 'object' || info.kind !== 'operator' || info.name !== n) throw this.invalid(key, t.revision, `it is not the marker of operator ${n} ({"managed":…,"name":"${n}","kind":"operator","version":"1"})`);
    return new KvOperatorStore(this, n, { managed: info.managed === true, name: n, kind: 'operator', version: String(info.version ?? '1') });
  }

  createOperator(name: string, token: string, options: CreateOperatorOptions = {}): Promise<KvOperatorStore> {
    const n = safeName(name, 'operator');
    const { token: jwt } = checkTokenFor('operator', token);
    return this.locked(async () => {
      if (await this.hasOperator(n)) throw new SigchainError('STORE_EXISTS', `Operator ${n} already exists in ${this.location}. Choose another name, or edit that operator.`, { kind: 'operator', name: n, store: this.location });
      const info: OperatorInfo = { managed: options.managed === true, name: n, kind: 'operator', version: '1' };
      await this.put(kvKeys.operator(n), jwt);
      // nsc's .nsc content and field order, written last: an operator is there once this is.
      await this.put(kvKeys.marker(n), JSON.stringify({ managed: info.managed, name: n, kind: 'operator', version: '1' }));
      return new KvOperatorStore(this, n, info);
    });
  }

  async findOperatorByPublicKey(publicKey: string): Promise<FoundEntity | undefined> {
    for (const name of await this.listOperators()) {
      const key = kvKeys.operator(name);
      const t = await this.token(key, 'operator');
      if (t?.facts.sub === publicKey) return { name, publicKey, token: t.token, path: `${this.location} ${key}` };
    }
    return undefined;
  }

  /**
   * Calls `onChange` for every change made to the store from now on, until `signal` aborts
   * (resolves then) or the connection is lost (`STORE_UNREACHABLE`). `KV_BUCKET_MISSING` when
   * there is no store yet.
   *
   * @example
   * ```ts
   * const stop = new AbortController();
   * await store.watch((c) => console.log(c.op, c.kind, c.name), stop.signal);
   * ```
   */
  async watch(onChange: (change: KvChange) => void, signal: AbortSignal): Promise<void> {
    const kv = await this.#bucket(false);
    const { nc } = await this.#connect();
    const it = await this.#within('starting the watch', () => kv.watch({ key: '>', include: 'updates' }));
    const stop = () => it.stop();
    signal.addEventListener('abort', stop, { once: true });
    // A lost connection ends the iterator; tell it from a requested stop.
    void nc.closed().then(stop);
    try {
      for await (const e of it) {
        const change = this.#change(e);
        if (change) onChange(change);
      }
    } finally {
      signal.removeEventListener('abort', stop);
    }
    if (!signal.aborted) throw this.#unreachable('the connection was lost while watching');
  }

  #change(e: KvEntry): KvChange | undefined {
    const k = parseKvKey(e.key);
    if (!k || k.kind === 'marker') return undefined; // outside the layout, or the operator's own marker
    const op = e.operation === 'PUT' ? 'put' : 'delete';
    let publicKey: string | null = null;
    if (op === 'put' && e.length <= MAX_KV_ENTRY) {
      try {
        const text = DECODER.decode(e.value);
        if (k.kind === 'revocations') {
          const account = (JSON.parse(text) as { account?: unknown }).account;
          publicKey = typeof account === 'string' ? account : null;
        } else {
          publicKey = verifyStoredToken(text).sub;
        }
      } catch {
        publicKey = null; // an entry that does not verify: reported, with no key to trust
      }
    }
    const name = k.kind === 'user' ? k.user : 'account' in k ? k.account : k.operator;
    return { op, kind: k.kind as KvChange['kind'], name, operator: k.operator, ...(k.kind === 'user' ? { account: k.account } : {}), public_key: publicKey, revision: e.revision };
  }
}

function listing(names: string[]): string {
  return names.length ? names.join(', ') : '(none)';
}

/**
 * One operator's entities in a {@link KvStore}. Each change runs in the store's
 * {@link KvStore.locked}: alone, or as part of the operation that called it.
 */
export class KvOperatorStore implements OperatorEntities {
  readonly name: string;
  readonly info: OperatorInfo;
  readonly #s: KvStore;

  /** @internal Use {@link KvStore.openOperator}. */
  constructor(store: KvStore, name: string, info: OperatorInfo) {
    this.#s = store;
    this.name = name;
    this.info = info;
  }

  get location(): string {
    return this.#s.location;
  }

  #where(key: string): string {
    return `${this.#s.location} ${key}`;
  }

  #name(name: string, kind: NameKind): string {
    return safeName(name, kind);
  }

  async readOperatorJwt(): Promise<string> {
    const key = kvKeys.operator(this.name);
    const t = await this.#s.token(key, 'operator');
    if (!t) throw new SigchainError('STORE_NOT_FOUND', `Operator ${this.name} has no JWT in ${this.#where(key)}. Import the operator's JWT again.`, { path: this.#where(key) });
    return t.token;
  }

  writeOperatorJwt(token: string): Promise<void> {
    const { token: jwt } = checkTokenFor('operator', token);
    return this.#s.locked(() => this.#s.put(kvKeys.operator(this.name), jwt));
  }

  listAccounts(): Promise<string[]> {
    return this.#s.names(`acct.${kvSegment(this.name)}.*`, 2);
  }

  async hasAccount(account: string): Promise<boolean> {
    return (await this.#s.get(kvKeys.account(this.name, this.#name(account, 'account')))).value !== undefined;
  }

  async #noAccount(account: string): Promise<SigchainError> {
    const a = this.#name(account, 'account');
    return new SigchainError('STORE_NOT_FOUND', `Account ${a} does not exist in operator ${this.name}. Accounts: ${listing(await this.listAccounts())}.`, { kind: 'account', name: a, operator: this.name });
  }

  async readAccountJwt(account: string): Promise<string> {
    const t = await this.#s.token(kvKeys.account(this.name, this.#name(account, 'account')), 'account');
    if (!t) throw await this.#noAccount(account);
    return t.token;
  }

  addAccount(account: string, token: string): Promise<void> {
    const a = this.#name(account, 'account');
    const { token: jwt } = checkTokenFor('account', token);
    return this.#s.locked(async () => {
      const key = kvKeys.account(this.name, a);
      if (await this.hasAccount(a)) throw new SigchainError('STORE_EXISTS', `Account ${a} already exists in operator ${this.name}. Choose another name, or edit that account.`, { kind: 'account', path: this.#where(key) });
      await this.#s.put(key, jwt);
    });
  }

  writeAccountJwt(account: string, token: string): Promise<void> {
    const a = this.#name(account, 'account');
    const { token: jwt } = checkTokenFor('account', token);
    return this.#s.locked(() => this.#s.put(kvKeys.account(this.name, a), jwt));
  }

  deleteAccount(account: string): Promise<boolean> {
    const a = this.#name(account, 'account');
    return this.#s.locked(async () => {
      if (!(await this.hasAccount(a))) return false;
      // The account last: while it is there, its users are still reachable by the listing.
      for (const u of await this.#s.names(`user.${kvSegment(this.name)}.${kvSegment(a)}.*`, 3)) await this.#s.remove(kvKeys.user(this.name, a, u));
      await this.#s.remove(kvKeys.revocations(this.name, a));
      return this.#s.remove(kvKeys.account(this.name, a));
    });
  }

  async #requireAccount(account: string): Promise<void> {
    if (!(await this.hasAccount(account))) throw await this.#noAccount(account);
  }

  async listUsers(account: string): Promise<string[]> {
    const a = this.#name(account, 'account');
    await this.#requireAccount(a);
    return this.#s.names(`user.${kvSegment(this.name)}.${kvSegment(a)}.*`, 3);
  }

  /**
   * Every user of the account, in name order, each entry verified as it is read (a bad one is its
   * error; with `skipSignatures`, decoded only). `READS_IN_FLIGHT` at a time: each read is a
   * round trip to the server.
   */
  async readUsers(account: string, opts: { tokens?: boolean; skipSignatures?: boolean } = {}): Promise<JwtDirEntry[]> {
    const a = this.#name(account, 'account');
    const names = await this.listUsers(a);
    const out = new Array<JwtDirEntry | undefined>(names.length);
    await inFlight(names.length, READS_IN_FLIGHT, async (k) => {
      const name = names[k]!;
      try {
        const t = await this.#s.token(kvKeys.user(this.name, a, name), 'user', !opts.skipSignatures);
        if (t) out[k] = { name, facts: t.facts, ...(opts.tokens ? { token: t.token } : {}) };
      } catch (e) {
        if (!isSigchainError(e)) throw e;
        out[k] = { name, error: e };
      }
    });
    return out.filter((u): u is JwtDirEntry => u !== undefined);
  }

  async hasUser(account: string, user: string): Promise<boolean> {
    return (await this.#s.get(kvKeys.user(this.name, this.#name(account, 'account'), this.#name(user, 'user')))).value !== undefined;
  }

  async readUserJwt(account: string, user: string): Promise<string> {
    const a = this.#name(account, 'account');
    const u = this.#name(user, 'user');
    const t = await this.#s.token(kvKeys.user(this.name, a, u), 'user');
    if (!t) {
      const users = await this.listUsers(a);
      throw new SigchainError('STORE_NOT_FOUND', `User ${u} does not exist in account ${a} of operator ${this.name}. Users: ${listing(users)}.`, { kind: 'user', name: u, account: a, operator: this.name });
    }
    return t.token;
  }

  addUser(account: string, user: string, token: string): Promise<void> {
    return this.#putUser(account, user, token, true);
  }

  writeUserJwt(account: string, user: string, token: string): Promise<void> {
    return this.#putUser(account, user, token, false);
  }

  async addUsers(account: string, users: ReadonlyArray<{ name: string; token: string }>): Promise<void> {
    const a = this.#name(account, 'account');
    const keys = namedOnce(users.map((u) => u.name), 'user').map((u) => kvKeys.user(this.name, a, u));
    const names = new Map(keys.map((key, i) => [key, users[i]!.name]));
    const entries = users.map(({ token }, i) => [keys[i]!, checkTokenFor('user', token).token] as const);
    return this.#s.locked(async () => {
      await this.#requireAccount(a);
      try {
        await this.#s.createAll(entries);
      } catch (e) {
        // Not a conflict to re-run: that user exists now, and a re-run would find it taken anyway.
        if (!(e instanceof KvConflict)) throw e;
        const key = String(e.details?.key);
        const name = names.get(key) ?? key;
        throw new SigchainError('STORE_EXISTS', `User ${name} already exists in account ${a} (another writer may have added it meanwhile), so none of the ${users.length} users was added. Choose other names, or edit that user.`, { kind: 'user', names: [name], account: a, path: this.#where(key) });
      }
    });
  }

  /** Stores a user's token under the store lock; `fresh`: refuses a user that exists (STORE_EXISTS). */
  #putUser(account: string, user: string, token: string, fresh: boolean): Promise<void> {
    const a = this.#name(account, 'account');
    const u = this.#name(user, 'user');
    const { token: jwt } = checkTokenFor('user', token);
    return this.#s.locked(async () => {
      await this.#requireAccount(a);
      const key = kvKeys.user(this.name, a, u);
      if (fresh && (await this.hasUser(a, u))) throw new SigchainError('STORE_EXISTS', `User ${u} already exists in account ${a}. Choose another name, or edit that user.`, { kind: 'user', path: this.#where(key) });
      await this.#s.put(key, jwt);
    });
  }

  deleteUser(account: string, user: string): Promise<boolean> {
    const key = kvKeys.user(this.name, this.#name(account, 'account'), this.#name(user, 'user'));
    return this.#s.locked(() => this.#s.remove(key));
  }

  async findAccountByPublicKey(publicKey: string): Promise<FoundEntity | undefined> {
    for (const name of await this.listAccounts()) {
      const key = kvKeys.account(this.name, name);
      const t = await this.#s.token(key, 'account');
      if (t?.facts.sub === publicKey) return { name, publicKey, token: t.token, path: this.#where(key) };
    }
    return undefined;
  }

  async findUserByPublicKey(publicKey: string, account?: string): Promise<FoundEntity | undefined> {
    for (const a of account === undefined ? await this.listAccounts() : [account]) {
      for (const name of await this.listUsers(a)) {
        const key = kvKeys.user(this.name, a, name);
        const t = await this.#s.token(key, 'user');
        if (t?.facts.sub === publicKey) return { name, publicKey, token: t.token, path: this.#where(key), account: a };
      }
    }
    return undefined;
  }

  async readRevokedJtisText(account: string): Promise<{ text: string; where: string } | undefined> {
    const key = kvKeys.revocations(this.name, this.#name(account, 'account'));
    const t = await this.#s.text(key);
    return t && { text: t.text, where: this.#where(key) };
  }

  writeRevokedJtisText(account: string, text: string): Promise<void> {
    const key = kvKeys.revocations(this.name, this.#name(account, 'account'));
    return this.#s.locked(() => this.#s.put(key, text));
  }
}
