/**
 * Applies `--restrict-sk` changes to an operator's or account's claims before they are signed
 * again: the restrictions live in the parent's own token (see `src/keys/restrictions.ts`), so
 * re-issuing the parent is the only way to change them.
 */
import { SigchainError } from '../../errors.js';
import { type Restriction, type RestrictingParent, STATEMENT_KINDS, pruneRestrictions, setRestriction } from '../../keys/restrictions.js';

/**
 * Sets each restriction on `nats` (in place) and drops entries of keys no longer listed.
 * Refuses with `STORE_NOT_FOUND` a key that is not one of `listed`, and with `USAGE` a kind
 * `parent`'s keys never sign.
 *
 * @example
 * ```ts
 * applyRestrictions(claims.nats, 'operator', 'O', claims.nats.signing_keys ?? [], { [skPub]: 'CanSignAllButSigningKeys' });
 * ```
 */
export function applyRestrictions(nats: object, parent: RestrictingParent, name: string, listed: readonly string[], changes: Readonly<Record<string, Restriction>> = {}): void {
  for (const [key, r] of Object.entries(changes)) {
    if (!listed.includes(key)) {
      throw new SigchainError('STORE_NOT_FOUND', `${key} is not a signing key of ${parent} "${name}", so it cannot be restricted. Its signing keys: ${listed.join(', ') || '(none)'}. Add it first (--sk), in the same command if you like.`, { key });
    }
    if (typeof r !== 'string') {
      const bad = r.filter((k) => !STATEMENT_KINDS[parent].includes(k));
      if (bad.length) throw new SigchainError('USAGE', `${parent} signing keys never sign ${bad.join(', ')} statements; restrict them to ${STATEMENT_KINDS[parent].join(', ')}, CanSignAll or CanSignAllButSigningKeys.`, { key, bad });
    }
    setRestriction(nats, key, r);
  }
  pruneRestrictions(nats, listed);
}
