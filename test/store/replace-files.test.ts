// FileReplacer: many files replaced atomically with recycled inodes. Contents must be exact
// whatever the old and new lengths, modes exactly 0600, and nothing left behind.
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { FileReplacer, removeReplaceLeftovers } from '../../src/store/replace-files.js';

function dir(t: { after(fn: () => void): void }): string {
  const d = mkdtempSync(join(tmpdir(), 'sigchain-replace-'));
  t.after(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

describe('FileReplacer', () => {
  it('replaces hundreds of files exactly (longer, shorter, same length), each 0600, with nothing left over', async (t) => {
    const d = dir(t);
    const n = 300; // several times the reuse ring: recycled inodes are exercised
    for (let i = 0; i < n; i++) {
      writeFileSync(join(d, `f${i}.jwt`), `old-${i}-${'x'.repeat(i % 17)}`, { mode: 0o644 });
      if (i % 3 === 0) chmodSync(join(d, `f${i}.jwt`), 0o640);
    }
    const want = (i: number) => `new-${i}-${'y'.repeat((i * 7) % 23)}`;
    const r = new FileReplacer({ tag: 't' });
    for (let i = 0; i < n; i++) r.replace(join(d, `f${i}.jwt`), want(i));
    r.replace(join(d, 'created.jwt'), 'a new file');
    await r.finish();
    for (let i = 0; i < n; i++) {
      const p = join(d, `f${i}.jwt`);
      assert.equal(readFileSync(p, 'utf8'), want(i), `f${i}`);
      assert.equal(statSync(p).mode & 0o777, 0o600, `f${i} mode`);
      assert.equal(statSync(p).nlink, 1, `f${i} has no second name left`);
    }
    assert.equal(readFileSync(join(d, 'created.jwt'), 'utf8'), 'a new file');
    assert.deepEqual(readdirSync(d).filter((f) => f.startsWith('.')), []);
  });

  it('a reader that opened the old file before the replace still reads the old content', async (t) => {
    const d = dir(t);
    const p = join(d, 'a.jwt');
    writeFileSync(p, 'old content');
    const { openSync, readSync, closeSync } = await import('node:fs');
    const fd = openSync(p, 'r');
    const r = new FileReplacer();
    r.replace(p, 'new content, longer');
    const buf = Buffer.alloc(64);
    const n = readSync(fd, buf, 0, 64, 0);
    closeSync(fd);
    assert.equal(buf.subarray(0, n).toString(), 'old content');
    assert.equal(readFileSync(p, 'utf8'), 'new content, longer');
    await r.finish();
  });

  it('removeReplaceLeftovers removes only its own temp names', (t) => {
    const d = dir(t);
    writeFileSync(join(d, '.replace.123.w0.7.tmp'), 'held');
    writeFileSync(join(d, '.other.tmp'), 'not ours');
    writeFileSync(join(d, 'u.jwt'), 'kept');
    assert.equal(removeReplaceLeftovers(d), 1);
    assert.deepEqual(readdirSync(d).sort(), ['.other.tmp', 'u.jwt']);
    assert.equal(removeReplaceLeftovers(join(d, 'missing')), 0);
  });
});
