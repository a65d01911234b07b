/**
 * The rule every format applies at the top of a chain: the operator there must be one the policy
 * trusts. A leaf operator token is judged on its own (is it trusted?); an operator found above
 * an account must be trusted to vouch for it, and a banned one says so. The formats differ only
 * in how they tell the user to trust it (`--trust KEY` for NATS, `--trust <its JWT>` for wascap,
 * whose policy needs the operator's signing keys).
 */
import type { Step } from './format.js';
import { type Judge, label } from './judge.js';

/**
 * Reports `ISSUER_NOT_TRUSTED` at the operator link when the policy does not trust it.
 *
 * @example
 * ```ts
 * judgeRootTrust(j, top, leaf, `--trust ${top.facts.sub}`);
 * ```
 */
export function judgeRootTrust(j: Judge, top: Step, leaf: boolean, howToTrust: string, isOperatorKey = true): void {
  const op = top.facts;
  if (leaf) {
    if (isOperatorKey && !j.policy.trustedKeys.has(op.sub)) {
      j.error('operator', 'ISSUER_NOT_TRUSTED', `Operator ${label(op.sub, op.name)} is not among the operators the policy trusts. If it is yours, trust it with ${howToTrust}.`, 'sub');
    }
    return;
  }
  if (top.trusted) return;
  j.error(
    'operator',
    'ISSUER_NOT_TRUSTED',
    j.policy.bannedKeys.has(op.sub)
      ? `Operator ${label(op.sub, op.name)} vouches for this account, but it is banned and not trusted. Re-sign the account with a signing key of the operator that replaced it.`
      : `Operator ${label(op.sub, op.name)} vouches for this account, but the policy does not trust it. If it is yours, trust it with ${howToTrust}.`,
    'sub',
  );
}
