/**
 * One call from outside any host, as `wash call` made: connect, sign with the cluster key,
 * send, read the answer, disconnect. The sender is a fresh server key (its host_id) and, unless
 * given, a fresh actor key as the origin: the target's host judges the invocation by its
 * cluster key, not by who claims to send it.
 */
import { type WasmCloudEntity, actorEntity } from '../invocation/entity.js';
import type { InvocationSigner } from '../invocation/sign.js';
import { KeyPair } from '../nkeys/keypair.js';
import { connectNats } from './connect.js';
import { type InvocationAnswer, sendInvocation } from './invoke.js';

/** One call. */
export interface CallOptions {
  natsUrl: string;
  /** Default `default`. */
  lattice?: string;
  /** The cluster key that signs; issuers, if given, are not used (they matter to receivers). */
  cluster: { key: InvocationSigner; issuers?: readonly string[] };
  /** The actor called (M…), or a provider entity. */
  target: string | WasmCloudEntity;
  /** `Echo.Echo`. */
  operation: string;
  /** The body (text is sent as UTF-8). */
  payload?: Uint8Array | string;
  /** The caller. Default: a fresh actor key. */
  origin?: WasmCloudEntity;
  /** Milliseconds to wait for the answer (default 5000). */
  timeoutMs?: number;
}

/**
 * Sends one invocation and returns the answer with its ID. Throws as {@link sendInvocation},
 * and `NATS_UNAVAILABLE` when the server cannot be reached.
 *
 * @example
 * ```ts
 * const { id, msg } = await callWithId({ natsUrl, cluster: { key }, target: 'MB2Z…', operation: 'Echo.Echo', payload: 'hi' });
 * ```
 */
export async function callWithId(o: CallOptions): Promise<InvocationAnswer> {
  const nc = await connectNats({ natsUrl: o.natsUrl, name: 'sigchain call' });
  try {
    return await sendInvocation(nc, {
      ...(o.lattice !== undefined ? { lattice: o.lattice } : {}),
      key: o.cluster.key,
      hostId: KeyPair.create('server').publicKey,
      origin: o.origin ?? actorEntity(KeyPair.create('module').publicKey),
      target: o.target,
      operation: o.operation,
      ...(o.payload !== undefined ? { payload: o.payload } : {}),
      ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}),
    });
  } finally {
    await nc.close();
  }
}

/**
 * Sends one invocation and returns the answer's body (see {@link callWithId}).
 *
 * @example
 * ```ts
 * const msg = await call({ natsUrl: 'nats://127.0.0.1:4222', cluster: { key: KeyPair.fromSeed(seed) }, target: 'MB2Z…', operation: 'Echo.Echo', payload: 'hi' });
 * ```
 */
export async function call(o: CallOptions): Promise<Uint8Array> {
  return (await callWithId(o)).msg;
}
