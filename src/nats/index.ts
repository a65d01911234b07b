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
