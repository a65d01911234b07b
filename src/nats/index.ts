/**
 * nats-server: a ready configuration for operator mode with a memory resolver.
 *
 * @example
 * ```ts
 * import { memoryResolverConfig } from 'sigchain/nats';
 * const conf = memoryResolverConfig({ operatorJwt, accountJwts: [sysJwt, accountJwt] });
 * ```
 */
export { GO_DURATION, type MemoryResolverInput, type NatsResolverInput, memoryResolverConfig, natsResolverConfig } from './server-config.js';
export { type CollectOptions, type RawAnswer, ResolverSession, type ServerIdentity, type ServerReply, type SessionOptions, type SessionUser, parseServerAnswer, probeServer } from './resolver/client.js';
