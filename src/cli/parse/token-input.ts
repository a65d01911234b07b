/** A token checked for display (describe): verified, or only inspected when its signature fails. Tokens are read by src/input. */
import { decodeNatsClaims, inspectNatsClaims } from '../../claims/nats/decode.js';
import { decodeWascap, wascapKindOf } from '../../claims/wascap/index.js';
import type { WascapKind } from '../../claims/wascap/types.js';
import { SigchainError, isSigchainError } from '../../errors.js';
import { decodeJwt } from '../../jwt/decode.js';
import { WASCAP_FORMAT } from '../../jwt/formats.js';

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

/** The token's wascap form when its header says it is one (`"alg":"Ed25519"`); undefined for any other token. */
function asWascap(token: string): CheckedToken | undefined {
  let inspected;
  try {
    inspected = decodeJwt<Record<string, unknown>>(token, WASCAP_FORMAT);
  } catch (e) {
    if (isSigchainError(e, 'UNSUPPORTED_ALGORITHM')) return undefined;
    throw e;
  }
  try {
    // Time is shown (Expires, Not Before), not judged: describing an expired token is useful.
    const t = decodeWascap(token, { checkTime: false });
    return { token: t.token, claims: t.claims as unknown as Record<string, unknown>, verified: true, wascap: t.kind };
  } catch (e) {
    if (!isSigchainError(e, 'BAD_SIGNATURE')) throw e;
    const c = inspected.claims;
    let kind: WascapKind | undefined;
    try {
      kind = wascapKindOf(String(c.sub ?? ''), String(c.iss ?? ''));
    } catch {
      kind = undefined;
    }
    return { token: inspected.token, claims: c, header: inspected.header, verified: false, problem: e, ...(kind ? { wascap: kind } : {}) };
  }
}

/**
 * Verifies a token for display, NATS or wasmCloud (wascap, told by its header). A token whose signature fails is still returned (read without
 * trust, `verified: false`) so it can be shown marked; any other defect (malformed, wrong
 * key role, unsupported version) throws its coded error.
 */
export function checkToken(token: string): CheckedToken {
  const wascap = asWascap(token);
  if (wascap) return wascap;
  try {
    return { token, claims: decodeNatsClaims(token, { generic: true }) as unknown as Record<string, unknown>, verified: true };
  } catch (e) {
    if (!isSigchainError(e, 'BAD_SIGNATURE')) throw e;
    const { header, claims } = inspectNatsClaims(token);
    return { token, claims, header, verified: false, problem: e };
  }
}
