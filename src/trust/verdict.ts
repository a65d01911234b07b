/**
 * The verifier's answer. A verdict is data, not an exception: a chain can be wrong in several
 * ways at once, and a person fixing it wants every reason, each with a stable code.
 */
import type { ErrorCode, Finding } from '../errors.js';

/** What a link of a chain is: NATS users and wasmCloud actors are leaves below an account. */
export type LinkKind = 'operator' | 'account' | 'user' | 'actor';

/**
 * Which of its parent's keys signed a link: the parent's identity key, one of the signing keys
 * the parent's token lists (plain or scoped), or none the verifier could match.
 */
export type SignedBy = 'identity' | 'signing-key' | 'scoped-signing-key' | 'unknown';

/** One token of the chain, leaf first. */
export interface ChainLink {
  kind: LinkKind;
  /** The entity's identity key (the token's subject). */
  sub: string;
  /** The key that signed the token. */
  iss: string;
  name?: string;
  signedBy: SignedBy;
  /** The role of the scoped signing key that signed it, when `signedBy` is `scoped-signing-key`. */
  scope?: string;
  /** For users: the account named by `issuer_account`. */
  issuerAccount?: string;
  iat?: number;
  exp?: number;
  nbf?: number;
  jti?: string;
  /**
   * Where the link came from: the token being verified, a resolver, the policy's pinned
   * operator JWT, or a bare trusted key without any operator JWT (nats-server's `trusted_keys`).
   */
  source: 'token' | 'resolver' | 'policy' | 'trusted-key';
  /** True when no error is reported at this link. */
  valid: boolean;
}

/** Why a chain is invalid (an error) or questionable (a warning). */
export interface Reason extends Finding {
  /** The link the reason is about; `input` when the token is too broken to tell its kind. */
  at: LinkKind | 'input';
}

/** The verdict on one token and the chain above it. */
export interface Verdict {
  /** True iff `errors` is empty. */
  valid: boolean;
  /** The links that could be resolved, leaf first (user or actor, account, operator). */
  chain: ChainLink[];
  errors: Reason[];
  /** Non-blocking findings (e.g. `NO_EXPIRY`); they never make a chain invalid. */
  warnings: Reason[];
  /** The time (Unix seconds) the chain was judged at. */
  checkedAt: number;
}

/**
 * The codes of a verdict's errors, in order; handy in tests and scripts.
 *
 * @example
 * ```ts
 * errorCodes(await verifyChain(jwt, { resolver, policy })); // ['TOKEN_EXPIRED']
 * ```
 */
export function errorCodes(verdict: Verdict): ErrorCode[] {
  return verdict.errors.map((r) => r.code);
}
