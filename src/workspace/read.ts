import { decodeAccount, decodeOperator, decodeUser } from '../claims/nats/decode.js';
import type { AccountClaims, OperatorClaims, UserClaims } from '../claims/nats/types.js';
import { SigchainError } from '../errors.js';
import { decodeJwt } from '../jwt/decode.js';
import { WASCAP_FORMAT } from '../jwt/formats.js';
import type { OperatorEntities } from '../store/store.js';
import type { JwtDirEntry } from '../store/jwt-files.js';
import { OperatorStore } from '../store/operator-store.js';
import type { Workspace } from './workspace.js';

/** True when a stored token is a wasmCloud (wascap) token; false for NATS or unreadable ones. */
export function isWascapStored(token: string): boolean {
  try {
    // Only a token whose header names wascap's algorithm parses under its format.
    decodeJwt(token, WASCAP_FORMAT);
    return true;
  } catch {
    return false;
  }
}

/**
 * The refusal of a NATS operation on a wasmCloud operator: both live in the same store layout,
 * and a NATS account or user under a wascap operator would chain to nothing any server accepts.
 */
export function wascapOperatorError(op: OperatorEntities): SigchainError {
  return new SigchainError(
    'WRONG_CLAIM_TYPE',
    `Operator ${op.name} is a wasmCloud (wascap) operator, not a NATS one: NATS accounts, users and edits do not apply to it. Use \`sigchain add account NAME --format wascap --operator ${op.name}\` and \`sigchain wasm sign\` for its entities, or choose a NATS operator.`,
    { expected: 'nats', got: 'wascap', operator: op.name },
  );
}

// NATS readers below: a wascap token fails their decode; say why in words instead of an algorithm name.
function natsDecoded<T>(op: OperatorEntities, token: string, decode: (t: string) => T): T {
  try {
    return decode(token);
  } catch (e) {
    if (isWascapStored(token)) throw wascapOperatorError(op);
    throw e;
  }
}

/** A token as stored, with its verified claims. */
export interface Stored<C> {
  name: string;
  token: string;
  claims: C;
}

/** The operator's JWT from the store, signature verified. */
export async function readOperator(op: OperatorEntities): Promise<Stored<OperatorClaims>> {
  const token = await op.readOperatorJwt();
  return { name: op.name, token, claims: natsDecoded(op, token, decodeOperator) };
}

/** An account's JWT from the store, signature verified. */
export async function readAccount(op: OperatorEntities, name: string): Promise<Stored<AccountClaims>> {
  const token = await op.readAccountJwt(name);
  return { name, token, claims: natsDecoded(op, token, decodeAccount) };
}

/** What an account-level operation starts from: the operator's store and JWT, and the account's. */
export interface AccountInStore {
  op: OperatorEntities;
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
export async function readUser(op: OperatorEntities, account: string, name: string): Promise<Stored<UserClaims>> {
  const token = await op.readUserJwt(account, name);
  return { name, token, claims: decodeUser(token) };
}

/**
 * Every user of `account` as stored, in one pass over its folder: name (with `tokens`, the token) and the facts
 * the store peeks at (`sub`, `iss`, `name`), or the coded error that makes the file unusable
 * (unreadable, not a JWT, not a NATS user token). Signatures are not verified (listings, not
 * decisions: use {@link readUser} or the verifier for those). `STORE_NOT_FOUND` when the account
 * does not exist.
 *
 * @example
 * ```ts
 * for (const u of await storedUsers(op, 'A')) console.log(u.name, u.facts?.sub ?? u.error.code);
 * ```
 */
export async function storedUsers(op: OperatorEntities, account: string, opts: { tokens?: boolean } = {}): Promise<JwtDirEntry[]> {
  return (await op.readUsers(account, opts)).map((u) => {
    if (u.error || (u.facts.format === 'nats' && u.facts.type === 'user')) return u;
    const path = op instanceof OperatorStore ? op.userJwtPath(account, u.name) : `${op.location} user ${account}/${u.name}`;
    return { name: u.name, error: new SigchainError('STORE_CORRUPT', `${path} holds ${u.facts.format === 'wascap' ? 'a wasmCloud' : `a ${u.facts.type ?? 'untyped'}`} token, not a NATS user token. Move it away, or re-issue the user.`, { path }) };
  });
}

/** Public key → name for the operator, its accounts and (optionally) users: lets tables say `ACDX… / A`. */
export async function keyNames(op: OperatorEntities): Promise<Map<string, string>> {
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
