// Strict base64url without padding. Node's Buffer decoder silently accepts '=', '+', '/'
// and stray characters; Go (and so nats-server) refuses them, so we refuse them too.
import { decodeIntoScratch } from './scratch.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Encodes bytes (or a UTF-8 string) as unpadded base64url. */
export function b64urlEncode(data: Uint8Array | string): string {
  return (typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data.buffer, data.byteOffset, data.byteLength)).toString('base64url');
}

/**
 * True when Node's decoding of `text` into `decoded` bytes was canonical base64url. Node's
 * decoder is the fast path (a regex over every token costs more than the decode), but it is
 * lenient in three ways, each refused here: it skips characters outside both alphabets and
 * stops at '=' (so fewer bytes come out than the length promises), it reads '+' and '/', and it
 * reads only the low byte of a character above U+00FF (so 'ř' would pass for 'Y'). Then the
 * trailing bits must be zero, so each byte string has one encoding.
 */
function canonical(text: string, decoded: number): boolean {
  const n = text.length;
  if (decoded !== (n * 3) >>> 2 || text.includes('+') || text.includes('/') || Buffer.byteLength(text, 'utf8') !== n) return false;
  const rem = n % 4;
  if (rem === 0) return true;
  return (ALPHABET.indexOf(text[n - 1]!) & (rem === 2 ? 0x0f : 0x03)) === 0;
}

/**
 * Decodes unpadded base64url strictly: only the URL alphabet, no padding, a length
 * that base64 can produce, and zero trailing bits (so each byte string has one encoding).
 * Returns undefined when the text is not canonical.
 */
export function b64urlDecode(text: string): Buffer | undefined {
  if (text.length % 4 === 1) return undefined;
  const out = Buffer.from(text, 'base64url');
  return canonical(text, out.length) ? out : undefined;
}

/**
 * {@link b64urlDecode} to UTF-8 text (a JWT's header or payload), without allocating a buffer.
 * Returns undefined when the text is not canonical.
 */
export function b64urlDecodeUtf8(text: string): string | undefined {
  if (text.length % 4 === 1) return undefined;
  const { buffer, length } = decodeIntoScratch(text);
  return canonical(text, length) ? buffer.toString('utf8', 0, length) : undefined;
}
