/**
 * The store as the verifier sees it: the operator and account tokens a chain is made of, the
 * operators this machine trusts, and the jtis revoked in the store — read in one pass. The
 * trust layer knows no disk; this is where the store is handed to it, through its resolver.
 */
import { type ChainResolver, type SyncChainResolver, memoryResolver } from '../../trust/resolver.js';
import type { EntityStore } from '../../store/store.js';
import { isSigchainError } from '../../errors.js';
import { accountJtis, mergeRevokedJtis } from '../revocation/revoked-jtis.js';
import type { Workspace } from '../workspace.js';

/** What {@link readStoreTrust} read. */
export interface StoreTrust {
  /** Every operator and account token of every operator in the store. */
  resolver: SyncChainResolver;
  /** The same tokens as a list (what `verifyMany` and its worker threads take). */
  tokens: string[];
  /** The store's operator tokens: the roots `sigchain verify` trusts when given none. */
  operators: string[];
  /** jti → Unix seconds from which the token is refused, for `definePolicy({ revokedJtis })`. */
  revokedJtis: Map<string, number>;
}

// A damaged token must not stop verifying chains that do not need it: a chain that does need
// it gets CHAIN_INCOMPLETE, naming the missing token.
async function attempt(read: () => Promise<string>): Promise<string | undefined> {
  try {
    return await read();
  } catch {
    return undefined;
  }
}

async function readTokens(store: EntityStore, revokedJtis?: Map<string, number>): Promise<{ tokens: string[]; operators: string[] }> {
  const tokens: string[] = [];
  const operators: string[] = [];
  let names: string[];
  try {
    names = await store.listOperators();
  } catch (e) {
    // A KV store that cannot be reached (or is not sigchain's) must not pass for an empty one.
    if (isSigchainError(e, 'STORE_UNREACHABLE') || isSigchainError(e, 'KV_BUCKET_SHAPE')) throw e;
    return { tokens, operators }; // no store: nothing to trust, nothing to resolve
  }
  for (const name of names) {
    const op = await store.openOperator(name);
    const operatorJwt = await attempt(() => op.readOperatorJwt());
    if (operatorJwt !== undefined) tokens.push(operatorJwt), operators.push(operatorJwt);
    for (const account of await op.listAccounts()) {
      const accountJwt = await attempt(() => op.readAccountJwt(account));
      if (accountJwt !== undefined) tokens.push(accountJwt);
      // Revocations fail closed: a damaged list throws STORE_CORRUPT instead of being skipped.
      if (revokedJtis) mergeRevokedJtis(revokedJtis, await accountJtis(op, account, accountJwt ?? ''));
    }
  }
  return { tokens, operators };
}

/**
 * Reads everything `sigchain verify` needs from the store in one pass: the chain's tokens, the
 * store's operators (the default roots) and the revoked jtis. A damaged revocation list throws
 * `STORE_CORRUPT`; a damaged token is only missing from the resolver.
 *
 * @example
 * ```ts
 * const { resolver, operators, revokedJtis } = await readStoreTrust(Workspace.open());
 * const verdict = verifyChainSync(userJwt, { resolver, policy: definePolicy({ trustedOperators: operators, revokedJtis }) });
 * ```
 */
export async function readStoreTrust(ws: Workspace): Promise<StoreTrust> {
  const revokedJtis = new Map<string, number>();
  const { tokens, operators } = await readTokens(ws.store, revokedJtis);
  return { resolver: memoryResolver(tokens), tokens, operators, revokedJtis };
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
export function storeResolver(ws: Workspace | EntityStore): ChainResolver {
  const store = 'listOperators' in ws ? ws : ws.store;
  let loaded: Promise<SyncChainResolver> | undefined;
  const load = (): Promise<SyncChainResolver> => (loaded ??= readTokens(store).then(({ tokens }) => memoryResolver(tokens)));
  return {
    account: async (publicKey) => (await load()).account(publicKey),
    operators: async () => (await load()).operators(),
    accountBySigningKey: async (signingKey) => (await load()).accountBySigningKey?.(signingKey),
  };
}
