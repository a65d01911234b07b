import { readFile } from 'node:fs/promises';
import { decodeNatsClaims, inspectNatsClaims } from '../../claims/nats/decode.js';
import { SigchainError, isSigchainError } from '../../errors.js';
import { ioError } from '../../store/atomic.js';
import type { CommandContext } from '../command.js';

// Go's decorated-JWT shape: a dashed BEGIN line, the token, a dashed END line. `=` is kept so a
// padded (re-encoded) token is extracted whole and then refused as malformed, not half-read.
const ARMORED = /-{3,}[^\r\n]*-{3,}\r?\n\s*([\w\-.=+/]+)\s*\r?\n\s*-{3,}/;

/**
 * The JWT inside `text`: a bare token, a `.jwt` file, or a decorated file (a creds file, an
 * armored account JWT): the first armored block is the JWT, as nats tools read them.
 * `MALFORMED_TOKEN` when there is nothing that could be one.
 *
 * @example
 * ```ts
 * extractToken(readFileSync('alice.creds', 'utf8')); // 'eyJ0eXAiOiJKV1Qi…'
 * ```
 */
export function extractToken(text: string): string {
  const t = text.trim();
  if (/^-{3,}/m.test(t)) {
    const m = ARMORED.exec(t);
    if (!m) throw new SigchainError('MALFORMED_TOKEN', 'The input has armor lines (-----BEGIN …-----) but no JWT between them. Pass a .jwt file, a creds file, or the token itself.');
    return m[1]!;
  }
  if (!t) throw new SigchainError('MALFORMED_TOKEN', 'The input is empty: there is no token to describe. Pass a .jwt file, a creds file, or the token itself.');
  return t;
}

/** Reads a token from `file`, or from standard input when `file` is `-`. */
export async function readTokenInput(ctx: CommandContext, file: string): Promise<string> {
  let text: string;
  if (file === '-') text = await ctx.readStdin();
  else {
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      throw ioError('read', file, e, 'Check the path; use - to read the token from standard input.');
    }
  }
  return extractToken(text);
}

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
    return { token, claims: decodeNatsClaims(token) as unknown as Record<string, unknown>, verified: true };
  } catch (e) {
    if (!isSigchainError(e, 'BAD_SIGNATURE')) throw e;
    const { header, claims } = inspectNatsClaims(token);
    return { token, claims, header, verified: false, problem: e };
  }
}
