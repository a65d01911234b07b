import { SigchainError } from '../../errors.js';
import type { Signer } from '../../keys/signer.js';
import { readAccount } from '../read.js';
import type { Workspace } from '../workspace.js';
import { resolveScopedRole, scopeByRole } from './signing-key-scope.js';

/**
 * Resolves a `-K` value for a command that signs users of an account: a seed, a public key
 * whose seed is in the key store, or a seed file (as {@link Workspace.resolveKey}); failing
 * those, the role of one of the account's scoped signing keys (nsc's `add user -K svc`). A
 * file of the same name wins over a role, as in nsc. `add user` and `edit user` both go
 * through here.
 *
 * @example
 * ```ts
 * const signer = await resolveUserSigner(ws, 'svc', { account: 'A' }); // the scoped key with role svc
 * await editUser(ws, { account: 'A', user: 'worker', signer });
 * ```
 */
export async function resolveUserSigner(ws: Workspace, spec: string, scope: { operator?: string | undefined; account?: string | undefined } = {}): Promise<Signer> {
  try {
    return await ws.resolveSigner(spec);
  } catch (e) {
    // Only "no seed, key or file by that name" may be a role; any other refusal stands.
    if (!(e instanceof SigchainError) || e.code !== 'USAGE') throw e;
    const op = await ws.operator(scope.operator);
    const account = await readAccount(op, await ws.account(op, scope.account));
    if (!scopeByRole(account.claims, spec.trim())) throw e;
    return resolveScopedRole(ws, account, spec.trim());
  }
}
