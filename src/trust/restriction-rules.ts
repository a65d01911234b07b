/**
 * Delegation restrictions (see `src/keys/restrictions.ts`) as a verifier rule: a link signed by
 * a signing key whose restriction, in the parent's CURRENT token, excludes the link's kind of
 * statement is refused with `SCOPE_VIOLATION`. nats-server ignores the restrictions (they are a
 * sigchain extension), so this is sigchain's own, stricter judgement.
 *
 * `signing-keys` statements (an account token whose signing keys changed) cannot be judged from
 * one token: that needs the account's previous token. They are enforced when sigchain issues
 * the account (`issueAccount` with `previous`), not here.
 */
import { type Restriction, type StatementKind, formatRestriction, mayUnder, readRestrictions } from '../keys/restrictions.js';
import { type Judge, label } from './judge.js';
import type { TokenFacts } from './token-facts.js';
import type { LinkKind } from './verdict.js';

// A parent's token facts never change: read its restrictions once.
const byNats = new WeakMap<object, ReadonlyMap<string, Restriction>>();

function restrictionsOf(parent: TokenFacts): ReadonlyMap<string, Restriction> {
  let r = byNats.get(parent.nats);
  if (!r) byNats.set(parent.nats, (r = readRestrictions(parent.nats)));
  return r;
}

/**
 * Refuses `child` when its issuer is a signing key of `parent` restricted away from `kind`.
 * The identity key is never restricted; call it only for links signed by a listed signing key.
 *
 * @example
 * ```ts
 * judgeRestriction(j, 'account', 'account', accountFacts, operatorFacts);
 * ```
 */
export function judgeRestriction(j: Judge, at: LinkKind, kind: StatementKind, child: TokenFacts, parent: TokenFacts): void {
  if (child.iss === parent.sub) return;
  const r = restrictionsOf(parent).get(child.iss);
  if (mayUnder(r, kind)) return;
  const parentKind = at === 'account' ? 'operator' : 'account';
  j.error(
    at,
    'SCOPE_VIOLATION',
    `This ${at} is signed by the signing key ${child.iss}, which ${parentKind} ${label(parent.sub, parent.name)} restricts to ${formatRestriction(r)}: it may not sign \`${kind}\` statements. Re-issue the ${at} with a key allowed to, or re-issue the ${parentKind} with a wider restriction for that key.`,
    'iss',
  );
}
