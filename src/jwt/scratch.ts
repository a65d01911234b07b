/**
 * One growable buffer for the synchronous steps of reading a token (decoding its payload,
 * laying out the bytes a signature covers), so verifying a fresh token allocates no buffer.
 * Whatever a function here returns is overwritten by the next call: use it before then, and
 * never across an `await`.
 */
let scratch = Buffer.allocUnsafe(4096);
// Above this, a one-off buffer: a rare huge token must not pin megabytes for good.
const SCRATCH_MAX = 256 * 1024;

function room(bytes: number): Buffer {
  if (scratch.length >= bytes) return scratch;
  if (bytes > SCRATCH_MAX) return Buffer.allocUnsafe(bytes);
  scratch = Buffer.allocUnsafe(Math.min(SCRATCH_MAX, Math.max(bytes, scratch.length * 2)));
  return scratch;
}

/**
 * Decodes base64 or base64url text into the scratch buffer (Node's lenient decoder: callers
 * check canonical form). Returns the buffer and how many bytes were written, valid until the
 * next call.
 */
export function decodeIntoScratch(text: string): { buffer: Buffer; length: number } {
  const buffer = room(Math.ceil((text.length * 3) / 4) + 3);
  return { buffer, length: buffer.write(text, 'base64url') };
}

/** `text` (ASCII, such as a JWT's signing input) as bytes in the scratch buffer, valid until the next call. */
export function asciiInScratch(text: string): Buffer {
  const buffer = room(text.length);
  return buffer.subarray(0, buffer.write(text, 'latin1'));
}

/** `text` as UTF-8, encoded as unpadded base64url, through the scratch buffer (no allocation). */
export function utf8ToB64url(text: string): string {
  const buffer = room(text.length * 3);
  return buffer.toString('base64url', 0, buffer.write(text, 'utf8'));
}
