// Folders given where tokens are expected: which inputs are folders (files named as tokens are
// not even asked about), and which files of a folder stand for it.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { it } from 'node:test';
import { isFolderInput, tokenFilesIn } from '../../src/input/token-folders.js';

it('a folder is its *.jwt and *.creds files, sorted, hidden and other files left out', (t) => {
  const d = mkdtempSync(join(tmpdir(), 'sigchain-token-folders-'));
  t.after(() => rmSync(d, { recursive: true, force: true }));
  for (const f of ['b.jwt', 'a.creds', '.hidden.jwt', '.a.jwt.1234.tmp', 'notes.txt', 'c.JWT']) writeFileSync(join(d, f), 'x');
  mkdirSync(join(d, 'sub.jwt'));
  mkdirSync(join(d, 'sub'));
  writeFileSync(join(d, 'sub', 'deep.jwt'), 'x');
  assert.deepEqual(tokenFilesIn(d), [join(d, 'a.creds'), join(d, 'b.jwt')]);
  assert.deepEqual(tokenFilesIn(`${d}${sep}`), [join(d, 'a.creds'), join(d, 'b.jwt')], 'a trailing separator is not doubled');
  assert.deepEqual(tokenFilesIn(join(d, 'missing')), []);
  assert.equal(isFolderInput(d), true);
  assert.equal(isFolderInput(join(d, 'sub')), true);
  assert.equal(isFolderInput(join(d, 'sub.jwt')), false, 'named as a token: taken as one (and refused as a folder by its reader)');
  assert.equal(isFolderInput(join(d, 'b.jwt')), false);
  assert.equal(isFolderInput(join(d, 'missing')), false);
  assert.equal(isFolderInput('eyJhbGciOiJlZDI1NTE5LW5rZXkifQ.e30.sig'), false);
  assert.equal(isFolderInput(`${d}\0`), false);
});
