import { withArticle } from '../../nkeys/roles.js';
import { SigchainError, isSigchainError } from '../../errors.js';
import { type DecodedJwt, verifyJwt } from '../../jwt/decode.js';
import { goFold, parseStrictJson } from '../../jwt/strict-json.js';
import { describeKeyText } from '../../nkeys/codec.js';
import { type ShapeProblem, checkPayloadShape } from './check-shape.js';
import { claimKind, roleOfKey } from './kinds.js';
import {
  type AccountClaims,
  type ActivationClaims,
  NATS_JWT_VERSION,
  type NatsClaimType,
  type NatsClaims,
  type OperatorClaims,
  type UserClaims,
} from './types.js';

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// The raw, unverified header and payload: only to explain a refusal better.
function peek(token: string): { header?: Json; claims?: Json } {
  const parts = typeof token === 'string' ? token.trim().split('.') : [];
  const parse = (p: string | undefined): Json | undefined => {
    // Strict even here: what is shown must be what a reader of the token would see.
    const r = parseStrictJson(Buffer.from(p ?? '', 'base64url').toString('utf8'));
    return typeof r !== 'string' && isObject(r.value) ? r.value : undefined;
  };
  return { header: parse(parts[0]), claims: parse(parts[1]) };
}

function v1Error(): SigchainError {
  return new SigchainError(
    'UNSUPPORTED_VERSION',
    'This is a NATS JWT v1 token (alg "ed25519", signed over the payload only). nats-server 2.2+ and sigchain use v2 tokens; re-issue it with a current tool (nsc ≥ 2.2, or sigchain).',
  );
}

function looksV1(claims: Json | undefined): boolean {
  if (!claims) return false;
  const nats = claims.nats;
  if (typeof claims.type === 'string' && !(isObject(nats) && nats.type)) return true;
  return isObject(nats) && typeof nats.version === 'number' && nats.version < NATS_JWT_VERSION;
}

function verified(token: string): DecodedJwt {
  try {
    return verifyJwt(token);
  } catch (e) {
    if (isSigchainError(e, 'UNSUPPORTED_ALGORITHM') || isSigchainError(e, 'BAD_SIGNATURE')) {
      const { header, claims } = peek(token);
      if (header?.alg === 'ed25519' || (isSigchainError(e, 'BAD_SIGNATURE') && looksV1(claims))) throw v1Error();
      if (header?.alg === 'Ed25519' && header.typ === 'jwt') {
        throw new SigchainError('WRONG_CLAIM_TYPE', 'This is a wascap (wasmCloud) token, not a NATS JWT. Read it with decodeWascap or `sigchain describe jwt`, or give the NATS token.', { expected: 'nats', got: 'wascap' });
      }
    }
    throw e;
  }
}

function keyText(key: unknown): string {
  return typeof key === 'string' && key ? describeKeyText(key) : '(none)';
}

/** The JSON text of a token's payload (the token already decoded, so its base64url is canonical). */
export function payloadTextOf(decoded: DecodedJwt): string {
  const input = decoded.signingInput;
  return Buffer.from(input.slice(input.indexOf('.') + 1), 'base64url').toString('utf8');
}

/** The refusal for claims Go would not decode (or would read differently). */
export function shapeError(p: ShapeProblem): SigchainError {
  return new SigchainError(
    p.code,
    `The token's claims are not what Go's nats-io/jwt reads${p.field ? ` at ${p.field}` : ''}: ${p.why}. nats-server refuses such a token; re-issue it with sigchain or nsc.`,
    { field: p.field },
  );
}

/**
 * Decodes a NATS v2 token and verifies it as Go's `jwt.Decode` does: the Ed25519 signature
 * against `iss`, the version (v1 and versions newer than 2 are refused with
 * `UNSUPPORTED_VERSION`), and that `iss` and `sub` have roles allowed for the claim type
 * (`WRONG_KEY_ROLE`). The claims are read as Go's structs read them (schema.ts): a field of
 * the wrong JSON type, a number Go cannot read into its integer field (`2.0`, `1e3`, out of
 * range), a key that differs only in case from a field (Go would read it as that field), a
 * repeated key, nesting deeper than 100, or no `nats.type` is `MALFORMED_TOKEN`, with
 * `details.field`. Nulls are dropped and a comma-separated `src` is split, as Go reads them.
 * Types other than the four kinds are `WRONG_CLAIM_TYPE`, as Go's `Decode` refuses them (it
 * checks such tokens as v1, so a v2 signature fails); pass `{ generic: true }` to read them as
 * generic claims, as Go's `DecodeGeneric` does (for display, never for a decision).
 * It does not check exp/nbf or the chain of trust: see `validateClaims`.
 * Tokens from jwt.js (aud "NATS", `locale`, its jti) are accepted; unknown fields are kept.
 *
 * @example
 * ```ts
 * const c = decodeNatsClaims(token);
 * if (isUserClaims(c)) console.log(c.nats.pub);
 * ```
 */
export function decodeNatsClaims(token: string, opts: { generic?: boolean } = {}): NatsClaims {
  const decoded = verified(token);
  // A fresh parse (verifyJwt caches its result, and callers may edit what we return), which
  // the shape check may rewrite as Go reads it (nulls dropped, a src string split).
  const text = payloadTextOf(decoded);
  const claims: unknown = JSON.parse(text);
  if (!isObject(claims)) throw new SigchainError('MALFORMED_TOKEN', 'The token payload is not a JSON object.');
  const problem = checkPayloadShape(claims, decoded.payloadNotes, () => text);
  if (problem) throw shapeError(problem);
  const nats = claims.nats;
  if (!isObject(nats)) {
    if (typeof claims.type === 'string') throw v1Error();
    throw new SigchainError('MALFORMED_TOKEN', 'The token has no "nats" object: it is not a NATS JWT v2. Check that the right token was given.');
  }
  const version = nats.version;
  if (typeof version === 'number' && version > NATS_JWT_VERSION) {
    throw new SigchainError(
      'UNSUPPORTED_VERSION',
      `The token is NATS JWT version ${version}; this sigchain reads version ${NATS_JWT_VERSION}. It was made by a newer tool: upgrade sigchain.`,
      { version },
    );
  }
  if (version !== NATS_JWT_VERSION) throw v1Error();
  const type = nats.type;
  // Go reads a token without nats.type as generic claims, which its Decode checks as v1.
  if (typeof type !== 'string' || type === '') {
    throw new SigchainError('MALFORMED_TOKEN', 'The token has no nats.type: Go reads it as untyped claims and refuses it. Check that the right token was given.');
  }
  // "USER" is not "user" to Go (a generic type, which its Decode refuses): do not let a reader
  // that folds case see a user token in it.
  if (!claimKind(type) && claimKind(goFold(type))) {
    throw new SigchainError('MALFORMED_TOKEN', `The token's nats.type is ${JSON.stringify(type)}, not "${goFold(type)}": Go does not read it as ${withArticle(goFold(type))} token and refuses it.`, { type });
  }
  if (type === 'cluster' || type === 'server') {
    throw new SigchainError('WRONG_CLAIM_TYPE', `NATS v2 does not support ${type} claims; nats-server ignores them.`);
  }
  const kind = claimKind(type);
  if (!kind && !opts.generic) {
    throw new SigchainError(
      'WRONG_CLAIM_TYPE',
      `The token's nats.type is ${JSON.stringify(type)}: not an operator, account, user or activation token, so nats-server and Go's jwt.Decode refuse it. Check that the right token was given.`,
      { type },
    );
  }
  if (kind) {
    const issRole = roleOfKey(claims.iss);
    if (!issRole || !kind.issuers.includes(issRole)) {
      throw new SigchainError(
        'WRONG_KEY_ROLE',
        `This ${type} token is signed by ${issRole ? `${withArticle(issRole)} key` : 'an unknown key'} (${keyText(claims.iss)}); only ${kind.issuerHint} may sign ${type} tokens. Do not trust it.`,
        { iss: claims.iss, expected: kind.issuers },
      );
    }
    if (roleOfKey(claims.sub) !== kind.subject) {
      throw new SigchainError('WRONG_KEY_ROLE', `The subject of ${withArticle(type)} token must be ${withArticle(kind.subject)} key; this one is ${keyText(claims.sub)}. The token is malformed.`, {
        sub: keyText(claims.sub),
      });
    }
  }
  return claims as unknown as NatsClaims;
}

const ARTICLE: Record<string, string> = { operator: 'an operator', account: 'an account', user: 'a user', activation: 'an activation' };

function decodeAs<C extends NatsClaims>(token: string, type: NatsClaimType): C {
  const c = decodeNatsClaims(token);
  if (c.nats.type !== type) {
    const got = typeof c.nats.type === 'string' ? c.nats.type : 'untyped';
    throw new SigchainError('WRONG_CLAIM_TYPE', `Expected ${ARTICLE[type]} token but this is ${(Object.hasOwn(ARTICLE, got) ? ARTICLE[got] : undefined) ?? `a "${got}"`} token (nats.type ${JSON.stringify(got)}). Pass the ${type} JWT instead.`, {
      expected: type,
      got,
    });
  }
  return c as C;
}

/**
 * {@link decodeNatsClaims} for a token that must be a user JWT; other types throw `WRONG_CLAIM_TYPE`.
 *
 * @example
 * ```ts
 * const user = decodeUser(jwt);
 * user.nats.issuer_account ?? user.iss; // the account
 * ```
 */
export function decodeUser(token: string): UserClaims {
  return decodeAs<UserClaims>(token, 'user');
}

/**
 * {@link decodeNatsClaims} for a token that must be an account JWT.
 *
 * @example
 * ```ts
 * const acct = decodeAccount(jwt);
 * ```
 */
export function decodeAccount(token: string): AccountClaims {
  return decodeAs<AccountClaims>(token, 'account');
}

/**
 * {@link decodeNatsClaims} for a token that must be an operator JWT.
 *
 * @example
 * ```ts
 * const op = decodeOperator(jwt);
 * ```
 */
export function decodeOperator(token: string): OperatorClaims {
  return decodeAs<OperatorClaims>(token, 'operator');
}

/**
 * {@link decodeNatsClaims} for a token that must be an activation JWT.
 *
 * @example
 * ```ts
 * const act = decodeActivation(importToken);
 * ```
 */
export function decodeActivation(token: string): ActivationClaims {
  return decodeAs<ActivationClaims>(token, 'activation');
}

/** What {@link inspectNatsClaims} returns: the parts, never trusted. */
export interface InspectedToken {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
  /** 1 for v1 tokens (alg ed25519), else `nats.version` (2 normally). */
  version: number;
}

/**
 * Reads a token's header and claims WITHOUT verifying anything: not the signature, not
 * the roles, not the version. For displaying foreign or broken tokens only (`describe --raw`);
 * never make a decision on its result. Throws `MALFORMED_TOKEN` when the parts are not JSON, or
 * JSON that readers could read differently (repeated keys, nesting deeper than 100).
 *
 * @example
 * ```ts
 * const { claims } = inspectNatsClaims(untrusted); // show it, don't trust it
 * ```
 */
export function inspectNatsClaims(token: string): InspectedToken {
  const { header, claims } = peek(token);
  if (!header || !claims || (typeof token === 'string' ? token.trim().split('.').length : 0) !== 3) {
    throw new SigchainError('MALFORMED_TOKEN', 'The text is not a JWT (three base64url JSON parts joined by dots). Copy the whole token again.');
  }
  const nats = claims.nats;
  const version = header.alg === 'ed25519' || looksV1(claims) ? 1 : isObject(nats) && typeof nats.version === 'number' ? nats.version : 0;
  return { header, claims, version };
}
