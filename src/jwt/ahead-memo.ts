/**
 * Tokens whose signature {@link verifyJwtsAhead} (verify-ahead.ts) checked on libuv's thread
 * pool, waiting for the synchronous verifier to reach them. Only a token that decoded and whose
 * signature verified with its issuer is kept, under its exact text and format; the verifier takes
 * it once (the entry goes) instead of verifying again, and any other token, or a token that
 * failed ahead, is verified as always. So the memo can make the verifier faster, never more
 * lenient.
 */
import type { TokenFormat } from './formats.js';

// The decode is kept as it came (decode.ts's DecodedJwt; not named here, so no import circle).
const memo = new Map<string, { format: TokenFormat; decoded: unknown }>();

/** How many entries wait: the verifier looks in the memo only when some do (its hot path pays one load). */
export let waiting = 0;

/** Entries kept at most: a caller working a chunk at a time stays far below it; past it, nothing more is kept (the verifier verifies as usual). */
export const AHEAD_MEMO_LIMIT = 8192;

/** Keeps `decoded`, the result of a full decode and signature check of `token` as `format`. */
export function keepVerified(token: string, format: TokenFormat, decoded: unknown): void {
  if (memo.size < AHEAD_MEMO_LIMIT) waiting = memo.set(token, { format, decoded }).size;
}

/** The decode of `token` checked ahead as `format`, taken out of the memo; undefined when there is none. */
export function takeVerified<D>(token: string, format: TokenFormat): D | undefined {
  const e = memo.get(token);
  if (!e) return undefined;
  memo.delete(token);
  waiting = memo.size;
  return e.format === format ? (e.decoded as D) : undefined;
}

/** Drops what was kept for `tokens` and not taken (a caller that stopped early). */
export function forgetVerified(tokens: Iterable<string>): void {
  if (memo.size === 0) return;
  for (const t of tokens) memo.delete(t);
  waiting = memo.size;
}
