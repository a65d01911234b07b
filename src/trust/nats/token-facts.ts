/**
 * What one token says about itself, independent of any chain, policy or clock: its signature,
 * its version and type, the roles of its keys, and Go's validation rules. Cached per token, so
 * a warm chain (account and operator seen before) costs only map lookups above the leaf.
 */
import { sharedCache } from '../../bounded-map.js';
import { type Finding, isSigchainError } from '../../errors.js';
import { checkPayloadShape } from '../../claims/nats/check-shape.js';
import { claimKind } from '../../claims/nats/kinds.js';
import { inspectNatsClaims, payloadTextOf, shapeError } from '../../claims/nats/decode.js';
import { NATS_JWT_VERSION, type NatsClaims } from '../../claims/nats/types.js';
import { DEFAULT_MAX_CONTROL_LINE, connectLineSize, validateShapedClaims } from '../../claims/nats/validate.js';
import { verifyJwtUncached } from '../../jwt/decode.js';
import { isPublicKey } from '../../nkeys/codec.js';
import { roleOfKey } from '../../nkeys/roles.js';
import { trimSpace } from '../../text.js';

/** A finding about one token, not yet placed in a chain. */

/** The facts of one token. `claims` is shared and cached: never mutate it. */
export interface TokenFacts {
  readonly token: string;
  /** The payload, or undefined when the token is not a readable JWT at all. */
  readonly claims: Readonly<Record<string, unknown>> | undefined;
  /** `nats` of the payload (empty when absent). */
  readonly nats: Readonly<Record<string, unknown>>;
  /** `nats.type`. */
  readonly type: string | undefined;
  readonly sub: string;
  readonly iss: string;
  readonly name: string | undefined;
  readonly iat: number | undefined;
  readonly exp: number | undefined;
  readonly nbf: number | undefined;
  readonly jti: string | undefined;
  /** True when the Ed25519 signature verified against `iss` (the claims can be believed). */
  readonly signatureOk: boolean;
  readonly errors: readonly Finding[];
  readonly warnings: readonly Finding[];
}

const CACHE_LIMIT = 10_000;
const cache = sharedCache<string, TokenFacts>(CACHE_LIMIT);
// Facts are kept from a token's second reading on; the first leaves only a mark, in a small
// table. Most tokens a verifier sees once (a user connecting): keeping the parsed claims of
// each, or even a mark in a 10,000-entry table, cost every fresh verify several percent (V8's
// old generation, cache misses). The parents above them, and tokens presented again (a bearer
// token on every request), are read a second time soon enough.
const MARKS_LIMIT = 1024;
const seenOnce = sharedCache<string, true>(MARKS_LIMIT);

type Json = Record<string, unknown>;

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function a(r: string | undefined): string {
  return r === undefined ? 'an unknown key' : `${/^[aeiou]/.test(r) ? 'an' : 'a'} ${r} key`;
}

const LETTER: Readonly<Partial<Record<string, string>>> = { operator: 'O', account: 'A', user: 'U' };

// Which keys may sign and be the subject of each type in a chain: the claim-kind table's
// `subject` and `vouchedBy`. Go also lets an account key sign an account (nsc's "managed
// operator" flow), but such a token is vouched for by no operator.
function roleIssues(type: string, sub: string, iss: string, out: Finding[]): void {
  const kind = claimKind(type);
  if (!kind || type === 'activation') return;
  const subRole = roleOfKey(sub);
  if (subRole !== undefined && !isPublicKey(sub)) {
    out.push({ code: 'INVALID_CLAIMS', message: `The subject ${sub} is not a valid public key (bad checksum or characters). The token is malformed; do not use it.`, field: 'sub' });
  }
  const issRole = roleOfKey(iss);
  const wrong = (message: string, field: string) => out.push({ code: 'WRONG_KEY_ROLE', message, field });
  if (subRole !== kind.subject) {
    wrong(`The subject of ${a(type).replace(' key', '')} token must be ${a(kind.subject)} (${LETTER[kind.subject]}…); this one is ${a(subRole)}. The token is malformed; do not use it.`, 'sub');
  }
  if (type === 'user' && iss === sub) {
    out.push({
      code: 'SELF_ISSUED',
      message: "This user token is signed by the user's own key: a user cannot vouch for itself. Ask the account owner to issue it with the account key or an account signing key.",
      field: 'iss',
    });
  } else if (type === 'account' && issRole === 'account') {
    wrong(
      iss === sub
        ? "This account token is self-signed (nsc's managed-operator flow): no operator vouches for it. Have the operator sign it with an operator signing key."
        : `This account token is signed by another account's key (${iss}): only ${kind.voucherHint} may vouch for an account. Do not trust it.`,
      'iss',
    );
  } else if (issRole !== kind.vouchedBy) {
    wrong(`This ${type} token is signed by ${a(issRole)} (${iss}); only ${kind.voucherHint} may sign ${type} tokens. Do not trust it.`, 'iss');
  } else if (type === 'operator' && iss !== sub) {
    out.push({ code: 'INVALID_CLAIMS', message: `This operator token is signed by ${iss}, not by its own identity key ${sub}: operator tokens are self-signed. Get the operator's genuine JWT.`, field: 'iss' });
  }
}

function signatureIssue(e: unknown, header: Json | undefined): Finding {
  if (isSigchainError(e, 'UNSUPPORTED_ALGORITHM') && header?.alg === 'ed25519') {
    return { code: 'UNSUPPORTED_VERSION', message: 'This is a NATS JWT v1 token (alg "ed25519"); nats-server 2.2+ reads only v2 tokens. Re-issue it with a current tool.', field: 'alg' };
  }
  if (isSigchainError(e)) return { code: e.code, message: e.message, ...(e.code === 'UNSUPPORTED_ALGORITHM' ? { field: 'alg' } : {}) };
  return { code: 'MALFORMED_TOKEN', message: `The token could not be read: ${(e as Error)?.message ?? e}.` };
}

interface Validated {
  issue: Finding;
  warning: boolean;
}

// Go's Validate findings that depend on the claims alone (what nats-server runs on users and
// accounts). Time checks are redone by the verifier with the policy's clock and skew; the
// subject check is done by roleIssues; the CONNECT-size estimate is skipped, since the exact
// size of the token in hand is checked instead. Every user finding left depends only on `nats`,
// which the users of one account usually share: the findings of the last few distinct `nats`
// objects are kept, and a fresh user is matched to them by structure (cheaper than validating
// again or serialising a key), keeping a warm chain at about one Ed25519 verify.
const USER_FINDINGS_KEPT = 8;
const userFindings: { nats: unknown; findings: Validated[] }[] = [];
let nextSlot = 0;

function validated(claims: Json): Validated[] {
  // Only claims that passed checkPayloadShape get here (see tokenFacts).
  const found = validateShapedClaims(claims as unknown as NatsClaims, { now: Number.MIN_SAFE_INTEGER + 1, maxControlLine: Number.POSITIVE_INFINITY });
  const out: Validated[] = [];
  for (const i of found.errors) if (!i.timeCheck && i.field !== 'sub') out.push({ issue: issue(i), warning: false });
  for (const i of found.warnings) out.push({ issue: issue(i), warning: true });
  return out;
}

// Deeper than any real claims; deeper values are simply not matched (the findings are recomputed).
const SAME_JSON_MAX_DEPTH = 32;

/** Deep equality of two values JSON.parse made (no cycles, functions or undefined), to a bounded depth. */
function sameJson(a: unknown, b: unknown, depth = 0): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || depth > SAME_JSON_MAX_DEPTH) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i], b[i], depth + 1)) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const x = a as Json;
  const y = b as Json;
  let n = 0;
  for (const k in x) {
    if (!Object.hasOwn(y, k) || !sameJson(x[k], y[k], depth + 1)) return false;
    n++;
  }
  for (const _ in y) n--;
  return n === 0;
}

function staticFindings(claims: Json, type: string | undefined): Validated[] {
  if (type !== 'user') return validated(claims);
  for (const m of userFindings) if (sameJson(m.nats, claims.nats)) return m.findings;
  const findings = validated(claims);
  userFindings[nextSlot] = { nats: claims.nats, findings };
  nextSlot = (nextSlot + 1) % USER_FINDINGS_KEPT;
  return findings;
}

function build(token: string): TokenFacts {
  const errors: Finding[] = [];
  const warnings: Finding[] = [];
  let claims: Json | undefined;
  let signatureOk = false;
  try {
    const decoded = verifyJwtUncached(token);
    claims = decoded.claims;
    signatureOk = true;
    // Claims Go would not decode are refused whole: nothing below reads a field of another type.
    const problem = checkPayloadShape(claims, decoded.payloadNotes, () => payloadTextOf(decoded));
    if (problem) {
      errors.push({ code: problem.code, message: shapeError(problem).message, ...(problem.field ? { field: problem.field } : {}) });
      claims = undefined;
    }
  } catch (e) {
    // Keep reading an unverified token only to explain more; its claims are never believed,
    // and are kept only when they have the shape the rules below read.
    let header: Json | undefined;
    try {
      const seen = inspectNatsClaims(token);
      header = seen.header;
      claims = checkPayloadShape(seen.claims, 0, () => '') ? undefined : seen.claims;
    } catch {
      claims = undefined;
    }
    errors.push(signatureIssue(e, header));
  }
  const nats = (claims && typeof claims.nats === 'object' && claims.nats !== null && !Array.isArray(claims.nats) ? claims.nats : {}) as Json;
  const type = str(nats.type);
  const sub = str(claims?.sub) ?? '';
  const iss = str(claims?.iss) ?? '';
  if (claims && signatureOk) {
    const version = nats.version;
    if (claims.nats === undefined || typeof claims.nats !== 'object') {
      errors.push({ code: 'MALFORMED_TOKEN', message: 'The token has no "nats" object: it is not a NATS JWT v2. Check that the right token was given.', field: 'nats' });
    } else if (version !== NATS_JWT_VERSION) {
      const newer = typeof version === 'number' && version > NATS_JWT_VERSION;
      errors.push({
        code: 'UNSUPPORTED_VERSION',
        message: newer ? `The token is NATS JWT version ${version}; sigchain reads version 2. Upgrade sigchain.` : 'The token is not a NATS JWT v2 (v1 or unversioned); re-issue it with a current tool.',
        field: 'nats.version',
      });
    } else if (!type) {
      // Go reads claims without nats.type as generic ones, which its Decode refuses.
      errors.push({ code: 'MALFORMED_TOKEN', message: 'The token has no nats.type: Go reads it as untyped claims and refuses it. Check that the right token was given.', field: 'nats.type' });
    } else if (type !== 'user' && type !== 'account' && type !== 'operator') {
      errors.push({ code: 'WRONG_CLAIM_TYPE', message: `The token is ${type ? `a "${type}"` : 'an untyped'} token; a chain is verified from a user, account or operator token.`, field: 'nats.type' });
    }
  }
  if (claims && type) roleIssues(type, sub, iss, errors);
  if (claims && signatureOk && errors.length === 0) {
    // Go's Validate (what nats-server runs on users and accounts). Its time checks are redone
    // by the verifier with the policy's clock and skew; its subject-role check duplicates ours.
    for (const i of staticFindings(claims, type)) (i.warning ? warnings : errors).push(i.issue);
    if (type === 'user' && connectLineSize(token) > DEFAULT_MAX_CONTROL_LINE) {
      warnings.push({
        code: 'CONNECT_LINE_TOO_LONG',
        message: `The user JWT is ${token.length} bytes: a client's CONNECT line would exceed nats-server's default max_control_line (${DEFAULT_MAX_CONTROL_LINE}) and the connection would be refused. Trim permissions, use a scoped signing key, or raise max_control_line.`,
      });
    }
  }
  return {
    token,
    claims,
    nats,
    type,
    sub,
    iss,
    name: str(claims?.name),
    iat: num(claims?.iat),
    exp: num(claims?.exp),
    nbf: num(claims?.nbf),
    jti: str(claims?.jti),
    signatureOk,
    errors,
    warnings,
  };
}

// Validation speaks Go's lowercase; a verdict's sentences start with a capital.
function issue(i: Finding): Finding {
  const message = i.message.charAt(0).toUpperCase() + i.message.slice(1);
  return i.field ? { code: i.code, message, field: i.field } : { code: i.code, message };
}

/**
 * The facts of `token`, from the cache when it was read before (facts are kept from a token's
 * second reading: most user tokens are seen once). Never throws: an unreadable token has
 * `claims` undefined and a `MALFORMED_TOKEN` (or similar) error.
 *
 * @example
 * ```ts
 * const f = tokenFacts(accountJwt);
 * if (f.signatureOk && f.type === 'account') console.log(f.sub);
 * ```
 */
export function tokenFacts(token: string): TokenFacts {
  const key = typeof token === 'string' ? trimSpace(token) : '';
  const hit = cache.get(key);
  if (hit) return hit;
  const facts = build(key);
  // Forgeries are not cached: a stream of distinct bad tokens must not evict good ones.
  if (facts.signatureOk) {
    if (seenOnce.delete(key)) cache.set(key, facts);
    else seenOnce.set(key, true);
  }
  return facts;
}
