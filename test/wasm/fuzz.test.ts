// Untrusted bytes into every reader of src/wasm: random bytes, real files with bytes flipped,
// inserted, removed or cut, and generated components. Each call must end in a result or a
// MALFORMED_WASM error (never another exception, never a hang), within a time linear in the size.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { SigchainError } from '../../src/errors.js';
import { computeLegacyModuleHash, computeModuleHash, embedToken, parseWasm, readEmbeddedToken, stripTokenSections, walkWasm } from '../../src/wasm/index.js';
import { COMPONENT, MODULE, component, componentSection, coreModuleSection, custom, module, section, u8 } from './build.js';
import { wasmFixture } from './fixtures.js';

const READERS: [string, (b: Uint8Array) => unknown][] = [
  ['parseWasm', parseWasm],
  ['computeModuleHash', computeModuleHash],
  ['computeLegacyModuleHash', computeLegacyModuleHash],
  ['stripTokenSections', stripTokenSections],
  ['readEmbeddedToken', readEmbeddedToken],
  ['embedToken', (b) => embedToken(b, 'a.b.c')],
];

/** Runs every reader on `b`: each returns or throws MALFORMED_WASM, and all agree on which. */
function judge(b: Uint8Array): void {
  let ok: boolean | undefined;
  for (const [name, read] of READERS) {
    const t0 = performance.now();
    let fine = true;
    try {
      read(b);
    } catch (e) {
      fine = false;
      if (!(e instanceof SigchainError) || e.code !== 'MALFORMED_WASM') throw new Error(`${name} threw ${e instanceof SigchainError ? e.code : String(e)} on ${Buffer.from(b.subarray(0, 64)).toString('hex')}…`);
    }
    const ms = performance.now() - t0;
    // Generous: the inputs are at most a few KiB, and a linear reader takes microseconds.
    assert.ok(ms < 200 + b.length / 1000, `${name} took ${ms.toFixed(0)} ms on ${b.length} bytes`);
    ok ??= fine;
    // readEmbeddedToken may also refuse a token that is not UTF-8 in a well-formed file.
    if (name !== 'readEmbeddedToken') assert.equal(fine, ok, `${name} disagrees with parseWasm on whether the bytes are well-formed`);
  }
}

const small = [
  wasmFixture('signed_loop.wasm').bytes,
  wasmFixture('loop.wasm').bytes,
  u8(component(custom('producers', 'x'), coreModuleSection(module(section(1, [0x60, 0, 0]), custom('jwt', 'a.b.c'), section(10, [1, 2, 3], true)), true), componentSection(component(section(7, [1, 2]), coreModuleSection(module()))), custom('wasmcloud_jwt', 'd.e.f'))),
  wasmFixture('hello_plugin_s.wasm').bytes.subarray(0, 3000),
  wasmFixture('echo_messaging_v0.9.0.wasm').bytes.subarray(0, 2000),
];

const mutated = fc.constantFrom(...small).chain((base) =>
  fc
    .array(
      fc.oneof(
        fc.tuple(fc.constant('flip' as const), fc.nat(base.length - 1), fc.integer({ min: 1, max: 255 })),
        fc.tuple(fc.constant('set' as const), fc.nat(base.length - 1), fc.constantFrom(0x00, 0x01, 0x04, 0x0d, 0x7f, 0x80, 0xff)),
        fc.tuple(fc.constant('insert' as const), fc.nat(base.length), fc.integer({ min: 0, max: 255 })),
        fc.tuple(fc.constant('delete' as const), fc.nat(base.length - 1), fc.constant(0)),
        fc.tuple(fc.constant('cut' as const), fc.nat(base.length), fc.constant(0)),
      ),
      { minLength: 1, maxLength: 4 },
    )
    .map((edits) => {
      const b = Array.from(base);
      for (const [op, at, v] of edits) {
        const i = Math.min(at, b.length);
        if (op === 'flip' && i < b.length) b[i]! ^= v;
        else if (op === 'set' && i < b.length) b[i] = v;
        else if (op === 'insert') b.splice(i, 0, v);
        else if (op === 'delete') b.splice(i, 1);
        else if (op === 'cut') b.length = i;
      }
      return u8(b);
    }),
);

const random = fc.oneof(
  fc.uint8Array({ maxLength: 300 }),
  fc.tuple(fc.constantFrom(MODULE, COMPONENT), fc.uint8Array({ maxLength: 300 })).map(([h, t]) => u8([...h, ...t])),
  // Random section headers: small ids and lengths, so the walk gets past the first section.
  fc.tuple(fc.constantFrom(MODULE, COMPONENT), fc.array(fc.tuple(fc.integer({ min: 0, max: 13 }), fc.uint8Array({ maxLength: 12 }), fc.integer({ min: -2, max: 2 })), { maxLength: 8 })).map(([h, ss]) =>
    u8([...h, ...ss.flatMap(([id, c, skew]) => [id, Math.max(0, c.length + skew), ...c])]),
  ),
);

describe('wasm readers on untrusted bytes (fast-check)', () => {
  it('2,000 random inputs: a result or MALFORMED_WASM, every reader agreeing', () => {
    fc.assert(fc.property(random, (b) => judge(b)), { numRuns: 2000, seed: 10 });
  });

  it('2,000 mutated real files: a result or MALFORMED_WASM, every reader agreeing', () => {
    fc.assert(fc.property(mutated, (b) => judge(b)), { numRuns: 2000, seed: 11 });
  });

  it('every prefix of a real component: MALFORMED_WASM unless it ends on a section boundary', () => {
    const b = wasmFixture('hello_plugin_s.wasm').bytes.subarray(0, 1200);
    const boundaries = new Set<number>();
    try {
      walkWasm(b, { section: (s) => (s.depth === 0 ? boundaries.add(s.end) : undefined) });
    } catch {
      /* the cut one */
    }
    for (let n = 0; n <= b.length; n++) {
      let fine = true;
      try {
        computeModuleHash(b.subarray(0, n));
      } catch (e) {
        assert.ok(e instanceof SigchainError && e.code === 'MALFORMED_WASM');
        fine = false;
      }
      assert.equal(fine, n === 8 || boundaries.has(n), `prefix ${n}`);
    }
  });
});

describe('wasm readers: linear on large hostile input', () => {
  const time = (f: () => unknown): number => {
    const t0 = performance.now();
    f();
    return performance.now() - t0;
  };

  it('8 MiB of empty sections (4 Mi of them) is hashed in seconds, in time proportional to the size', () => {
    const tiny = (n: number): Uint8Array => {
      const b = new Uint8Array(8 + 2 * n);
      b.set(MODULE);
      for (let i = 8; i < b.length; i += 2) b[i] = 1;
      return b;
    };
    const t1 = time(() => computeModuleHash(tiny(1 << 19)));
    const t8 = time(() => computeModuleHash(tiny(1 << 22)));
    assert.ok(t8 < 10_000, `${t8.toFixed(0)} ms`);
    assert.ok(t8 < 8 * t1 * 4 + 200, `1 MiB ${t1.toFixed(0)} ms, 8 MiB ${t8.toFixed(0)} ms: not linear`);
  });

  it('components nested 100 deep around 4 MiB of code: each byte read once (time close to one flat read)', () => {
    const code = new Uint8Array(4 << 20).fill(0x41);
    const flat = u8([...module(), 10, 0x80, 0x80, 0x80, 0x02, ...code]); // one code section of 4 MiB
    let nested: Uint8Array = flat;
    for (let i = 0; i < 100; i++) {
      const header = [...COMPONENT, i === 0 ? 1 : 4, ...lebOf(nested.length)];
      const next = new Uint8Array(header.length + nested.length);
      next.set(header);
      next.set(nested, header.length);
      nested = next;
    }
    const tFlat = time(() => computeModuleHash(flat));
    const tNested = time(() => computeModuleHash(nested));
    assert.ok(tNested < 10 * tFlat + 500, `flat ${tFlat.toFixed(0)} ms, nested ${tNested.toFixed(0)} ms`);
    assert.equal(parseWasm(nested).sections[0]!.nested!.depth, 1);
  });
});

function lebOf(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n = Math.floor(n / 128);
    if (n) byte |= 0x80;
    out.push(byte);
  } while (n);
  return out;
}
