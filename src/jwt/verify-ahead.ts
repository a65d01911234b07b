/**
 * Checking many tokens' signatures on libuv's thread pool (node:crypto's asynchronous verify)
 * while this thread does the rest of the verifier's work: on a machine of a few cores that
 * keeps every core on Ed25519 without the start-up and warm-up of worker threads. The results
 * are left in the ahead memo (ahead-memo.ts) that `verifyJwtUncached` consults, so the
 * synchronous verifier then judges the same tokens without verifying their signatures again.
 */
import { type KeyObject, verify } from 'node:crypto';
import { publicKeyObject } from '../nkeys/keypair.js';
import { keepVerified } from './ahead-memo.js';
import { type DecodedJwt, decodeJwt } from './decode.js';
import { NATS_FORMAT, type TokenFormat } from './formats.js';

/**
 * Decodes each token of `tokens` and verifies its signature with its issuer's key on the thread
 * pool; resolves when every check is done (never rejects). Each token that decoded and verified
 * is kept for the verifier to take once (`verifyJwtUncached`, and so `verifyChainSync`); one that
 * did not is left for the verifier, which then says why. Judge the tokens soon after: the memo is
 * bounded, and {@link forgetVerified} drops what a caller will not judge.
 *
 * @example
 * ```ts
 * await verifyJwtsAhead(chunk);                     // signatures checked over the cores
 * for (const t of chunk) verifyChainSync(t, opts);   // judged without verifying them again
 * ```
 */
export function verifyJwtsAhead(tokens: readonly string[], format: TokenFormat = NATS_FORMAT): Promise<void> {
  const jobs: Array<{ token: string; decoded: DecodedJwt<unknown>; key: KeyObject }> = [];
  let bytes = 0;
  for (const token of tokens) {
    try {
      const decoded = decodeJwt(token, format);
      const iss = (decoded.claims as Record<string, unknown>).iss;
      // Anything the verifier would refuse is left to it, so that it says why.
      if (typeof iss !== 'string') continue;
      jobs.push({ token, decoded, key: publicKeyObject(iss) });
      bytes += decoded.signingInput.length;
    } catch {
      continue;
    }
  }
  if (!jobs.length) return Promise.resolve();
  // One buffer holds every signing input (node copies what an asynchronous job reads).
  const input = Buffer.allocUnsafe(bytes);
  return new Promise((resolve) => {
    let left = jobs.length;
    let at = 0;
    const done = (): void => {
      if (--left === 0) resolve();
    };
    for (const { token, decoded, key } of jobs) {
      const end = at + input.write(decoded.signingInput, at, 'latin1');
      try {
        verify(null, input.subarray(at, end), key, decoded.signature, (err, ok) => {
          if (!err && ok) keepVerified(token, format, decoded);
          done();
        });
      } catch {
        done(); // refused before it ran: left to the verifier, which says why
      }
      at = end;
    }
  });
}

export { forgetVerified } from './ahead-memo.js';
