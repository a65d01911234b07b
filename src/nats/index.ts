/**
 * nats-server: a ready configuration for operator mode with a memory resolver.
 *
 * @example
 * ```ts
 * import { memoryResolverConfig } from 'sigchain/nats';
 * const conf = memoryResolverConfig({ operatorJwt, accountJwts: [sysJwt, accountJwt] });
 * ```
 */
export { type MemoryResolverInput, memoryResolverConfig } from './server-config.js';
