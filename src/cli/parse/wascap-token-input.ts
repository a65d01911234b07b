/** Reading a wasmCloud (wascap) token for display; loaded by token-input.ts only for such tokens. */
import { decodeWascap } from '../../claims/wascap/codec.js';
import { wascapKindOf } from '../../claims/wascap/kinds.js';
import type { WascapKind } from '../../claims/wascap/types.js';
import { isSigchainError } from '../../errors.js';
import { decodeJwt } from '../../jwt/decode.js';
import { WASCAP_FORMAT } from '../../jwt/formats.js';
import type { CheckedToken } from './checked-token.js';

/** The token's wascap form when its header says it is one (`"alg":"Ed25519"`); undefined for any other token. */
export function asWascap(token: string): CheckedToken | undefined {
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

