import { withArticle } from '../../nkeys/roles.js';
import { SigchainError } from '../../errors.js';
import { goJti } from '../../jwt/jti.js';
import { signJwt, signJwtAsync } from '../../jwt/encode.js';
import { type AsyncSigner, type Signer } from '../../nkeys/keypair.js';
import { describeKeyText, publicKeyRole } from '../../nkeys/codec.js';
import { type ClaimKind, KINDS, claimKind, roleOfKey } from './kinds.js';
import { ordered, sortedDeep } from './order.js';
import {
  type AccountClaims,
  type ActivationClaims,
  type EncodeOptions,
  type GenericClaims,
  NATS_JWT_VERSION,
  type NatsClaimsOf,
  type OperatorClaims,
  type UserClaims,
} from './types.js';

const TOP_LEVEL = new Set(['aud', 'exp', 'jti', 'iat', 'iss', 'name', 'nbf', 'sub', 'nats']);

function article(word: string): string {
  return /^[aeiou]/.test(word) ? 'an' : 'a';
}

function checkSigner(kind: ClaimKind | undefined, publicKey: string, what: string): void {
  if (!kind) return;
  const role = roleOfKey(publicKey);
  if (!role || !kind.issuers.includes(role)) {
    throw new SigchainError(
      'WRONG_KEY_ROLE',
      `A ${what} token must be signed by ${kind.issuerHint}; the signer ${typeof publicKey === 'string' && publicKey ? describeKeyText(publicKey) : '(no key)'} is ${role ? `${article(role)} ${role} key` : 'not a public nkey'}. Sign with the right key.`,
      { expected: kind.issuers, got: role },
    );
  }
}

function checkSubject(kind: ClaimKind | undefined, sub: unknown, what: string): void {
  const role = publicKeyRole(sub);
  if (role && (!kind || role === kind.subject)) return;
  const want = kind ? `${article(kind.subject)} ${kind.subject} public key` : 'a public nkey';
  // describeKeyText never echoes seed material, should someone paste a seed as the subject.
  const got = role ? `${article(role)} ${role} key` : typeof sub === 'string' && sub ? `${describeKeyText(sub)}, not a public key` : 'nothing';
  throw new SigchainError('WRONG_KEY_ROLE', `The subject (sub) of ${withArticle(what)} token must be ${want}; got ${got}. Build the claims with the new…Claims helper for the right key.`);
}

/**
 * The payload object in Go field order: `aud?, exp?, jti, iat, iss, name?, nbf?, sub, nats`,
 * then any unknown top-level fields. `iss`, `iat`, `jti`, `nats.type` and `nats.version` are set here.
 */
function payload(claims: NatsClaimsOf<unknown>, kind: ClaimKind | undefined, iss: string, opts: EncodeOptions | undefined): Record<string, unknown> {
  const what = kind?.type ?? 'generic';
  if (!claims || typeof claims !== 'object') throw new SigchainError('INVALID_CLAIMS', `Expected ${what} claims (an object with sub and nats).`);
  checkSigner(kind, iss, what);
  checkSubject(kind, claims.sub, what);
  const iat = opts?.iat ?? Math.floor(Date.now() / 1000);
  if (!Number.isSafeInteger(iat) || iat <= 0) throw new SigchainError('INVALID_CLAIMS', `iat must be a positive whole number of seconds; got ${iat}.`);
  const { aud, exp, name, nbf, sub } = claims;
  const out: Record<string, unknown> = {};
  if (aud) out.aud = aud;
  if (exp) out.exp = exp;
  out.jti = goJti({ aud, exp, iat, iss, name, nbf, sub });
  out.iat = iat;
  out.iss = iss;
  if (name) out.name = name;
  if (nbf) out.nbf = nbf;
  out.sub = sub;
  if (kind) {
    out.nats = ordered(claims.nats, kind.schema, { type: kind.type, version: NATS_JWT_VERSION });
  } else {
    const nats = { ...(claims.nats as Record<string, unknown>) };
    if (typeof nats.type !== 'string' || !nats.type) nats.type = 'generic';
    nats.version = NATS_JWT_VERSION;
    out.nats = sortedDeep(nats);
  }
  for (const k in claims) {
    if (!TOP_LEVEL.has(k)) {
      const v = (claims as unknown as Record<string, unknown>)[k];
      if (v !== undefined) out[k] = v;
    }
  }
  return out;
}

/**
 * The payload object, in Go field order, that encoding `claims` with `issuer` would sign
 * (`goJson` of it gives the exact bytes). Useful to predict token size or compare with Go.
 *
 * @example
 * ```ts
 * goJson(natsPayload(claims, account.publicKey, { iat: 1795285096 }));
 * ```
 */
export function natsPayload(claims: NatsClaimsOf<unknown>, issuer: string, opts?: EncodeOptions): Record<string, unknown> {
  const type = (claims?.nats as { type?: unknown } | undefined)?.type;
  return payload(claims, claimKind(type), issuer, opts);
}

/**
 * Signs user claims into a NATS v2 user JWT. `signer` must be an account key (the account
 * itself, or one of its signing keys, in which case set `nats.issuer_account`).
 * Throws `WRONG_KEY_ROLE` for any other signer, or when `sub` is not a user key.
 *
 * @example
 * ```ts
 * const claims = newUserClaims('alice', userKey.publicKey);
 * claims.nats.pub = { allow: ['orders.>'] };
 * const jwt = encodeUser(claims, accountKey);
 * ```
 */
export function encodeUser(claims: UserClaims, signer: Signer, opts?: EncodeOptions): string {
  return signJwt(payload(claims, KINDS.user, signer.publicKey, opts), signer);
}

/**
 * Signs account claims. `signer`: an operator key or operator signing key (O…), or the
 * account itself (A…, self-signed). Exports and imports are written sorted by subject.
 *
 * @example
 * ```ts
 * const jwt = encodeAccount(newAccountClaims('orders', accountKey.publicKey), operatorSigningKey);
 * ```
 */
export function encodeAccount(claims: AccountClaims, signer: Signer, opts?: EncodeOptions): string {
  return signJwt(payload(claims, KINDS.account, signer.publicKey, opts), signer);
}

/**
 * Signs operator claims. The signer must be an operator key (normally the operator itself:
 * operator tokens are self-signed).
 *
 * @example
 * ```ts
 * const jwt = encodeOperator(newOperatorClaims('acme', op.publicKey), op);
 * ```
 */
export function encodeOperator(claims: OperatorClaims, signer: Signer, opts?: EncodeOptions): string {
  return signJwt(payload(claims, KINDS.operator, signer.publicKey, opts), signer);
}

/**
 * Signs activation claims: the exporting account (or its signing key, with
 * `nats.issuer_account`) lets the subject account import a private export.
 *
 * @example
 * ```ts
 * const jwt = encodeActivation(newActivationClaims('grant', importer, 'orders.>', 'stream'), exporterKey);
 * ```
 */
export function encodeActivation(claims: ActivationClaims, signer: Signer, opts?: EncodeOptions): string {
  return signJwt(payload(claims, KINDS.activation, signer.publicKey, opts), signer);
}

/**
 * Signs generic claims (any `nats` object; keys written sorted, as Go's map does). Any key
 * may sign. `nats.type` defaults to "generic"; `nats.version` is set to 2.
 *
 * @example
 * ```ts
 * const jwt = encodeGeneric({ sub: op.publicKey, nats: { accounts: [acct] } }, op);
 * ```
 */
export function encodeGeneric(claims: GenericClaims, signer: Signer, opts?: EncodeOptions): string {
  return signJwt(payload(claims, undefined, signer.publicKey, opts), signer);
}

/**
 * {@link encodeUser} for keys held elsewhere (key daemon, HSM, KMS).
 *
 * @example
 * ```ts
 * const jwt = await encodeUserAsync(claims, accountKeyInHsm); // signer.sign returns a Promise
 * ```
 */
export async function encodeUserAsync(claims: UserClaims, signer: AsyncSigner | Signer, opts?: EncodeOptions): Promise<string> {
  return signJwtAsync(payload(claims, KINDS.user, signer.publicKey, opts), signer);
}
/**
 * {@link encodeAccount} for keys held elsewhere.
 *
 * @example
 * ```ts
 * const jwt = await encodeAccountAsync(claims, operatorKeyInKms); // signer.sign returns a Promise
 * ```
 */
export async function encodeAccountAsync(claims: AccountClaims, signer: AsyncSigner | Signer, opts?: EncodeOptions): Promise<string> {
  return signJwtAsync(payload(claims, KINDS.account, signer.publicKey, opts), signer);
}
/**
 * {@link encodeOperator} for keys held elsewhere.
 *
 * @example
 * ```ts
 * const jwt = await encodeOperatorAsync(claims, operatorKeyInHsm); // signer.sign returns a Promise
 * ```
 */
export async function encodeOperatorAsync(claims: OperatorClaims, signer: AsyncSigner | Signer, opts?: EncodeOptions): Promise<string> {
  return signJwtAsync(payload(claims, KINDS.operator, signer.publicKey, opts), signer);
}
/**
 * {@link encodeActivation} for keys held elsewhere.
 *
 * @example
 * ```ts
 * const jwt = await encodeActivationAsync(claims, exporterKeyInHsm); // signer.sign returns a Promise
 * ```
 */
export async function encodeActivationAsync(claims: ActivationClaims, signer: AsyncSigner | Signer, opts?: EncodeOptions): Promise<string> {
  return signJwtAsync(payload(claims, KINDS.activation, signer.publicKey, opts), signer);
}
/**
 * {@link encodeGeneric} for keys held elsewhere.
 *
 * @example
 * ```ts
 * const jwt = await encodeGenericAsync(claims, remoteKey); // signer.sign returns a Promise
 * ```
 */
export async function encodeGenericAsync(claims: GenericClaims, signer: AsyncSigner | Signer, opts?: EncodeOptions): Promise<string> {
  return signJwtAsync(payload(claims, undefined, signer.publicKey, opts), signer);
}
