import { addSigningKey, removeSigningKey } from '../../claims/nats/account.js';
import { addOperatorSigningKey, removeOperatorSigningKey } from '../../claims/nats/operator.js';
import type { AccountClaims, OperatorClaims, UserScope } from '../../claims/nats/types.js';
import { pruneRestrictions, restrictionOf, setRestriction } from '../../keys/restrictions.js';

/**
 * Swaps, in place, the compromised key for its replacement in a parent's claims: same scope
 * (account keys) and same delegation restriction (sigchain's `sigchain_restrictions`), so the
 * replacement may do exactly what the compromised key could, no more.
 *
 * @example
 * ```ts
 * swapSigningKey('account', claims, leaked, fresh.publicKey, signingKeyScope(claims, leaked) ?? null);
 * ```
 */
export function swapSigningKey(kind: 'operator' | 'account', claims: OperatorClaims | AccountClaims, key: string, replacement: string, scope: UserScope | null): void {
  const restriction = restrictionOf(claims.nats, key);
  if (kind === 'operator') {
    removeOperatorSigningKey(claims as OperatorClaims, key);
    addOperatorSigningKey(claims as OperatorClaims, replacement);
  } else {
    removeSigningKey(claims as AccountClaims, key);
    addSigningKey(claims as AccountClaims, scope ? { ...scope, key: replacement } : replacement);
  }
  if (restriction !== undefined) setRestriction(claims.nats, replacement, restriction);
  pruneRestrictions(claims.nats, (claims.nats.signing_keys ?? []).map((k: string | UserScope) => (typeof k === 'string' ? k : k.key)));
}
