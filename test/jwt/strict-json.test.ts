// The JSON reader of token parts: what it refuses, what it notes, and that it stays linear.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeJwt, b64urlEncode } from '../../src/jwt/index.js';
import {
  FRACTION_MARK,
  JSON_ESCAPES,
  JSON_FRACTIONS,
  TOKEN_JSON_MAX_DEPTH,
  escapedStrings,
  goFold,
  parseMarkingFractions,
  parseStrictJson,
} from '../../src/jwt/strict-json.js';
import { KeyPair } from '../../src/nkeys/index.js';
import { throwsCode } from '../nkeys/assert-code.js';

function refused(text: string): string {
  const r = parseStrictJson(text);
  assert.equal(typeof r, 'string', `expected a refusal of ${text.slice(0, 80)}`);
  return r as string;
}

function read(text: string): { value: unknown; notes: number } {
  const r = parseStrictJson(text);
  assert.notEqual(typeof r, 'string', `refused ${text.slice(0, 80)}: ${String(r)}`);
  return r as { value: unknown; notes: number };
}

describe('parseStrictJson', () => {
  it('reads what JSON.parse reads, with notes of fractions and escapes', () => {
    const text = '{"a":[1,-2,{"b":"c"}],"d":true,"e":false,"f":null,"g":"x:y,z"}';
    assert.deepEqual(read(text), { value: JSON.parse(text), notes: 0 });
    assert.equal(read('{"a":2.0}').notes, JSON_FRACTIONS);
    assert.equal(read('{"a":1e3}').notes, JSON_FRACTIONS);
    assert.equal(read('{"a":-1E-3}').notes, JSON_FRACTIONS);
    assert.equal(read('{"true":true,"false":false}').notes, 0, 'the e of true and false is no exponent');
    assert.equal(read('{"a":"x\\u003ey"}').notes, JSON_ESCAPES);
    assert.equal(read('{"a":"1.5e3 \\" still a string"}').notes, JSON_ESCAPES);
  });

  it('refuses duplicate keys at any depth, and counts keys inside strings correctly', () => {
    assert.match(refused('{"a":1,"a":2}'), /repeats a key/);
    assert.match(refused('{"x":[{"k":1,"k":1}]}'), /repeats a key/);
    assert.match(refused('{"__proto__":1,"__proto__":2}'), /repeats a key/);
    assert.ok(read('{"a":"b:c","c":{"d:e":"f:g"}}'));
  });

  it('refuses nesting past the limit, and reads the limit itself', () => {
    const deep = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
    assert.ok(read(deep(TOKEN_JSON_MAX_DEPTH)));
    assert.match(refused(deep(TOKEN_JSON_MAX_DEPTH + 1)), /nested more than/);
    assert.match(refused(deep(100_000)), /nested more than/);
    // Brackets inside strings do not count.
    assert.ok(read(`{"a":"${'['.repeat(1000)}"}`));
  });

  it('refuses unpaired surrogate escapes and reads paired ones', () => {
    refused('{"a":"\\ud800"}');
    refused('{"a":"\\udc00\\ud800"}');
    refused('{"a":"\\uD800\\u0041"}');
    assert.deepEqual(read('{"a":"\\uD83D\\uDE00"}').value, { a: '\u{1f600}' });
  });

  it('refuses what is not JSON', () => {
    for (const t of ['', '{', '{"a":1,}', "{'a':1}", '{"a":01}', '\ufeff{}', '{"a":"\\x"}', '{"a" 1}', '\\ {}']) assert.equal(refused(t), 'it is not JSON');
  });

  it('stays linear on hostile text (megabytes in well under a second)', () => {
    const cases = [`{"a":"${'\\n'.repeat(500_000)}"}`, `{"a":"${'x'.repeat(2_000_000)}"}`, `[${'1.5,'.repeat(300_000)}0]`, `{${'"k":0,'.repeat(1)}"a":[${'{},'.repeat(300_000)}{}]}`, '"'.repeat(1_000_001)];
    for (const text of cases) {
      const t0 = performance.now();
      parseStrictJson(text);
      parseMarkingFractions(text.startsWith('"') ? '0' : text);
      escapedStrings(text.startsWith('"') ? '""' : text);
      assert.ok(performance.now() - t0 < 1500, `${text.slice(0, 20)}… took ${performance.now() - t0} ms`);
    }
  });
});

describe('parseMarkingFractions and escapedStrings', () => {
  it('marks each literal with a fraction or exponent, outside strings only', () => {
    assert.deepEqual(parseMarkingFractions('{"v":2.0,"w":2,"x":-1e3,"s":"2.0","t":[0.5,7]}'), {
      v: `${FRACTION_MARK}2.0`,
      w: 2,
      x: `${FRACTION_MARK}-1e3`,
      s: '2.0',
      t: [`${FRACTION_MARK}0.5`, 7],
    });
  });

  it('lists the decoded values of escaped strings', () => {
    assert.deepEqual(escapedStrings('{"a":"h\\u0065aders","b":"plain","c":"q\\"q"}'), ['headers', 'q"q']);
  });
});

describe('goFold', () => {
  it('folds as Go matches field names: ASCII case, the Kelvin sign and the long s', () => {
    assert.equal(goFold('exp'), 'exp');
    assert.equal(goFold('EXP'), 'exp');
    assert.equal(goFold('Issuer_ACCOUNT'), 'issuer_account');
    assert.equal(goFold('\u017Fub'), 'sub');
    assert.equal(goFold('\u212Aey'), 'key');
    assert.equal(goFold('\u00C9xp'), '\u00C9xp', 'other letters do not fold onto ASCII');
  });
});

describe('decodeJwt reads its parts strictly (every format)', () => {
  const kp = KeyPair.create('account');
  const token = (header: string, payload: string) => {
    const input = `${b64urlEncode(header)}.${b64urlEncode(payload)}`;
    return `${input}.${b64urlEncode(kp.sign(Buffer.from(input, 'ascii')))}`;
  };
  const H = '{"typ":"JWT","alg":"ed25519-nkey"}';

  it('refuses ambiguous payloads and headers with MALFORMED_TOKEN, and notes fractions', () => {
    throwsCode(() => decodeJwt(token(H, `{"iss":"${kp.publicKey}","iss":"x"}`)), 'MALFORMED_TOKEN');
    throwsCode(() => decodeJwt(token(H, `{"x":${'['.repeat(10_000)}${']'.repeat(10_000)}}`)), 'MALFORMED_TOKEN');
    throwsCode(() => decodeJwt(token('{"typ":"JWT","alg":"ed25519-nkey","ALG":"none"}', '{}')), 'MALFORMED_TOKEN');
    throwsCode(() => decodeJwt(token('{"typ":"JWT","typ":"JWT","alg":"ed25519-nkey"}', '{}')), 'MALFORMED_TOKEN');
    assert.equal(decodeJwt(token(H, '{"a":1.5}')).payloadNotes, JSON_FRACTIONS);
    assert.equal(decodeJwt(token(H, '{"a":1}')).payloadNotes, 0);
  });
});
