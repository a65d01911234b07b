import { NATS_JWT_VERSION, type UserClaims, type UserPermissionLimits, type UserScope } from './types.js';
import { requireKey } from './common.js';

/**
 * New user claims with Go's `NewUserClaims` defaults: no permissions (`pub`/`sub` empty,
 * which nats-server reads as "allow all" unless the account has default permissions) and
 * `subs`, `data`, `payload` unlimited (-1).
 *
 * @example
 * ```ts
 * const claims = newUserClaims('alice', userKey.publicKey);
 * claims.nats.sub = { allow: ['_INBOX.>'] };
 * const jwt = encodeUser(claims, accountKey);
 * ```
 */
export function newUserClaims(name: string, userPublicKey: string): UserClaims {
  requireKey(userPublicKey, ['user']);
  return {
    name,
    sub: userPublicKey,
    nats: { pub: {}, sub: {}, subs: -1, data: -1, payload: -1, type: 'user', version: NATS_JWT_VERSION },
  };
}

const PERMISSION_LIMIT_KEYS: readonly (keyof UserPermissionLimits)[] = [
  'pub',
  'sub',
  'resp',
  'src',
  'times',
  'times_location',
  'subs',
  'data',
  'payload',
  'bearer_token',
  'allowed_connection_types',
];

/**
 * Makes a user fit for a scoped signing key (Go `SetScoped(true)`): every permission and
 * limit is cleared, because nats-server refuses a scoped user that carries any (even the
 * -1 defaults) and applies the scope's template instead. `setScoped(c, false)` restores
 * the -1 defaults. Returns the claims.
 *
 * @example
 * ```ts
 * const c = setScoped(newUserClaims('svc', userKey.publicKey));
 * c.nats.issuer_account = account.publicKey;
 * const jwt = encodeUser(c, scopedSigningKey);
 * ```
 */
export function setScoped(claims: UserClaims, scoped = true): UserClaims {
  const n = claims.nats;
  for (const k of PERMISSION_LIMIT_KEYS) delete n[k];
  n.pub = {};
  n.sub = {};
  if (!scoped) {
    n.subs = -1;
    n.data = -1;
    n.payload = -1;
  }
  return claims;
}

function emptyList(v: unknown): boolean {
  return v === undefined || v === null || (Array.isArray(v) && v.length === 0);
}

/**
 * True when the user carries no permissions or limits at all (Go `HasEmptyPermissions`):
 * the only shape a user issued by a scoped signing key may have.
 *
 * @example
 * ```ts
 * hasEmptyPermissions(setScoped(newUserClaims('svc', pub))); // true
 * ```
 */
export function hasEmptyPermissions(claims: UserClaims): boolean {
  const n = claims.nats;
  return (
    emptyList(n.pub?.allow) &&
    emptyList(n.pub?.deny) &&
    emptyList(n.sub?.allow) &&
    emptyList(n.sub?.deny) &&
    (n.resp === undefined || n.resp === null) &&
    emptyList(n.src) &&
    emptyList(n.times) &&
    !n.times_location &&
    !n.subs &&
    !n.data &&
    !n.payload &&
    !n.bearer_token &&
    emptyList(n.allowed_connection_types)
  );
}

/** True when `key` is a scope object rather than a plain signing key. */
export function isUserScope(key: unknown): key is UserScope {
  return typeof key === 'object' && key !== null && (key as { kind?: unknown }).kind === 'user_scope';
}
