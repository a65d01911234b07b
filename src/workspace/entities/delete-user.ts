/**
 * `delete user`, as nsc does it: the user's JWT leaves the store; with `rmNkey` its seed and with
 * `rmCreds` its creds file go too; with `revoke` the account first revokes the user's key, so
 * servers refuse the creds still out there once they load the re-signed account.
 */
import type { SignerLike } from '../signing/signer-like.js';
import { revoke as revokeKey } from '../../claims/nats/account.js';
import { SigchainError } from '../../errors.js';
import { issueAccount } from '../signing/issue.js';
import { readAccountInStore, readUser } from '../read.js';
import type { ResignedAccountInfo } from './exports.js';
import type { Workspace } from '../workspace.js';

/** Options of {@link deleteUser}. */
export interface DeleteUserOptions {
  operator?: string;
  /** The users' account; default the current one. */
  account?: string;
  /** The users to delete, by name. */
  users: string[];
  /** Revoke each user's key in the account JWT first (`-R`); the account is re-signed by an operator key. */
  revoke?: boolean;
  /** Also remove each user's seed from the key store (`-D`). */
  rmNkey?: boolean;
  /** Also remove each user's creds file (`-C`). */
  rmCreds?: boolean;
  /** The operator key that re-signs the account when revoking (`-K`). */
  signer?: SignerLike;
}

/** One deleted user. */
export interface DeletedUser {
  name: string;
  publicKey: string;
  /** With `revoke`: whether this revoked it, or it was revoked already. */
  revocation?: 'revoked' | 'already-revoked';
  /** With `rmNkey`: whether a seed was removed. */
  key?: 'removed' | 'not-stored';
  /** With `rmCreds`: whether a creds file was removed. */
  creds?: 'removed' | 'not-stored';
}

/** What {@link deleteUser} did. */
export interface DeleteUserResult {
  operator: string;
  account: string;
  users: DeletedUser[];
  /** Set when revoking re-signed the account. */
  resigned?: ResignedAccountInfo;
  warnings: string[];
}

/**
 * Deletes users from the store. Every user is checked before anything changes, and with
 * `revoke` the account is re-signed before any file is removed: a refused delete writes nothing.
 * Without `revoke` the users' creds still connect (servers know nothing of the store): a warning
 * says so.
 *
 * @example
 * ```ts
 * await deleteUser(ws, { account: 'A', users: ['U'], revoke: true, rmNkey: true, rmCreds: true });
 * ```
 */
export async function deleteUser(ws: Workspace, opts: DeleteUserOptions): Promise<DeleteUserResult> {
  if (!opts.users.length) throw new SigchainError('USAGE', 'Name the user(s) to delete.');
  return ws.store.locked(async () => {
    const { op, operator, name, account } = await readAccountInStore(ws, opts.operator, opts.account);
    const users = [];
    for (const u of new Set(opts.users)) users.push(await readUser(op, name, u));
    const result: DeleteUserResult = { operator: op.name, account: name, users: [], warnings: [] };
    const deleted = new Map<string, DeletedUser>(users.map((u) => [u.name, { name: u.name, publicKey: u.claims.sub }]));
    if (opts.revoke) {
      const previous = structuredClone(account.claims);
      let changed = false;
      for (const u of users) {
        const d = deleted.get(u.name)!;
        // A revocation that already refuses the user's current token is left as it is. Unlike nsc,
        // an older one (the user was re-issued since) is moved forward: else its creds still work.
        const existing = account.claims.nats.revocations?.[u.claims.sub];
        if (existing !== undefined && existing >= (u.claims.iat ?? 0)) d.revocation = 'already-revoked';
        else {
          revokeKey(account.claims, u.claims.sub);
          d.revocation = 'revoked';
          changed = true;
        }
      }
      if (changed) {
        const issued = await issueAccount(ws, operator, account.claims, opts.signer, { previous });
        await op.writeAccountJwt(name, issued.token);
        result.resigned = { name, publicKey: account.claims.sub, issuer: issued.signer.key.publicKey, signedBy: issued.signer.as };
        result.warnings.push(...issued.warnings);
      }
    }
    for (const u of users) {
      const d = deleted.get(u.name)!;
      await op.deleteUser(name, u.name);
      if (opts.rmNkey) d.key = (await ws.keys.removeKey(u.claims.sub)) ? 'removed' : 'not-stored';
      if (opts.rmCreds) d.creds = (await ws.keys.removeCreds(op.name, name, u.name)) ? 'removed' : 'not-stored';
      result.users.push(d);
    }
    if (!opts.revoke) {
      const live = users.filter((u) => !u.claims.exp || u.claims.exp > Date.now() / 1000);
      if (live.length) {
        // The store no longer knows these users: their keys are the only way to revoke them now.
        const revoke = live.slice(0, 3).map((u) => `\`sigchain revocations add-user -a ${name} -u ${u.claims.sub}\``);
        result.warnings.push(
          `Deleting does not revoke: the creds of ${live.map((u) => `"${u.name}"`).join(', ')} still connect to servers${users.some((u) => u.claims.exp) ? ' until they expire' : ''}. To refuse them, delete with -R next time, or revoke the key${live.length > 1 ? 's' : ''} now: ${revoke.join(', ')}${live.length > 3 ? ` and ${live.length - 3} more (public keys in --json)` : ''}.`,
        );
      }
    } else if (result.resigned) {
      result.warnings.push(`Servers refuse the revoked users once they load the re-signed account "${name}": regenerate the server configuration (\`sigchain nats server-config\`) and reload them.`);
    }
    return result;
  });
}
