import { decodeAccount, decodeOperator, decodeUser } from '../claims/nats/decode.js';
import type { AccountClaims, OperatorClaims, UserClaims } from '../claims/nats/types.js';
import type { OperatorStore } from '../store/operator-store.js';
import type { Workspace } from './workspace.js';

/** A token as stored, with its verified claims. */
export interface Stored<C> {
  name: string;
  token: string;
  claims: C;
}

/** The operator's JWT from the store, signature verified. */
export async function readOperator(op: OperatorStore): Promise<Stored<OperatorClaims>> {
  const token = await op.readOperatorJwt();
  return { name: op.name, token, claims: decodeOperator(token) };
}

/** An account's JWT from the store, signature verified. */
export async function readAccount(op: OperatorStore, name: string): Promise<Stored<AccountClaims>> {
  const token = await op.readAccountJwt(name);
  return { name, token, claims: decodeAccount(token) };
}

/** What an account-level operation starts from: the operator's store and JWT, and the account's. */
export interface AccountInStore {
  op: OperatorStore;
  operator: Stored<OperatorClaims>;
  /** The account's folder name (resolved from a name, or the current account). */
  name: string;
  account: Stored<AccountClaims>;
}

/**
 * Opens the operator (default: the current one) and reads its JWT and the account's (default:
 * the current account), signatures verified.
 *
 * @example
 * ```ts
 * const { op, operator, name, account } = await readAccountInStore(ws, undefined, 'A');
 * ```
 */
export async function readAccountInStore(ws: Workspace, operator?: string, account?: string): Promise<AccountInStore> {
  const op = await ws.operator(operator);
  const operatorJwt = await readOperator(op);
  const name = await ws.account(op, account);
  return { op, operator: operatorJwt, name, account: await readAccount(op, name) };
}

/** A user's JWT from the store, signature verified. */
export async function readUser(op: OperatorStore, account: string, name: string): Promise<Stored<UserClaims>> {
  const token = await op.readUserJwt(account, name);
  return { name, token, claims: decodeUser(token) };
}

/** Public key → name for the operator, its accounts and (optionally) users: lets tables say `ACDX… / A`. */
export async function keyNames(op: OperatorStore): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  const o = await readOperator(op);
  names.set(o.claims.sub, o.name);
  for (const a of await op.listAccounts()) {
    try {
      names.set((await readAccount(op, a)).claims.sub, a);
    } catch {
      // A damaged account must not stop a describe of something else.
    }
  }
  return names;
}
