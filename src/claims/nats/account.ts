import { SigchainError } from '../../errors.js';
import { isPublicKey } from '../../nkeys/codec.js';
import { requireKey, unixSeconds } from './common.js';
import { type AccountClaims, type AccountSigningKey, type Export, NATS_JWT_VERSION, type OperatorLimits, type RevocationList, type UserPermissionLimits, type UserScope } from './types.js';
import { isUserScope } from './user.js';

/**
 * Go `NewAccountClaims` limits: everything unlimited, wildcard exports allowed, JetStream off.
 *
 * @example
 * ```ts
 * acct.nats.limits = { ...unlimitedAccountLimits(), conn: 100 };
 * ```
 */
export function unlimitedAccountLimits(): OperatorLimits {
  return { subs: -1, data: -1, payload: -1, imports: -1, exports: -1, wildcards: true, conn: -1, leaf: -1 };
}

/**
 * New account claims with Go's `NewAccountClaims` defaults: limits -1 everywhere and
 * wildcard exports allowed (an account token without limits is read by nats-server as all
 * zeros, which locks every user out), JetStream disabled, no signing keys.
 *
 * @example
 * ```ts
 * const acct = newAccountClaims('orders', accountKey.publicKey);
 * addSigningKey(acct, signingKey.publicKey);
 * const jwt = encodeAccount(acct, operatorSigningKey);
 * ```
 */
export function newAccountClaims(name: string, accountPublicKey: string): AccountClaims {
  requireKey(accountPublicKey, ['account']);
  return {
    name,
    sub: accountPublicKey,
    nats: { limits: unlimitedAccountLimits(), default_permissions: { pub: {}, sub: {} }, type: 'account', version: NATS_JWT_VERSION },
  };
}

// nsc links both system-account exports to this page (cmd/init.go `createSystemAccount`).
const SYS_ACCOUNTS_INFO_URL = 'https://docs.nats.io/nats-server/configuration/sys_accounts';

/**
 * The two exports nsc gives the system account (`nsc add operator --sys`, nsc 2.7.3), so that
 * any account can import the server's per-account monitoring: the service
 * `account-monitoring-services` (requests such as `$SYS.REQ.ACCOUNT.<account>.CONNZ`, answered
 * as a stream) and the stream `account-monitoring-streams` (events on `$SYS.ACCOUNT.<account>.>`).
 * Both are public; the account token position makes nats-server put the importer's own account
 * key in that token, so an account only ever reaches its own data. Values, descriptions and
 * info URL are nsc's, so the encoded token is the one nsc writes. A fresh copy on every call.
 *
 * @example
 * ```ts
 * const sys = newAccountClaims('SYS', sysKey.publicKey);
 * sys.nats.exports = systemAccountExports();
 * ```
 */
export function systemAccountExports(): Export[] {
  return [
    {
      name: 'account-monitoring-services',
      subject: '$SYS.REQ.ACCOUNT.*.*',
      type: 'service',
      response_type: 'Stream',
      account_token_position: 4,
      description: 'Request account specific monitoring services for: SUBSZ, CONNZ, LEAFZ, JSZ and INFO',
      info_url: SYS_ACCOUNTS_INFO_URL,
    },
    {
      name: 'account-monitoring-streams',
      subject: '$SYS.ACCOUNT.*.>',
      type: 'stream',
      account_token_position: 3,
      description: 'Account specific monitoring stream',
      info_url: SYS_ACCOUNTS_INFO_URL,
    },
  ];
}

/**
 * A user scope for an account signing key, with Go's `NewUserScope` defaults: the
 * template's subs/data/payload unlimited, everything else as given.
 *
 * @example
 * ```ts
 * addSigningKey(acct, newUserScope(sk.publicKey, 'svc', { pub: { allow: ['svc.{{name()}}.>'] } }));
 * ```
 */
export function newUserScope(signingKey: string, role: string, template: UserPermissionLimits = {}, description?: string): UserScope {
  requireKey(signingKey, ['account']);
  const scope: UserScope = { kind: 'user_scope', key: signingKey, role, template: { pub: {}, sub: {}, subs: -1, data: -1, payload: -1, ...template } };
  if (description) scope.description = description;
  return scope;
}

function keyOf(k: AccountSigningKey): string {
  return typeof k === 'string' ? k : k.key;
}

/**
 * Adds an account signing key: a plain public key (unscoped: may sign anything the
 * account may) or a {@link UserScope}. A key already present is replaced, as in Go's map.
 * Returns the claims.
 *
 * @example
 * ```ts
 * addSigningKey(acct, sk.publicKey);
 * ```
 */
export function addSigningKey(claims: AccountClaims, key: AccountSigningKey): AccountClaims {
  const id = keyOf(key);
  if (typeof key === 'object' && !isUserScope(key)) {
    throw new SigchainError('INVALID_CLAIMS', 'A scoped signing key must have kind "user_scope"; build it with newUserScope().');
  }
  requireKey(id, ['account']);
  const list = (claims.nats.signing_keys ??= []);
  const at = list.findIndex((k) => keyOf(k) === id);
  if (at >= 0) list[at] = key;
  else list.push(key);
  return claims;
}

/**
 * Removes account signing keys (plain or scoped). Users they signed stop working once
 * the account token is pushed. Returns the claims.
 *
 * @example
 * ```ts
 * removeSigningKey(acct, compromised.publicKey);
 * ```
 */
export function removeSigningKey(claims: AccountClaims, ...keys: string[]): AccountClaims {
  const list = claims.nats.signing_keys;
  if (list) {
    claims.nats.signing_keys = list.filter((k) => !keys.includes(keyOf(k)));
    if (claims.nats.signing_keys.length === 0) delete claims.nats.signing_keys;
  }
  return claims;
}

/**
 * The scope of an account signing key, `null` for a plain key, `undefined` if not listed.
 *
 * @example
 * ```ts
 * const scope = signingKeyScope(acct, user.iss!); // apply validateScopedSigner if set
 * ```
 */
export function signingKeyScope(claims: AccountClaims, key: string): UserScope | null | undefined {
  // Decoded claims always hold a list of keys and scopes; claims built in code are not trusted to.
  const list: unknown = claims?.nats?.signing_keys;
  if (!Array.isArray(list)) return undefined;
  for (const k of list as unknown[]) {
    if (typeof k === 'string') {
      if (k === key) return null;
    } else if (isUserScope(k) && k.key === key) return k;
  }
  return undefined;
}

// Go RevocationList.Revoke: a revocation only moves forward in time.
function revokeIn(list: RevocationList, key: string, at: number): void {
  const existing = list[key];
  if (existing === undefined || existing < at) list[key] = at;
}

/**
 * Revokes every user JWT for `userPublicKey` (or `"*"`: all users) issued at or before
 * `at` (default now). As in Go, an existing later revocation is kept: use
 * {@link clearRevocation} first to move one back. Takes effect when the account token is
 * re-signed (by an operator key) and pushed. Returns the claims.
 *
 * @example
 * ```ts
 * revoke(acct, user.publicKey);
 * ```
 */
export function revoke(claims: AccountClaims, userPublicKey: string, at?: Date | number): AccountClaims {
  if (userPublicKey !== '*') requireKey(userPublicKey, ['user']);
  revokeIn((claims.nats.revocations ??= {}), userPublicKey, unixSeconds(at));
  return claims;
}

/**
 * Removes a user revocation. Returns the claims.
 *
 * @example
 * ```ts
 * clearRevocation(acct, user.publicKey);
 * ```
 */
export function clearRevocation(claims: AccountClaims, userPublicKey: string): AccountClaims {
  const list = claims.nats.revocations;
  if (list) {
    delete list[userPublicKey];
    if (Object.keys(list).length === 0) delete claims.nats.revocations;
  }
  return claims;
}

/**
 * True when a token for `publicKey` issued at `iat` is revoked by `list` (nats-server's
 * rule: revoked iff `list[key] >= iat` or `list["*"] >= iat`; equal is revoked).
 *
 * @example
 * ```ts
 * isRevoked(acct.nats.revocations, user.sub, user.iat!);
 * ```
 */
export function isRevoked(list: RevocationList | undefined, publicKey: string, iat: number): boolean {
  const until = revokedUntil(list, publicKey);
  return until !== undefined && until.at >= iat;
}

/**
 * Until when `list` revokes tokens of `publicKey` (the later of its own entry and `"*"`), and
 * whether `"*"` is that entry; undefined when neither is there. A token issued after `at` is
 * accepted.
 *
 * @example
 * ```ts
 * revokedUntil(acct.nats.revocations, user.sub)?.at; // 1767225600
 * ```
 */
export function revokedUntil(list: RevocationList | undefined, publicKey: string): { at: number; all: boolean } | undefined {
  if (typeof list !== 'object' || list === null) return undefined;
  // Own entries only: a key such as "constructor" must not find Object.prototype's.
  const all = Object.hasOwn(list, '*') ? list['*'] : undefined;
  const one = Object.hasOwn(list, publicKey) ? list[publicKey] : undefined;
  if (typeof all === 'number' && (typeof one !== 'number' || all >= one)) return { at: all, all: true };
  return typeof one === 'number' ? { at: one, all: false } : undefined;
}

/**
 * Revokes activation tokens an export issued to `accountPublicKey` (or `"*"`) at or before
 * `at`. Same forward-only rule as {@link revoke}. Returns the export.
 *
 * @example
 * ```ts
 * revokeActivation(acct.nats.exports![0]!, importer.publicKey);
 * ```
 */
export function revokeActivation(exp: Export, accountPublicKey: string, at?: Date | number): Export {
  if (accountPublicKey !== '*') requireKey(accountPublicKey, ['account']);
  revokeIn((exp.revocations ??= {}), accountPublicKey, unixSeconds(at));
  return exp;
}

/**
 * Removes an activation revocation from an export. Returns the export.
 *
 * @example
 * ```ts
 * clearActivationRevocation(exp, importer.publicKey);
 * ```
 */
export function clearActivationRevocation(exp: Export, accountPublicKey: string): Export {
  if (exp.revocations) {
    delete exp.revocations[accountPublicKey];
    if (Object.keys(exp.revocations).length === 0) delete exp.revocations;
  }
  return exp;
}

/**
 * True when `signer` may sign a user or activation for this account (Go `DidSign`): the
 * account key itself or a listed signing key when `issuer_account` names this account.
 * It ignores the operator's strict mode, exactly as Go does; the trust layer adds that.
 *
 * @example
 * ```ts
 * accountDidSign(acct, decodeUser(jwt)); // true
 * ```
 */
export function accountDidSign(claims: AccountClaims, token: { iss?: string; nats: { issuer_account?: string } }): boolean {
  if (!token.iss) return false;
  if (token.iss === claims.sub) return true;
  return token.nats.issuer_account === claims.sub && signingKeyScope(claims, token.iss) !== undefined;
}

/**
 * True when `key` could be an account signing key entry (plain or scoped).
 *
 * @example
 * ```ts
 * isAccountSigningKey('ABXHUHG5…'); // true for a valid A key
 * ```
 */
export function isAccountSigningKey(key: unknown): key is AccountSigningKey {
  return isPublicKey(key, ['account']) || (isUserScope(key) && isPublicKey(key.key, ['account']));
}
