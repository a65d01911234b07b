/** A token checked for display (describe): verified, or only inspected when its signature fails. Tokens are read by src/input. */
import { decodeNatsClaims, inspectNatsClaims } from '../../claims/nats/decode.js';
import type { CheckedToken } from './checked-token.js';
import { isSigchainError } from '../../errors.js';

export type { CheckedToken } from './checked-token.js';

/**
 * Verifies a token for display, NATS or wasmCloud (wascap, told by its header). A token whose signature fails is still returned (read without
 * trust, `verified: false`) so it can be shown marked; any other defect (malformed, wrong
 * key role, unsupported version) throws its coded error.
 */
export async function checkToken(token: string): Promise<CheckedToken> {
  // A wascap token says so in its header (`"alg":"Ed25519"`); its code loads only then.
  if (headerAlg(token) === 'Ed25519') {
    const wascap = (await import('./wascap-token-input.js')).asWascap(token);
    if (wascap) return wascap;
  }
  try {
    return { token, claims: decodeNatsClaims(token, { generic: true }) as unknown as Record<string, unknown>, verified: true };
  } catch (e) {
    if (!isSigchainError(e, 'BAD_SIGNATURE')) throw e;
    const { header, claims } = inspectNatsClaims(token);
    return { token, claims, header, verified: false, problem: e };
  }
}

// The header's `alg`, read without judging anything (the decoders judge); undefined if unreadable.
function headerAlg(token: string): string | undefined {
  const dot = token.indexOf('.');
  if (dot <= 0 || dot > 4096) return undefined;
  try {
    const alg = (JSON.parse(Buffer.from(token.slice(0, dot), 'base64url').toString('utf8')) as { alg?: unknown }).alg;
    return typeof alg === 'string' ? alg : undefined;
  } catch {
    return undefined;
  }
}
