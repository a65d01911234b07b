/** A token format: the header it writes and the algorithm names it accepts. */
export interface TokenFormat {
  readonly name: 'nats' | 'wascap';
  /** The exact header this format writes. */
  readonly header: { typ: string; alg: string };
  /** Accepted `alg` values, compared case-sensitively as the reference verifiers do. */
  readonly algorithms: readonly string[];
}

/** NATS JWT v2: `{"typ":"JWT","alg":"ed25519-nkey"}`; signature over `header.payload`. */
export const NATS_FORMAT: TokenFormat = { name: 'nats', header: { typ: 'JWT', alg: 'ed25519-nkey' }, algorithms: ['ed25519-nkey'] };

/** wasmCloud wascap: `{"typ":"jwt","alg":"Ed25519"}`. */
export const WASCAP_FORMAT: TokenFormat = { name: 'wascap', header: { typ: 'jwt', alg: 'Ed25519' }, algorithms: ['Ed25519'] };
