/**
 * A bounded, linear reader of the WebAssembly binary framing: core modules and components
 * (component model), their sections, custom sections (name + payload) and the core modules and
 * components nested inside a component. It reads what wascap's hash needs and no more: it is
 * not a validator, so the contents of ordinary sections are not looked into.
 *
 * Every byte is looked at once at most (a nested binary is read as part of its parent's
 * section, never again), nesting stops at {@link MAX_WASM_NESTING}, and every length is checked
 * against the end of what contains it, so random or cut-short input ends in a MALFORMED_WASM
 * error, never a crash or a hang (test/wasm/fuzz.test.ts).
 *
 * What it refuses is what wasmparser (the reader wascap uses) refuses at this level: a wrong
 * magic or version, a cut-short section, a length past the end, a LEB128 length over five bytes,
 * a custom-section name that is not UTF-8 or longer than 100,000 bytes. It also refuses a core
 * module section (id 1) that holds a component, or a component section (id 4) that holds a core
 * module, which wasmparser only catches when validating.
 */
import { malformed, readVarU32, varU32Size } from './leb128.js';

/** What a WebAssembly binary is: a core module (version 1) or a component (version 0xd, layer 1). */
export type WasmKind = 'module' | 'component';

/** How deep components may nest (the file itself is depth 0). Deeper input is MALFORMED_WASM. */
export const MAX_WASM_NESTING = 100;

/** The longest custom-section name read, as in wasmparser (MAX_WASM_STRING_SIZE). */
export const MAX_CUSTOM_NAME_BYTES = 100_000;

/** The eight-byte preamble of a core module: `\0asm`, version 1, layer 0. */
export const MODULE_HEADER: readonly number[] = Object.freeze([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
/** The eight-byte preamble of a component: `\0asm`, version 0xd, layer 1. */
export const COMPONENT_HEADER: readonly number[] = Object.freeze([0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00]);

/** Section ids with a meaning to this reader. */
export const SECTION_CUSTOM = 0;
/** In a component: a nested core module. */
export const SECTION_CORE_MODULE = 1;
/** In a component: a nested component. */
export const SECTION_COMPONENT = 4;

/** One section as found, by offsets into the bytes read (all absolute). */
export interface WasmSectionRef {
  /** The section id byte (0 = custom). */
  id: number;
  /** Offset of the id byte. */
  start: number;
  /** Offset of the first content byte (after the id and the LEB128 length). */
  contentStart: number;
  /** Offset just past the content. */
  end: number;
  /** Depth of the binary holding the section (0 = the file itself). */
  depth: number;
  /** Custom sections only: offsets of the name bytes (UTF-8, already checked) and of the payload. */
  nameStart: number;
  nameEnd: number;
  /** For a nested core module or component (ids 1 and 4 in a component): what it holds. */
  nested: WasmKind | undefined;
}

/**
 * Callbacks of {@link walkWasm}, called in the order of the bytes: `enter` for each binary, then
 * `section` for each of its sections (for a nested binary, `section` comes before the nested
 * binary's own `enter`), then `leave`.
 */
export interface WasmVisitor {
  enter?(kind: WasmKind, start: number, end: number, depth: number): void;
  section?(section: WasmSectionRef): void;
  leave?(kind: WasmKind, start: number, end: number, depth: number): void;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The kind named by the eight-byte preamble at `start`, or a MALFORMED_WASM error. */
export function readHeader(bytes: Uint8Array, start: number, end: number): WasmKind {
  if (end - start < 8) throw malformed(end - start >= 4 && sameBytes(bytes, start, MODULE_HEADER, 4) ? 'the 8-byte preamble is cut short' : 'too short to be WebAssembly (no 8-byte preamble)', start);
  if (!sameBytes(bytes, start, MODULE_HEADER, 4)) throw malformed('bad magic: a WebAssembly binary starts with \\0asm', start);
  if (sameBytes(bytes, start, MODULE_HEADER, 8)) return 'module';
  if (sameBytes(bytes, start, COMPONENT_HEADER, 8)) return 'component';
  const version = Array.from(bytes.subarray(start + 4, start + 8), (b) => b.toString(16).padStart(2, '0')).join(' ');
  throw malformed(`unknown version/layer ${version} (a core module has 01 00 00 00, a component 0d 00 01 00)`, start + 4);
}

/**
 * Walks every section of the WebAssembly binary in `bytes`, nested ones included, calling
 * `visitor` in byte order; returns the kind of the outer binary. Throws MALFORMED_WASM on
 * anything that is not well-formed framing (see the module comment).
 *
 * @example
 * ```ts
 * let customs = 0;
 * walkWasm(bytes, { section: (s) => { if (s.id === 0) customs++; } });
 * ```
 */
export function walkWasm(bytes: Uint8Array, visitor: WasmVisitor): WasmKind {
  if (!(bytes instanceof Uint8Array)) throw malformed('the input is not bytes (a Uint8Array)', 0);
  return walkBinary(bytes, 0, bytes.length, 0, visitor);
}

function walkBinary(bytes: Uint8Array, start: number, end: number, depth: number, v: WasmVisitor): WasmKind {
  const kind = readHeader(bytes, start, end);
  v.enter?.(kind, start, end, depth);
  let pos = start + 8;
  while (pos < end) {
    const id = bytes[pos]!;
    const [len, contentStart] = readVarU32(bytes, pos + 1, end);
    const sectionEnd = contentStart + len;
    if (sectionEnd > end) throw malformed(`section ${id} says it is ${len} bytes long, past the end of ${depth === 0 ? 'the data' : 'the nested binary holding it'} (${end - contentStart} left)`, pos);
    let nameStart = -1;
    let nameEnd = -1;
    let nested: WasmKind | undefined;
    if (id === SECTION_CUSTOM) {
      const [nameLen, ns] = readVarU32(bytes, contentStart, sectionEnd);
      if (nameLen > MAX_CUSTOM_NAME_BYTES) throw malformed(`a custom section name is ${nameLen} bytes (at most ${MAX_CUSTOM_NAME_BYTES})`, contentStart);
      if (ns + nameLen > sectionEnd) throw malformed('a custom section name runs past its section', contentStart);
      nameStart = ns;
      nameEnd = ns + nameLen;
      if (!isUtf8(bytes, nameStart, nameEnd)) throw malformed('a custom section name is not UTF-8', nameStart);
    } else if (kind === 'component' && (id === SECTION_CORE_MODULE || id === SECTION_COMPONENT)) {
      nested = id === SECTION_CORE_MODULE ? 'module' : 'component';
    }
    v.section?.({ id, start: pos, contentStart, end: sectionEnd, depth, nameStart, nameEnd, nested });
    if (nested) {
      if (depth + 1 > MAX_WASM_NESTING) throw malformed(`components nest more than ${MAX_WASM_NESTING} deep`, pos);
      const inner = walkBinary(bytes, contentStart, sectionEnd, depth + 1, v);
      if (inner !== nested) throw malformed(`a ${nested === 'module' ? 'core module' : 'component'} section (id ${id}) holds a ${inner === 'module' ? 'core module' : 'component'}`, contentStart);
    }
    pos = sectionEnd;
  }
  v.leave?.(kind, start, end, depth);
  return kind;
}

function isUtf8(bytes: Uint8Array, start: number, end: number): boolean {
  // Plain ASCII (every real section name) needs no decoder.
  for (let i = start; i < end; i++) {
    if (bytes[i]! >= 0x80) {
      try {
        utf8.decode(bytes.subarray(start, end));
        return true;
      } catch {
        return false;
      }
    }
  }
  return true;
}

/** True when bytes[at .. at + n) equal the first n of `expected`. */
export function sameBytes(bytes: Uint8Array, at: number, expected: ArrayLike<number>, n = expected.length): boolean {
  if (at + n > bytes.length) return false;
  for (let i = 0; i < n; i++) if (bytes[at + i] !== expected[i]) return false;
  return true;
}

/** A custom section, read: its name and where its payload is. */
export interface WasmCustomSection {
  name: string;
  /** Offsets of the payload (after the name) in the bytes read. */
  payloadStart: number;
  payloadEnd: number;
}

/** One section of a {@link WasmBinary}. */
export interface WasmSection {
  id: number;
  /** Offsets in the bytes read: the id byte, the first content byte, just past the content. */
  start: number;
  contentStart: number;
  end: number;
  /** Whether the length was written in more bytes than needed (rustc/walrus pad to five). */
  paddedLength: boolean;
  custom?: WasmCustomSection;
  /** A core module or component nested in a component. */
  nested?: WasmBinary;
}

/** A WebAssembly binary as {@link parseWasm} reads it. */
export interface WasmBinary {
  kind: WasmKind;
  start: number;
  end: number;
  depth: number;
  sections: WasmSection[];
}

/** The most sections {@link parseWasm} lists (all depths together); real files have a few hundred. */
export const MAX_PARSED_SECTIONS = 1_000_000;

/**
 * Reads the section tree of a WebAssembly module or component: every section with its offsets,
 * custom sections with their names, nested modules and components with their own sections.
 * For looking at a file (`wasm inspect`); hashing and token handling walk without building it.
 * Throws MALFORMED_WASM as {@link walkWasm} does, and past {@link MAX_PARSED_SECTIONS} sections.
 *
 * @example
 * ```ts
 * const tree = parseWasm(readFileSync('hello_s.wasm'));
 * tree.kind;                                               // 'component'
 * tree.sections.filter((s) => s.custom).map((s) => s.custom!.name); // ['producers', 'wasmcloud_jwt']
 * ```
 */
export function parseWasm(bytes: Uint8Array): WasmBinary {
  const stack: WasmBinary[] = [];
  let root: WasmBinary | undefined;
  let pending: WasmSection | undefined;
  let count = 0;
  walkWasm(bytes, {
    enter(kind, start, end, depth) {
      const b: WasmBinary = { kind, start, end, depth, sections: [] };
      if (pending) pending.nested = b;
      else root = b;
      pending = undefined;
      stack.push(b);
    },
    section(s) {
      if (++count > MAX_PARSED_SECTIONS) throw malformed(`more than ${MAX_PARSED_SECTIONS} sections`, s.start);
      const section: WasmSection = { id: s.id, start: s.start, contentStart: s.contentStart, end: s.end, paddedLength: s.contentStart - s.start - 1 > varU32Size(s.end - s.contentStart) };
      if (s.id === SECTION_CUSTOM) section.custom = { name: utf8.decode(bytes.subarray(s.nameStart, s.nameEnd)), payloadStart: s.nameEnd, payloadEnd: s.end };
      stack[stack.length - 1]!.sections.push(section);
      if (s.nested) pending = section;
    },
    leave() {
      stack.pop();
    },
  });
  return root!;
}
