/**
 * What expires soon, or has expired: the operator's token, its accounts', their users' and the
 * activation tokens the accounts import with (issue 11 item 6, `nsc expirations`). Read from the
 * store only; nothing is signed or written. An entity that cannot be read is reported apart, so
 * that a monitoring job never takes "nothing listed" for "nothing expires" when it could not look.
 */
import { decodeActivation } from '../claims/nats/decode.js';
import { isSigchainError } from '../errors.js';
import type { OperatorEntities } from '../store/store.js';
import { readAccount, readOperator, readUser } from './read.js';
import type { Workspace } from './workspace.js';

/** One token that expires inside the window or has expired. */
export interface Expiration {
  kind: 'operator' | 'account' | 'user' | 'activation';
  /** The entity's name; for an activation, the import's name (its subject when unnamed). */
  name: string;
  /**
   * The token's subject; for an activation, the exporting account's public key (the account
   * that must issue a new one).
   */
  publicKey: string;
  /** The account the token belongs to (a user's account, the importing account of an activation); null for operators and accounts. */
  account: string | null;
  /** Unix seconds. */
  expires: number;
  /** True when the token has expired (Go's rule: now > exp). */
  expired: boolean;
}

/** An entity whose token could not be read: its expiry is unknown. */
export interface UnreadableToken {
  kind: Expiration['kind'];
  name: string;
  account: string | null;
  code: string;
  message: string;
}

/** What {@link listExpirations} finds. */
export interface ExpirationReport {
  operator: string;
  /** The end of the window (Unix seconds): tokens expiring at or before it are listed. */
  until: number;
  /** Soonest first. */
  expirations: Expiration[];
  unreadable: UnreadableToken[];
}

const KIND_ORDER: Record<Expiration['kind'], number> = { operator: 0, account: 1, user: 2, activation: 3 };

/**
 * Lists the tokens of an operator (default: the current one) that expire at or before `until`
 * (Unix seconds), expired ones included however old, soonest first. Tokens without `exp`
 * never expire and are not listed.
 *
 * @example
 * ```ts
 * const r = await listExpirations(ws, { until: Math.floor(Date.now() / 1000) + 30 * 86400 });
 * for (const e of r.expirations) console.log(e.kind, e.name, new Date(e.expires * 1000));
 * ```
 */
export async function listExpirations(ws: Workspace, opts: { until: number; operator?: string; now?: number }): Promise<ExpirationReport> {
  const now = opts.now ?? Math.floor(Date.now() / 1000);
  const until = Math.max(opts.until, now);
  const op = await ws.operator(opts.operator);
  const found: Expiration[] = [];
  const unreadable: UnreadableToken[] = [];
  const consider = (kind: Expiration['kind'], name: string, publicKey: string, account: string | null, exp: number | undefined) => {
    if (exp !== undefined && exp > 0 && exp <= until) found.push({ kind, name, publicKey, account, expires: exp, expired: now > exp });
  };
  /** Runs a read; a refusal becomes an unreadable entry (anything else is a bug and throws). */
  const tryRead = async <T>(kind: Expiration['kind'], name: string, account: string | null, read: () => Promise<T> | T): Promise<T | undefined> => {
    try {
      return await read();
    } catch (e) {
      if (!isSigchainError(e)) throw e;
      unreadable.push({ kind, name, account, code: e.code, message: e.message });
      return undefined;
    }
  };

  const operator = await readOperator(op);
  consider('operator', op.name, operator.claims.sub, null, operator.claims.exp);
  for (const name of await op.listAccounts()) {
    const account = await tryRead('account', name, null, () => readAccount(op, name));
    if (!account) continue;
    consider('account', name, account.claims.sub, null, account.claims.exp);
    for (const imp of account.claims.nats.imports ?? []) {
      // A token may also be a URL the server fetches: nothing to read here.
      if (!imp.token || /^https?:\/\//i.test(imp.token)) continue;
      const label = imp.name || imp.subject;
      const act = await tryRead('activation', label, name, () => decodeActivation(imp.token!));
      if (act) consider('activation', label, imp.account, name, act.exp);
    }
    await users(op, name, tryRead, consider);
  }
  found.sort((a, b) => a.expires - b.expires || KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || (a.account ?? '').localeCompare(b.account ?? '') || a.name.localeCompare(b.name));
  return { operator: op.name, until, expirations: found, unreadable };
}

async function users(
  op: OperatorEntities,
  account: string,
  tryRead: <T>(kind: Expiration['kind'], name: string, account: string | null, read: () => Promise<T> | T) => Promise<T | undefined>,
  consider: (kind: Expiration['kind'], name: string, publicKey: string, account: string | null, exp: number | undefined) => void,
): Promise<void> {
  for (const name of await op.listUsers(account)) {
    const user = await tryRead('user', name, account, () => readUser(op, account, name));
    if (user) consider('user', name, user.claims.sub, account, user.claims.exp);
  }
}
