/**
 * The module hash wascap signs into a wasmCloud token (`wascap.hash`), computed exactly as
 * wascap revision 3 does (wascap ≥ 0.10.1, `strip_custom_section` + `compute_hash`), and the
 * hash older signers used, so tokens of both eras can be checked.
 *
 * Revision 3: drop every custom section named `jwt` or `wasmcloud_jwt`, at every depth; write
 * every other section again as its id, its content length as minimal LEB128, its content; a
 * nested core module or component is written the same way, recursively, and stored as a section
 * whose length is that of its rewritten bytes. SHA-256 of the result, upper-case hex.
 *
 * Why the rewrite matters: rustc and walrus pad section lengths to five bytes; the hash must not
 * change when a signer rewrites them, and wascap's embedding writes the rewritten bytes.
 */
import { createHash, type Hash } from 'node:crypto';
import { varU32Size, writeVarU32 } from './leb128.js';
import { SECTION_CUSTOM, type WasmSectionRef, sameBytes, walkWasm } from './reader.js';

/** The custom-section names a wasmCloud token is embedded under: wascap ≥ 0.9 writes the first, older signers the second. */
export const TOKEN_SECTION_NAMES = ['wasmcloud_jwt', 'jwt'] as const;
/** Name of a custom section holding a wasmCloud token. */
export type TokenSectionName = (typeof TOKEN_SECTION_NAMES)[number];

const NAME_BYTES = TOKEN_SECTION_NAMES.map((n) => new TextEncoder().encode(n));

/** Which token name a section has, or undefined when it is not a token section. */
export function tokenSectionName(bytes: Uint8Array, s: WasmSectionRef): TokenSectionName | undefined {
  if (s.id !== SECTION_CUSTOM) return undefined;
  const len = s.nameEnd - s.nameStart;
  for (let i = 0; i < NAME_BYTES.length; i++) {
    const n = NAME_BYTES[i]!;
    if (n.length === len && sameBytes(bytes, s.nameStart, n)) return TOKEN_SECTION_NAMES[i];
  }
  return undefined;
}

/** Where the rewritten bytes go: a hash, or one buffer. */
interface Sink {
  /** A short piece (headers); the sink may copy it. */
  small(piece: Uint8Array, len: number): void;
  /** A run of the input, not copied when large. */
  run(bytes: Uint8Array, start: number, end: number): void;
}

/**
 * First pass: the rewritten size of every nested binary (by its offset) and of the whole. Only
 * headers are read, so this costs the number of sections, not the number of bytes.
 */
function plan(bytes: Uint8Array): { total: number; nestedSize: Map<number, number> } {
  const nestedSize = new Map<number, number>();
  const stack: number[] = [];
  let total = 0;
  walkWasm(bytes, {
    enter() {
      stack.push(8);
    },
    section(s) {
      if (s.nested || tokenSectionName(bytes, s)) return;
      const len = s.end - s.contentStart;
      stack[stack.length - 1]! += 1 + varU32Size(len) + len;
    },
    leave(_kind, start, _end, depth) {
      const size = stack.pop()!;
      if (depth === 0) total = size;
      else {
        nestedSize.set(start, size);
        stack[stack.length - 1]! += 1 + varU32Size(size) + size;
      }
    },
  });
  return { total, nestedSize };
}

/** Second pass: writes the rewritten bytes to `sink`, in order. */
function emit(bytes: Uint8Array, nestedSize: Map<number, number>, sink: Sink): void {
  const head = new Uint8Array(6);
  walkWasm(bytes, {
    enter(_kind, start) {
      // readHeader accepted only the two canonical preambles, so the input's are wascap's.
      sink.run(bytes, start, start + 8);
    },
    section(s) {
      if (tokenSectionName(bytes, s)) return;
      head[0] = s.id;
      if (s.nested) {
        sink.small(head, writeVarU32(head, 1, nestedSize.get(s.contentStart)!));
        return; // the nested binary's own callbacks write its bytes
      }
      sink.small(head, writeVarU32(head, 1, s.end - s.contentStart));
      sink.run(bytes, s.contentStart, s.end);
    },
  });
}

/** Below this, runs are copied into a scratch buffer rather than handed to the hash one by one. */
const COPY_BELOW = 2048;
const SCRATCH = 64 * 1024;

function hashSink(hash: Hash): Sink & { flush(): void } {
  const scratch = Buffer.allocUnsafe(SCRATCH);
  let used = 0;
  const flush = (): void => {
    if (used) hash.update(scratch.subarray(0, used));
    used = 0;
  };
  return {
    small(piece, len) {
      if (used + len > SCRATCH) flush();
      scratch.set(piece.subarray(0, len), used);
      used += len;
    },
    run(b, start, end) {
      const len = end - start;
      if (len < COPY_BELOW) {
        if (used + len > SCRATCH) flush();
        scratch.set(b.subarray(start, end), used);
        used += len;
      } else {
        flush();
        hash.update(b.subarray(start, end));
      }
    },
    flush,
  };
}

/**
 * The bytes wascap (revision 3) hashes and embeds into: every `jwt` / `wasmcloud_jwt` custom
 * section removed at every depth, every section length rewritten as minimal LEB128, nested
 * modules and components rewritten the same way. Idempotent. Throws MALFORMED_WASM.
 *
 * @example
 * ```ts
 * const canonical = stripTokenSections(signedBytes); // what `wash claims sign` appends its token to
 * ```
 */
export function stripTokenSections(bytes: Uint8Array): Uint8Array {
  const { total, nestedSize } = plan(bytes);
  const out = new Uint8Array(total);
  let at = 0;
  emit(bytes, nestedSize, {
    small(piece, len) {
      out.set(piece.subarray(0, len), at);
      at += len;
    },
    run(b, start, end) {
      out.set(b.subarray(start, end), at);
      at += end - start;
    },
  });
  return out;
}

/**
 * The module hash of a WebAssembly module or component as wascap revision 3 computes it (the
 * `wascap.hash` claim of tokens with `wascap_revision` ≥ 3): SHA-256 of
 * {@link stripTokenSections}, 64 upper-case hex digits. Streams: nothing is copied but headers.
 * Throws MALFORMED_WASM.
 *
 * @example
 * ```ts
 * computeModuleHash(readFileSync('hello_plugin_s.wasm')); // 'BEBDA884…86A0'
 * ```
 */
export function computeModuleHash(bytes: Uint8Array): string {
  const { nestedSize } = plan(bytes);
  const hash = createHash('sha256');
  const sink = hashSink(hash);
  emit(bytes, nestedSize, sink);
  sink.flush();
  return hash.digest('hex').toUpperCase();
}

/**
 * The hash signers before wascap revision 3 recorded: SHA-256 of the file with its top-level
 * `jwt` / `wasmcloud_jwt` sections cut out and nothing else changed, upper-case hex.
 *
 * Why this is their hash: wascap ≤ 0.8 (parity-wasm, no `wascap_revision`) and 0.9.1–0.9.2
 * (walrus, revision 2) both hashed their own re-serialization of the module and then wrote that
 * same serialization plus the token section, so the signed file minus its token section is
 * exactly what they hashed (walrus pads lengths to five bytes, hence revision 3's rewrite);
 * wascap 0.10.0 (revision 2) already wrote revision-3 bytes, for which both hashes agree. Not
 * covered: wascap 0.9.0 (revision 2, Dec 2022 – Jan 2023), which hashed only function bodies,
 * the first data segment and custom payloads. Throws MALFORMED_WASM.
 *
 * @example
 * ```ts
 * computeLegacyModuleHash(readFileSync('echo_messaging_v0.9.0.wasm')); // '0A116480…13C7'
 * ```
 */
export function computeLegacyModuleHash(bytes: Uint8Array): string {
  const cuts: number[] = [];
  walkWasm(bytes, {
    section(s) {
      if (s.depth === 0 && tokenSectionName(bytes, s)) cuts.push(s.start, s.end);
    },
  });
  const hash = createHash('sha256');
  let at = 0;
  for (let i = 0; i < cuts.length; i += 2) {
    hash.update(bytes.subarray(at, cuts[i]!));
    at = cuts[i + 1]!;
  }
  hash.update(bytes.subarray(at));
  return hash.digest('hex').toUpperCase();
}
