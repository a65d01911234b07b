// Strict base64url without padding. Node's Buffer decoder silently accepts '=', '+', '/'
// and stray characters; Go (and so nats-server) refuses them, so we refuse them too.
const VALID = /^[A-Za-z0-9_-]*$/;
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Encodes bytes (or a UTF-8 string) as unpadded base64url. */
export function b64urlEncode(data: Uint8Array | string): string {
  return (typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data.buffer, data.byteOffset, data.byteLength)).toString('base64url');
}

/**
 * Decodes unpadded base64url strictly: only the URL alphabet, no padding, a length
 * that base64 can produce, and zero trailing bits (so each byte string has one encoding).
 * Returns undefined when the text is not canonical.
 */
export function b64urlDecode(text: string): Buffer | undefined {
  const rem = text.length % 4;
  if (rem === 1 || !VALID.test(text)) return undefined;
  if (rem !== 0) {
    const last = ALPHABET.indexOf(text[text.length - 1]!);
    const mask = rem === 2 ? 0x0f : 0x03;
    if ((last & mask) !== 0) return undefined;
  }
  return Buffer.from(text, 'base64url');
}
