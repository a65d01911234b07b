import type { SignerLike } from '../signing/signer-like.js';
import { addTags } from '../../claims/nats/common.js';
import { formatCreds } from '../../claims/nats/creds.js';
import { newUserClaims } from '../../claims/nats/user.js';
import { SigchainError } from '../../errors.js';
import { defaultUsages } from '../../keys/usage.js';
import { KeyPair } from '../../nkeys/keypair.js';
import { issueUser } from '../signing/issue.js';
import { readAccount, readOperator } from '../read.js';
import { type UserEdit, applyUserEdit, editSetsPermissions } from '../edits/user-edit.js';
import type { Workspace } from '../workspace.js';

/** Options of {@link addUser}. */
export interface AddUserOptions {
  operator?: string;
  /** Account to add it to; default the current one. */
  account?: string;
  /** The key that signs (`-K`): the account identity key or one of its signing keys. */
  signer?: SignerLike;
  /** Permissions and limits to set (nsc's `--allow-pub` etc.). */
  edit?: UserEdit;
  /** Tags to set (nsc's `--tag`; trimmed and lower-cased as Go does). */
  tags?: string[];
  expiry?: number;
  start?: number;
}

/** What {@link addUser} made. */
export interface AddUserResult {
  operator: string;
  account: string;
  user: { name: string; publicKey: string; issuer: string; issuerAccount?: string; scoped: boolean; keyPath: string; credsPath: string };
  warnings: string[];
}

/**
 * Creates a user under an account: a user key (stored), a JWT signed by `signer` or the best
 * key at hand (a signing key sets `issuer_account`), and its creds file.
 *
 * @example
 * ```ts
 * const r = await addUser(ws, 'U', { signer: await ws.resolveKey(accountSigningKeyPath) });
 * readFileSync(r.user.credsPath, 'utf8'); // -----BEGIN NATS USER JWT-----…
 * ```
 */
export async function addUser(ws: Workspace, name: string, opts: AddUserOptions = {}): Promise<AddUserResult> {
  return ws.store.locked(async () => {
    const op = await ws.operator(opts.operator);
    const operator = await readOperator(op);
    const accountName = await ws.account(op, opts.account);
    if (await op.hasUser(accountName, name)) throw new SigchainError('STORE_EXISTS', `User ${name} already exists in account ${accountName}. Choose another name, or edit that user.`);
    const account = await readAccount(op, accountName);
    const key = KeyPair.create('user');
    const claims = newUserClaims(name, key.publicKey);
    if (opts.edit) applyUserEdit(claims.nats, opts.edit);
    if (opts.tags?.length) addTags(claims, ...opts.tags);
    if (opts.expiry) claims.exp = opts.expiry;
    if (opts.start) claims.nbf = opts.start;
    const issued = await issueUser(ws, account, operator.claims.nats.strict_signing_key_usage === true, claims, {
      ...(opts.signer ? { explicit: opts.signer } : {}),
      ownPermissions: opts.edit ? editSetsPermissions(opts.edit) : false,
    });
    const keyPath = ws.custody.whereIs(await ws.custody.importKey(key, defaultUsages('user')));
    await op.addUser(accountName, name, issued.token);
    const credsPath = await ws.keys.writeCreds(op.name, accountName, name, formatCreds(issued.token, key.seed));
    return {
      operator: op.name,
      account: accountName,
      user: {
        name,
        publicKey: key.publicKey,
        issuer: issued.signer.key.publicKey,
        ...(claims.nats.issuer_account ? { issuerAccount: claims.nats.issuer_account } : {}),
        scoped: issued.signer.scope !== undefined,
        keyPath,
        credsPath,
      },
      warnings: issued.warnings,
    };
  });
}
