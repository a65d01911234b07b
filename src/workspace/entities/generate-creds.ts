import { formatCreds } from '../../claims/nats/creds.js';
import { SigchainError } from '../../errors.js';
import { readUser } from '../read.js';
import type { Workspace } from '../workspace.js';

/**
 * The creds file text (user JWT + user seed, in the exact format NATS clients read) for a
 * stored user. Secret: it holds the user's seed.
 *
 * @example
 * ```ts
 * writeFileSync('u.creds', await generateCreds(ws, { user: 'U' }), { mode: 0o600 });
 * ```
 */
export async function generateCreds(ws: Workspace, opts: { operator?: string; account?: string; user: string }): Promise<{ operator: string; account: string; user: string; text: string }> {
  const op = await ws.operator(opts.operator);
  const account = await ws.account(op, opts.account);
  const { token, claims } = await readUser(op, account, opts.user);
  const held = await ws.custody.locate(claims.sub);
  if (!held || (held.backend !== 'file' && held.backend !== 'encrypted')) {
    throw new SigchainError('STORE_NOT_FOUND', `The seed of user "${opts.user}" (${claims.sub}) is not in the key store, so no creds file can be made; only the user's owner holds it. Ask them, or re-create the user.`, { publicKey: claims.sub });
  }
  const seed = (await ws.custody.exportKey(claims.sub)).seed;
  return { operator: op.name, account, user: opts.user, text: formatCreds(token, seed) };
}
