import type { SignerLike } from '../signing/signer-like.js';
import { isRevoked, revokedUntil } from '../../claims/nats/account.js';
import { formatCreds } from '../../claims/nats/creds.js';
import { SigchainError } from '../../errors.js';
import type { RevocationList } from '../../claims/nats/types.js';
import { issueUser } from '../signing/issue.js';
import { readAccountInStore, readUser } from '../read.js';
import { type UserEdit, applyUserEdit, editSetsPermissions } from '../edits/user-edit.js';
import { type ClaimEdit, applyClaimEdit } from '../edits/claim-edit.js';
import type { Workspace } from '../workspace.js';

/** Options of {@link editUser}. */
export interface EditUserOptions extends ClaimEdit {
  operator?: string;
  account?: string;
  /** The user's name. */
  user: string;
  edit?: UserEdit;
  /** The account key that signs (`-K`). */
  signer?: SignerLike;
  /**
   * Re-issue a user its account revokes. The new token is issued after the revocation, so
   * servers accept the user again: without this, `USER_REVOKED`.
   */
  liftRevocation?: boolean;
}

/** What {@link editUser} changed. */
export interface EditUserResult {
  operator: string;
  account: string;
  user: { name: string; publicKey: string; issuer: string; issuerAccount?: string; credsPath?: string };
  warnings: string[];
}

/**
 * Changes a user and re-signs it with an account key (`signer`, else the best at hand); also
 * the way to re-issue a user after its signing key was removed. Rewrites its creds file when
 * the user's seed is in the key store.
 *
 * @example
 * ```ts
 * await editUser(ws, { user: 'U', edit: { allowPub: ['orders.>'] } });
 * ```
 */
export async function editUser(ws: Workspace, opts: EditUserOptions): Promise<EditUserResult> {
  return ws.store.locked(async () => {
    const { op, operator, name: accountName, account } = await readAccountInStore(ws, opts.operator, opts.account);
    const { claims } = await readUser(op, accountName, opts.user);
    // A revocation covers tokens issued at or before it: any new token would be accepted again.
    const revoked = isRevoked(account.claims.nats.revocations, claims.sub, claims.iat ?? 0);
    if (revoked && !opts.liftRevocation) {
      throw new SigchainError(
        'USER_REVOKED',
        `User "${opts.user}" (${claims.sub}) is revoked by account ${accountName}. A re-issued token would be newer than the revocation, so servers would accept the user again. Give --lift-revocation to do that on purpose (then push the account), or add a new user instead.`,
        { user: opts.user, public_key: claims.sub, account: accountName },
      );
    }
    if (revoked) await pastRevocation(account.claims.nats.revocations, claims.sub, opts.user, accountName);
    if (opts.edit) applyUserEdit(claims.nats, opts.edit);
    applyClaimEdit(claims, opts);
    const issued = await issueUser(ws, account, operator.claims.nats.strict_signing_key_usage === true, claims, {
      ...(opts.signer ? { explicit: opts.signer } : {}),
      ownPermissions: opts.edit ? editSetsPermissions(opts.edit) : false,
    });
    await op.writeUserJwt(accountName, opts.user, issued.token);
    const result: EditUserResult = {
      operator: op.name,
      account: accountName,
      user: { name: opts.user, publicKey: claims.sub, issuer: issued.signer.key.publicKey, ...(claims.nats.issuer_account ? { issuerAccount: claims.nats.issuer_account } : {}) },
      warnings: [
        ...(revoked ? [`User "${opts.user}" was revoked by account ${accountName}; its new token is newer than the revocation, so servers accept it again.`] : []),
        ...issued.warnings,
      ],
    };
    const held = await ws.custody.locate(claims.sub);
    if (held && (held.backend === 'file' || held.backend === 'encrypted')) {
      const seed = (await ws.custody.exportKey(claims.sub)).seed;
      result.user.credsPath = await ws.keys.writeCreds(op.name, accountName, opts.user, formatCreds(issued.token, seed));
    }
    return result;
  });
}

/**
 * Waits until a token issued now is newer than the revocation of `publicKey` (servers refuse a
 * token issued at or before it, to the second: a user revoked and re-issued within one second
 * would stay locked out). A revocation more than a few seconds ahead cannot be outwaited:
 * `USER_REVOKED`, saying how to remove it.
 */
async function pastRevocation(list: RevocationList | undefined, publicKey: string, user: string, account: string): Promise<void> {
  const revoked = revokedUntil(list, publicKey);
  if (!revoked) return;
  const until = revoked.at;
  const wait = (until + 1) * 1000 - Date.now();
  if (wait <= 0) return;
  if (wait > 3000) {
    const which = revoked.all ? `its revocation of every user (\`sigchain revocations delete-user -a ${account} -u '*'\`)` : `its revocation of this user (\`sigchain revocations delete-user -a ${account} -u ${publicKey}\`)`;
    throw new SigchainError(
      'USER_REVOKED',
      `User "${user}" (${publicKey}) is revoked by account ${account} for every token issued until ${new Date(until * 1000).toISOString()}, which is still ahead: a token issued now would be refused too. Remove ${which} first, then edit the user.`,
      { user, public_key: publicKey, account, revoked_until: until },
    );
  }
  await new Promise((resolve) => setTimeout(resolve, wait));
}
