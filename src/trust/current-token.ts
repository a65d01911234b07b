/**
 * Which of several tokens of one entity is its current one. The same rule everywhere a chain
 * is assembled (resolvers, the operator index, the policy's pinned operators), so a replayed
 * old token can never bring back a removed signing key or undo a revocation.
 */

/** What the rule looks at in a token. */
export interface TokenAge {
  /** Its signature verified with its issuer. */
  readonly verified: boolean;
  readonly iat: number;
}

/**
 * True when `next` replaces `current` as the entity's current token: a token whose signature
 * verifies beats any forgery; among equals the newest `iat` wins, and at an equal `iat` the one
 * seen last (nsc overwrites in order).
 *
 * @example
 * ```ts
 * if (supersedes({ verified: true, iat: 20 }, { verified: true, iat: 10 })) current = next;
 * ```
 */
export function supersedes(next: TokenAge, current: TokenAge | undefined): boolean {
  if (!current) return true;
  if (next.verified !== current.verified) return next.verified;
  return next.iat >= current.iat;
}
