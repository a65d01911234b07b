/**
 * What one wascap token says about itself, in the shape the generic walk reads (TokenFacts):
 * its signature, kind (told by the roles of its keys), `valid_signers`, and the coded findings
 * of the wascap codec (BAD_SIGNATURE, MALFORMED_TOKEN, WRONG_KEY_ROLE, SELF_ISSUED, and
 * WRONG_CLAIM_TYPE for a NATS JWT). Time is judged by the walk, with the policy's clock.
 */
import { sharedCache } from '../../bounded-map.js';
import { type Finding, isSigchainError } from '../../errors.js';
import { readWascapClaims } from '../../claims/wascap/codec.js';
import type { WascapKind } from '../../claims/wascap/types.js';
import { b64urlDecodeUtf8 } from '../../jwt/base64url.js';
import { type DecodedJwt, verifyJwtUncached } from '../../jwt/decode.js';
import { WASCAP_FORMAT } from '../../jwt/formats.js';
import type { TokenFacts } from '../nats/token-facts.js';
import { trimSpace } from '../../text.js';

/** {@link TokenFacts} of a wascap token; `type` is its wascap kind. */
export interface WascapFacts extends TokenFacts {
  readonly kind: WascapKind | undefined;
  /** The `wascap` metadata object (empty when unreadable). Never mutate it. */
  readonly wascap: Readonly<Record<string, unknown>>;
  /** `wascap.valid_signers` of an operator or account (empty otherwise). */
  readonly signers: readonly string[];
  /** `wascap_revision`, absent on tokens older than wascap 0.9. */
  readonly revision: number | undefined;
}

type Json = Record<string, unknown>;

const cache = sharedCache<string, WascapFacts>(10_000);

/** The wascap header as wascap and sigchain write it: `{"typ":"jwt","alg":"Ed25519"}`. */
export const WASCAP_HEADER = 'eyJ0eXAiOiJqd3QiLCJhbGciOiJFZDI1NTE5In0.';

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function finding(e: unknown): Finding {
  if (isSigchainError(e)) {
    const field = e.details?.field;
    return typeof field === 'string' ? { code: e.code, message: e.message, field } : { code: e.code, message: e.message };
  }
  return { code: 'MALFORMED_TOKEN', message: `The token could not be read: ${(e as Error)?.message ?? e}.` };
}

// The header's alg, to tell a NATS JWT (WRONG_CLAIM_TYPE) from a broken token.
function headerAlg(token: string): unknown {
  try {
    const text = b64urlDecodeUtf8(token.slice(0, Math.max(0, token.indexOf('.'))));
    const h = text === undefined ? undefined : (JSON.parse(text) as unknown);
    return typeof h === 'object' && h !== null ? (h as Json).alg : undefined;
  } catch {
    return undefined;
  }
}

// An unverified payload, only to name iss and sub in a verdict; never believed.
function unverifiedPayload(token: string): Json | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || parts[1]!.length > 1024 * 1024) return undefined;
  try {
    const text = b64urlDecodeUtf8(parts[1]!);
    const p = text === undefined ? undefined : (JSON.parse(text) as unknown);
    return typeof p === 'object' && p !== null && !Array.isArray(p) ? (p as Json) : undefined;
  } catch {
    return undefined;
  }
}

const NATS_GIVEN: Finding = {
  code: 'WRONG_CLAIM_TYPE',
  message: 'This is a NATS JWT where a wascap (wasmCloud) token is expected. Give the wascap token (from `sigchain wasm inspect`, wash, or a wasmCloud host).',
  field: 'alg',
};

function build(token: string): WascapFacts {
  const errors: Finding[] = [];
  let decoded: DecodedJwt | undefined;
  let claims: Json | undefined;
  let kind: WascapKind | undefined;
  let shown: Json | undefined;
  try {
    decoded = verifyJwtUncached(token, WASCAP_FORMAT);
  } catch (e) {
    const alg = headerAlg(token);
    errors.push(isSigchainError(e, 'UNSUPPORTED_ALGORITHM') && (alg === 'ed25519-nkey' || alg === 'ed25519') ? NATS_GIVEN : finding(e));
    shown = unverifiedPayload(token);
  }
  if (decoded) {
    try {
      const read = readWascapClaims(decoded);
      kind = read.kind;
      claims = read.claims as unknown as Json;
    } catch (e) {
      errors.push(finding(e));
      shown = decoded.claims as Json;
    }
  }
  if (claims && kind === 'operator' && claims.iss !== claims.sub) {
    errors.push({ code: 'INVALID_CLAIMS', message: `This operator token is signed by ${String(claims.iss)}, not by its own identity key ${String(claims.sub)}: operator tokens are self-signed. Get the operator's genuine JWT.`, field: 'iss' });
  }
  const from = claims ?? shown;
  const wascap = (claims && typeof claims.wascap === 'object' && claims.wascap !== null ? claims.wascap : {}) as Json;
  const signers = Array.isArray(wascap.valid_signers) ? Object.freeze((wascap.valid_signers as unknown[]).filter((k): k is string => typeof k === 'string')) : Object.freeze([] as string[]);
  return {
    token,
    claims,
    nats: {},
    type: kind,
    kind,
    wascap,
    signers,
    revision: num(claims?.wascap_revision),
    sub: str(from?.sub) ?? '',
    iss: str(from?.iss) ?? '',
    name: claims ? (str(wascap.name) ?? undefined) : undefined,
    iat: claims ? num(claims.iat) : undefined,
    exp: claims ? num(claims.exp) : undefined,
    nbf: claims ? num(claims.nbf) : undefined,
    jti: claims ? str(claims.jti) : undefined,
    signatureOk: decoded !== undefined,
    errors,
    warnings: [],
  };
}

/**
 * The facts of a wascap token (cached when its signature verifies). Never throws: an unreadable
 * token has `claims` undefined and a coded error (`MALFORMED_TOKEN`, `BAD_SIGNATURE`,
 * `WRONG_KEY_ROLE`, `SELF_ISSUED`, `WRONG_CLAIM_TYPE` for a NATS JWT, …).
 *
 * @example
 * ```ts
 * const f = wascapFacts(accountJwt);
 * if (f.signatureOk && f.kind === 'account') console.log(f.signers);
 * ```
 */
export function wascapFacts(token: string): WascapFacts {
  const key = typeof token === 'string' ? trimSpace(token) : '';
  const hit = cache.get(key);
  if (hit) return hit;
  const facts = build(key);
  if (facts.signatureOk) cache.set(key, facts);
  return facts;
}

/** True when `token` carries the wascap header (cheap; no parsing). */
export function isWascapToken(token: string): boolean {
  return typeof token === 'string' && token.trimStart().startsWith(WASCAP_HEADER);
}
