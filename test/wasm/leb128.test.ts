// LEB128 u32 as WebAssembly lengths use it: at most five bytes, nothing above 2^32 - 1, minimal
// when written (wascap rewrites every section length minimally before hashing).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { readVarU32, varU32Size, writeVarU32 } from '../../src/wasm/index.js';
import { throwsCode } from '../nkeys/assert-code.js';
import { leb, u8 } from './build.js';

describe('LEB128 u32', () => {
  it('reads the examples of the WebAssembly spec and padded forms', () => {
    assert.deepEqual(readVarU32(u8([0xe5, 0x8e, 0x26]), 0, 3), [624485, 3]);
    assert.deepEqual(readVarU32(u8([0x00]), 0, 1), [0, 1]);
    assert.deepEqual(readVarU32(u8([0x80, 0x80, 0x80, 0x80, 0x00]), 0, 5), [0, 5]); // zero padded to five bytes
    assert.deepEqual(readVarU32(u8([0xff, 0xff, 0xff, 0xff, 0x0f]), 0, 5), [0xffff_ffff, 5]);
    assert.deepEqual(readVarU32(u8([9, 0x83, 0x01]), 1, 3), [131, 3]);
  });

  it('refuses more than five bytes, a value over 2^32 - 1, and an encoding cut short (MALFORMED_WASM)', () => {
    throwsCode(() => readVarU32(u8([0x80, 0x80, 0x80, 0x80, 0x80, 0x00]), 0, 6), 'MALFORMED_WASM');
    throwsCode(() => readVarU32(u8([0xff, 0xff, 0xff, 0xff, 0x1f]), 0, 5), 'MALFORMED_WASM');
    throwsCode(() => readVarU32(u8([0x80, 0x80]), 0, 2), 'MALFORMED_WASM');
    throwsCode(() => readVarU32(u8([]), 0, 0), 'MALFORMED_WASM');
    // `end` bounds the read even when the array goes on.
    throwsCode(() => readVarU32(u8([0x80, 0x01]), 0, 1), 'MALFORMED_WASM');
  });

  it('writes the minimal encoding, which reads back to the same value (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffff_ffff }), (n) => {
        const out = new Uint8Array(5);
        const end = writeVarU32(out, 0, n);
        assert.equal(end, varU32Size(n));
        assert.deepEqual([...out.subarray(0, end)], leb(n));
        assert.deepEqual(readVarU32(out, 0, end), [n, end]);
        assert.deepEqual(readVarU32(u8(leb(n, true)), 0, 5), [n, 5]);
      }),
      { numRuns: 2000 },
    );
    for (const [n, size] of [[127, 1], [128, 2], [16383, 2], [16384, 3], [0x1f_ffff, 3], [0x20_0000, 4], [0xfff_ffff, 4], [0x1000_0000, 5]] as const) assert.equal(varU32Size(n), size, String(n));
  });

  it('refuses to write what is not a u32', () => {
    for (const n of [-1, 2 ** 32, 1.5, Number.NaN]) throwsCode(() => writeVarU32(new Uint8Array(8), 0, n), 'MALFORMED_WASM');
  });
});
