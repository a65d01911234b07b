/**
 * wascap tokens, encoded byte for byte as the `wascap` crate writes them and decoded strictly:
 * signature, header, claim types (shape.ts), the kind from the roles of the keys (kinds.ts),
 * and exp/nbf.
 */
import { randomBytes } from 'node:crypto';
import { SigchainError, isSigchainError } from '../../errors.js';
import { b64urlDecodeUtf8 } from '../../jwt/base64url.js';
import { type DecodedJwt, verifyJwt } from '../../jwt/decode.js';
import { signJwt, signJwtAsync } from '../../jwt/encode.js';
import { WASCAP_FORMAT } from '../../jwt/formats.js';
import { JSON_FRACTIONS, parseMarkingFractions, parseStrictJson } from '../../jwt/strict-json.js';
import type { AsyncSigner, Signer } from '../../nkeys/keypair.js';
import { wascapKindOf } from './kinds.js';
import { METADATA_FIELDS, TOP_FIELDS, readTopLevel, withMetadata } from './shape.js';
import type { UnsignedWascapClaims, WascapClaims, WascapKind, WascapToken, WascapTokenOf } from './types.js';

type Json = Record<string, unknown>;

/** What {@link decodeWascap} checks besides the signature and the claims. */
export interface DecodeWascapOptions {
  /** The kind(s) accepted; another kind is `WRONG_KEY_ROLE` (or `WRONG_CLAIM_TYPE` for an invocation). Default: any. */
  expect?: WascapKind | readonly WascapKind[];
  /** Check exp and nbf (default true), as wascap's `validate_token` reports them. */
  checkTime?: boolean;
  /** The time to judge at, Unix seconds. Default: now. */
  now?: number;
  /** Seconds of clock difference tolerated for exp and nbf. Default 0, as wascap. */
  clockSkewSeconds?: number;
}

const NUID_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/**
 * A fresh `jti` of the shape wascap writes (a NATS NUID): 22 characters of `0-9A-Za-z`, drawn
 * uniformly from node:crypto.
 *
 * @example
 * ```ts
 * wascapJti(); // e.g. 'k3QvM0d8Zp1LrT5yXw2a9B'
 * ```
 */
export function wascapJti(): string {
  let out = '';
  while (out.length < 22) {
    for (const b of randomBytes(32)) {
      // 248 = 4 × 62: rejecting the rest keeps every character equally likely.
      if (b < 248 && out.length < 22) out += NUID_ALPHABET[b % 62];
    }
  }
  return out;
}

function payloadText(decoded: DecodedJwt): string {
  const input = decoded.signingInput;
  return b64urlDecodeUtf8(input.slice(input.indexOf('.') + 1)) ?? '';
}

function headerAlg(token: string): unknown {
  const text = b64urlDecodeUtf8(token.slice(0, Math.max(0, token.indexOf('.'))));
  if (text === undefined) return undefined;
  const parsed = parseStrictJson(text);
  return typeof parsed !== 'string' && typeof parsed.value === 'object' && parsed.value !== null ? (parsed.value as Json).alg : undefined;
}

function natsGiven(): SigchainError {
  return new SigchainError(
    'WRONG_CLAIM_TYPE',
    'This is a NATS JWT, not a wascap (wasmCloud) token. Give the wascap token (from `sigchain wasm inspect`, wash, or a wasmCloud host), or verify this one as a NATS token.',
    { expected: 'wascap', got: 'nats' },
  );
}

function verified(token: string): DecodedJwt {
  try {
    return verifyJwt(token, WASCAP_FORMAT);
  } catch (e) {
    if (isSigchainError(e, 'UNSUPPORTED_ALGORITHM')) {
      const alg = headerAlg(token);
      if (alg === 'ed25519-nkey' || alg === 'ed25519') throw natsGiven();
    }
    throw e;
  }
}

function kindMismatch(kind: WascapKind, expected: readonly WascapKind[]): SigchainError {
  const list = expected.join(' or ');
  const entity = kind !== 'invocation' && !expected.includes('invocation');
  return new SigchainError(
    entity ? 'WRONG_KEY_ROLE' : 'WRONG_CLAIM_TYPE',
    `This is ${kind === 'actor' || kind === 'account' || kind === 'operator' || kind === 'invocation' ? 'an' : 'a'} ${kind} token (told by the roles of its keys), where ${list === 'actor' || list === 'account' || list === 'operator' || list === 'invocation' ? 'an' : 'a'} ${list} token is expected. Give the right token.`,
    { expected, got: kind },
  );
}

function iso(t: number): string {
  return new Date(t * 1000).toISOString().replace('.000Z', 'Z');
}

function checkTime(kind: WascapKind, c: WascapClaims, opts: DecodeWascapOptions): void {
  if (opts.checkTime === false) return;
  const now = opts.now ?? Date.now() / 1000;
  const skew = opts.clockSkewSeconds ?? 0;
  // wascap: expired when exp < now (exp == now is still valid); not yet valid when now < nbf.
  if (c.exp !== undefined && now > c.exp + skew) {
    throw new SigchainError('TOKEN_EXPIRED', `This ${kind} token expired at ${iso(c.exp)}. Ask its issuer for a new one.`, { field: 'exp', exp: c.exp });
  }
  if (c.nbf !== undefined && c.nbf > now + skew) {
    throw new SigchainError('TOKEN_NOT_YET_VALID', `This ${kind} token is not valid before ${iso(c.nbf)}. Wait until then, or check this machine's clock.`, { field: 'nbf', nbf: c.nbf });
  }
}

/**
 * Reads a verified token's claims (no time check): the kind, and the claims in wascap's order.
 * For callers that already verified the signature (the trust layer's token facts).
 */
export function readWascapClaims(decoded: DecodedJwt, opts: { owned?: boolean } = {}): { kind: WascapKind; claims: WascapClaims } {
  if (decoded.header.typ !== 'jwt') {
    throw new SigchainError('MALFORMED_TOKEN', `The token's header type is ${JSON.stringify(decoded.header.typ)}; wascap requires exactly "jwt". The token was not made by wascap, or was altered.`, { field: 'typ' });
  }
  // verifyJwt's result is cached and shared, so its claims are parsed afresh; a caller that owns
  // its decoded token (verifyJwtUncached: every invocation token is new) saves that second parse.
  const plain = (opts.owned ? decoded.claims : JSON.parse(payloadText(decoded))) as Json;
  if (typeof plain === 'object' && plain !== null && typeof plain.nats === 'object' && plain.nats !== null) throw natsGiven();
  const marked = (decoded.payloadNotes & JSON_FRACTIONS ? parseMarkingFractions(payloadText(decoded)) : plain) as Json;
  const top = readTopLevel(plain, marked);
  const kind = wascapKindOf(top.sub as string, top.iss as string);
  return { kind, claims: withMetadata(kind, top, marked, plain) as WascapClaims };
}

/**
 * Decodes and verifies a wascap token: strict base64url, the header `{"typ":"jwt","alg":"Ed25519"}`,
 * the Ed25519 signature against `iss` (`BAD_SIGNATURE`), the claims as wascap's structs read
 * them (`MALFORMED_TOKEN` with `details.field`), the kind from the roles of `sub` and `iss`
 * (`WRONG_KEY_ROLE`, `SELF_ISSUED`; `expect` narrows it), and exp/nbf (`TOKEN_EXPIRED`,
 * `TOKEN_NOT_YET_VALID`). A NATS JWT is `WRONG_CLAIM_TYPE`. Unlike wascap's `validate_token`,
 * which returns a bad signature or expiry as flags, every failure here is a thrown
 * {@link SigchainError}. It does not judge the chain above the token (see `verifyChain`).
 *
 * @example
 * ```ts
 * const t = decodeWascap(jwt, { expect: 'actor' });
 * console.log(t.claims.wascap.hash, t.claims.wascap_revision);
 * ```
 */
export function decodeWascap<K extends WascapKind>(token: string, opts: DecodeWascapOptions & { expect: K }): WascapTokenOf<K>;
export function decodeWascap(token: string, opts?: DecodeWascapOptions): WascapToken;
export function decodeWascap(token: string, opts: DecodeWascapOptions = {}): WascapToken {
  if (typeof token !== 'string') throw new SigchainError('MALFORMED_TOKEN', 'The token is not a valid JWT: it is not a string.');
  const text = token.trim();
  const { kind, claims } = readWascapClaims(verified(text));
  if (opts.expect !== undefined) {
    const expected: readonly WascapKind[] = typeof opts.expect === 'string' ? [opts.expect] : opts.expect;
    if (!expected.includes(kind)) throw kindMismatch(kind, expected);
  }
  checkTime(kind, claims, opts);
  return { kind, claims, token: text } as WascapToken;
}

function invalid(field: string, why: string): SigchainError {
  return new SigchainError('INVALID_CLAIMS', `Cannot encode these wascap claims: ${field} ${why}.`, { field });
}

/**
 * The payload object in wascap's field order, with what wascap writes for absent fields
 * (`null` for an account's name, `false` for `prov`); unknown fields are dropped, as serde
 * drops them. Checked by reading it back, so sigchain never signs a token it would refuse.
 */
export function wascapPayload(claims: UnsignedWascapClaims, iss: string): Json {
  if (typeof claims !== 'object' || claims === null) throw invalid('(claims)', 'is not an object');
  if (claims.iss !== undefined && claims.iss !== iss) throw invalid('iss', `is ${claims.iss}, but the signer is ${iss}; leave iss unset or sign with that key`);
  const kind = wascapKindOf(String(claims.sub ?? ''), iss);
  const given = { ...claims, iss, jti: claims.jti ?? wascapJti(), iat: claims.iat ?? Math.floor(Date.now() / 1000) } as unknown as Json;
  const meta = (typeof claims.wascap === 'object' && claims.wascap !== null ? claims.wascap : undefined) as Json | undefined;
  if (!meta) throw invalid('wascap', `must be the ${kind} metadata object`);
  const wascap: Json = {};
  for (const [key, , presence] of METADATA_FIELDS[kind]) {
    const v = meta[key];
    if (v === undefined || v === null) {
      if (presence === 'req') throw invalid(`wascap.${key}`, 'is required');
      if (presence === 'null') wascap[key] = null;
      else if (presence === 'false') wascap[key] = false;
    } else wascap[key] = v;
  }
  const out: Json = {};
  for (const [key] of TOP_FIELDS) {
    if (key === 'wascap') out.wascap = wascap;
    else if (given[key] !== undefined) out[key] = given[key];
  }
  // Read back as a decoder would: wrong types, ranges and valid_signers' roles are refused here.
  const text = JSON.stringify(out);
  const parsed = parseStrictJson(text);
  if (typeof parsed === 'string') throw invalid('(claims)', `do not make unambiguous JSON (${parsed})`);
  try {
    const top = readTopLevel(parsed.value as Json, parsed.value as Json);
    withMetadata(kind, top, parsed.value as Json, parsed.value as Json);
  } catch (e) {
    if (isSigchainError(e, 'MALFORMED_TOKEN')) throw invalid(String(e.details?.field ?? '(claims)'), `would not be read back: ${e.message}`);
    throw e;
  }
  return out;
}

/**
 * Signs wascap claims into a token, byte for byte as wascap does (field order, `null`s and
 * defaults, serde_json's escaping): `iss` is the signer's key, `jti` and `iat` are filled in
 * when absent. Refuses (`WRONG_KEY_ROLE`, `SELF_ISSUED`, `INVALID_CLAIMS`) claims that
 * {@link decodeWascap} would refuse. Works with keys held elsewhere (an {@link AsyncSigner}).
 *
 * @example
 * ```ts
 * const jwt = await encodeWascap(newActorClaims('echo', moduleKey.publicKey, { hash }), accountKey);
 * ```
 */
export async function encodeWascap(claims: UnsignedWascapClaims, signer: AsyncSigner | Signer): Promise<string> {
  return signJwtAsync(wascapPayload(claims, signer.publicKey), signer, WASCAP_FORMAT);
}

/**
 * {@link encodeWascap} for a signer that signs synchronously (a KeyPair, a file keyring entry).
 *
 * @example
 * ```ts
 * const jwt = encodeWascapSync(newInvocationClaims(id, { target_url, origin_url, hash }), clusterKey);
 * ```
 */
export function encodeWascapSync(claims: UnsignedWascapClaims, signer: Signer): string {
  return signJwt(wascapPayload(claims, signer.publicKey), signer, WASCAP_FORMAT);
}
