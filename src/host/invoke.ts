/**
 * Sending one invocation on a lattice as a 0.82 host does: sign it with the cluster key, send
 * it as a NATS request on the target's `wasmbus.rpc.{lattice}.{key}` subject (a provider's has
 * `.{link_name}` after its key), and read the 0.82 InvocationResponse that comes back. A refusal
 * travels as the response's `error`, `"CODE: message"` when a sigchain host refused it, and is
 * thrown here as that code, so a caller sees the same codes `invocation verify` prints.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import { ErrorCodes, type ErrorCode, SigchainError, isSigchainError } from '../errors.js';
import { type WasmCloudEntity, actorEntity } from '../invocation/entity.js';
import { type InvocationSigner, signInvocation, signInvocationSync } from '../invocation/sign.js';
import { CHUNK_THRESHOLD_BYTES } from '../invocation/types.js';
import { decodeInvocationResponse, encodeInvocation } from '../invocation/wire.js';
import { KeyPair } from '../nkeys/keypair.js';
import { publicKeyRole } from '../nkeys/codec.js';
import { natsModule } from './connect.js';

/** How long a caller waits for an answer by default, in milliseconds. */
export const DEFAULT_CALL_TIMEOUT_MS = 5000;

/** The lattice a host joins when none is named (0.82's default lattice prefix). */
export const DEFAULT_LATTICE = 'default';

/**
 * Checks a lattice name: one NATS subject token (no `.`, `*`, `>` or white space), or the
 * subjects would reach into another lattice's. Throws `USAGE`.
 */
export function checkLattice(lattice: string): string {
  if (lattice === '' || lattice.length > 200 || /[.*>\s\u0000-\u001f\u007f]/.test(lattice)) {
    throw new SigchainError('USAGE', `The lattice name "${lattice.slice(0, 80)}" must be one NATS subject token: not empty, without '.', '*', '>' or spaces.`);
  }
  return lattice;
}

/**
 * The NATS subject an invocation for `target` is sent on, as 0.82: `wasmbus.rpc.{lattice}.{key}`
 * for an actor, `wasmbus.rpc.{lattice}.{key}.{link_name}` for a provider.
 *
 * @example
 * ```ts
 * rpcSubject('default', actorEntity('MB2Z…')); // 'wasmbus.rpc.default.MB2Z…'
 * ```
 */
export function rpcSubject(lattice: string, target: WasmCloudEntity): string {
  return target.link_name === '' || target.contract_id === '' ? `wasmbus.rpc.${lattice}.${target.public_key}` : `wasmbus.rpc.${lattice}.${target.public_key}.${target.link_name}`;
}

/** The text of a refusal in an InvocationResponse: `"CODE: message"`. */
export function refusalText(code: ErrorCode, message: string): string {
  return `${code}: ${message}`;
}

/**
 * Reads a response's `error` back into a {@link SigchainError}: `"CODE: message"` with a
 * sigchain code keeps its code; any other text (a real 0.82 host's "invocation hash does not
 * match…", an actor's own failure) is `OPERATION_FAILED` with the text as it came.
 */
export function refusalError(error: string, details: Record<string, unknown>): SigchainError {
  const m = /^([A-Z][A-Z0-9_]{1,63}): ([\s\S]*)$/.exec(error);
  if (m && Object.hasOwn(ErrorCodes, m[1]!)) return new SigchainError(m[1] as ErrorCode, m[2]!, details);
  return new SigchainError('OPERATION_FAILED', `The target answered with an error: ${error.slice(0, 2000)}`, details);
}

/** One invocation to send. */
export interface SendInvocationOptions {
  /** The lattice (default `default`). */
  lattice?: string;
  /** The cluster key that signs (usage `protocol` when it is a custody signer). */
  key: InvocationSigner;
  /** The sending host's server key (N…). */
  hostId: string;
  /** The caller. */
  origin: WasmCloudEntity;
  /** An actor's key (M…), or an entity (a provider with its contract and link). */
  target: string | WasmCloudEntity;
  /** `Echo.Echo` (or `ns:pkg/Echo.Echo`, of which only `Echo.Echo` is sent). */
  operation: string;
  /** The body: bytes, or text sent as UTF-8. */
  payload?: Uint8Array | string;
  /** Milliseconds to wait for the answer (default 5000). */
  timeoutMs?: number;
  /** Seconds until the token expires. Default: none, as 0.82 (the receiver bounds its age). */
  expiresInSeconds?: number;
}

/** An answer to an invocation. */
export interface InvocationAnswer {
  /** The invocation's ID. */
  id: string;
  /** The answer's body. */
  msg: Uint8Array;
}

const utf8 = new TextEncoder();

/**
 * Signs and sends one invocation over an open connection and returns the answer. Throws the
 * code of a refusal (`ISSUER_NOT_TRUSTED`, `REPLAY`, `HASH_MISMATCH`, …, as the target's host
 * found it), `UNKNOWN_OPERATION` / `OPERATION_FAILED` from the actor, `NO_RESPONDERS` when no
 * host serves the target, `CALL_TIMEOUT`, `NATS_UNAVAILABLE` when the connection is gone.
 *
 * @example
 * ```ts
 * const { msg } = await sendInvocation(nc, { key: cluster.key, hostId: host.publicKey, origin: actorEntity(me), target: 'MB2Z…', operation: 'Echo.Echo', payload: 'hi' });
 * ```
 */
export async function sendInvocation(nc: NatsConnection, o: SendInvocationOptions): Promise<InvocationAnswer> {
  const lattice = checkLattice(o.lattice ?? DEFAULT_LATTICE);
  const target = typeof o.target === 'string' ? targetEntity(o.target) : o.target;
  const msg = typeof o.payload === 'string' ? utf8.encode(o.payload) : (o.payload ?? new Uint8Array(0));
  if (msg.length > CHUNK_THRESHOLD_BYTES) {
    throw new SigchainError('MALFORMED_INVOCATION', `The payload is ${msg.length} bytes; sigchain sends at most ${CHUNK_THRESHOLD_BYTES} bytes in an invocation (0.82 moves larger bodies through the object store, which sigchain does not).`);
  }
  const times: { iat?: number; exp?: number } = {};
  if (o.expiresInSeconds !== undefined) {
    times.iat = Math.floor(Date.now() / 1000);
    times.exp = times.iat + o.expiresInSeconds;
  }
  const fields = { origin: o.origin, target, operation: o.operation, msg, host_id: o.hostId };
  // A key held here signs in the same tick; only custody keys (agent, HSM, KMS) are awaited.
  const req = o.key instanceof KeyPair ? signInvocationSync(fields, o.key, times) : await signInvocation(fields, o.key, times);
  const subject = rpcSubject(lattice, target);
  const details = { id: req.id, subject };
  let reply;
  try {
    reply = await nc.request(subject, encodeInvocation(req), { timeout: o.timeoutMs ?? DEFAULT_CALL_TIMEOUT_MS });
  } catch (e) {
    throw await requestError(e, subject, details);
  }
  let res;
  try {
    res = decodeInvocationResponse(reply.data);
  } catch (e) {
    if (isSigchainError(e)) throw new SigchainError(e.code, `The answer from ${subject} is not a 0.82 InvocationResponse: ${e.message}`, details);
    throw e;
  }
  if (res.error !== undefined) throw refusalError(res.error, details);
  if (res.invocation_id !== req.id) {
    throw new SigchainError('MALFORMED_INVOCATION', `The answer names invocation ${res.invocation_id.slice(0, 80)}, not ${req.id}: it does not answer this call.`, details);
  }
  if (res.msg.length === 0 && res.content_length > CHUNK_THRESHOLD_BYTES) {
    throw new SigchainError('OPERATION_FAILED', `The answer (${res.content_length} bytes) was put in the lattice's object store, which sigchain does not read.`, details);
  }
  return { id: req.id, msg: res.msg };
}

/** An actor key (M…) as the target entity; anything else is a usage error. */
export function targetEntity(key: string): WasmCloudEntity {
  const k = key.trim();
  if (publicKeyRole(k) !== 'module') {
    throw new SigchainError('USAGE', `The target "${k.slice(0, 60)}" is not an actor's public key (M…); name a provider with its contract and link as an entity.`);
  }
  return actorEntity(k);
}

async function requestError(e: unknown, subject: string, details: Record<string, unknown>): Promise<SigchainError> {
  if (isSigchainError(e)) return e;
  const nats = await natsModule();
  const err = e as Error;
  const noResponders = (err instanceof nats.RequestError && err.isNoResponders()) || err instanceof nats.NoRespondersError || err.cause instanceof nats.NoRespondersError;
  if (noResponders) return new SigchainError('NO_RESPONDERS', `No host on the lattice serves ${subject}: the target is not running, or runs in another lattice.`, details);
  if (err instanceof nats.TimeoutError || err.cause instanceof nats.TimeoutError) return new SigchainError('CALL_TIMEOUT', `No answer on ${subject} in time.`, details);
  return new SigchainError('NATS_UNAVAILABLE', `The invocation could not be sent on ${subject}: ${err.message}`, details, { cause: e });
}
