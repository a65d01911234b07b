export { type ClusterKeySource, type ClusterKeySources, type ClusterKeys, resolveClusterKeys } from './cluster-keys.js';
export { type WasmCloudEntity, actorEntity, entityUrl, isActorEntity, providerEntity, targetUrl } from './entity.js';
export { invocationHash, invocationHashOf, operationName } from './hash.js';
export { MAX_MSGPACK_ELEMENTS } from './msgpack.js';
export { DEFAULT_MAX_AGE_SECONDS, DEFAULT_REPLAY_CACHE_SIZE, ReplayCache, type ReplayCacheOptions } from './replay-cache.js';
export { MAX_INVOCATION_ID_LENGTH, checkInvocationShape, isChunked } from './shape.js';
export { CHUNK_THRESHOLD_BYTES, type InvocationRequest, type InvocationResponse, MAX_INVOCATION_BYTES } from './types.js';
export {
  MAX_INVOCATION_JSON_CHARS,
  decodeInvocation,
  decodeInvocationJson,
  decodeInvocationResponse,
  decodeInvocationResponseJson,
  encodeInvocation,
  encodeInvocationResponse,
  invocationResponseToJson,
  invocationToJson,
  readInvocation,
} from './wire.js';
export { type InvocationFields, type InvocationSigner, type SignInvocationOptions, signInvocation, signInvocationSync } from './sign.js';
export { DEFAULT_INVOCATION_CLOCK_SKEW_SECONDS, type InvocationVerdict, type VerifyInvocationOptions, assertInvocation, verifyInvocation } from './verify.js';
