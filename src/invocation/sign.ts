/**
 * Signing an invocation as a 0.82 host does (`Invocation::new`): the invocation token is a
 * wascap JWT whose `sub` is the invocation ID and whose metadata is the origin URL, the target
 * URL with the operation, and the invocation hash, signed by the host's cluster key. sigchain
 * refuses to sign what its own verifier would refuse (a malformed entity, a key of another role).
 */
import { randomUUID } from 'node:crypto';
import { newInvocationClaims } from '../claims/wascap/builders.js';
import { encodeWascap, encodeWascapSync } from '../claims/wascap/codec.js';
import { SigchainError } from '../errors.js';
import type { Signer as CustodySigner } from '../keys/signer.js';
import type { AsyncSigner, Signer } from '../nkeys/keypair.js';
import { roleOfKey } from '../nkeys/roles.js';
import { type WasmCloudEntity, entityUrl, targetUrl } from './entity.js';
import { invocationHashOf } from './hash.js';
import { checkInvocationShape } from './shape.js';
import type { InvocationRequest } from './types.js';

/** What an invocation says; the token, `content_length` and (by default) the ID are made here. */
export interface InvocationFields {
  origin: WasmCloudEntity;
  target: WasmCloudEntity;
  /** `Echo.Echo`, or `ns:pkg/Echo.Echo` of which only what follows the last `/` is kept (as 0.82). */
  operation: string;
  msg: Uint8Array;
  /** The sending host's server key (N…). */
  host_id: string;
  /** Default: a fresh random UUID (0.82 writes a ULID rendered as a UUID). */
  id?: string;
  traceContext?: Record<string, string>;
}

/** Times of the token. 0.82 writes neither `exp` nor `nbf`; a verifier then bounds its age (STALE). */
export interface SignInvocationOptions {
  /** Issued at, Unix seconds. Default: now. */
  iat?: number;
  /** Expiry, Unix seconds. Default: none, as 0.82. */
  exp?: number;
}

/** A key that can sign invocations: a custody signer (usage `protocol`), a KeyPair, or any async signer. */
export type InvocationSigner = CustodySigner | AsyncSigner | Signer;

function isCustody(s: InvocationSigner): s is CustodySigner {
  return Array.isArray((s as Partial<CustodySigner>).usages);
}

function prepare(fields: InvocationFields, signerKey: string, o: SignInvocationOptions): { req: InvocationRequest; claims: ReturnType<typeof newInvocationClaims> } {
  if (roleOfKey(signerKey) !== 'cluster') {
    throw new SigchainError('WRONG_KEY_ROLE', `Invocations are signed by a cluster key (C…), not ${signerKey.slice(0, 12)}…: give the host's cluster seed (SC…).`, { field: 'iss' });
  }
  const slash = fields.operation.lastIndexOf('/');
  const operation = slash < 0 ? fields.operation : fields.operation.slice(slash + 1);
  const req: InvocationRequest = {
    origin: { ...fields.origin },
    target: { ...fields.target },
    operation,
    msg: fields.msg,
    id: fields.id ?? randomUUID(),
    encoded_claims: 'unsigned',
    host_id: fields.host_id,
    content_length: fields.msg.length,
    traceContext: { ...(fields.traceContext ?? {}) },
  };
  const bad = checkInvocationShape(req)[0];
  if (bad) throw new SigchainError(bad.code, `Refusing to sign: ${bad.message}`, bad.field === undefined ? undefined : { field: bad.field });
  const origin_url = entityUrl(req.origin);
  const target_url = targetUrl(req.target, operation);
  const hash = invocationHashOf(origin_url, target_url, operation, req.msg);
  const build: { iat?: number; exp?: number } = {};
  if (o.iat !== undefined) build.iat = o.iat;
  if (o.exp !== undefined) build.exp = o.exp;
  return { req, claims: newInvocationClaims(req.id, { target_url, origin_url, hash }, build) };
}

/**
 * Signs an invocation with a cluster key: the request with `encoded_claims` set, ready for
 * {@link encodeInvocation}. A custody signer is asked for usage `protocol` (kind `invocation`,
 * about the invocation ID), so a key without that usage refuses (`KEY_USAGE_VIOLATION`) and the
 * audit log names the ID. Throws `WRONG_KEY_ROLE` for a key that is not a cluster key and
 * `MALFORMED_INVOCATION` / `INVALID_HOST_ID` for fields {@link verifyInvocation} would refuse.
 *
 * @example
 * ```ts
 * const { key } = resolveClusterKeys({ env: process.env });
 * const req = await signInvocation({
 *   origin: actorEntity('MDNX…'), target: actorEntity('MB2Z…'), operation: 'wasmcloud:bus/Echo.Echo',
 *   msg: new TextEncoder().encode('hi'), host_id: hostKey.publicKey,
 * }, key);
 * nc.publish(`wasmbus.rpc.default.${req.target.public_key}`, encodeInvocation(req));
 * ```
 */
export async function signInvocation(fields: InvocationFields, signer: InvocationSigner, o: SignInvocationOptions = {}): Promise<InvocationRequest> {
  const { req, claims } = prepare(fields, signer.publicKey, o);
  const encoder: AsyncSigner | Signer = isCustody(signer)
    ? { publicKey: signer.publicKey, sign: (data) => signer.sign(data, { usage: 'protocol', kind: 'invocation', subject: req.id }) }
    : signer;
  req.encoded_claims = await encodeWascap(claims, encoder);
  return req;
}

/**
 * {@link signInvocation} with a key that signs synchronously (a KeyPair): what a host's hot
 * path uses.
 *
 * @example
 * ```ts
 * const req = signInvocationSync({ origin, target, operation: 'Echo.Echo', msg, host_id }, clusterKey);
 * ```
 */
export function signInvocationSync(fields: InvocationFields, signer: Signer, o: SignInvocationOptions = {}): InvocationRequest {
  const { req, claims } = prepare(fields, signer.publicKey, o);
  req.encoded_claims = encodeWascapSync(claims, signer);
  return req;
}
