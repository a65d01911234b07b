/**
 * MessagePack read so that nothing is ambiguous and nothing is expensive: `@msgpack/msgpack`'s
 * decoder (iterative, never recursive) with four guards added.
 *
 * - Floats come out as {@link MsgpackFloat}, not numbers: `rmp_serde` refuses a float where a
 *   `u64` goes, and once decoded `3.0` and `3` are the same JavaScript number.
 * - Strings come out as raw bytes (`rawStrings`), so a schema can insist on valid UTF-8 (the
 *   decoder would put U+FFFD in place of bad bytes, where Rust's `String` refuses them) and can
 *   take `bin` or `str` for a byte field as `serde_bytes` does.
 * - A map that repeats a key is refused (serde's derived structs refuse a duplicate field; the
 *   decoder would keep the last one silently). Found by counting keys read against own keys kept.
 * - At most {@link MAX_MSGPACK_ELEMENTS} array elements and map entries in all: one byte of
 *   input can make one JavaScript value (an empty array is one byte), so without a cap 16 MiB
 *   could become gigabytes of heap. An invocation holds a few dozen.
 *
 * Map keys must be strings (0.82 writes struct fields by name); `__proto__` is refused by the
 * decoder itself; trailing bytes after the value are refused.
 */
import { DecodeError, Decoder } from '@msgpack/msgpack';

/** The most array elements plus map entries one decoded message may hold. */
export const MAX_MSGPACK_ELEMENTS = 65_536;

/** A MessagePack float (float32 or float64), kept apart from integers. */
export class MsgpackFloat {
  constructor(readonly value: number) {}
}

let keysRead = 0;
let elements = 0;

const decoder = new Decoder({
  rawStrings: true,
  useBigInt64: true,
  mapKeyConverter: (key: unknown) => {
    if (typeof key !== 'string') throw new DecodeError('a map key is not a string');
    keysRead++;
    return key;
  },
});

// The guards sit on the decoder's own (private) steps: the library has no hook for them, and
// subclassing cannot reach private members in TypeScript. Each calls the original.
type Hooks = {
  readF32(): number;
  readF64(): number;
  pushArrayState(size: number): void;
  pushMapState(size: number): void;
};
const hooks = decoder as unknown as Hooks;
const readF32 = hooks.readF32.bind(decoder);
const readF64 = hooks.readF64.bind(decoder);
const pushArray = hooks.pushArrayState.bind(decoder);
const pushMap = hooks.pushMapState.bind(decoder);
function count(n: number): void {
  elements += n;
  if (elements > MAX_MSGPACK_ELEMENTS) throw new DecodeError(`more than ${MAX_MSGPACK_ELEMENTS} array elements and map entries`);
}
(hooks as unknown as { readF32: () => unknown }).readF32 = () => new MsgpackFloat(readF32());
(hooks as unknown as { readF64: () => unknown }).readF64 = () => new MsgpackFloat(readF64());
hooks.pushArrayState = (size) => {
  count(size);
  pushArray(size);
};
hooks.pushMapState = (size) => {
  count(size);
  pushMap(size);
};

// Own keys of every decoded map, walked with an explicit stack (no recursion). Maps are plain
// objects; arrays are arrays; everything else (bytes, bigints, floats, ext data) is a leaf.
const stack: unknown[] = [];
function mapKeyCount(value: unknown): number {
  let n = 0;
  stack.length = 0;
  stack.push(value);
  while (stack.length > 0) {
    const x = stack.pop();
    if (Array.isArray(x)) {
      for (const y of x) if (typeof y === 'object' && y !== null) stack.push(y);
    } else if (typeof x === 'object' && x !== null && Object.getPrototypeOf(x) === Object.prototype) {
      for (const k in x) {
        n++;
        const y = (x as Record<string, unknown>)[k];
        if (typeof y === 'object' && y !== null) stack.push(y);
      }
    }
  }
  stack.length = 0;
  return n;
}

/**
 * Decodes one MessagePack value under the guards above. Returns the value, or a sentence saying
 * why the bytes are refused; never throws.
 *
 * @example
 * ```ts
 * const v = decodeStrictMsgpack(bytes);
 * if (typeof v === 'string') refuse(v); else read(v.value);
 * ```
 */
export function decodeStrictMsgpack(bytes: Uint8Array): { value: unknown } | string {
  keysRead = 0;
  elements = 0;
  let value: unknown;
  try {
    value = decoder.decode(bytes);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    return why === 'Insufficient data' ? 'it ends too soon (truncated)' : `it is not MessagePack (${why.slice(0, 120)})`;
  }
  if (mapKeyCount(value) !== keysRead) return 'a map repeats a key (readers disagree on which one counts)';
  return { value };
}
