// fast-check: random bytes, and genuine invocations mutated (bytes flipped, cut, inserted),
// into every invocation reader: each ends in a value or MALFORMED_INVOCATION, never another
// exception, and a value read always writes back and reads again to itself.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { isSigchainError } from '../../src/errors.js';
import {
  decodeInvocation,
  decodeInvocationJson,
  decodeInvocationResponse,
  encodeInvocation,
  encodeInvocationResponse,
  invocationToJson,
  readInvocation,
} from '../../src/invocation/index.js';
import { handBuilt, sample } from './fixtures.js';

const RUNS = 400;
const genuine = [handBuilt(sample()), encodeInvocation({ ...sample(), traceContext: {} }), encodeInvocationResponse({ msg: Uint8Array.of(1), invocation_id: 'x', error: 'e', content_length: 1, traceContext: { a: 'b' } })];
const genuineJson = new TextEncoder().encode(invocationToJson(sample()));

const mutated = (seeds: Uint8Array[]): fc.Arbitrary<Uint8Array> =>
  fc.tuple(fc.constantFrom(...seeds), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom('flip', 'cut', 'insert', 'delete')), { minLength: 1, maxLength: 4 })).map(([seed, edits]) => {
    let b = [...seed];
    for (const [at, byte, kind] of edits) {
      const i = b.length === 0 ? 0 : at % b.length;
      if (kind === 'flip') b[i] = byte;
      else if (kind === 'cut') b = b.slice(0, i);
      else if (kind === 'insert') b.splice(i, 0, byte);
      else b.splice(i, 1);
    }
    return Uint8Array.from(b);
  });

const readers: Array<[string, (b: Uint8Array) => unknown]> = [
  ['decodeInvocation', decodeInvocation],
  ['decodeInvocationResponse', decodeInvocationResponse],
  ['readInvocation', readInvocation],
  ['decodeInvocationJson', (b) => decodeInvocationJson(Buffer.from(b).toString('latin1'))],
];

for (const [name, read] of readers) {
  test(`property (fast-check, ${RUNS} runs): random and mutated bytes into ${name} give a value or MALFORMED_INVOCATION`, () => {
    const input = fc.oneof(fc.uint8Array({ maxLength: 300 }), mutated(genuine), mutated([genuineJson]));
    fc.assert(
      fc.property(input, (bytes) => {
        let value: unknown;
        try {
          value = read(bytes);
        } catch (e) {
          assert.ok(isSigchainError(e, 'MALFORMED_INVOCATION'), `uncoded ${String(e)}`);
          return;
        }
        // Anything read is a well-typed value that survives a round trip.
        if (name === 'decodeInvocation' || name === 'readInvocation') {
          const again = decodeInvocation(encodeInvocation(value as ReturnType<typeof decodeInvocation>));
          assert.deepEqual(again, value);
        }
      }),
      { seed: 105, numRuns: RUNS },
    );
  });
}
