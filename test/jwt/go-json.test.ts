// goJson must write what Go's encoding/json writes (the jwt v2.3.0 era), byte for byte.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { goJson } from '../../src/jwt/index.js';

/** goJson of `{"s": value}`, the quoted string part only. */
const str = (value: string): string => goJson({ s: value }).slice(5, -1);

describe('goJson escaping', () => {
  it('escapes < > & as Go does (HTML-safe)', () => {
    assert.equal(str('a<b>c&d'), '"a\\u003cb\\u003ec\\u0026d"');
    assert.equal(goJson({ sub: 'foo.>' }), '{"sub":"foo.\\u003e"}');
  });

  it('escapes U+2028 and U+2029', () => {
    assert.equal(str('x\u2028y\u2029z'), '"x\\u2028y\\u2029z"');
  });

  it('escapes in keys too, and in nested arrays', () => {
    assert.equal(goJson({ '<k>': ['&', { '>': 1 }] }), '{"\\u003ck\\u003e":["\\u0026",{"\\u003e":1}]}');
  });

  it('writes the control characters \\b and \\f as \\u0008 and \\u000c', () => {
    assert.equal(str('\b'), '"\\u0008"');
    assert.equal(str('\f'), '"\\u000c"');
    assert.equal(str('a\bb\fc'), '"a\\u0008b\\u000cc"');
  });

  it('leaves an escaped backslash followed by b or f alone (literal text, not a control char)', () => {
    assert.equal(str('\\b'), '"\\\\b"'); // JS text: backslash, b  →  JSON: \\b
    assert.equal(str('\\f'), '"\\\\f"');
    assert.equal(str('\\\\b'), '"\\\\\\\\b"'); // two backslashes, b
    assert.equal(str('C:\\bin\\fonts'), '"C:\\\\bin\\\\fonts"');
  });

  it('tells a backslash followed by a control \\b from a literal \\b', () => {
    assert.equal(str('\\\b'), '"\\\\\\u0008"'); // backslash, then U+0008
    assert.equal(str('\\\\\f'), '"\\\\\\\\\\u000c"'); // two backslashes, then U+000C
  });

  it('keeps \\n \\r \\t short, other controls as lower-case \\u00xx, and non-ASCII raw', () => {
    assert.equal(str('\n\r\t'), '"\\n\\r\\t"');
    assert.equal(str('\u0001\u001f'), '"\\u0001\\u001f"');
    assert.equal(str('é€😀\u007f'), '"é€😀\u007f"');
    assert.equal(str('"q"'), '"\\"q\\""');
  });

  it('does not touch text that merely looks like an escape', () => {
    assert.equal(str('\\u003e'), '"\\\\u003e"');
  });

  it('agrees with JSON.parse: decoding the output gives the input back', () => {
    const value = { a: '<>&\u2028\u2029\b\f\\b\\f\\\b', n: [1, -1, 0.5], t: true, z: null };
    assert.deepEqual(JSON.parse(goJson(value)), value);
  });

  it('keeps the object key order the caller built (Go struct order)', () => {
    assert.equal(goJson({ jti: 'j', iat: 1, iss: 'i', sub: 's' }), '{"jti":"j","iat":1,"iss":"i","sub":"s"}');
  });
});
