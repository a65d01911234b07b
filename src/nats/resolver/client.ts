/**
 * The NATS-based account resolver's own protocol, spoken as a system-account user: the
 * `$SYS.REQ.CLAIMS.*` and `$SYS.REQ.ACCOUNT.*.CLAIMS.LOOKUP` requests that `nsc push` and
 * `nsc pull` send. One connection, one reply subscription (`_INBOX.<nuid>.*`) shared by every
 * request; every answer is bounded in size and every wait in time, so a slow or garbage-speaking
 * server is an answer missing or refused, never a hang. `@nats-io/transport-node` is imported
 * with `await import()` here only, when a push or pull actually talks to a server.
 */
import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import { SigchainError } from '../../errors.js';

/** A server as it names itself in its answers (`server.id`, `server.name`) or its INFO. */
export interface ServerIdentity {
  id: string;
  name: string;
}

/** One server's answer to an update or delete request. */
export interface ServerReply {
  server: ServerIdentity;
  ok: boolean;
  /** The server's message (`jwt updated`, `deleted 1 accounts`) or its error description. */
  message: string;
}

/** The user a session connects as: its JWT and a function signing the server's nonce with its key. */
export interface SessionUser {
  jwt: string;
  publicKey: string;
  /** Ed25519 over the nonce bytes. The private key stays with the caller: nats.js never sees a seed. */
  signNonce(nonce: Uint8Array): Uint8Array;
}

/** How to open a {@link ResolverSession}. */
export interface SessionOptions {
  /** `nats://host:port` URLs; the first that accepts the user is used. */
  servers: string[];
  user: SessionUser;
  /** Milliseconds to wait for the connection. */
  connectTimeoutMs: number;
  /** The connection name servers show (`sigchain push`). */
  name?: string;
}

/** What a request waits for: `expect` answers, an empty sentinel message, or the timeout. */
export interface CollectOptions {
  timeoutMs: number;
  /** Stop as soon as this many answers arrived. */
  expect?: number;
  /** Stop at the first empty message (a pack stream's end). */
  sentinel?: boolean;
  /** Largest answer kept, in bytes; a larger one counts as garbage. */
  maxBytes: number;
  /** Which answers count towards `expect` (default: all). A garbage answer must not stand in for a server's. */
  counts?: (a: RawAnswer) => boolean;
  /**
   * A later, better count of the answers to expect: when it settles with `n`, the request ends
   * once `n` answers counted (at once if they already did). For a lookup sent before the
   * account list said which servers hold the account.
   */
  until?: Promise<number>;
  /** Most answers kept (default {@link MAX_ANSWERS}); a request sent more ends there with what it kept. */
  maxAnswers?: number;
  /** Most bytes kept over all answers (default 8 × `maxBytes`); beyond it the request ends with what it kept. */
  maxTotalBytes?: number;
}

/** One raw answer: its bytes, or `undefined` when it was larger than allowed. */
export interface RawAnswer {
  data: Uint8Array | undefined;
}

/** Largest JSON answer (update, delete, list) read. A list of 100,000 accounts is ~6 MB: nats-server's max_payload (1 MB by default) bounds it first. */
export const MAX_JSON_ANSWER = 8 * 1024 * 1024;
/** Largest account JWT read (the jwt layer's 1 MiB cap). */
export const MAX_JWT_ANSWER = 1024 * 1024;
/**
 * Most answers one request keeps: one per server of a cluster (or super-cluster) is the
 * norm, so a flood of answers — a garbage-speaking server — ends the request instead of
 * growing memory until its timeout.
 */
export const MAX_ANSWERS = 1024;
/** A pack stream (one message per account) keeps at most this many messages and bytes. */
export const MAX_PACK_MESSAGES = 1_000_000;
export const MAX_PACK_BYTES = 512 * 1024 * 1024;

type NatsModule = typeof import('@nats-io/transport-node');
let loaded: Promise<NatsModule> | undefined;
function natsModule(): Promise<NatsModule> {
  loaded ??= import('@nats-io/transport-node');
  return loaded;
}

interface Pending {
  answers: RawAnswer[];
  counted: number;
  bytes: number;
  opts: CollectOptions;
  timer: NodeJS.Timeout;
  resolve: (a: RawAnswer[]) => void;
}

const ACCOUNT_KEY = /^A[A-Z2-7]{55}$/;
const decoder = new TextDecoder('utf-8', { fatal: false });
const encoder = new TextEncoder();

function shown(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//');
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/**
 * Reads a server's JSON answer (`{"data"|"error": {…}, "server": {"name","id"}}`). Anything
 * else — not JSON, no server identity, oversize — is `undefined`: the caller reports it as
 * a garbage answer.
 */
export function parseServerAnswer(a: RawAnswer): { server: ServerIdentity; data?: unknown; error?: Record<string, unknown> } | undefined {
  if (!a.data) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(decoder.decode(a.data));
  } catch {
    return undefined;
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  const o = v as Record<string, unknown>;
  const s = o.server as Record<string, unknown> | undefined;
  if (typeof s !== 'object' || s === null || !str(s.id)) return undefined;
  const server = { id: str(s.id).slice(0, 128), name: (str(s.name) || str(s.id)).slice(0, 128) };
  const error = typeof o.error === 'object' && o.error !== null ? (o.error as Record<string, unknown>) : undefined;
  return { server, ...(o.data !== undefined ? { data: o.data } : {}), ...(error ? { error } : {}) };
}

/** A list answer: the server and the account public keys it holds, or undefined (garbage). */
function listAnswer(a: RawAnswer): { server: ServerIdentity; accounts: string[] } | undefined {
  const p = parseServerAnswer(a);
  if (!p || !Array.isArray(p.data)) return undefined;
  // Only account public keys: an entry goes into a subject (lookup) and a delete request (prune).
  return { server: p.server, accounts: p.data.filter((x): x is string => typeof x === 'string' && ACCOUNT_KEY.test(x)) };
}

/** An update or delete answer: the server's verdict, or undefined (garbage). Messages are cut at 1,000 characters. */
function serverReply(a: RawAnswer): ServerReply | undefined {
  const p = parseServerAnswer(a);
  if (!p) return undefined;
  if (p.error) return { server: p.server, ok: false, message: str(p.error.description).slice(0, 1000) || 'refused (no reason given)' };
  const d = p.data;
  if (typeof d !== 'object' || d === null || Array.isArray(d)) return undefined;
  return { server: p.server, ok: true, message: str((d as Record<string, unknown>).message).slice(0, 1000) };
}

/**
 * A connection to a cluster's resolver as a system-account user.
 *
 * @example
 * ```ts
 * const s = await ResolverSession.open({ servers: ['nats://127.0.0.1:4222'], user, connectTimeoutMs: 2000 });
 * try { console.log(await s.update(accountJwt, { timeoutMs: 2000, expect: 3 })); } finally { await s.close(); }
 * ```
 */
export class ResolverSession {
  readonly #nc: NatsConnection;
  readonly #sub: Subscription;
  readonly #prefix: string;
  readonly #pending = new Map<string, Pending>();
  #seq = 0;
  #closed = false;
  #inFlight = 0;
  #busySince = 0;
  #waitedMs = 0;
  /** The server this session is connected to. */
  readonly connectedTo: ServerIdentity;

  private constructor(nc: NatsConnection, prefix: string) {
    this.#nc = nc;
    this.#prefix = prefix;
    const info = nc.info;
    this.connectedTo = { id: info?.server_id ?? '', name: info?.server_name ?? info?.server_id ?? '' };
    this.#sub = nc.subscribe(`${prefix}.*`, { callback: (err, msg) => (err ? undefined : this.#dispatch(msg)) });
    // A connection the server drops (or that dies) ends every request with what it collected.
    void nc.closed().then(() => {
      for (const token of [...this.#pending.keys()]) this.#finish(token);
    });
  }

  /**
   * Connects as `user`. A server that cannot be reached (refused, timed out, not speaking NATS)
   * is `SERVER_UNREACHABLE`; one that refuses the user is `SERVER_REFUSED`.
   */
  static async open(o: SessionOptions): Promise<ResolverSession> {
    const { connect, createInbox } = await natsModule();
    const { user } = o;
    const authenticator = (nonce?: string) => ({ jwt: user.jwt, nkey: user.publicKey, sig: Buffer.from(user.signNonce(encoder.encode(nonce ?? ''))).toString('base64url') });
    let nc: NatsConnection;
    try {
      nc = await connect({ servers: o.servers, name: o.name ?? 'sigchain', timeout: o.connectTimeoutMs, reconnect: false, authenticator, maxPingOut: 2 });
    } catch (e) {
      const msg = (e as Error).message ?? String(e);
      const where = o.servers.map(shown).join(',');
      if (/authoriz|authentic|permission|user/i.test(msg)) {
        throw new SigchainError('SERVER_REFUSED', `The server at ${where} refused sigchain's system user: ${msg}. Check that it trusts this operator (its configuration from \`sigchain nats server-config --resolver full\`) and that the operator's system account is the server's.`, { url: where }, { cause: e });
      }
      throw new SigchainError('SERVER_UNREACHABLE', `No server answered at ${where}: ${msg}. Check the URL (--server, or the operator's service URLs) and that nats-server runs.`, { url: where }, { cause: e });
    }
    return new ResolverSession(nc, createInbox());
  }

  /** Milliseconds during which at least one request was waiting for servers. */
  get waitedMs(): number {
    return this.#waitedMs + (this.#inFlight > 0 ? performance.now() - this.#busySince : 0);
  }

  #dispatch(msg: Msg): void {
    const token = msg.subject.slice(this.#prefix.length + 1);
    const p = this.#pending.get(token);
    if (!p) return; // late or stray: its request already ended
    const data = msg.data.length > p.opts.maxBytes ? undefined : msg.data;
    if (p.opts.sentinel && msg.data.length === 0) {
      p.answers.push({ data: msg.data }); // kept: it tells the caller the stream ended
      return this.#finish(token);
    }
    p.bytes += data?.length ?? 0;
    if (p.answers.length >= (p.opts.maxAnswers ?? MAX_ANSWERS) || p.bytes > (p.opts.maxTotalBytes ?? 8 * p.opts.maxBytes)) {
      return this.#finish(token);
    }
    const answer = { data };
    p.answers.push(answer);
    if (p.opts.counts === undefined || p.opts.counts(answer)) p.counted++;
    if (p.opts.expect !== undefined && p.counted >= p.opts.expect) this.#finish(token);
  }

  #finish(token: string): void {
    const p = this.#pending.get(token);
    if (!p) return;
    clearTimeout(p.timer);
    this.#pending.delete(token);
    if (--this.#inFlight === 0) this.#waitedMs += performance.now() - this.#busySince;
    p.resolve(p.answers);
  }

  /** Publishes `body` to `subject` and collects answers as `opts` says. Never rejects on silence. */
  request(subject: string, body: Uint8Array | string, opts: CollectOptions): Promise<RawAnswer[]> {
    const token = (++this.#seq).toString(36);
    return new Promise((resolve) => {
      if (this.#inFlight++ === 0) this.#busySince = performance.now();
      const timer = setTimeout(() => this.#finish(token), opts.timeoutMs);
      const p: Pending = { answers: [], counted: 0, bytes: 0, opts, timer, resolve };
      this.#pending.set(token, p);
      if (opts.expect === 0) return this.#finish(token);
      opts.until?.then(
        (n) => {
          if (this.#pending.get(token) !== p) return;
          p.opts = { ...p.opts, expect: n };
          if (p.counted >= n) this.#finish(token);
        },
        () => undefined,
      );
      try {
        this.#nc.publish(subject, typeof body === 'string' ? encoder.encode(body) : body, { reply: `${this.#prefix}.${token}` });
      } catch {
        this.#finish(token); // a closed connection: no answers
      }
    });
  }

  /** `$SYS.REQ.CLAIMS.LIST`: which accounts each answering server holds. */
  async list(opts: Omit<CollectOptions, 'maxBytes'>): Promise<{ answers: Array<{ server: ServerIdentity; accounts: string[] }>; garbage: number }> {
    return this.#classified('$SYS.REQ.CLAIMS.LIST', '', opts, listAnswer);
  }

  /** `$SYS.REQ.ACCOUNT.<A>.CLAIMS.LOOKUP`: the account JWTs the servers hold (nats-server 2.9 names no server in these answers). */
  async lookup(account: string, opts: Omit<CollectOptions, 'maxBytes'>): Promise<string[]> {
    const raw = await this.request(`$SYS.REQ.ACCOUNT.${account}.CLAIMS.LOOKUP`, '', { ...opts, maxBytes: MAX_JWT_ANSWER });
    return raw.filter((a) => a.data && a.data.length > 0).map((a) => decoder.decode(a.data));
  }

  /** `$SYS.REQ.CLAIMS.UPDATE` with one account JWT: one reply per answering server. */
  update(accountJwt: string, opts: Omit<CollectOptions, 'maxBytes'>): Promise<{ replies: ServerReply[]; garbage: number }> {
    return this.#replies('$SYS.REQ.CLAIMS.UPDATE', accountJwt, opts);
  }

  /** `$SYS.REQ.CLAIMS.DELETE` with an operator-signed generic JWT listing the accounts. */
  delete(requestJwt: string, opts: Omit<CollectOptions, 'maxBytes'>): Promise<{ replies: ServerReply[]; garbage: number }> {
    return this.#replies('$SYS.REQ.CLAIMS.DELETE', requestJwt, opts);
  }

  /**
   * `$SYS.REQ.CLAIMS.PACK`: one server's whole store (a queue group answers once), as
   * `<A…>|<jwt>` lines ending with an empty message. Returns public key → JWT.
   */
  async pack(timeoutMs: number): Promise<{ tokens: Map<string, string>; complete: boolean }> {
    const raw = await this.request('$SYS.REQ.CLAIMS.PACK', '', { timeoutMs, sentinel: true, maxBytes: MAX_JWT_ANSWER + 64, maxAnswers: MAX_PACK_MESSAGES, maxTotalBytes: MAX_PACK_BYTES });
    const tokens = new Map<string, string>();
    for (const a of raw) {
      if (!a.data) continue;
      for (const line of decoder.decode(a.data).split('\n')) {
        const bar = line.indexOf('|');
        if (bar > 0) tokens.set(line.slice(0, bar), line.slice(bar + 1));
      }
    }
    // Only the end-of-stream message (empty) says the server sent its whole store.
    return { tokens, complete: raw.length > 0 && raw[raw.length - 1]!.data?.length === 0 };
  }

  #replies(subject: string, body: string, opts: Omit<CollectOptions, 'maxBytes'>): Promise<{ replies: ServerReply[]; garbage: number }> {
    return this.#classified(subject, body, opts, serverReply).then(({ answers, garbage }) => ({ replies: answers, garbage }));
  }

  /**
   * A request whose answers are read by `read`: only answers it accepts count towards
   * `expect` (a wrongly typed answer must not stand in for a server's), the rest are garbage.
   */
  async #classified<T>(subject: string, body: string, opts: Omit<CollectOptions, 'maxBytes'>, read: (a: RawAnswer) => T | undefined): Promise<{ answers: T[]; garbage: number }> {
    const seen = new WeakMap<RawAnswer, T | undefined>();
    const once = (a: RawAnswer): T | undefined => {
      if (!seen.has(a)) seen.set(a, read(a));
      return seen.get(a);
    };
    const raw = await this.request(subject, body, { ...opts, maxBytes: MAX_JSON_ANSWER, counts: (a) => once(a) !== undefined });
    const answers: T[] = [];
    for (const a of raw) {
      const r = once(a);
      if (r !== undefined) answers.push(r);
    }
    return { answers, garbage: raw.length - answers.length };
  }

  /** Closes the connection; pending requests end with what they collected. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const token of [...this.#pending.keys()]) this.#finish(token);
    this.#sub.unsubscribe();
    await this.#nc.close().catch(() => undefined);
  }
}

/**
 * Who answers at `url`: connects as `user`, reads the server's INFO (id and name), closes.
 * `undefined` when nothing answers in `timeoutMs`.
 *
 * @example
 * ```ts
 * const who = await probeServer('nats://10.0.0.2:4222', user, 1000); // { id: 'NB…', name: 'n2' }
 * ```
 */
export async function probeServer(url: string, user: SessionUser, timeoutMs: number): Promise<ServerIdentity | undefined> {
  try {
    const s = await ResolverSession.open({ servers: [url], user, connectTimeoutMs: timeoutMs, name: 'sigchain probe' });
    const who = s.connectedTo;
    await s.close();
    return who.id ? who : undefined;
  } catch {
    return undefined;
  }
}
