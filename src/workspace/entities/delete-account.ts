/**
 * `delete account`: the account's folder (its JWT and its users) leaves the store; with `rmNkey`
 * the seeds of its keys and users go too, with `rmCreds` its users' creds files. Refused while
 * another account imports from it, or while it is the operator's system account: servers would
 * otherwise load importers that point at nothing.
 */
import { SigchainError } from '../../errors.js';
import { importersOf } from '../edits/export-edit.js';
import { readAccountInStore, readOperator, readUser } from '../read.js';
import { readAccountSet } from './account-set.js';
import type { Workspace } from '../workspace.js';

/** Options of {@link deleteAccount}. */
export interface DeleteAccountOptions {
  operator?: string;
  /** The account to delete (required: never the current one by default). */
  account: string;
  /** Also remove the seeds of the account's identity and signing keys and of its users (`-D`). */
  rmNkey?: boolean;
  /** Also remove its users' creds files (`-C`). */
  rmCreds?: boolean;
}

/** What {@link deleteAccount} did. */
export interface DeleteAccountResult {
  operator: string;
  account: { name: string; publicKey: string };
  users: string[];
  /** With `rmNkey`: the public keys whose seeds were removed. */
  removedKeys: string[];
  /** With `rmCreds`: the users whose creds files were removed. */
  removedCreds: string[];
  warnings: string[];
}

/**
 * Deletes an account with its users. `ACCOUNT_IN_USE` when other accounts import from it
 * (each named, with the subjects) or it is the operator's system account.
 *
 * @example
 * ```ts
 * await deleteAccount(ws, { account: 'A', rmNkey: true, rmCreds: true });
 * ```
 */
export async function deleteAccount(ws: Workspace, opts: DeleteAccountOptions): Promise<DeleteAccountResult> {
  if (!opts.account) throw new SigchainError('USAGE', 'Name the account to delete.');
  return ws.store.locked(async () => {
    const { op, name, account } = await readAccountInStore(ws, opts.operator, opts.account);
    const operator = await readOperator(op);
    const pub = account.claims.sub;
    if (operator.claims.nats.system_account === pub) {
      throw new SigchainError('ACCOUNT_IN_USE', `Account "${name}" is the system account of operator ${op.name}: servers use it for their own traffic. Make another account the system account first (\`sigchain edit operator --system-account NAME\`).`, { account: pub, systemAccount: true });
    }
    const set = await readAccountSet(op);
    const importers = importersOf(set.accounts, pub);
    if (importers.length) {
      throw new SigchainError(
        'ACCOUNT_IN_USE',
        `Account "${name}" cannot be deleted: ${importers.map((i) => `"${i.name}" imports ${i.subjects.join(', ')}`).join('; ')} from it. Delete those imports first (\`sigchain delete import -a ${importers[0]!.name} -s ${importers[0]!.subjects[0]}\`).`,
        { account: pub, importers },
      );
    }
    const warnings: string[] = [];
    if (set.unreadable.length) warnings.push(`Could not read account(s) ${set.unreadable.map((u) => `"${u.name}" (${u.code})`).join(', ')}, so whether they import from "${name}" is unknown.`);
    const users: Array<{ name: string; publicKey?: string }> = [];
    for (const u of await op.listUsers(name)) {
      let publicKey: string | undefined;
      try {
        publicKey = (await readUser(op, name, u)).claims.sub;
      } catch {
        publicKey = undefined; // an unreadable user has no key to remove
      }
      users.push({ name: u, ...(publicKey ? { publicKey } : {}) });
    }
    const saved = await ws.savedContext();
    await op.deleteAccount(name);
    if (saved.operator === op.name && saved.account === name) await ws.select(op.name, null);
    const removedKeys: string[] = [];
    const removedCreds: string[] = [];
    if (opts.rmNkey) {
      const keys = [pub, ...(account.claims.nats.signing_keys ?? []).map((k) => (typeof k === 'string' ? k : k.key)), ...users.flatMap((u) => (u.publicKey ? [u.publicKey] : []))];
      for (const k of keys) if (await ws.keys.removeKey(k)) removedKeys.push(k);
    }
    if (opts.rmCreds) for (const u of users) if (await ws.keys.removeCreds(op.name, name, u.name)) removedCreds.push(u.name);
    warnings.push(
      `Servers that loaded account "${name}" keep it (and its users connect) until their configuration no longer lists it: regenerate it (\`sigchain nats server-config\`) and reload them.`,
    );
    return { operator: op.name, account: { name, publicKey: pub }, users: users.map((u) => u.name), removedKeys, removedCreds, warnings };
  });
}
