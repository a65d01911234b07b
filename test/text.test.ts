// trimSpace: the one trim every token, key and creds reader uses. ASCII whitespace goes;
// anything else stays, so a stray non-ASCII byte is refused whichever way its file was decoded.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { trimSpace } from '../src/text.js';

it('trims the ASCII whitespace at both ends, and only that', () => {
  assert.equal(trimSpace(' \t\r\n\v\fabc \r\n'), 'abc');
  assert.equal(trimSpace('a b'), 'a b', 'inner space stays');
  assert.equal(trimSpace(''), '');
  assert.equal(trimSpace(' \n '), '');
  for (const c of ['\u00a0', '\ufeff', '\u2028', '\u2029', '\u0085', '\u3000', '\u200b']) {
    assert.equal(trimSpace(`${c}abc${c}`), `${c}abc${c}`, `U+${c.charCodeAt(0).toString(16)} stays`);
  }
});

it('hands back the same string when there is nothing to trim', () => {
  const s = 'eyJhbGciOiJlZDI1NTE5LW5rZXkifQ.e30.AAAA';
  assert.equal(trimSpace(s), s);
});
