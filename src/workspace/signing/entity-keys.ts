/**
 * The keys an operator's tree names: the operator's identity and signing keys, each account's
 * identity, signing and encryption keys, and each user's key, read from the store. What
 * `sigchain list keys` shows and how `keys list` finds whom a stored key belongs to.
 */
import { isSigchainError } from '../../errors.js';
import type { Role } from '../../nkeys/roles.js';
import type { OperatorEntities } from '../../store/store.js';
import { decodeWascap } from '../../claims/wascap/codec.js';
import { isWascapStored, readAccount, readOperator, readUser, storedUsers } from '../read.js';
import type { Workspace } from '../workspace.js';

/** One key named by an entity of the store. */
export interface EntityKey {
  /** The entity's name (operator, account or user). */
  entity: string;
  kind: Role;
  publicKey: string;
  /** A signing key the entity lists (not its identity key). */
  signing: boolean;
  /** An auth-callout encryption target (an X key an account lists). */
  curve: boolean;
  /** The role of a scoped account signing key. */
  scopeRole?: string;
  /** Public key of the parent (the operator for accounts, the account for users and encryption keys). */
  parent?: string;
  operator: string;
  /** The account an account, user or encryption key belongs to. */
  account?: string;
}

/** Which part of the tree {@link entityKeys} reads. */
export interface EntityKeysOptions {
  /** Only this account (and its users); default every account. */
  account?: string;
  /** Only this user (of the accounts read). */
  user?: string;
  /** Skip entities whose token cannot be read instead of failing (for a survey of many stores). */
  skipDamaged?: boolean;
}

/**
 * The keys named by `op`'s tree, operator first, then each account followed by its users.
 *
 * @example
 * ```ts
 * const keys = await entityKeys(ws, await ws.operator(), { account: 'A' });
 * keys.filter((k) => k.signing).map((k) => k.publicKey);
 * ```
 */
export async function entityKeys(ws: Workspace, op: OperatorEntities, opts: EntityKeysOptions = {}): Promise<EntityKey[]> {
  const out: EntityKey[] = [];
  const guarded = async (read: () => Promise<void>): Promise<void> => {
    try {
      await read();
    } catch (e) {
      if (!opts.skipDamaged || !isSigchainError(e)) throw e;
    }
  };
  const base = { signing: false, curve: false, operator: op.name };
  await guarded(async () => {
    const operatorJwt = await op.readOperatorJwt();
    if (isWascapStored(operatorJwt)) return wascapKeys(ws, op, operatorJwt, opts, out, guarded);
    const o = (await readOperator(op)).claims;
    out.push({ ...base, entity: op.name, kind: 'operator', publicKey: o.sub });
    for (const sk of o.nats.signing_keys ?? []) out.push({ ...base, entity: op.name, kind: 'operator', publicKey: sk, signing: true });
    const accounts = opts.account !== undefined ? [await ws.account(op, opts.account)] : await op.listAccounts();
    for (const name of accounts) {
      await guarded(async () => {
        const a = (await readAccount(op, name)).claims;
        const inAccount = { ...base, account: name };
        out.push({ ...inAccount, entity: name, kind: 'account', publicKey: a.sub, parent: o.sub });
        for (const sk of a.nats.signing_keys ?? []) {
          if (typeof sk === 'string') out.push({ ...inAccount, entity: name, kind: 'account', publicKey: sk, parent: o.sub, signing: true });
          else out.push({ ...inAccount, entity: name, kind: 'account', publicKey: sk.key, parent: o.sub, signing: true, scopeRole: sk.role });
        }
        const xkey = a.nats.authorization?.xkey;
        if (xkey) out.push({ ...inAccount, entity: name, kind: 'curve', publicKey: xkey, parent: a.sub, curve: true });
        if (opts.user !== undefined) {
          const u = opts.user;
          if (await op.hasUser(name, u)) await guarded(async () => void out.push({ ...inAccount, entity: u, kind: 'user', publicKey: (await readUser(op, name, u)).claims.sub, parent: a.sub }));
        } else {
          // Every user: one pass over the folder (a store may hold thousands); a user's key is its
          // token's subject, read without judging the signature (a survey, not a decision).
          for (const u of await storedUsers(op, name)) {
            if (u.error) {
              if (!opts.skipDamaged) throw u.error;
              continue;
            }
            // Written out, not spread from inAccount: a spread per user costs more than reading its file.
            out.push({ signing: false, curve: false, operator: op.name, account: name, entity: u.name, kind: 'user', publicKey: u.facts.sub, parent: a.sub });
          }
        }
      });
    }
  });
  return out;
}

/**
 * A wasmCloud (wascap) operator's tree: its identity key and `valid_signers`, then each
 * account's identity key and `valid_signers` (wascap accounts have no users). Read here rather
 * than through the NATS readers, which refuse wascap tokens.
 */
async function wascapKeys(ws: Workspace, op: OperatorEntities, operatorJwt: string, opts: EntityKeysOptions, out: EntityKey[], guarded: (read: () => Promise<void>) => Promise<void>): Promise<void> {
  const base = { signing: false, curve: false, operator: op.name };
  const o = decodeWascap(operatorJwt, { expect: 'operator', checkTime: false }).claims;
  out.push({ ...base, entity: op.name, kind: 'operator', publicKey: o.sub });
  for (const sk of o.wascap.valid_signers ?? []) out.push({ ...base, entity: op.name, kind: 'operator', publicKey: sk, signing: true });
  // A user filter names NATS users, which a wascap account has none of.
  if (opts.user !== undefined) return;
  const accounts = opts.account !== undefined ? [await ws.account(op, opts.account)] : await op.listAccounts();
  for (const name of accounts) {
    await guarded(async () => {
      const a = decodeWascap(await op.readAccountJwt(name), { expect: 'account', checkTime: false }).claims;
      const inAccount = { ...base, account: name, entity: name, kind: 'account' as const, parent: o.sub };
      out.push({ ...inAccount, publicKey: a.sub });
      for (const sk of a.wascap.valid_signers ?? []) out.push({ ...inAccount, publicKey: sk, signing: true });
    });
  }
}
