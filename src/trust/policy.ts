/**
 * What a verifier accepts: trusted roots, strict separation of keys, banned keys, clock skew,
 * revoked jtis. One explicit object, so two verifiers given the same policy agree.
 */
import { supersedes } from './current-token.js';
import { SigchainError } from '../errors.js';
import { decodeOperator } from '../claims/nats/decode.js';
import { decodePublicKey } from '../nkeys/codec.js';
import { decodeWascap } from '../claims/wascap/codec.js';
import { isWascapToken } from './wascap/token-facts.js';
import { trimSpace } from '../text.js';

/** A jti revocation list: jti → Unix seconds from which the token counts as revoked (0 = always). */
export type JtiRevocations = Readonly<Record<string, number>> | ReadonlyMap<string, number> | ((jti: string) => number | boolean | undefined);

/** What {@link definePolicy} takes. Every field is optional. */
export interface PolicyOptions {
  /**
   * The roots: operator public keys (O…) and/or operator JWTs (NATS or wascap). A JWT is pinned: it is the
   * operator's current token, whatever a resolver holds. A bare key is looked up in the
   * resolver, and when no JWT is found it is trusted as nats-server's `trusted_keys` are:
   * accounts it signs directly are trusted.
   */
  trustedOperators?: Iterable<string>;
  /**
   * Strict separation of keys: an account signed by its operator's identity key is refused
   * (`IDENTITY_KEY_MISUSE`) even when the operator does not set `strict_signing_key_usage`.
   * Default false (nats-server's behaviour; such accounts only get a warning).
   */
  requireSigningKeys?: boolean;
  /** Keys no link may be signed by or be about (`KEY_BANNED`), e.g. a rotated-out operator identity. */
  bannedKeys?: Iterable<string>;
  /** Seconds of clock difference tolerated for `exp` and `nbf`. Default 0, as nats-server. */
  clockSkewSeconds?: number;
  /** The time to judge at: Unix seconds, a Date, or a function returning either. Default: now. */
  now?: number | Date | (() => number | Date);
  /** Tokens revoked by jti (nats-server never checks jtis; this is sigchain's own list). */
  revokedJtis?: JtiRevocations;
  /** Check `exp`/`nbf` and users' connect-time windows (default true). Turn off only to inspect old chains. */
  checkTime?: boolean;
  /**
   * The connection to judge a user's `src` and `allowed_connection_types` against, as
   * nats-server does at connect time. Without it those limits are reported as warnings only.
   */
  connection?: ConnectionContext;
}

/** Where a client connects from and how (nats-server's view of a connection). */
export interface ConnectionContext {
  /** The client's IP address, e.g. `127.0.0.1`. */
  ip?: string;
  /** The kind of connection: `STANDARD` (plain NATS), `WEBSOCKET`, `LEAFNODE`, `MQTT`, … */
  type?: string;
}

const BRAND: unique symbol = Symbol('sigchain.policy');

/** A checked, normalised policy. Build one with {@link definePolicy} or {@link natsServerPolicy}. */
export interface Policy {
  readonly [BRAND]: true;
  /** Public keys of every trusted operator (pinned JWTs included). */
  readonly trustedKeys: ReadonlySet<string>;
  /** Pinned operator JWTs, by operator public key. */
  readonly pinnedOperators: ReadonlyMap<string, string>;
  readonly requireSigningKeys: boolean;
  readonly bannedKeys: ReadonlySet<string>;
  readonly clockSkewSeconds: number;
  readonly checkTime: boolean;
  readonly connection: Readonly<ConnectionContext> | undefined;
  /** The time to judge at, Unix seconds with a fraction (Go compares against a sub-second clock). */
  now(): number;
  /** When the token with this jti was revoked (Unix seconds), or undefined if it is not. */
  jtiRevokedSince(jti: string): number | undefined;
}

function seconds(t: number | Date): number {
  return typeof t === 'number' ? t : t.getTime() / 1000;
}

function clock(now: PolicyOptions['now']): () => number {
  if (now === undefined) return () => Date.now() / 1000;
  if (typeof now === 'function') return () => seconds(now());
  const fixed = seconds(now);
  if (!Number.isFinite(fixed)) throw new SigchainError('USAGE', 'The policy time (now) is not a valid time.');
  return () => fixed;
}

function jtiLookup(list: JtiRevocations | undefined): (jti: string) => number | undefined {
  if (list === undefined) return () => undefined;
  if (typeof list === 'function') {
    return (jti) => {
      const v = list(jti);
      return v === true ? 0 : typeof v === 'number' ? v : undefined;
    };
  }
  if (list instanceof Map) return (jti) => list.get(jti);
  const record = list as Readonly<Record<string, number>>;
  return (jti) => (Object.prototype.hasOwnProperty.call(record, jti) ? record[jti] : undefined);
}

// An operator JWT given as a root (NATS or wascap) must be a genuine, self-signed operator
// token. Its expiry is judged in the chain, with the policy's clock.
function pinned(token: string): { sub: string; iat: number } {
  const op = isWascapToken(token) ? decodeWascap(token, { expect: 'operator', checkTime: false }).claims : decodeOperator(token);
  if (op.iss !== op.sub) {
    throw new SigchainError('INVALID_CLAIMS', `The trusted operator JWT for ${op.sub} is signed by ${op.iss}; an operator token must be signed by its own identity key. Get the operator's genuine JWT.`);
  }
  return { sub: op.sub, iat: op.iat ?? 0 };
}

/**
 * Checks and normalises policy options. Throws a coded error for a root that is neither an
 * operator key nor a genuine operator JWT (`NKEY_WRONG_ROLE`, `BAD_SIGNATURE`, …), a banned
 * "key" that is not a public key, or a negative clock skew.
 *
 * @example
 * ```ts
 * const policy = definePolicy({ trustedOperators: [operatorJwt], requireSigningKeys: true, bannedKeys: [oldIdentity] });
 * const verdict = await verifyChain(userJwt, { resolver, policy });
 * ```
 */
export function definePolicy(options: PolicyOptions = {}): Policy {
  const trustedKeys = new Set<string>();
  const pinnedOperators = new Map<string, string>();
  const pinnedIat = new Map<string, number>();
  for (const raw of options.trustedOperators ?? []) {
    const text = trimSpace(String(raw));
    if (text.startsWith('eyJ')) {
      const { sub, iat } = pinned(text);
      trustedKeys.add(sub);
      // Two JWTs of one operator: the newer is its current token (pinned ones are verified).
      const known = pinnedIat.get(sub);
      if (supersedes({ verified: true, iat }, known === undefined ? undefined : { verified: true, iat: known })) {
        pinnedOperators.set(sub, text);
        pinnedIat.set(sub, iat);
      }
    } else {
      decodePublicKey(text, ['operator']);
      trustedKeys.add(text);
    }
  }
  const bannedKeys = new Set<string>();
  for (const raw of options.bannedKeys ?? []) {
    const key = trimSpace(String(raw));
    decodePublicKey(key);
    bannedKeys.add(key);
  }
  const skew = options.clockSkewSeconds ?? 0;
  if (!Number.isFinite(skew) || skew < 0) throw new SigchainError('USAGE', `The clock skew must be zero or more seconds; got ${skew}.`);
  return {
    [BRAND]: true,
    trustedKeys,
    pinnedOperators,
    requireSigningKeys: options.requireSigningKeys === true,
    bannedKeys,
    clockSkewSeconds: skew,
    checkTime: options.checkTime !== false,
    connection: options.connection ? { ...options.connection } : undefined,
    now: clock(options.now),
    jtiRevokedSince: jtiLookup(options.revokedJtis),
  };
}

/**
 * The policy nats-server 2.9.10 applies, and nothing more: the given operators trusted (as its
 * `operator`/`trusted_keys` settings), no clock skew, exp/nbf checked, no jti revocations, no
 * banned keys, and identity-signed accounts accepted unless the operator itself is strict.
 * Verdicts under it agree with the server's accept/reject; give `connection` (the client's IP
 * and connection type) to also judge `src` and `allowed_connection_types` as it does.
 *
 * @example
 * ```ts
 * const v = await verifyChain(userJwt, { resolver: memoryResolver(preloadedAccountJwts), policy: natsServerPolicy([operatorJwt]) });
 * ```
 */
export function natsServerPolicy(trustedOperators: Iterable<string>, options: Pick<PolicyOptions, 'now' | 'connection'> = {}): Policy {
  return definePolicy({
    trustedOperators,
    ...(options.now !== undefined ? { now: options.now } : {}),
    ...(options.connection !== undefined ? { connection: options.connection } : {}),
  });
}

/**
 * True when `value` was made by {@link definePolicy} (or {@link natsServerPolicy}).
 *
 * @example
 * ```ts
 * const policy = isPolicy(input) ? input : definePolicy(input);
 * ```
 */
export function isPolicy(value: unknown): value is Policy {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}
