/**
 * What the revocation operations share: the revocation time, the stored users a revocation
 * hits, re-signing the account with an operator key (with an error that says plainly which
 * key is needed), the token-size warnings, and the reminder that servers need the new JWT.
 */
import type { Signer } from '../../keys/signer.js';
import { decodeUser } from '../../claims/nats/decode.js';
import type { AccountClaims, OperatorClaims } from '../../claims/nats/types.js';
import { SigchainError, isSigchainError } from '../../errors.js';
import { MAX_TOKEN_SIZE } from '../../jwt/decode.js';
import type { OperatorEntities } from '../../store/store.js';
import { type Issued, issueAccount } from '../signing/issue.js';
import type { Stored } from '../read.js';
import type { Workspace } from '../workspace.js';

/** Account JWT size from which every revocation warns (half the 1 MiB NATS limit). */
export const REVOCATION_SIZE_WARNING = MAX_TOKEN_SIZE / 2;
/** Number of revocation entries from which every revocation suggests short-lived users. */
export const REVOCATION_COUNT_WARNING = 1000;

/** A stored user as a revocation sees it: its current token's key, iat and jti. */
export interface StoredUserToken {
  name: string;
  publicKey: string;
  iat: number;
  jti?: string;
  /** The token as stored, so a caller that picks one need not read it again. */
  token: string;
}

/**
 * The revocation time: `at` as Unix seconds, or now when absent or 0 (nsc's `--at 0`).
 *
 * @example
 * ```ts
 * revocationTime(0); // now
 * ```
 */
export function revocationTime(at?: number | Date): number {
  if (at === undefined || at === 0) return Math.floor(Date.now() / 1000);
  const t = typeof at === 'number' ? Math.floor(at) : Math.floor(at.getTime() / 1000);
  if (!Number.isSafeInteger(t) || t < 0) throw new SigchainError('USAGE', `The revocation time must be a time (Unix seconds, a Date); got ${String(at)}.`);
  return t;
}

/**
 * `2026-01-31T10:00:00Z` for people reading a revocation time.
 *
 * @example
 * ```ts
 * iso(0); // '1970-01-01T00:00:00Z'
 * ```
 */
export function iso(t: number): string {
  return new Date(t * 1000).toISOString().replace('.000Z', 'Z');
}

/**
 * The stored users of an account with their current token's key, iat and jti. A user whose JWT
 * cannot be read is skipped: it cannot connect anyway, and must not stop a revocation.
 *
 * @example
 * ```ts
 * (await storedUserTokens(op, 'A')).filter((u) => isRevoked(acct.nats.revocations, u.publicKey, u.iat));
 * ```
 */
export async function storedUserTokens(op: OperatorEntities, account: string): Promise<StoredUserToken[]> {
  const out: StoredUserToken[] = [];
  for (const name of await op.listUsers(account)) {
    try {
      const token = await op.readUserJwt(account, name);
      const c = decodeUser(token);
      out.push({ name, publicKey: c.sub, iat: c.iat ?? 0, token, ...(c.jti ? { jti: c.jti } : {}) });
    } catch {
      /* unreadable: see above */
    }
  }
  return out;
}

/**
 * Re-signs an account whose revocations changed, with an operator key: `signer` (-K) if
 * given, else an operator signing key whose seed is at hand, else the identity key. When none
 * can sign, `NO_APPROPRIATE_SIGNING_KEY` says plainly that revocations need the OPERATOR's key
 * (the account's own keys cannot sign its JWT). Refuses a token over the NATS 1 MiB limit
 * (`TOKEN_TOO_LARGE`) and warns when it grows toward it. Does not write.
 *
 * @example
 * ```ts
 * revoke(account.claims, userKey);
 * const issued = await resignForRevocation(ws, op, operator, account, signer);
 * await op.writeAccountJwt(account.name, issued.token);
 * ```
 */
export async function resignForRevocation(ws: Workspace, op: OperatorEntities, operator: Stored<OperatorClaims>, account: Stored<AccountClaims>, signer?: Signer): Promise<Issued> {
  let issued: Issued;
  try {
    // Revocations are not delegation: the claims as they stand are their own previous delegation.
    issued = await issueAccount(ws, operator, account.claims, signer, { previous: account.claims });
  } catch (e) {
    if (!isSigchainError(e, 'NO_APPROPRIATE_SIGNING_KEY')) throw e;
    const managed = op.info.managed ? ` Operator "${op.name}" is managed (imported without its keys): send the change to whoever holds its keys.` : '';
    throw new SigchainError(
      'NO_APPROPRIATE_SIGNING_KEY',
      `Revocations live in account "${account.name}"'s JWT, and only operator "${operator.name}" signs that JWT: changing them needs an OPERATOR key, ` +
        `an operator signing key (or the operator identity key, unless the operator requires signing keys). The account's own identity and signing keys cannot sign its JWT.${managed}\n${e.message}`,
      { ...(e.details ?? {}), needs: 'operator', account: account.claims.sub },
      { cause: e },
    );
  }
  const entries = Object.keys(account.claims.nats.revocations ?? {}).length;
  const bytes = issued.token.length;
  if (bytes > MAX_TOKEN_SIZE) {
    throw new SigchainError(
      'TOKEN_TOO_LARGE',
      `With this change account "${account.name}"'s JWT would be ${bytes} bytes (${entries} revocations), over the ${MAX_TOKEN_SIZE}-byte NATS limit, so nothing was written. ` +
        "Remove revocations that no longer matter (users that expired or were deleted: `sigchain revocations delete-user`), revoke everyone issued before a time with `-u '*'`, and issue short-lived users (--expiry) so expired tokens need no revocation.",
      { bytes, limit: MAX_TOKEN_SIZE, revocations: entries },
    );
  }
  if (bytes >= REVOCATION_SIZE_WARNING || entries >= REVOCATION_COUNT_WARNING) {
    issued.warnings.push(
      `Account "${account.name}"'s JWT is ${Math.round(bytes / 1024)} KiB with ${entries} revocations (NATS refuses tokens over ${MAX_TOKEN_SIZE / 1024} KiB, and every server holds and re-reads the whole list). ` +
        "Revocation lists do not scale to many users (nats-io/nsc#423): issue short-lived users (--expiry) from a service, so tokens expire instead of being revoked, and prune entries for users that are gone.",
    );
  }
  return issued;
}

/**
 * What to do so servers enforce a changed account: they hold the account JWT they were given.
 *
 * @example
 * ```ts
 * serverReminder('O', 'A'); // ['Servers still hold the old JWT of account "A": …']
 * ```
 */
export function serverReminder(operator: string, account: string): string[] {
  return [
    `Servers still hold the old JWT of account "${account}". With a memory resolver, regenerate the configuration (\`sigchain nats server-config --operator ${operator} -o server.conf\`) and reload each server (\`nats-server --signal reload\`, i.e. SIGHUP); with a NATS (full) resolver, send the new account JWT to the servers' resolver (a claims update on $SYS.REQ.CLAIMS.UPDATE). A server that loads it disconnects clients whose tokens are now revoked.`,
  ];
}
