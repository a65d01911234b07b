import { decodeAccount, decodeOperator, decodeUser } from '../claims/nats/decode.js';
import type { AccountClaims, OperatorClaims, UserClaims } from '../claims/nats/types.js';
import type { OperatorStore } from '../store/operator-store.js';

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
