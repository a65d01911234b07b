/**
 * The one place the workspace checks a signing key's usages before it signs (see
 * `src/keys/assert-usage.ts`). Usages belong to the public key, so the check is the same however
 * the key was given: by public key, as a seed, or as a `.nk` path with -K. A key the key store
 * has no record of (made by nsc, or never stored) counts as `All`.
 */
import { isSigchainError, type SigchainError } from '../../errors.js';
import { assertMaySign } from '../../keys/assert-usage.js';
import type { KeyUsage } from '../../keys/usage.js';
import type { Signer } from '../../keys/signer.js';
import type { Workspace } from '../workspace.js';

/**
 * Refuses with `KEY_RETIRED` or `KEY_USAGE_VIOLATION` when `key` may not sign `what` with
 * `usage`. Call it before signing and before writing anything.
 *
 * @example
 * ```ts
 * await assertSignerMay(ws, signer, 'identity', 'the token of operator "O"');
 * const token = encodeOperator(claims, signer);
 * ```
 */
export async function assertSignerMay(ws: Workspace, key: Signer | string, usage: KeyUsage, what: string): Promise<void> {
  assertMaySign(await ws.keys.getKeyMeta(typeof key === 'string' ? key : key.publicKey), usage, what);
}

/**
 * Splits candidate keys into those that may sign `what` with `usage` and those refused (with
 * the refusal), so an automatic choice skips a retired or wrongly-used key and, when nothing is
 * left, can say why.
 *
 * @example
 * ```ts
 * const { usable, refused } = await sortByUsage(ws, await ws.loadSigners(candidates), 'issuing', 'account tokens');
 * ```
 */
export async function sortByUsage(ws: Workspace, keys: ReadonlyMap<string, Signer>, usage: KeyUsage, what: string): Promise<{ usable: Map<string, Signer>; refused: Map<string, SigchainError> }> {
  const usable = new Map<string, Signer>();
  const refused = new Map<string, SigchainError>();
  for (const [pub, kp] of keys) {
    try {
      await assertSignerMay(ws, pub, usage, what);
      usable.set(pub, kp);
    } catch (e) {
      if (!isSigchainError(e, 'KEY_USAGE_VIOLATION') && !isSigchainError(e, 'KEY_RETIRED')) throw e;
      refused.set(pub, e);
    }
  }
  return { usable, refused };
}
