/**
 * Reading the revoked jtis back: listed per account for people, and merged into one map for
 * the verifier's policy (`definePolicy({ revokedJtis: await revokedJtisFromStore(ws) })`).
 */
import { decodeAccount } from '../../claims/nats/decode.js';
import type { OperatorEntities } from '../../store/store.js';
import { type RevokedJti, readRevokedJtis, revokedJtiEntries } from '../../store/revoked-jtis.js';
import type { Workspace } from '../workspace.js';

/** Options of {@link listRevokedJtis}. */
export interface ListRevokedJtisOptions {
  operator?: string;
  /** Only this account; default every account of the operator. */
  account?: string;
}

/** The revoked jtis of one account. */
export interface AccountRevokedJtis {
  name: string;
  publicKey: string;
  jtis: RevokedJti[];
}

/** What {@link listRevokedJtis} found. */
export interface ListRevokedJtisResult {
  operator: string;
  accounts: AccountRevokedJtis[];
}

/**
 * The revoked jtis filed under one account. `accountJwt` saves a read when the caller has
 * the account's token already; a missing or damaged one does not hide the list (fail closed).
 */
export async function accountJtis(op: OperatorEntities, name: string, accountJwt?: Promise<string> | string): Promise<AccountRevokedJtis> {
  let publicKey: string | undefined;
  try {
    publicKey = decodeAccount(await (accountJwt ?? op.readAccountJwt(name))).sub;
  } catch {
    // A damaged account JWT must not hide the revocations filed under it (fail closed).
  }
  const list = await readRevokedJtis(op, name, publicKey);
  return { name, publicKey: publicKey ?? list.account, jtis: revokedJtiEntries(list) };
}

/**
 * Lists revoked jtis per account (every account of the operator unless `account` is given).
 * A damaged list throws `STORE_CORRUPT`: a revocation list must never be skipped silently.
 *
 * @example
 * ```ts
 * const { accounts } = await listRevokedJtis(ws, { account: 'A' });
 * accounts[0]!.jtis.map((e) => e.jti);
 * ```
 */
export async function listRevokedJtis(ws: Workspace, opts: ListRevokedJtisOptions = {}): Promise<ListRevokedJtisResult> {
  const op = await ws.operator(opts.operator);
  const names = opts.account !== undefined ? [await ws.account(op, opts.account)] : await op.listAccounts();
  const accounts: AccountRevokedJtis[] = [];
  for (const name of names) accounts.push(await accountJtis(op, name));
  return { operator: op.name, accounts };
}

/**
 * Every jti revoked in the store (of one operator, or of all), as the verifier's policy takes
 * them: jti → Unix seconds from which the token is refused. Fails closed: a damaged list throws
 * `STORE_CORRUPT` rather than letting revoked tokens through.
 *
 * @example
 * ```ts
 * const policy = definePolicy({ trustedOperators: [operatorJwt], revokedJtis: await revokedJtisFromStore(ws) });
 * const verdict = await verifyChain(userJwt, { resolver: storeResolver(ws), policy }); // or readStoreTrust(ws): all three in one read
 * ```
 */
export async function revokedJtisFromStore(ws: Workspace, opts: { operator?: string } = {}): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const operators = opts.operator !== undefined ? [opts.operator] : await ws.store.listOperators();
  for (const o of operators) {
    const op = await ws.store.openOperator(o);
    for (const name of await op.listAccounts()) mergeRevokedJtis(out, await accountJtis(op, name));
  }
  return out;
}

/** Adds one account's revoked jtis to the policy's map; the earliest revocation of a jti wins. */
export function mergeRevokedJtis(into: Map<string, number>, account: AccountRevokedJtis): void {
  for (const e of account.jtis) {
    const prior = into.get(e.jti);
    if (prior === undefined || e.at < prior) into.set(e.jti, e.at);
  }
}
