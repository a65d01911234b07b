// The framing reader on wasmCloud's real modules and component, and on each way a file can be
// broken: every refusal is MALFORMED_WASM with the offset it stopped at.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_WASM_NESTING, type WasmBinary, parseWasm, walkWasm } from '../../src/wasm/index.js';
import { throwsCode } from '../nkeys/assert-code.js';
import { COMPONENT, MODULE, component, componentSection, coreModuleSection, custom, leb, module, section, u8 } from './build.js';
import { wasmFixture, wasmFixtures } from './fixtures.js';

function customNames(b: WasmBinary): string[] {
  return b.sections.filter((s) => s.custom).map((s) => s.custom!.name);
}

describe('WebAssembly reader: real files', () => {
  it('reads every fixture as the kind MANIFEST.json records, and finds its token section where recorded', () => {
    for (const f of wasmFixtures()) {
      const tree = parseWasm(f.bytes);
      assert.equal(tree.kind, f.expect.wasm_kind.startsWith('component') ? 'component' : 'module', f.file);
      assert.equal(tree.end, f.bytes.length);
      const names = customNames(tree);
      if (f.expect.section) assert.equal(names.at(-1), f.expect.section, f.file);
      else assert.ok(!names.includes('jwt') && !names.includes('wasmcloud_jwt'), f.file);
    }
  });

  it('reads hello_plugin_s.wasm as a component with four nested core modules and two nested components', () => {
    const tree = parseWasm(wasmFixture('hello_plugin_s.wasm').bytes);
    const nested = tree.sections.filter((s) => s.nested).map((s) => [s.id, s.nested!.kind, s.nested!.depth]);
    assert.deepEqual(nested, [[1, 'module', 1], [1, 'module', 1], [1, 'module', 1], [1, 'module', 1], [4, 'component', 1], [4, 'component', 1]]);
    assert.deepEqual(customNames(tree.sections[34]!.nested!), ['name', 'producers', 'target_features']);
    assert.deepEqual(customNames(tree), ['producers', 'wasmcloud_jwt']);
    // Every section sits inside its parent, one after the other.
    const check = (b: WasmBinary): void => {
      let at = b.start + 8;
      for (const s of b.sections) {
        assert.equal(s.start, at);
        at = s.end;
        if (s.nested) {
          assert.equal(s.nested.start, s.contentStart);
          assert.equal(s.nested.end, s.end);
          check(s.nested);
        }
      }
      assert.equal(at, b.end);
    };
    check(tree);
  });

  it('sees the five-byte padded lengths walrus wrote in echo_messaging_v0.9.0.wasm, and minimal ones in the token section wascap appended', () => {
    const tree = parseWasm(wasmFixture('echo_messaging_v0.9.0.wasm').bytes);
    assert.equal(tree.sections.length, 13);
    assert.ok(tree.sections.slice(0, 12).every((s) => s.paddedLength && s.contentStart - s.start === 6));
    assert.equal(tree.sections[12]!.paddedLength, false);
  });

  it('calls the visitor in byte order: a nested section before the nested binary enters', () => {
    const bytes = u8(component(custom('a', [1]), coreModuleSection(module(section(1, [0]))), custom('b', [])));
    const log: string[] = [];
    walkWasm(bytes, {
      enter: (k, s, e, d) => log.push(`enter ${k} ${s}-${e} ${d}`),
      section: (s) => log.push(`section ${s.id} ${s.start} ${s.depth}${s.nested ? ` ${s.nested}` : ''}`),
      leave: (k, _s, _e, d) => log.push(`leave ${k} ${d}`),
    });
    assert.deepEqual(log, ['enter component 0-30 0', 'section 0 8 0', 'section 1 13 0 module', 'enter module 15-26 1', 'section 1 23 1', 'leave module 1', 'section 0 26 0', 'leave component 0']);
  });
});

describe('WebAssembly reader: refusals', () => {
  const bad: [string, number[]][] = [
    ['empty input', []],
    ['a cut-short preamble', MODULE.slice(0, 6)],
    ['bad magic', [0x00, 0x61, 0x73, 0x6e, 1, 0, 0, 0]],
    ['text, not wasm', [...new TextEncoder().encode('(module)\n')]],
    ['an unknown version', [0x00, 0x61, 0x73, 0x6d, 0x02, 0, 0, 0]],
    ['an old component version (0xa)', [0x00, 0x61, 0x73, 0x6d, 0x0a, 0, 0x01, 0]],
    ['a section id with no length', [...MODULE, 1]],
    ['a length past the end', [...MODULE, 1, 5, 0, 0]],
    ['a length past the end by one', [...MODULE, 1, 2, 0]],
    ['a length over five bytes', [...MODULE, 1, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00]],
    ['a length over 2^32 - 1', [...MODULE, 1, 0xff, 0xff, 0xff, 0xff, 0x7f]],
    ['a custom section with no name length', [...MODULE, 0, 0]],
    ['a custom section name past its section', [...MODULE, 0, 3, 5, 0x61, 0x62, 0x63, 0x64, 0x65]],
    ['a custom section name that is not UTF-8', [...MODULE, ...section(0, [2, 0xc3, 0x28])]],
    ['a custom section name over 100,000 bytes', [...MODULE, ...section(0, [...leb(100_001), ...new Array<number>(100_001).fill(0x61)])]],
    ['an empty nested module', component(section(1, []))],
    ['a nested module with bad magic', component(section(1, [0, 0, 0, 0, 1, 0, 0, 0]))],
    ['a nested module whose section runs past it', component(coreModuleSection([...MODULE, 1, 9]), section(1, [1, 2, 3, 4, 5, 6, 7, 8, 9]))],
    ['a core module section holding a component', component(coreModuleSection(component()))],
    ['a component section holding a core module', component(componentSection(module()))],
  ];
  for (const [what, bytes] of bad) {
    it(`refuses ${what} (MALFORMED_WASM)`, () => {
      const e = throwsCode(() => parseWasm(u8(bytes)), 'MALFORMED_WASM');
      assert.equal(typeof e.details?.offset, 'number');
    });
  }

  it('refuses what is not a Uint8Array', () => {
    throwsCode(() => parseWasm('\0asm' as unknown as Uint8Array), 'MALFORMED_WASM');
    throwsCode(() => parseWasm(undefined as unknown as Uint8Array), 'MALFORMED_WASM');
  });

  it(`reads components nested ${MAX_WASM_NESTING} deep and refuses ${MAX_WASM_NESTING + 1}`, () => {
    const nest = (depth: number): number[] => {
      let b = component(custom('leaf', [1, 2, 3]));
      for (let i = 0; i < depth; i++) b = component(componentSection(b));
      return b;
    };
    let deepest = 0;
    walkWasm(u8(nest(MAX_WASM_NESTING)), { enter: (_k, _s, _e, d) => (deepest = Math.max(deepest, d)) });
    assert.equal(deepest, MAX_WASM_NESTING);
    throwsCode(() => parseWasm(u8(nest(MAX_WASM_NESTING + 1))), 'MALFORMED_WASM');
  });

  it('a module does not nest: ids 1 and 4 in a core module are its type and table sections', () => {
    const tree = parseWasm(u8(module(section(1, [0x60]), section(4, [0, 0, 0]))));
    assert.deepEqual(tree.sections.map((s) => [s.id, s.nested]), [[1, undefined], [4, undefined]]);
  });

  it('accepts a bare preamble, unknown section ids, and names in any UTF-8', () => {
    assert.equal(parseWasm(u8(MODULE)).sections.length, 0);
    assert.equal(parseWasm(u8(COMPONENT)).kind, 'component');
    assert.deepEqual(parseWasm(u8(module(section(42, [1, 2]), custom('héllo ✓', [])))).sections.map((s) => s.custom?.name ?? s.id), [42, 'héllo ✓']);
  });
});
