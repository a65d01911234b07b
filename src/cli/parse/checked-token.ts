/** What describe shows of a token, NATS or wascap (read by token-input.ts and wascap-token-input.ts). */
import type { WascapKind } from '../../claims/wascap/types.js';
import type { SigchainError } from '../../errors.js';

/** A token with its claims: verified, or only inspected because its signature failed. */
export interface CheckedToken {
  token: string;
  claims: Record<string, unknown>;
  header?: Record<string, unknown>;
  verified: boolean;
  /** Why it did not verify (BAD_SIGNATURE). */
  problem?: SigchainError;
  /** Set for a wasmCloud (wascap) token: its kind, told by the roles of its keys. */
  wascap?: WascapKind;
}
