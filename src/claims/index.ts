/** Typed claim shapes and builders, by token format. */
export * from './nats/index.js';
export * from './wascap/index.js';
