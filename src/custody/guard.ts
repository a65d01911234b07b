/**
 * The check every backend makes before its private key is touched: the signature's usage must be
 * one the key holds. One function, so no backend can forget it or word it differently.
 */
import { assertUsage } from '../keys/assert-usage.js';
import type { SignContext, Signer } from '../keys/signer.js';

/**
 * Refuses with `KEY_USAGE_VIOLATION` when `signer` does not hold `context.usage`.
 *
 * @example
 * ```ts
 * async sign(data, context) { guardUsage(this, context); return hsm.sign(data); }
 * ```
 */
export function guardUsage(signer: Pick<Signer, 'publicKey' | 'usages'>, context: SignContext): void {
  assertUsage({ publicKey: signer.publicKey, usages: signer.usages, legacy: false }, context.usage, describeContext(context));
}

function describeContext(context: SignContext): string {
  const about = context.subject ? ` about ${context.subject}` : '';
  switch (context.kind) {
    case 'jwt':
      return `a token${about}`;
    case 'nonce-claim':
      return `a nonce claim${about}`;
    case 'invocation':
      return `an invocation${about}`;
    default:
      return `a message${about}`;
  }
}
