/**
 * The accounts of an operator seen together, for what spans accounts: who imports from whom,
 * and finding an exporting account by its name or its public key.
 */
import type { AccountClaims } from '../../claims/nats/types.js';
import { SigchainError, isSigchainError } from '../../errors.js';
import { isPublicKey, isSeed } from '../../nkeys/codec.js';

// A plain boolean (not a type guard), so the other branch keeps its string type.
const isAccountKey = (s: string): boolean => isPublicKey(s, ['account']);
import type { OperatorEntities } from '../../store/store.js';
import { type Stored, readAccount } from '../read.js';

/** Every readable account of the operator, and the names of those that could not be read. */
export interface AccountSet {
  accounts: Array<Stored<AccountClaims>>;
  unreadable: Array<{ name: string; code: string }>;
}

/**
 * Reads every account of `op` (signatures verified). An account that cannot be read is listed
 * in `unreadable` rather than stopping the caller: it serves and imports nothing on a server.
 *
 * @example
 * ```ts
 * const { accounts } = await readAccountSet(op);
 * ```
 */
export async function readAccountSet(op: OperatorEntities): Promise<AccountSet> {
  const out: AccountSet = { accounts: [], unreadable: [] };
  for (const name of await op.listAccounts()) {
    try {
      out.accounts.push(await readAccount(op, name));
    } catch (e) {
      if (!isSigchainError(e)) throw e;
      out.unreadable.push({ name, code: e.code });
    }
  }
  return out;
}

/**
 * The account `ref` names under `op`: a stored account's name, or the public key (A…) of one.
 * `IMPORT_SOURCE_MISSING` when no account of the operator is that (naming those there are):
 * an import from it could never be served by this operator's servers. `role` says what the
 * account is for, in the message.
 *
 * @example
 * ```ts
 * const exporter = await findAccountRef(op, 'A', 'the account to import from');
 * ```
 */
export async function findAccountRef(op: OperatorEntities, ref: string, role: string): Promise<Stored<AccountClaims>> {
  const r = ref.trim();
  if (isAccountKey(r)) {
    const found = await op.findAccountByPublicKey(r);
    if (found) return readAccount(op, found.name);
  } else if (!r.includes('/') && !r.includes('\\') && r !== '.' && r !== '..' && r !== '' && (await op.hasAccount(r))) {
    return readAccount(op, r);
  }
  const names = await op.listAccounts();
  // The reference is echoed only when it is a public key or a plain name, never what could be a secret.
  const shown = isAccountKey(r) || (/^[\w.-]{1,64}$/.test(r) && !isSeed(r) && !/^S[A-Z2-7]{20,}$/.test(r)) ? ` "${r}"` : '';
  throw new SigchainError(
    'IMPORT_SOURCE_MISSING',
    `There is no account${shown} under operator ${op.name} to be ${role}: its servers could never serve that import. Accounts: ${names.length ? names.join(', ') : '(none)'}. Add the exporting account first, or name one of these (by name or public key).`,
    { operator: op.name, ...(shown ? { account: r } : {}) },
  );
}
