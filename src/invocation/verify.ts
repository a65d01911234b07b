/**
 * Judging a received invocation as a zero-trust host should: every check 0.82 made
 * (`validate_antiforgery`), plus the two its documents promised and no host had — the token's
 * subject must be the invocation ID (else a token lifted from one invocation could carry
 * another ID past a replay cache), and an ID is accepted once inside its window (REPLAY) — and
 * a bound on the age of tokens without expiry (STALE), which is what makes the window finite.
 *
 * Order: the invocation's own shape (host ID first, as 0.82), then the token (format, signature,
 * issuer, time, metadata), then what the token says against the invocation (subject, target,
 * origin, hash), then the age; the ID is admitted to the replay cache only when nothing was
 * found, so a refused invocation never takes a place in it.
 */
import { readWascapClaims } from '../claims/wascap/codec.js';
import type { InvocationClaims } from '../claims/wascap/types.js';
import { type ErrorCode, type Finding, SigchainError, isSigchainError } from '../errors.js';
import { b64urlDecodeUtf8 } from '../jwt/base64url.js';
import { type DecodedJwt, verifyJwtUncached } from '../jwt/decode.js';
import { WASCAP_FORMAT } from '../jwt/formats.js';
import { entityUrl, targetUrl } from './entity.js';
import { invocationHashOf } from './hash.js';
import { DEFAULT_MAX_AGE_SECONDS, type ReplayCache } from './replay-cache.js';
import { checkInvocationShape, isChunked } from './shape.js';
import type { InvocationRequest } from './types.js';

/** How {@link verifyInvocation} judges. */
export interface VerifyInvocationOptions {
  /** The cluster public keys (C…) whose invocations are accepted. */
  issuers: readonly string[] | ReadonlySet<string>;
  /**
   * The oldest a token without `exp` may be, in seconds (default 300): older is `STALE`. This
   * bounds how long a captured 0.82 invocation (which never expires) can be replayed.
   */
  maxAgeSeconds?: number;
  /**
   * The replay cache IDs are admitted to (one per host, shared by every invocation it receives).
   * Without one, no replay is detected.
   */
  replay?: ReplayCache;
  /** The time to judge at, Unix seconds (may have a fraction). Default: now. */
  now?: number;
  /** Seconds of clock difference tolerated for `exp`, `nbf` and an `iat` ahead of now. Default 5. */
  clockSkewSeconds?: number;
}

/** What {@link verifyInvocation} found. */
export interface InvocationVerdict {
  /** True when nothing was found (and, with a replay cache, the ID was admitted). */
  readonly valid: boolean;
  /** The invocation's ID as it came. */
  readonly id: string;
  /** Everything found wrong, most fundamental first; empty when valid. */
  readonly findings: readonly Finding[];
  /** The verified token's claims, when its signature verified and its claims read. */
  readonly claims?: InvocationClaims;
  /**
   * False for a chunked invocation (empty `msg`, body in the object store): its hash can only be
   * checked once the body is fetched (`invocationHash({ ...req, msg: body }) === claims.wascap.hash`).
   */
  readonly hashChecked: boolean;
}

/** The default tolerance for clock differences between hosts, in seconds. */
export const DEFAULT_INVOCATION_CLOCK_SKEW_SECONDS = 5;

function finding(code: ErrorCode, message: string, field?: string): Finding {
  return field === undefined ? { code, message } : { code, message, field };
}

function iso(t: number): string {
  return Number.isFinite(t) && Math.abs(t) < 8.64e12 ? new Date(t * 1000).toISOString().replace('.000Z', 'Z') : String(t);
}

function looksNats(token: string): boolean {
  const dot = token.indexOf('.');
  if (dot < 0) return false;
  const header = b64urlDecodeUtf8(token.slice(0, dot));
  return header !== undefined && /"alg"\s*:\s*"ed25519(-nkey)?"/.test(header);
}

const NATS_GIVEN = 'The invocation token is a NATS JWT, not a wascap invocation token signed by a cluster key: the invocation was not made by a wasmCloud host, or its token was swapped.';

// The token's failure as one of the invocation codes: a verifier answers the same few codes
// whatever the decoder below it says.
function tokenFinding(e: SigchainError): Finding {
  const field = typeof e.details?.field === 'string' ? e.details.field : undefined;
  switch (e.code) {
    case 'BAD_SIGNATURE':
      return finding('BAD_SIGNATURE', `The invocation token's signature does not verify with its issuer: it was forged or changed after signing.`, 'encoded_claims');
    case 'WRONG_CLAIM_TYPE':
      return finding('WRONG_CLAIM_TYPE', e.message.startsWith('This is a NATS JWT') ? NATS_GIVEN : e.message, 'encoded_claims');
    case 'SELF_ISSUED':
      return finding('WRONG_CLAIM_TYPE', `The invocation token is an entity's token (its subject is a key), not an invocation's: ${e.message}`, 'encoded_claims');
    case 'WRONG_KEY_ROLE':
      if (field === 'iss') return finding('ISSUER_NOT_TRUSTED', `The invocation token is signed by a key that is not a cluster key: ${e.message}`, 'encoded_claims.iss');
      return finding('WRONG_CLAIM_TYPE', `The invocation token is not an invocation's token: ${e.message}`, 'encoded_claims');
    case 'MALFORMED_TOKEN':
      if (field !== undefined && (field === 'wascap' || (field.startsWith('wascap.') && e.message.includes('required field is missing')))) {
        return finding('MISSING_CLAIMS', `The invocation token carries no invocation metadata (${field} is missing or not an object): no wascap metadata found on claims.`, `encoded_claims.${field}`);
      }
      return finding('MALFORMED_TOKEN', `The invocation token is malformed: ${e.message}`, field === undefined ? 'encoded_claims' : `encoded_claims.${field}`);
    default:
      return finding('MALFORMED_TOKEN', `The invocation token is malformed: ${e.message}`, 'encoded_claims');
  }
}

// Signature, then the claims: either the claims of an invocation token or why not.
function readToken(token: string): InvocationClaims | Finding {
  let decoded: DecodedJwt;
  try {
    // Uncached: every invocation's token is new, and the shared cache is for chains.
    decoded = verifyJwtUncached(token, WASCAP_FORMAT);
  } catch (e) {
    if (!isSigchainError(e)) throw e;
    if (e.code === 'UNSUPPORTED_ALGORITHM' && looksNats(token)) return finding('WRONG_CLAIM_TYPE', NATS_GIVEN, 'encoded_claims');
    return tokenFinding(e);
  }
  try {
    const { kind, claims } = readWascapClaims(decoded, { owned: true });
    if (kind !== 'invocation') {
      return finding('WRONG_CLAIM_TYPE', `The invocation token is ${kind === 'actor' || kind === 'account' || kind === 'operator' ? 'an' : 'a'} ${kind} token (its subject is a ${kind} key), not an invocation token.`, 'encoded_claims');
    }
    return claims as InvocationClaims;
  } catch (e) {
    if (!isSigchainError(e)) throw e;
    return tokenFinding(e);
  }
}

function hasIssuer(issuers: readonly string[] | ReadonlySet<string>, iss: string): boolean {
  return Array.isArray(issuers) ? issuers.includes(iss) : (issuers as ReadonlySet<string>).has(iss);
}

/**
 * Judges one received invocation (see the module notes for the order). Codes: from the shape,
 * `MALFORMED_INVOCATION` and `INVALID_HOST_ID`; from the token, `MALFORMED_TOKEN`,
 * `BAD_SIGNATURE`, `WRONG_CLAIM_TYPE` (a NATS JWT or an entity's token given as the invocation
 * token), `ISSUER_NOT_TRUSTED` (iss not among `issuers`), `TOKEN_EXPIRED`,
 * `TOKEN_NOT_YET_VALID` (nbf, or iat, ahead of now), `MISSING_CLAIMS`; against the invocation,
 * `SUBJECT_MISMATCH` (sub ≠ id), `TARGET_MISMATCH`, `ORIGIN_MISMATCH`, `HASH_MISMATCH`; then
 * `STALE` (no exp and iat older than `maxAgeSeconds`), and last `REPLAY` or `REPLAY_CACHE_FULL`
 * from the cache. An accepted ID is remembered until the token could no longer be accepted
 * (exp, or iat + maxAge, plus the skew) and at least the cache's own window. Never throws for
 * bad input: every refusal is a finding.
 *
 * @example
 * ```ts
 * const replay = new ReplayCache({ maxAgeSeconds: 300 });
 * const verdict = verifyInvocation(decodeInvocation(msg.data), { issuers: cluster.issuers, replay });
 * if (!verdict.valid) reply(`${verdict.findings[0]!.code}: ${verdict.findings[0]!.message}`);
 * ```
 */
export function verifyInvocation(req: InvocationRequest, options: VerifyInvocationOptions): InvocationVerdict {
  const maxAge = options.maxAgeSeconds ?? DEFAULT_MAX_AGE_SECONDS;
  const skew = options.clockSkewSeconds ?? DEFAULT_INVOCATION_CLOCK_SKEW_SECONDS;
  const now = options.now ?? Date.now() / 1000;
  const findings = checkInvocationShape(req);
  const chunked = isChunked(req);
  let claims: InvocationClaims | undefined;
  if (req.encoded_claims !== '') {
    const read = readToken(req.encoded_claims);
    if ('code' in read) findings.push(read);
    else claims = read;
  }
  if (claims !== undefined) {
    const c = claims;
    if (!hasIssuer(options.issuers, c.iss)) {
      findings.push(finding('ISSUER_NOT_TRUSTED', `The invocation is signed by ${c.iss}, which is not among this host's cluster issuers: issuer of this invocation is not among the list of valid issuers.`, 'encoded_claims.iss'));
    }
    if (c.exp !== undefined && now > c.exp + skew) {
      findings.push(finding('TOKEN_EXPIRED', `The invocation token expired at ${iso(c.exp)}: invocation claims token expired.`, 'encoded_claims.exp'));
    }
    if (c.nbf !== undefined && c.nbf > now + skew) {
      findings.push(finding('TOKEN_NOT_YET_VALID', `The invocation token is not valid before ${iso(c.nbf)}: attempt to use invocation before claims token allows (or this host's clock is behind).`, 'encoded_claims.nbf'));
    } else if (c.iat > now + skew) {
      // A token from the future would outlive every replay window: refused like an early one.
      findings.push(finding('TOKEN_NOT_YET_VALID', `The invocation token says it was issued at ${iso(c.iat)}, in the future: its issuer's clock or this host's is wrong.`, 'encoded_claims.iat'));
    }
    const m = c.wascap;
    if (c.sub !== req.id) {
      findings.push(finding('SUBJECT_MISMATCH', `The invocation token was issued for invocation ${c.sub.slice(0, 80)}, not for this one (${req.id.slice(0, 80)}): its encoded_claims were taken from another invocation.`, 'encoded_claims.sub'));
    }
    const targetWithOp = targetUrl(req.target, req.operation);
    if (m.target_url !== targetWithOp) {
      findings.push(finding('TARGET_MISMATCH', `The invocation token was signed for the target ${m.target_url.slice(0, 200)}, not this invocation's target and operation: invocation claims and invocation target URL do not match.`, 'encoded_claims.wascap.target_url'));
    }
    const originUrl = entityUrl(req.origin);
    if (m.origin_url !== originUrl) {
      findings.push(finding('ORIGIN_MISMATCH', `The invocation token was signed for the origin ${m.origin_url.slice(0, 200)}, not this invocation's: invocation claims and invocation origin URL do not match.`, 'encoded_claims.wascap.origin_url'));
    }
    if (!chunked) {
      const hash = invocationHashOf(originUrl, targetWithOp, req.operation, req.msg);
      if (m.hash !== hash) {
        findings.push(finding('HASH_MISMATCH', `The invocation was changed after signing: invocation hash does not match signed claims hash (${m.hash.slice(0, 64)} / ${hash}).`, 'msg'));
      }
    }
    if (c.exp === undefined && now - c.iat > maxAge) {
      findings.push(finding('STALE', `The invocation token has no expiry and was issued at ${iso(c.iat)}, more than ${maxAge} s ago: too old to tell from a replay.`, 'encoded_claims.iat'));
    }
  }
  if (findings.length === 0 && claims !== undefined && options.replay !== undefined) {
    // The last second the token could be accepted; the cache keeps the ID at least that long.
    const acceptedUntil = claims.exp !== undefined ? claims.exp + skew : claims.iat + maxAge;
    const refused = options.replay.admit(req.id, acceptedUntil, now * 1000);
    if (refused) findings.push(refused);
  }
  const verdict: { valid: boolean; id: string; findings: Finding[]; claims?: InvocationClaims; hashChecked: boolean } = {
    valid: findings.length === 0 && claims !== undefined,
    id: req.id,
    findings,
    hashChecked: claims !== undefined && !chunked,
  };
  if (claims !== undefined) verdict.claims = claims;
  return verdict;
}

/**
 * {@link verifyInvocation} for callers that want one error: throws the first finding as a
 * {@link SigchainError}, else returns the verified claims.
 *
 * @example
 * ```ts
 * const claims = assertInvocation(req, { issuers, replay }); // throws REPLAY, HASH_MISMATCH, …
 * ```
 */
export function assertInvocation(req: InvocationRequest, options: VerifyInvocationOptions): InvocationClaims {
  const v = verifyInvocation(req, options);
  const first = v.findings[0];
  if (first) throw new SigchainError(first.code, first.message, first.field === undefined ? undefined : { field: first.field, id: v.id });
  return v.claims!;
}
