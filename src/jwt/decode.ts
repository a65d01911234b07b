import { sharedCache } from '../bounded-map.js';
import { SigchainError } from '../errors.js';
import { verifySignature } from '../nkeys/keypair.js';
import { takeVerified, waiting } from './ahead-memo.js';
import { b64urlDecode, b64urlDecodeUtf8 } from './base64url.js';
import { NATS_FORMAT, type TokenFormat } from './formats.js';
import { asciiInScratch } from './scratch.js';
import { goFold, parseStrictJson } from './strict-json.js';
import { trimSpace } from '../text.js';

/** Tokens larger than this are refused, as nats-server refuses them (jwt v2.8.1+). */
export const MAX_TOKEN_SIZE = 1024 * 1024;

/** A token split into its parts, signature not yet checked. */
export interface DecodedJwt<C = Record<string, unknown>> {
  readonly token: string;
  readonly header: { typ?: string; alg?: string; [k: string]: unknown };
  readonly claims: C;
  /** `header.payload`, the bytes the signature covers. */
  readonly signingInput: string;
  readonly signature: Uint8Array;
  /** What the payload's text holds that a schema may need (`JSON_FRACTIONS`, `JSON_ESCAPES` bit flags of strict-json). */
  readonly payloadNotes: number;
}

function malformed(why: string): SigchainError {
  return new SigchainError('MALFORMED_TOKEN', `The token is not a valid JWT: ${why}. Copy the whole token (three base64url parts joined by dots) again.`);
}

// The notes of the last part parsed (see strict-json): read at once by decodeJwt.
let lastNotes = 0;

function parseJsonPart(part: string, what: string): Record<string, unknown> {
  const text = b64urlDecodeUtf8(part);
  if (text === undefined) throw malformed(`the ${what} is not canonical unpadded base64url`);
  // Depth, duplicate keys and unpaired surrogates are refused here, for every format.
  const parsed = parseStrictJson(text);
  if (typeof parsed === 'string') throw malformed(`the ${what} ${parsed === 'it is not JSON' ? 'is not JSON' : `is ambiguous: ${parsed}`}`);
  const value = parsed.value;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw malformed(`the ${what} is not a JSON object`);
  lastNotes = parsed.notes;
  return value as Record<string, unknown>;
}

const HEADER_FIELDS = new Set(['typ', 'alg']);

// Go reads the header into a struct, matching keys case-insensitively (last one wins): a key
// such as "ALG" would be the algorithm to Go and an unknown field here. Refuse the ambiguity.
function checkHeaderKeys(header: Record<string, unknown>): void {
  for (const k in header) {
    if (!HEADER_FIELDS.has(k) && HEADER_FIELDS.has(goFold(k))) throw malformed(`its header has ${JSON.stringify(k)}, which Go reads as "${goFold(k)}"`);
  }
}

// Every token of one format carries the same header text: parse each distinct one once. Bounded,
// so a stream of odd headers only evicts; the parsed header is frozen since callers share it.
const HEADER_MEMO_LIMIT = 64;
const headers = sharedCache<string, Readonly<Record<string, unknown>>>(HEADER_MEMO_LIMIT);

function parseHeader(part: string): Readonly<Record<string, unknown>> {
  let header = headers.get(part);
  if (header) return header;
  header = parseJsonPart(part, 'header');
  checkHeaderKeys(header);
  Object.freeze(header);
  headers.set(part, header);
  return header;
}

/**
 * Splits and parses a compact JWT without checking its signature. Use only to inspect;
 * to trust a token call {@link verifyJwt}.
 */
export function decodeJwt<C = Record<string, unknown>>(token: string, format: TokenFormat = NATS_FORMAT): DecodedJwt<C> {
  if (typeof token !== 'string') throw malformed('it is not a string');
  token = trimSpace(token);
  if (token.length > MAX_TOKEN_SIZE) throw new SigchainError('TOKEN_TOO_LARGE', `The token is ${token.length} bytes; NATS refuses tokens over ${MAX_TOKEN_SIZE}. Remove revocations or permissions.`);
  const first = token.indexOf('.');
  const second = first < 0 ? -1 : token.indexOf('.', first + 1);
  if (first < 0 || second < 0 || token.indexOf('.', second + 1) >= 0) throw malformed('it must have exactly three parts');
  const header = parseHeader(token.slice(0, first)) as DecodedJwt['header'];
  if (!format.algorithms.includes(header.alg as string)) {
    throw new SigchainError('UNSUPPORTED_ALGORITHM', `The token's algorithm ${JSON.stringify(header.alg)} is not one the ${format.name} format uses (${format.algorithms.join(', ')}). The token was not made for this format, or was tampered with.`);
  }
  // Go's Header.Valid (and wascap's header struct) require typ, compared case-insensitively.
  if (typeof header.typ !== 'string' || header.typ.toUpperCase() !== 'JWT') throw malformed(`its header type is ${JSON.stringify(header.typ)}, not JWT`);
  const claims = parseJsonPart(token.slice(first + 1, second), 'payload');
  const signature = b64urlDecode(token.slice(second + 1));
  if (!signature || signature.length !== 64) throw malformed('the signature is not 64 bytes of canonical base64url');
  return { token, header, claims: claims as C, signingInput: token.slice(0, second), signature, payloadNotes: lastNotes };
}

// Bounded memo of tokens whose signature already verified: verification is the expensive part.
const VERIFIED_LIMIT = 10_000;
const verified = sharedCache<string, DecodedJwt<unknown>>(VERIFIED_LIMIT);

/**
 * Decodes a compact JWT and verifies its Ed25519 signature with the key named in `iss`.
 * Checks only the signature and shape: time, roles and the chain are the verifier's job.
 * Repeated calls with the same token are answered from a bounded cache, which returns the
 * same object each time: treat the result as read-only (the claims decoders copy it).
 *
 * @example
 * ```ts
 * const { claims } = verifyJwt(token); // throws BAD_SIGNATURE if tampered
 * ```
 */
export function verifyJwt<C = Record<string, unknown>>(token: string, format: TokenFormat = NATS_FORMAT): DecodedJwt<C> {
  const hit = verified.get(token);
  // The cache is shared by all formats: a hit counts only if its algorithm belongs to this one.
  if (hit && format.algorithms.includes(hit.header.alg as string)) return hit as DecodedJwt<C>;
  const decoded = verifyJwtUncached<C>(token, format);
  verified.set(decoded.token, decoded);
  return decoded;
}

/**
 * {@link verifyJwt} without its cache, for callers that keep their own (the verifier caches
 * what it learns per token): a fresh object each call, and nothing retained.
 *
 * @example
 * ```ts
 * const { claims } = verifyJwtUncached(token); // throws BAD_SIGNATURE if tampered
 * ```
 */
export function verifyJwtUncached<C = Record<string, unknown>>(token: string, format: TokenFormat = NATS_FORMAT): DecodedJwt<C> {
  // Checked ahead on the thread pool (verify-ahead.ts): the same decode and signature check, done.
  if (waiting !== 0) {
    const ahead = takeVerified<DecodedJwt<C>>(token, format);
    if (ahead) return ahead;
  }
  const decoded = decodeJwt<C>(token, format);
  const iss = (decoded.claims as Record<string, unknown>).iss;
  if (typeof iss !== 'string') throw malformed('it has no issuer (iss)');
  let ok: boolean;
  try {
    // verifySignature decodes the key only on a cache miss: cheaper than checking it first.
    ok = verifySignature(iss, asciiInScratch(decoded.signingInput), decoded.signature);
  } catch {
    throw malformed('its issuer (iss) is not a valid public nkey that can sign');
  }
  if (!ok) {
    throw new SigchainError('BAD_SIGNATURE', `The token signature does not verify with its issuer ${iss}: it was forged or changed after signing. Do not trust it; ask its issuer for a fresh one.`, { iss });
  }
  return decoded;
}
