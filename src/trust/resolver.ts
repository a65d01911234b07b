/**
 * Where the verifier finds the parents of a token: the account JWT a user names, and the
 * operator JWTs. A resolver only finds tokens; it never decides whether to trust them.
 */
import { supersedes } from './current-token.js';
import { signingKeysOf } from './nats/operators.js';
import { tokenFacts } from './nats/token-facts.js';

/** A value or a promise of it: in-memory resolvers answer synchronously. */
export type MaybePromise<T> = T | Promise<T>;

/** Finds the tokens a chain is made of. */
export interface ChainResolver {
  /** The current JWT of the account whose identity key is `publicKey`, if known. */
  account(publicKey: string): MaybePromise<string | undefined>;
  /**
   * Every operator JWT known (the verifier picks the ones that are trusted and fit). Return the
   * same array while the set is unchanged and a new one when it changes: the verifier indexes
   * each array once.
   */
  operators(): MaybePromise<readonly string[]>;
  /**
   * Optional: the current JWT of an account that lists `signingKey` as a signing key. Only
   * used to explain a user that lacks `issuer_account`.
   */
  accountBySigningKey?(signingKey: string): MaybePromise<string | undefined>;
}

/** A resolver whose answers are never promises, for {@link verifyChainSync}. */
export interface SyncChainResolver extends ChainResolver {
  account(publicKey: string): string | undefined;
  operators(): readonly string[];
  accountBySigningKey?(signingKey: string): string | undefined;
}

interface Candidate {
  token: string;
  iat: number;
  verified: boolean;
}


/**
 * A resolver over JWTs held in memory: account and operator tokens are filed by subject
 * (user and other tokens are ignored). When several JWTs of one entity are given, the current
 * one is the newest by `iat` among those whose signature verifies, so a replayed old account
 * token cannot bring back a removed signing key or undo a revocation.
 *
 * @example
 * ```ts
 * const resolver = memoryResolver([operatorJwt, accountJwt]);
 * const verdict = verifyChainSync(userJwt, { resolver, policy: natsServerPolicy([operatorJwt]) });
 * ```
 */
export function memoryResolver(tokens: Iterable<string>): SyncChainResolver {
  const accounts = new Map<string, Candidate>();
  const operators = new Map<string, Candidate>();
  for (const raw of tokens) {
    const token = String(raw).trim();
    const f = tokenFacts(token);
    if (!f.claims || !f.sub) continue;
    const into = f.type === 'account' ? accounts : f.type === 'operator' ? operators : undefined;
    if (!into) continue;
    const c: Candidate = { token, iat: f.iat ?? 0, verified: f.signatureOk };
    if (supersedes(c, into.get(f.sub))) into.set(f.sub, c);
  }
  const operatorTokens = [...operators.values()].map((c) => c.token);
  let bySigningKey: Map<string, string> | undefined;
  return {
    account: (publicKey) => accounts.get(publicKey)?.token,
    operators: () => operatorTokens,
    accountBySigningKey(signingKey) {
      if (!bySigningKey) {
        bySigningKey = new Map();
        for (const c of accounts.values()) for (const k of signingKeysOf(tokenFacts(c.token).nats)) bySigningKey.set(k, c.token);
      }
      return bySigningKey.get(signingKey);
    },
  };
}
