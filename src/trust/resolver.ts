/**
 * Where the verifier finds the parents of a token: the account JWT a user names, and the
 * operator JWTs. A resolver only finds tokens; it never decides whether to trust them.
 */
import { supersedes } from './current-token.js';
import { signingKeysOf } from './nats/operators.js';
import { type TokenFacts, tokenFacts } from './nats/token-facts.js';
import { isWascapToken, wascapFacts } from './wascap/token-facts.js';
import { trimSpace } from '../text.js';

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
   * Optional: the current JWT of an account that lists `signingKey` as a signing key (NATS
   * `signing_keys`, wascap `valid_signers`). Finds the account of a wasmCloud actor signed by
   * an account signing key (actors name no account); for NATS, only explains a user that
   * lacks `issuer_account`.
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


// Each token read by its own format: NATS JWTs and wascap tokens are filed side by side.
function factsOf(token: string): TokenFacts {
  return isWascapToken(token) ? wascapFacts(token) : tokenFacts(token);
}

function keysOf(f: TokenFacts): readonly string[] {
  return 'signers' in f ? (f as { signers: readonly string[] }).signers : signingKeysOf(f.nats);
}

/**
 * A resolver over JWTs held in memory: account and operator tokens (NATS and wascap) are filed
 * by subject (user, actor and other tokens are ignored). When several JWTs of one entity are given, the current
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
    const token = trimSpace(String(raw));
    const f = factsOf(token);
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
        for (const c of accounts.values()) for (const k of keysOf(factsOf(c.token))) bySigningKey.set(k, c.token);
      }
      return bySigningKey.get(signingKey);
    },
  };
}
