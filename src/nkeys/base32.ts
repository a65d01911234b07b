// RFC 4648 base32, upper-case alphabet, no padding — the encoding nkeys use.
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const CODES = Array.from(ALPHABET, (c) => c.charCodeAt(0));
const LOOKUP = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) LOOKUP[ALPHABET.charCodeAt(i)] = i;

/** Encodes bytes as unpadded upper-case base32. */
export function base32Encode(data: Uint8Array): string {
  // Characters are collected as codes and turned into one string at the end: a string built
  // by += per character costs several times more (one per key and token signed).
  const out = new Array<number>(Math.ceil((data.length * 8) / 5));
  let bits = 0;
  let value = 0;
  let n = 0;
  for (let i = 0; i < data.length; i++) {
    value = ((value << 8) | data[i]!) & 0xfff;
    bits += 8;
    while (bits >= 5) {
      out[n++] = CODES[(value >>> (bits - 5)) & 31]!;
      bits -= 5;
    }
  }
  if (bits > 0) out[n++] = CODES[(value << (5 - bits)) & 31]!;
  return String.fromCharCode.apply(null, out);
}

/** Decodes unpadded upper-case base32; returns undefined on any character outside the alphabet. */
export function base32Decode(text: string): Uint8Array | undefined {
  const out = new Uint8Array(Math.floor((text.length * 5) / 8));
  return base32DecodeInto(text, out) ? out : undefined;
}

/**
 * Decodes unpadded upper-case base32 into `out` (at least `floor(text.length * 5 / 8)` bytes),
 * for hot paths that reuse one buffer. False on any character outside the alphabet.
 */
export function base32DecodeInto(text: string, out: Uint8Array): boolean {
  let bits = 0;
  let value = 0;
  let index = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const v = code < 128 ? LOOKUP[code]! : -1;
    if (v < 0) return false;
    value = ((value << 5) | v) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      out[index++] = (value >>> (bits - 8)) & 0xff;
      bits -= 8;
    }
  }
  return true;
}
