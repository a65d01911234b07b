import { requireKey } from './common.js';
import { NATS_JWT_VERSION, type OperatorClaims } from './types.js';

/**
 * New operator claims (Go `NewOperatorClaims`): subject = the operator key, nothing else set.
 * Operator tokens are self-signed: encode them with the same key.
 *
 * @example
 * ```ts
 * const op = KeyPair.create('operator');
 * const claims = newOperatorClaims('acme', op.publicKey);
 * addOperatorSigningKey(claims, opSigningKey.publicKey);
 * const jwt = encodeOperator(claims, op);
 * ```
 */
export function newOperatorClaims(name: string, operatorPublicKey: string): OperatorClaims {
  requireKey(operatorPublicKey, ['operator']);
  return { name, sub: operatorPublicKey, nats: { type: 'operator', version: NATS_JWT_VERSION } };
}

/**
 * Adds operator signing keys (O…). Kept in the order added, as Go's StringList does;
 * duplicates are skipped. Servers must restart to see operator changes. Returns the claims.
 *
 * @example
 * ```ts
 * addOperatorSigningKey(claims, sk.publicKey);
 * ```
 */
export function addOperatorSigningKey(claims: OperatorClaims, ...keys: string[]): OperatorClaims {
  const list = (claims.nats.signing_keys ??= []);
  for (const k of keys) {
    requireKey(k, ['operator']);
    if (!list.includes(k)) list.push(k);
  }
  return claims;
}

/**
 * Removes operator signing keys. Returns the claims.
 *
 * @example
 * ```ts
 * removeOperatorSigningKey(claims, retired.publicKey);
 * ```
 */
export function removeOperatorSigningKey(claims: OperatorClaims, ...keys: string[]): OperatorClaims {
  const list = claims.nats.signing_keys;
  if (list) {
    claims.nats.signing_keys = list.filter((k) => !keys.includes(k));
    if (claims.nats.signing_keys.length === 0) delete claims.nats.signing_keys;
  }
  return claims;
}

/**
 * True when the operator vouches for a token's issuer (Go `OperatorClaims.DidSign`): the
 * operator key itself, unless strict_signing_key_usage is on (then it may sign only its own
 * token), or one of its signing keys.
 *
 * @example
 * ```ts
 * operatorDidSign(op, decodeAccount(jwt));
 * ```
 */
export function operatorDidSign(claims: OperatorClaims, token: { iss?: string; sub?: string }): boolean {
  if (!token.iss) return false;
  if (token.iss === claims.sub) return !claims.nats.strict_signing_key_usage || token.sub === claims.sub;
  return claims.nats.signing_keys?.includes(token.iss) ?? false;
}
