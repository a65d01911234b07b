/**
 * wasmCloud wascap claims: types, builders with wascap's defaults, byte-compatible encode
 * (wascap's field order, nulls and serde_json's escaping) and strict verified decode (the kind
 * told by the roles of the keys, exp/nbf checked).
 *
 * @example
 * ```ts
 * import { newActorClaims, encodeWascapSync, decodeWascap } from 'sigchain/claims';
 * const jwt = encodeWascapSync(newActorClaims('echo', moduleKey.publicKey, { hash }), accountKey);
 * decodeWascap(jwt, { expect: 'actor' }).claims.sub === moduleKey.publicKey; // true
 * ```
 */
export * from './types.js';
export { WASCAP_KIND_RULES, type WascapKindRule, wascapKindOf } from './kinds.js';
export { type DecodeWascapOptions, decodeWascap, encodeWascap, encodeWascapSync, readWascapClaims, wascapJti, wascapPayload } from './codec.js';
export {
  type ActorOptions,
  type WascapBuildOptions,
  newActorClaims,
  newClusterClaims,
  newHostClaims,
  newInvocationClaims,
  newProviderClaims,
  newWascapAccountClaims,
  newWascapOperatorClaims,
  normalizeCallAlias,
} from './builders.js';
