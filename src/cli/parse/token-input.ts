/** A token checked for display (describe): verified, or only inspected when its signature fails. Tokens are read by src/input. */
import { decodeNatsClaims, inspectNatsClaims } from '../../claims/nats/decode.js';
import { SigchainError, isSigchainError } from '../../errors.js';

/** A token with its claims: verified, or only inspected because its signature failed. */
export interface CheckedToken {
  token: string;
  claims: Record<string, unknown>;
  header?: Record<string, unknown>;
  verified: boolean;
  /** Why it did not verify (BAD_SIGNATURE). */
  problem?: SigchainError;
}

/**
 * Verifies a token for display. A token whose signature fails is still returned (read without
 * trust, `verified: false`) so it can be shown marked; any other defect (malformed, wrong
 * key role, unsupported version) throws its coded error.
 */
export function checkToken(token: string): CheckedToken {
  try {
    return { token, claims: decodeNatsClaims(token, { generic: true }) as unknown as Record<string, unknown>, verified: true };
  } catch (e) {
    if (!isSigchainError(e, 'BAD_SIGNATURE')) throw e;
    const { header, claims } = inspectNatsClaims(token);
    return { token, claims, header, verified: false, problem: e };
  }
}
