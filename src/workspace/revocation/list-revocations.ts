/**
 * The key revocations of an account (nsc `revocations list-users`), with the names of the
 * stored users they name and the stored users whose current token each one refuses.
 */
import { MAX_TOKEN_SIZE } from '../../jwt/decode.js';
import { readAccount } from '../read.js';
import { storedUserTokens } from './revocation-common.js';
import type { RevokedUser } from './revoke-user.js';
import type { Workspace } from '../workspace.js';

/** Options of {@link listRevocations}. */
export interface ListRevocationsOptions {
  operator?: string;
  /** Default: the current account. */
  account?: string;
}

/** One entry of an account's revocation list. */
export interface RevocationEntry {
  /** A user public key, or `"*"` (every user). */
  key: string;
  /** The stored user with that key, if any (`"*"` has none). */
  name?: string;
  /** Tokens issued at or before this time (Unix seconds) are refused. */
  at: number;
  /** Stored users whose current token this entry refuses. */
  revokedUsers: RevokedUser[];
}

/** What {@link listRevocations} found. */
export interface ListRevocationsResult {
  operator: string;
  account: { name: string; publicKey: string };
  /** Sorted: `"*"` first, then by time, then by key. */
  entries: RevocationEntry[];
  /** Size of the account JWT, and the NATS limit it must stay under. */
  tokenBytes: number;
  tokenLimit: number;
}

/**
 * Lists an account's key revocations: which key, its stored name, since when, and which stored
 * users' current tokens each refuses (NATS rule: refused iff the entry's time >= the token's iat).
 *
 * @example
 * ```ts
 * const { entries } = await listRevocations(ws, { account: 'A' });
 * entries.map((e) => `${e.name ?? e.key} ${e.at}`);
 * ```
 */
export async function listRevocations(ws: Workspace, opts: ListRevocationsOptions = {}): Promise<ListRevocationsResult> {
  const op = await ws.operator(opts.operator);
  const name = await ws.account(op, opts.account);
  const account = await readAccount(op, name);
  const users = await storedUserTokens(op, name);
  const list = account.claims.nats.revocations ?? {};
  const entries: RevocationEntry[] = Object.entries(list).map(([key, at]) => {
    const named = key === '*' ? undefined : users.find((u) => u.publicKey === key)?.name;
    const revokedUsers = users.filter((u) => (key === '*' || u.publicKey === key) && u.iat <= at).map((u) => ({ name: u.name, publicKey: u.publicKey, iat: u.iat }));
    return { key, ...(named ? { name: named } : {}), at, revokedUsers };
  });
  entries.sort((a, b) => Number(b.key === '*') - Number(a.key === '*') || a.at - b.at || a.key.localeCompare(b.key));
  return { operator: op.name, account: { name, publicKey: account.claims.sub }, entries, tokenBytes: account.token.length, tokenLimit: MAX_TOKEN_SIZE };
}
