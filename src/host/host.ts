/**
 * A zero-trust wasmCloud host on a real NATS lattice: it serves the actors it is given on
 * 0.82's subjects (`wasmbus.rpc.{lattice}.{actor key}`, queue group = the subject, so hosts
 * running the same actor share its calls, as 0.82 did) and answers 0.82 InvocationResponses.
 *
 * Every invocation is judged by {@link verifyInvocation} with the host's cluster issuers and
 * ONE replay cache shared by all its actors (an ID accepted by one actor is a replay at any
 * other), before any actor code runs. A refusal is answered as `error: "CODE: message"` and
 * never reaches the actor. Beyond 0.82: the invocation must name the actor it was delivered
 * for (0.82 let an invocation signed for actor A run on B if sent on B's subject; only the
 * provider SDK checked), and chunked bodies are refused rather than fetched unverified.
 *
 * The cluster key and issuers can be swapped while serving ({@link Host.reload}): that is how
 * a cluster key is rotated without losing a call (add the new issuer everywhere, switch seeds,
 * remove the old issuer). The replay cache survives a reload.
 */
import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import { type ErrorCode, SigchainError, isSigchainError } from '../errors.js';
import { type WasmCloudEntity, actorEntity } from '../invocation/entity.js';
import { DEFAULT_MAX_AGE_SECONDS, DEFAULT_REPLAY_CACHE_SIZE, ReplayCache } from '../invocation/replay-cache.js';
import type { InvocationSigner } from '../invocation/sign.js';
import { CHUNK_THRESHOLD_BYTES, type InvocationRequest, type InvocationResponse } from '../invocation/types.js';
import { verifyInvocation } from '../invocation/verify.js';
import { isChunked } from '../invocation/shape.js';
import { decodeInvocation, encodeInvocationResponse } from '../invocation/wire.js';
import { decodePublicKey, publicKeyRole } from '../nkeys/codec.js';
import { KeyPair } from '../nkeys/keypair.js';
import { connectNats } from './connect.js';
import { DEFAULT_LATTICE, type InvocationAnswer, checkLattice, refusalText, sendInvocation } from './invoke.js';

/** What an operation is told about the invocation it serves (all of it verified). */
export interface OperationContext {
  /** The invocation ID. */
  id: string;
  /** The caller, as the signed origin URL names it. */
  origin: WasmCloudEntity;
  /** The operation (`Echo.Echo`). */
  operation: string;
  /** The sending host's server key (N…). */
  hostId: string;
  /** The cluster key that signed the invocation (C…). */
  issuer: string;
}

/** An actor's operation: the body in, the answer's body out (text is sent as UTF-8). */
export type OperationHandler = (msg: Uint8Array, ctx: OperationContext) => Uint8Array | string | Promise<Uint8Array | string>;

/** An actor a host serves. */
export interface HostActor {
  /** A name for people (printed at start). */
  name: string;
  /** The actor's public key (M…): its subject on the lattice. */
  publicKey: string;
  /** Operations by name (`Echo.Echo`). */
  operations: Readonly<Record<string, OperationHandler>>;
}

/** A host's cluster settings. */
export interface ClusterSettings {
  /** The cluster key that signs this host's invocations (C…). */
  key: InvocationSigner;
  /** The cluster public keys whose invocations are accepted; the host's own is added when missing. */
  issuers: readonly string[];
}

/** How {@link startHost} starts a host. */
export interface StartHostOptions {
  /** The lattice's NATS server, `nats://127.0.0.1:4222`. */
  natsUrl: string;
  /** The lattice name (0.82's lattice prefix). Default `default`. */
  lattice?: string;
  /**
   * The cluster key and issuers, or a function that reads them (called at start and again by
   * each {@link Host.reload} without an argument: the CLI re-reads its flags, config file and
   * environment on SIGHUP).
   */
  cluster: ClusterSettings | (() => ClusterSettings | Promise<ClusterSettings>);
  /** The actors to serve. */
  actors?: readonly HostActor[];
  /** The host's server key (N…): its host_id. Default: a fresh one, as 0.82. */
  hostKey?: KeyPair;
  /** Oldest accepted token without expiry, seconds (default 300; also the replay window). */
  maxAgeSeconds?: number;
  /** Most invocation IDs the replay cache holds (default 100,000). */
  replayCacheSize?: number;
  /** Told of each refused invocation (for a log); never given the token's seed, which it has not. */
  onRefused?: (refusal: { id: string; code: ErrorCode; message: string; subject: string }) => void;
}

/** Counts of what a host did. */
export interface HostStats {
  accepted: number;
  refused: Partial<Record<ErrorCode, number>>;
}

/** A running host. */
export interface Host {
  /** The host's server key (N…). */
  readonly hostId: string;
  readonly lattice: string;
  /** The actors served, as the start line prints them. */
  readonly actors: ReadonlyArray<{ name: string; public_key: string }>;
  /** The cluster key signing now (C…). */
  readonly issuer: string;
  /** The cluster issuers accepted now. */
  readonly issuers: readonly string[];
  readonly stats: HostStats;
  /**
   * Calls an actor on the lattice from this host: signed with its current cluster key, origin
   * `origin` (default: the host's first actor). Returns the answer's body; throws the refusal's
   * code (see {@link sendInvocation}).
   */
  call(target: string | WasmCloudEntity, operation: string, payload?: Uint8Array | string, options?: { origin?: WasmCloudEntity; timeoutMs?: number }): Promise<Uint8Array>;
  /** {@link Host.call} returning the invocation ID too. */
  invoke(target: string | WasmCloudEntity, operation: string, payload?: Uint8Array | string, options?: { origin?: WasmCloudEntity; timeoutMs?: number }): Promise<InvocationAnswer>;
  /**
   * Swaps the cluster key and issuers: `next`, or what the `cluster` function of the start
   * options reads now. Invalid settings throw and leave the current ones in place.
   */
  reload(next?: ClusterSettings): Promise<{ issuer: string; issuers: string[] }>;
  /** Drains (answers what is in flight) and disconnects. */
  stop(): Promise<void>;
  /** Settles when the connection is closed, with the error that closed it if any. */
  readonly closed: Promise<Error | undefined>;
}

interface ActiveCluster {
  key: InvocationSigner;
  issuers: string[];
  issuerSet: Set<string>;
}

function normalizeCluster(s: ClusterSettings): ActiveCluster {
  if (publicKeyRole(s.key.publicKey) !== 'cluster') {
    throw new SigchainError('WRONG_KEY_ROLE', `A host signs invocations with a cluster key (C…), not ${s.key.publicKey.slice(0, 12)}…: give a cluster seed (SC…).`);
  }
  const issuers: string[] = [];
  for (const k of s.issuers) {
    decodePublicKey(k, ['cluster']);
    if (!issuers.includes(k)) issuers.push(k);
  }
  // As 0.82 (#577): a host always trusts its own cluster key.
  if (!issuers.includes(s.key.publicKey)) issuers.push(s.key.publicKey);
  return { key: s.key, issuers, issuerSet: new Set(issuers) };
}

function checkActor(a: HostActor): void {
  if (publicKeyRole(a.publicKey) !== 'module') throw new SigchainError('USAGE', `Actor "${a.name}" has the key ${a.publicKey.slice(0, 60)}, which is not an actor key (M…).`);
}

const utf8 = new TextEncoder();
const NO_TRACE: Record<string, string> = {};

/**
 * Starts a host on a NATS lattice (see the module notes). Throws `NATS_UNAVAILABLE` when the
 * server cannot be reached, `WRONG_KEY_ROLE` / `NKEY_*` for cluster settings of the wrong kind,
 * `USAGE` for a bad lattice name or actor key.
 *
 * @example
 * ```ts
 * const host = await startHost({
 *   natsUrl: 'nats://127.0.0.1:4222',
 *   cluster: { key: KeyPair.fromSeed(seed, ['cluster']), issuers: ['CAQQ…', 'CB7E…'] },
 *   actors: [{ name: 'echo', publicKey: echoKey.publicKey, operations: { 'Echo.Echo': (msg) => msg } }],
 * });
 * const answer = await host.call('MB2Z…', 'Echo.Echo', 'hello');
 * await host.stop();
 * ```
 */
export async function startHost(options: StartHostOptions): Promise<Host> {
  const lattice = checkLattice(options.lattice ?? DEFAULT_LATTICE);
  const actors = [...(options.actors ?? [])];
  for (const a of actors) checkActor(a);
  const loadCluster = typeof options.cluster === 'function' ? options.cluster : undefined;
  let cluster = normalizeCluster(loadCluster ? await loadCluster() : (options.cluster as ClusterSettings));
  const hostKey = options.hostKey ?? KeyPair.create('server');
  if (publicKeyRole(hostKey.publicKey) !== 'server') throw new SigchainError('WRONG_KEY_ROLE', `A host's key is a server key (N…), not ${hostKey.publicKey.slice(0, 12)}….`);
  const maxAgeSeconds = options.maxAgeSeconds ?? DEFAULT_MAX_AGE_SECONDS;
  const replay = new ReplayCache({ maxAgeSeconds, maxSize: options.replayCacheSize ?? DEFAULT_REPLAY_CACHE_SIZE });
  const stats: HostStats = { accepted: 0, refused: {} };
  const nc: NatsConnection = await connectNats({ natsUrl: options.natsUrl, name: `sigchain host ${hostKey.publicKey}` });
  // A random actor key as the origin of calls from a host that serves none.
  const defaultOrigin = actorEntity(actors[0]?.publicKey ?? KeyPair.create('module').publicKey);

  const answer = (m: Msg, res: InvocationResponse): void => {
    if (!m.reply) return;
    try {
      m.respond(encodeInvocationResponse(res));
    } catch {
      // The connection closed while the operation ran: the caller times out, as with 0.82.
    }
  };
  const refuse = (m: Msg, id: string, code: ErrorCode, message: string): void => {
    stats.refused[code] = (stats.refused[code] ?? 0) + 1;
    options.onRefused?.({ id, code, message, subject: m.subject });
    answer(m, { msg: new Uint8Array(0), invocation_id: id, error: refusalText(code, message), content_length: 0, traceContext: NO_TRACE });
  };

  const serve = async (actor: HostActor, m: Msg): Promise<void> => {
    let req: InvocationRequest;
    try {
      req = decodeInvocation(m.data);
    } catch (e) {
      if (!isSigchainError(e)) throw e;
      // 0.82 answers an undecodable invocation with the ID "UNKNOWN".
      return refuse(m, 'UNKNOWN', e.code, e.message);
    }
    // Before the verdict, so a misdelivered invocation takes no place in the replay cache.
    if (req.target.public_key !== actor.publicKey) {
      return refuse(m, req.id, 'TARGET_MISMATCH', `The invocation is for ${req.target.public_key.slice(0, 60)}, but was delivered on the subject of actor ${actor.publicKey}: it was redirected.`);
    }
    if (isChunked(req)) {
      return refuse(m, req.id, 'MALFORMED_INVOCATION', `The body (${req.content_length} bytes) is in the lattice's object store; this host accepts bodies up to ${CHUNK_THRESHOLD_BYTES} bytes in the invocation, whose hash it can check.`);
    }
    const active = cluster;
    const verdict = verifyInvocation(req, { issuers: active.issuerSet, replay, maxAgeSeconds });
    if (!verdict.valid) {
      const first = verdict.findings[0] ?? { code: 'MALFORMED_INVOCATION' as const, message: 'The invocation was refused.' };
      return refuse(m, req.id, first.code, first.message);
    }
    const handler = Object.hasOwn(actor.operations, req.operation) ? actor.operations[req.operation] : undefined;
    if (handler === undefined) {
      return refuse(m, req.id, 'UNKNOWN_OPERATION', `Actor ${actor.name} (${actor.publicKey}) has no operation ${req.operation.slice(0, 120)}; it has ${Object.keys(actor.operations).join(', ') || 'none'}.`);
    }
    stats.accepted++;
    let out: Uint8Array;
    try {
      const r = await handler(req.msg, { id: req.id, origin: req.origin, operation: req.operation, hostId: req.host_id, issuer: verdict.claims!.iss });
      out = typeof r === 'string' ? utf8.encode(r) : r;
    } catch (e) {
      const code = isSigchainError(e) ? e.code : 'OPERATION_FAILED';
      return answer(m, { msg: new Uint8Array(0), invocation_id: req.id, error: refusalText(code, (e as Error).message ?? String(e)), content_length: 0, traceContext: NO_TRACE });
    }
    if (out.length > CHUNK_THRESHOLD_BYTES) {
      return answer(m, { msg: new Uint8Array(0), invocation_id: req.id, error: refusalText('OPERATION_FAILED', `The answer is ${out.length} bytes, over the ${CHUNK_THRESHOLD_BYTES} bytes an answer may carry.`), content_length: 0, traceContext: NO_TRACE });
    }
    answer(m, { msg: out, invocation_id: req.id, content_length: out.length, traceContext: NO_TRACE });
  };

  const subs: Subscription[] = [];
  for (const actor of actors) {
    const subject = `wasmbus.rpc.${lattice}.${actor.publicKey}`;
    subs.push(
      nc.subscribe(subject, {
        queue: subject,
        callback: (err, m) => {
          if (err) return;
          serve(actor, m).catch((e: unknown) => refuse(m, 'UNKNOWN', 'OPERATION_FAILED', `The host failed to handle the invocation: ${(e as Error).message}`));
        },
      }),
    );
  }
  // The server has the subscriptions before anyone is told the host is up.
  await nc.flush();

  const invoke = (target: string | WasmCloudEntity, operation: string, payload?: Uint8Array | string, o: { origin?: WasmCloudEntity; timeoutMs?: number } = {}): Promise<InvocationAnswer> => {
    const active = cluster;
    return sendInvocation(nc, {
      lattice,
      key: active.key,
      hostId: hostKey.publicKey,
      origin: o.origin ?? defaultOrigin,
      target,
      operation,
      ...(payload !== undefined ? { payload } : {}),
      ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}),
    });
  };

  const closed = nc.closed().then((e) => (e instanceof Error ? e : undefined));
  return {
    hostId: hostKey.publicKey,
    lattice,
    actors: actors.map((a) => ({ name: a.name, public_key: a.publicKey })),
    get issuer() {
      return cluster.key.publicKey;
    },
    get issuers() {
      return [...cluster.issuers];
    },
    stats,
    invoke,
    async call(target, operation, payload, o) {
      return (await invoke(target, operation, payload, o)).msg;
    },
    async reload(next) {
      if (next === undefined && loadCluster === undefined) {
        throw new SigchainError('USAGE', 'This host was started with fixed cluster settings: give the new ones to reload(next).');
      }
      // Read and checked in full before the swap: a bad config leaves the host as it was.
      cluster = normalizeCluster(next ?? (await loadCluster!()));
      return { issuer: cluster.key.publicKey, issuers: [...cluster.issuers] };
    },
    async stop() {
      if (nc.isClosed()) return;
      try {
        await nc.drain();
      } catch {
        await nc.close();
      }
    },
    closed,
  };
}
