import { goJson } from './go-json.js';

/** A token format: the header it writes, the algorithm names it accepts, and how it writes JSON. */
export interface TokenFormat {
  readonly name: 'nats' | 'wascap';
  /** The exact header this format writes. */
  readonly header: { typ: string; alg: string };
  /** Accepted `alg` values, compared case-sensitively as the reference verifiers do. */
  readonly algorithms: readonly string[];
  /** The JSON text the format's reference implementation writes for a value (header and payload). */
  readonly stringify: (value: unknown) => string;
}

/** NATS JWT v2: `{"typ":"JWT","alg":"ed25519-nkey"}`; signature over `header.payload`. */
export const NATS_FORMAT: TokenFormat = { name: 'nats', header: { typ: 'JWT', alg: 'ed25519-nkey' }, algorithms: ['ed25519-nkey'], stringify: goJson };

/**
 * wasmCloud wascap: `{"typ":"jwt","alg":"Ed25519"}`; serde_json's compact JSON, which escapes
 * exactly what `JSON.stringify` does (quote, backslash, control characters; nothing else).
 */
export const WASCAP_FORMAT: TokenFormat = { name: 'wascap', header: { typ: 'jwt', alg: 'Ed25519' }, algorithms: ['Ed25519'], stringify: (v) => JSON.stringify(v) };
