/**
 * Where the verifier finds the parents of a token: the account JWT a user names, and the
 * operator JWTs. A resolver only finds tokens; it never decides whether to trust them.
 */
import { FsStore } from '../store/fs-store.js';
import type { Workspace } from '../workspace/workspace.js';
import { signingKeysOf } from './operators.js';
import { tokenFacts } from './token-facts.js';

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

// A token with a good signature beats any forgery; among equals the newest iat is current,
// and at equal iat the one given last (nsc overwrites in order).
function better(next: Candidate, current: Candidate | undefined): boolean {
  if (!current) return true;
  if (next.verified !== current.verified) return next.verified;
  return next.iat >= current.iat;
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
    if (better(c, into.get(f.sub))) into.set(f.sub, c);
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

/**
 * A resolver over the store: every operator and account JWT of every operator in the
 * workspace's stores, read once on first use (build a new resolver to see later changes).
 *
 * @example
 * ```ts
 * const ws = Workspace.open();
 * const verdict = await verifyChain(userJwt, { resolver: storeResolver(ws), policy: definePolicy({ trustedOperators: [opKey] }) });
 * ```
 */
export function storeResolver(ws: Workspace | FsStore): ChainResolver {
  const store = ws instanceof FsStore ? ws : ws.store;
  let loaded: Promise<SyncChainResolver> | undefined;
  const load = (): Promise<SyncChainResolver> => {
    loaded ??= (async () => {
      const tokens: string[] = [];
      // A damaged entry must not stop verifying chains that do not need it; a chain that does
      // need it gets CHAIN_INCOMPLETE, naming the missing token.
      const attempt = async (read: () => Promise<string>) => {
        try {
          tokens.push(await read());
        } catch {
          /* skipped: see above */
        }
      };
      for (const name of await store.listOperators()) {
        const op = await store.openOperator(name);
        await attempt(() => op.readOperatorJwt());
        for (const account of await op.listAccounts()) await attempt(() => op.readAccountJwt(account));
      }
      return memoryResolver(tokens);
    })();
    return loaded;
  };
  return {
    account: async (publicKey) => (await load()).account(publicKey),
    operators: async () => (await load()).operators(),
    accountBySigningKey: async (signingKey) => (await load()).accountBySigningKey?.(signingKey),
  };
}
