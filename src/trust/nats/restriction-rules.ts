/**
 * Delegation restrictions (see `src/keys/restrictions.ts`) as a verifier rule: a link signed by
 * a signing key whose restriction, in the parent's CURRENT token, excludes one of the link's
 * kinds of statement is refused with `KEY_RESTRICTION_VIOLATION`. nats-server ignores the
 * restrictions (they are a sigchain extension), so this is sigchain's own, stricter judgement.
 *
 * An account token's kinds come from `accountStatementKinds` (src/keys/statement-kinds.ts), the
 * same decision issuing makes: an account that delegates to signing keys no approval vouches
 * for is a `signing-keys` statement. Seeing one token, the verifier cannot see keys removed.
 */
import { type Restriction, type StatementKind, formatRestriction, mayUnder, missingKinds, readRestrictions } from '../../keys/restrictions.js';
import { accountStatementKinds } from '../../keys/statement-kinds.js';
import { type Judge, label } from '../judge.js';
import type { TokenFacts } from './token-facts.js';
import type { LinkKind } from '../verdict.js';

// A parent's token facts never change: read its restrictions once.
const byNats = new WeakMap<object, ReadonlyMap<string, Restriction>>();

function restrictionsOf(parent: TokenFacts): ReadonlyMap<string, Restriction> {
  let r = byNats.get(parent.nats);
  if (!r) byNats.set(parent.nats, (r = readRestrictions(parent.nats)));
  return r;
}

/**
 * Refuses `child` when its issuer is a signing key of `parent` restricted away from a kind of
 * statement `child` is (`user` for a user; for an account, see above). The identity key is
 * never restricted; call it only for links signed by a listed signing key.
 *
 * @example
 * ```ts
 * judgeRestriction(j, 'account', accountFacts, operatorFacts);
 * ```
 */
export function judgeRestriction(j: Judge, at: LinkKind, child: TokenFacts, parent: TokenFacts): void {
  if (child.iss === parent.sub) return;
  const r = restrictionsOf(parent).get(child.iss);
  const all: readonly StatementKind[] = at === 'account' ? ['account', 'signing-keys'] : ['user'];
  // The common case (unrestricted, or allowed everything this link could be) costs no more.
  if (all.every((k) => mayUnder(r, k))) return;
  const kinds = at === 'account' ? accountStatementKinds(child, parent) : all;
  const missing = missingKinds(r, kinds);
  if (!missing.length) return;
  const parentKind = at === 'account' ? 'operator' : 'account';
  const why = missing.includes('signing-keys') ? ' (it lists signing keys, or restrictions of them, that no operator key allowed `signing-keys` approved)' : '';
  j.error(
    at,
    'KEY_RESTRICTION_VIOLATION',
    `This ${at} is signed by the signing key ${child.iss}, which ${parentKind} ${label(parent.sub, parent.name)} restricts to ${formatRestriction(r)}: it may not sign \`${missing.join('`, `')}\` statements${why}. Re-issue the ${at} with a key allowed to, or re-issue the ${parentKind} with a wider restriction for that key.`,
    'iss',
  );
}
