// Builds small WebAssembly binaries for tests, framing only (section contents are arbitrary bytes;
// the reader and the hash never look into them). `pad` writes a length in five bytes, as rustc
// and walrus do, to check that the hash rewrites it.
export const MODULE = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
export const COMPONENT = [0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00];

/** LEB128 of a u32, minimal or padded to five bytes. */
export function leb(n: number, pad = false): number[] {
  const out: number[] = [];
  let v = n;
  for (let i = 0; ; i++) {
    const more = pad ? i < 4 : v >= 0x80;
    out.push((v & 0x7f) | (more ? 0x80 : 0));
    v = Math.floor(v / 128);
    if (!more) return out;
  }
}

export function section(id: number, content: ArrayLike<number>, pad = false): number[] {
  return [id, ...leb(content.length, pad), ...Array.from(content)];
}

export function custom(name: string, payload: ArrayLike<number> | string, pad = false): number[] {
  const n = [...new TextEncoder().encode(name)];
  const p = typeof payload === 'string' ? [...new TextEncoder().encode(payload)] : Array.from(payload);
  return section(0, [...leb(n.length), ...n, ...p], pad);
}

export function module(...sections: number[][]): number[] {
  return [...MODULE, ...sections.flat()];
}

export function component(...sections: number[][]): number[] {
  return [...COMPONENT, ...sections.flat()];
}

/** A core module nested in a component (section id 1). */
export function coreModuleSection(bytes: number[], pad = false): number[] {
  return section(1, bytes, pad);
}

/** A component nested in a component (section id 4). */
export function componentSection(bytes: number[], pad = false): number[] {
  return section(4, bytes, pad);
}

export const u8 = (a: number[]): Uint8Array => Uint8Array.from(a);
