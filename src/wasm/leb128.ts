/**
 * Unsigned LEB128 as the WebAssembly binary format uses it for lengths and counts: a u32 in at
 * most five bytes. Longer encodings, or a fifth byte with bits above bit 31, are refused the way
 * wasmparser refuses them (so a file wascap cannot read is not given a hash here either).
 */
import { SigchainError } from '../errors.js';

/** The most bytes a u32 takes in LEB128 (⌈32 / 7⌉). */
export const MAX_VAR_U32_BYTES = 5;

/**
 * Reads a LEB128 u32 at `pos`, never past `end`. Returns the value and the offset after it.
 * Throws MALFORMED_WASM on a cut-short, over-long or over-large encoding.
 *
 * @example
 * ```ts
 * readVarU32(new Uint8Array([0xe5, 0x8e, 0x26]), 0, 3); // → [624485, 3]
 * ```
 */
export function readVarU32(bytes: Uint8Array, pos: number, end: number): [value: number, next: number] {
  let value = 0;
  for (let i = 0; i < MAX_VAR_U32_BYTES; i++) {
    if (pos + i >= end) throw malformed('a length is cut short by the end of the data', pos);
    const b = bytes[pos + i]!;
    if (i === 4) {
      // The fifth byte holds bits 28..31: a continuation bit means a sixth byte (over five bytes),
      // bits 4..6 set mean a value above 2^32 - 1.
      if (b & 0x80) throw malformed('a length takes more than five bytes (LEB128 over a u32)', pos);
      if (b & 0x70) throw malformed('a length is larger than 2^32 - 1', pos);
      return [value + b * 2 ** 28, pos + 5];
    }
    value |= (b & 0x7f) << (7 * i);
    if (!(b & 0x80)) return [value, pos + i + 1];
  }
  /* c8 ignore next */
  throw malformed('a length takes more than five bytes (LEB128 over a u32)', pos);
}

/** How many bytes the minimal LEB128 encoding of the u32 `n` takes (1 to 5). */
export function varU32Size(n: number): number {
  return n < 0x80 ? 1 : n < 0x4000 ? 2 : n < 0x20_0000 ? 3 : n < 0x1000_0000 ? 4 : 5;
}

/**
 * Writes the minimal LEB128 encoding of the u32 `n` into `out` at `pos`; returns the offset after it.
 *
 * @example
 * ```ts
 * const out = new Uint8Array(5);
 * writeVarU32(out, 0, 300); // → 2, out starts ac 02
 * ```
 */
export function writeVarU32(out: Uint8Array, pos: number, n: number): number {
  if (!Number.isInteger(n) || n < 0 || n > 0xffff_ffff) throw new SigchainError('MALFORMED_WASM', `A WebAssembly length must be a u32; ${n} is not. Nothing was written.`);
  let v = n;
  while (v >= 0x80) {
    out[pos++] = (v % 0x80) | 0x80;
    v = Math.floor(v / 0x80);
  }
  out[pos++] = v;
  return pos;
}

/** The MALFORMED_WASM error every reader here throws, with the offset it stopped at. */
export function malformed(what: string, offset: number): SigchainError {
  return new SigchainError('MALFORMED_WASM', `Not a well-formed WebAssembly module or component: ${what} (at byte ${offset}). Check that the file is a complete .wasm file.`, { offset });
}
