/**
 * The shape of one compact token, checked character by character: exactly three non-empty
 * base64url parts joined by two dots. Shared by the token and creds readers.
 */
import { SigchainError } from '../errors.js';
import { MAX_TOKEN_SIZE } from '../jwt/decode.js';
import { isSeed } from '../nkeys/codec.js';
import type { ArmorBlock } from './armor.js';

function isB64url(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 45 || c === 95;
}

/** Why `t` is not a strict compact token, or undefined when it is one. */
function shapeProblem(t: string): string | undefined {
  let dots = 0;
  let part = 0;
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (c === 46) {
      if (part === 0) return 'has an empty part';
      dots++;
      part = 0;
    } else if (isB64url(c)) part++;
    else if (c === 61) return 'has "=" padding (a token is unpadded base64url)';
    else if (c === 43 || c === 47) return 'has "+" or "/" (standard base64, not the base64url a token uses)';
    else if (c === 0xfeff && i === 0) return 'begins with a byte-order mark (U+FEFF); save the file as UTF-8 without one';
    else if (c <= 32 || c === 0x7f || c === 0x85 || c === 0xa0 || c === 0xfeff || c === 0x2028 || c === 0x2029) return 'holds whitespace or a control character where only base64url may be (spaces, tabs and line ends around a token are ignored, nothing else)';
    else return 'holds a character that is not base64url';
  }
  if (part === 0) return t.length === 0 ? 'is empty' : 'has an empty part';
  if (dots !== 2) return `has ${dots + 1} part${dots ? 's' : ''}, not 3`;
  return undefined;
}

/**
 * True when `text` is exactly a compact token's shape: three non-empty parts of the base64url
 * alphabet joined by two dots; no padding, no `+` or `/`, no whitespace. Says nothing about
 * whether the parts decode; {@link decodeJwt} judges that.
 *
 * @example
 * ```ts
 * isTokenShaped('eyJ0eXAiOiJKV1QifQ.eyJzdWIiOiJVIn0.c2ln'); // true
 * isTokenShaped('eyJ0eXAiOiJKV1QifQ.eyJzdWIiOiJVIn0.c2ln=='); // false
 * ```
 */
export function isTokenShaped(text: string): boolean {
  return typeof text === 'string' && shapeProblem(text) === undefined;
}

export function malformed(source: string, why: string, line?: number): SigchainError {
  const where = line === undefined ? source : `${source} (line ${line})`;
  return new SigchainError(
    'MALFORMED_TOKEN',
    `${where} is not a token: it ${why}. A NATS token is three base64url parts joined by two dots, judged exactly as given; copy the whole token again.`,
    line === undefined ? { source } : { source, line },
  );
}

export function tooLarge(source: string, size: number, limit: number): SigchainError {
  return new SigchainError('TOKEN_TOO_LARGE', `${source} is ${size} bytes; sigchain reads at most ${limit} here (NATS refuses tokens over ${MAX_TOKEN_SIZE}).`, { source, size, limit });
}

/** `t` (trimmed) if it is a strict token, else the coded refusal. Seeds are named, never echoed. */
export function strictToken(t: string, source: string, line?: number): string {
  if (t.length > MAX_TOKEN_SIZE) throw tooLarge(source, t.length, MAX_TOKEN_SIZE);
  const why = shapeProblem(t);
  if (why === undefined) return t;
  if (t.length <= 64 && t.startsWith('S') && isSeed(t)) throw malformed(source, 'is an nkey seed (a secret), not a token; never paste seeds where a token goes', line);
  throw malformed(source, why, line);
}

/** The token line of a JWT block: exactly one line, judged whole. */
export function tokenOfBlock(block: ArmorBlock, source: string): string {
  if (block.content.length === 0) throw malformed(source, `has an armored block (line ${block.line}) with no token between its armor lines`);
  if (block.content.length > 1) throw malformed(source, `has an armored block (line ${block.line}) holding more than one line; a block holds one token line`);
  return strictToken(block.content[0]!, source, block.line + 1);
}
