// The 0.82 wire format: bytes built by hand from the MessagePack spec (fixmap, fixstr, str8,
// bin8, uint) in the order rmp_serde::to_vec_named writes the struct fields, against what
// sigchain writes and reads; then every way a message can be malformed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encode } from '@msgpack/msgpack';
import { isSigchainError } from '../../src/errors.js';
import {
  MAX_INVOCATION_BYTES,
  MAX_MSGPACK_ELEMENTS,
  decodeInvocation,
  decodeInvocationJson,
  decodeInvocationResponse,
  encodeInvocation,
  encodeInvocationResponse,
  invocationResponseToJson,
  invocationToJson,
  readInvocation,
} from '../../src/invocation/index.js';
import { ACTOR, bin, fixmap, handBuilt, sample, str, uint } from './fixtures.js';

const te = new TextEncoder();

// Where the value of content_length sits in hand-built bytes.
function lengthAt(bytes: number[]): number {
  return Buffer.from(bytes).indexOf(Buffer.from(str('content_length'))) + str('content_length').length;
}

function code(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (isSigchainError(e)) return e.code;
    throw e;
  }
  return 'none';
}
function fieldOf(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    if (isSigchainError(e)) return e.details?.field;
    throw e;
  }
  return undefined;
}

describe('invocation wire format (0.82 MessagePack, named fields)', () => {
  it('writes exactly the bytes rmp_serde::to_vec_named writes, field for field', () => {
    const req = sample();
    assert.deepEqual(Buffer.from(encodeInvocation(req)).toString('hex'), Buffer.from(handBuilt(req)).toString('hex'));
  });

  it('reads hand-built 0.82 bytes back to the same invocation', () => {
    const req = sample();
    assert.deepEqual(decodeInvocation(handBuilt(req)), req);
    assert.deepEqual(decodeInvocation(encodeInvocation(req)), req);
  });

  it('copies msg out of the input buffer (the caller may reuse it)', () => {
    const bytes = handBuilt(sample());
    const req = decodeInvocation(bytes);
    bytes.fill(0);
    assert.deepEqual([...req.msg], [0xf0, 0x9f, 0x8c, 0xae]);
  });

  it('ignores unknown extra fields, as 0.82 does', () => {
    const req = sample();
    const extra = { ...JSON.parse(JSON.stringify({ ...req, msg: undefined })), msg: req.msg, instance_id: 'x', nested: { a: [1, 2, { b: 3.5 }] } };
    assert.deepEqual(decodeInvocation(encode(extra)), req);
  });

  it('reads traceContext absent as {} (OTP hosts moved it to NATS headers)', () => {
    const { traceContext: _, ...rest } = sample();
    assert.deepEqual(decodeInvocation(encode(rest)).traceContext, {});
  });

  it('takes bin or str for strings and msg, as rmp_serde does', () => {
    const req = sample();
    const v = { ...req, operation: te.encode(req.operation), msg: new TextDecoder().decode(req.msg) };
    const back = decodeInvocation(encode(v));
    assert.equal(back.operation, req.operation);
    assert.deepEqual(back.msg, req.msg);
  });

  it('reads content_length written as uint64 (rmp writes it minimal, others may not)', () => {
    const bytes = [...handBuilt(sample())];
    const at = lengthAt(bytes); // content_length 4, a positive fixint
    const wide = Uint8Array.from([...bytes.slice(0, at), 0xcf, 0, 0, 0, 0, 0, 0, 0, 4, ...bytes.slice(at + 1)]);
    assert.equal(decodeInvocation(wide).content_length, 4);
  });

  describe('refuses as MALFORMED_INVOCATION', () => {
    const req = sample();
    const cases: Array<[string, unknown, string | undefined]> = [
      ['a missing field', (({ host_id: _, ...r }) => r)(req), 'host_id'],
      ['a missing entity field', { ...req, origin: { public_key: ACTOR, link_name: '' } }, 'origin.contract_id'],
      ['an integer where a string goes', { ...req, id: 7 }, 'id'],
      ['nil where a string goes', { ...req, encoded_claims: null }, 'encoded_claims'],
      ['an array where msg goes', { ...req, msg: [0xf0, 0x9f] }, 'msg'],
      ['a float content_length', { ...req, content_length: 4.5 }, 'content_length'],
      ['a negative content_length', { ...req, content_length: -1 }, 'content_length'],
      ['a string content_length', { ...req, content_length: '4' }, 'content_length'],
      ['an entity that is not a map', { ...req, target: 'wasmbus://x' }, 'target'],
      ['a traceContext value that is not a string', { ...req, traceContext: { a: 1 } }, 'traceContext.a'],
      ['a struct written as an array', Object.values(req), undefined],
    ];
    for (const [name, value, field] of cases) {
      it(name, () => {
        assert.equal(code(() => decodeInvocation(encode(value))), 'MALFORMED_INVOCATION');
        assert.equal(fieldOf(() => decodeInvocation(encode(value))), field);
      });
    }

    it('a float that equals an integer (3.0 is not a u64 to rmp_serde)', () => {
      const bytes = [...handBuilt(sample())];
      const at = lengthAt(bytes);
      const f64 = [...new Uint8Array(new Float64Array([4]).buffer)].reverse();
      assert.equal(code(() => decodeInvocation(Uint8Array.from([...bytes.slice(0, at), 0xcb, ...f64, ...bytes.slice(at + 1)]))), 'MALFORMED_INVOCATION');
    });

    it('a string that is not UTF-8 (Rust refuses it; a lenient decoder would put U+FFFD)', () => {
      const r = { ...sample(), operation: 'Op.\u00e9' };
      const bytes = handBuilt(r);
      const at = Buffer.from(bytes).indexOf(Buffer.from('Op.\u00e9'));
      bytes[at + 3] = 0xff;
      assert.equal(code(() => decodeInvocation(bytes)), 'MALFORMED_INVOCATION');
    });

    it('a repeated field (serde refuses a duplicate; a lenient reader keeps the last)', () => {
      const bytes = [...handBuilt(sample())];
      // Rewrite the map header to one more entry, then append a second `operation`.
      bytes[0] = bytes[0]! + 1;
      const dup = Uint8Array.from([...bytes, ...str('operation'), ...str('Bitcoin.MineBitcoin')]);
      assert.equal(code(() => decodeInvocation(dup)), 'MALFORMED_INVOCATION');
    });

    it('non-MessagePack, truncated input, trailing bytes, an empty input', () => {
      const good = handBuilt(sample());
      assert.equal(code(() => decodeInvocation(te.encode('hello'))), 'MALFORMED_INVOCATION');
      assert.equal(code(() => decodeInvocation(good.subarray(0, good.length - 3))), 'MALFORMED_INVOCATION');
      assert.equal(code(() => decodeInvocation(Uint8Array.from([...good, 0]))), 'MALFORMED_INVOCATION');
      assert.equal(code(() => decodeInvocation(new Uint8Array(0))), 'MALFORMED_INVOCATION');
      assert.equal(code(() => decodeInvocation(Uint8Array.of(0xc1))), 'MALFORMED_INVOCATION');
    });

    it('a message over 16 MiB, before reading it', () => {
      const big = new Uint8Array(MAX_INVOCATION_BYTES + 1);
      assert.equal(code(() => decodeInvocation(big)), 'MALFORMED_INVOCATION');
      assert.equal(code(() => encodeInvocation({ ...sample(), msg: new Uint8Array(MAX_INVOCATION_BYTES), content_length: MAX_INVOCATION_BYTES })), 'MALFORMED_INVOCATION');
    });

    it('a message that would make more JavaScript values than any invocation holds', () => {
      // 70,000 empty arrays: 70 KB of input, 70,000 heap objects without the cap.
      const n = MAX_MSGPACK_ELEMENTS + 5000;
      const bytes = new Uint8Array(5 + n).fill(0x90);
      bytes.set([0xdd, n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]);
      assert.equal(code(() => decodeInvocation(bytes)), 'MALFORMED_INVOCATION');
    });

    it('the key __proto__ and non-string keys', () => {
      assert.equal(code(() => decodeInvocation(Uint8Array.from(fixmap([['__proto__', [0xc0]]])))), 'MALFORMED_INVOCATION');
      assert.equal(code(() => decodeInvocation(Uint8Array.of(0x81, 0x01, 0x02))), 'MALFORMED_INVOCATION');
    });
  });
});

describe('invocation JSON form (same field names, msg in base64)', () => {
  it('round-trips and agrees with the MessagePack form', () => {
    const req = sample();
    const text = invocationToJson(req);
    assert.match(text, /"msg":"8J\+Mrg=="/);
    assert.deepEqual(decodeInvocationJson(text), req);
    assert.deepEqual(readInvocation(te.encode(`  \n${text}`)), req);
    assert.deepEqual(readInvocation(encodeInvocation(req)), req);
  });

  it('refuses non-canonical base64, fractions, repeated keys, __proto__, missing fields', () => {
    const base = JSON.parse(invocationToJson(sample())) as Record<string, unknown>;
    const bad = [
      JSON.stringify({ ...base, msg: '8J+Mrg' }), // unpadded
      JSON.stringify({ ...base, msg: '8J-Mrg==' }), // url alphabet
      JSON.stringify({ ...base, msg: '8J+M rg==' }),
      JSON.stringify(base).replace('"content_length":4', '"content_length":4.0'),
      JSON.stringify(base).replace('"content_length":4', '"content_length":1e0'),
      JSON.stringify(base).replace('"content_length":4', '"content_length":99999999999999999999'),
      JSON.stringify(base).replace('"id":', '"operation":"X","id":'),
      JSON.stringify({ ...base, traceContext: JSON.parse('{"__proto__":"x"}') }),
      JSON.stringify({ ...base, host_id: undefined }),
      JSON.stringify([base]),
      '{"origin":',
      `{${'"a":[],'.repeat(70_000)}"b":1}`,
    ];
    for (const text of bad) assert.equal(code(() => decodeInvocationJson(text)), 'MALFORMED_INVOCATION', text.slice(0, 200));
  });
});

describe('invocation responses', () => {
  it('write as 0.82 does: msg, invocation_id, error only when set, content_length, traceContext', () => {
    const ok = { msg: Uint8Array.of(1, 2), invocation_id: 'abc', content_length: 2, traceContext: {} };
    const expected = fixmap([['msg', bin(ok.msg)], ['invocation_id', str('abc')], ['content_length', uint(2)], ['traceContext', [0x80]]]);
    assert.deepEqual([...encodeInvocationResponse(ok)], expected);
    assert.deepEqual(decodeInvocationResponse(encodeInvocationResponse(ok)), ok);
    const failed = { msg: new Uint8Array(0), invocation_id: 'UNKNOWN', error: 'MALFORMED_INVOCATION: bad', content_length: 0, traceContext: {} };
    assert.deepEqual(decodeInvocationResponse(encodeInvocationResponse(failed)), failed);
    assert.deepEqual(JSON.parse(invocationResponseToJson(failed)), { msg: '', invocation_id: 'UNKNOWN', error: 'MALFORMED_INVOCATION: bad', content_length: 0, traceContext: {} });
  });

  it('read a nil error as none, and refuse a missing content_length', () => {
    const bytes = encode({ msg: new Uint8Array(0), invocation_id: 'a', error: null, content_length: 0 });
    assert.equal(decodeInvocationResponse(bytes).error, undefined);
    assert.equal(code(() => decodeInvocationResponse(encode({ msg: new Uint8Array(0), invocation_id: 'a' }))), 'MALFORMED_INVOCATION');
  });
});
