/**
 * The wasmCloud 0.82 invocation messages (`wasmcloud-core` 0.82 `Invocation` and
 * `InvocationResponse`), field for field under their wire names, so a value reads the same in
 * code, in MessagePack and in the JSON form.
 */
import type { WasmCloudEntity } from './entity.js';

/**
 * One invocation (0.82 `Invocation`, sent as a MessagePack map by `rmp_serde::to_vec_named`).
 *
 * - `operation` is the short name (`Echo.Echo`): 0.82 keeps only what follows the last `/` of
 *   `ns:pkg/Op` (see {@link operationName}).
 * - `msg` is empty and `content_length` larger than 900 KiB when the body was chunked into the
 *   JetStream object store; otherwise `content_length` is `msg.length`.
 * - `encoded_claims` is the invocation token (a wascap JWT signed by a cluster key), whose `sub`
 *   should be `id` and whose `wascap.hash` is {@link invocationHash} of this value.
 * - `traceContext` is OpenTelemetry propagation (not signed); absent on the wire reads as `{}`.
 *
 * @example
 * ```ts
 * const req: InvocationRequest = {
 *   origin: actorEntity('MDNX…'), target: actorEntity('MB2Z…'), operation: 'Echo.Echo',
 *   msg: new TextEncoder().encode('hi'), id: randomUUID(), encoded_claims: token,
 *   host_id: 'NAGA…', content_length: 2, traceContext: {},
 * };
 * ```
 */
export interface InvocationRequest {
  origin: WasmCloudEntity;
  target: WasmCloudEntity;
  operation: string;
  msg: Uint8Array;
  id: string;
  encoded_claims: string;
  host_id: string;
  content_length: number;
  traceContext: Record<string, string>;
}

/**
 * The answer to an invocation (0.82 `InvocationResponse`). `error` is absent on success (0.82
 * skips it when None).
 *
 * @example
 * ```ts
 * const res: InvocationResponse = { msg: bytes, invocation_id: req.id, content_length: bytes.length, traceContext: {} };
 * ```
 */
export interface InvocationResponse {
  msg: Uint8Array;
  invocation_id: string;
  error?: string;
  content_length: number;
  traceContext: Record<string, string>;
}

/** 0.82's chunking threshold (`CHUNK_THRESHOLD_BYTES`, 900 KiB): bigger bodies travel in the object store. */
export const CHUNK_THRESHOLD_BYTES = 900 * 1024;

/** The largest encoded invocation or response sigchain reads (MessagePack bytes; 4/3 of it for JSON text). */
export const MAX_INVOCATION_BYTES = 16 * 1024 * 1024;
