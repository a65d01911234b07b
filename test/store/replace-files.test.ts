// FileReplacer: many files replaced atomically with recycled inodes. Contents must be exact
// whatever the old and new lengths, modes exactly 0600, and nothing left behind.
import assert from 'node:assert/strict';
import { chmodSync, linkSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { SigchainError } from '../../src/errors.js';
import { FileReplacer, removeReplaceLeftovers } from '../../src/store/replace-files.js';

function dir(t: { after(fn: () => void): void }): string {
  const d = mkdtempSync(join(tmpdir(), 'sigchain-replace-'));
  t.after(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

// Both ways of keeping the old inode: swapping names (renameat2, where the system can) and a hard
// link then a rename (elsewhere).
for (const exchange of [true, false]) describe(`FileReplacer (${exchange ? 'names swapped' : 'link then rename'})`, () => {
  it('replaces hundreds of files exactly (longer, shorter, same length), each 0600, with nothing left over', async (t) => {
    const d = dir(t);
    const n = 300; // several times the reuse ring: recycled inodes are exercised
    for (let i = 0; i < n; i++) {
      writeFileSync(join(d, `f${i}.jwt`), `old-${i}-${'x'.repeat(i % 17)}`, { mode: 0o644 });
      if (i % 3 === 0) chmodSync(join(d, `f${i}.jwt`), 0o640);
    }
    const want = (i: number) => `new-${i}-${'y'.repeat((i * 7) % 23)}`;
    const r = new FileReplacer({ tag: 't', exchange });
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
    const r = new FileReplacer({ exchange });
    r.replace(p, 'new content, longer');
    const buf = Buffer.alloc(64);
    const n = readSync(fd, buf, 0, 64, 0);
    closeSync(fd);
    assert.equal(buf.subarray(0, n).toString(), 'old content');
    assert.equal(readFileSync(p, 'utf8'), 'new content, longer');
    await r.finish();
  });

  it('a symlink in place of a file is replaced by the file; what it pointed to is never written', async (t) => {
    const d = dir(t);
    const outside = join(d, 'outside.txt');
    writeFileSync(outside, 'must stay');
    symlinkSync(outside, join(d, 'link.jwt'));
    // ring 0: every held name is reused at once, so a kept symlink would be written through.
    const r = new FileReplacer({ exchange, ring: 0 });
    r.replace(join(d, 'link.jwt'), 'new token');
    for (let i = 0; i < 5; i++) {
      writeFileSync(join(d, `f${i}.jwt`), 'old');
      r.replace(join(d, `f${i}.jwt`), `new ${i}`);
    }
    await r.finish();
    assert.equal(readFileSync(outside, 'utf8'), 'must stay');
    assert.ok(lstatSync(join(d, 'link.jwt')).isFile());
    assert.equal(readFileSync(join(d, 'link.jwt'), 'utf8'), 'new token');
    for (let i = 0; i < 5; i++) assert.equal(readFileSync(join(d, `f${i}.jwt`), 'utf8'), `new ${i}`);
    assert.deepEqual(readdirSync(d).filter((f) => f.startsWith('.')), []);
  });

  it('a file with another hard link elsewhere is replaced; the other link keeps the old bytes, never another file\'s', async (t) => {
    const d = dir(t);
    const elsewhere = join(dir(t), 'my.creds');
    writeFileSync(join(d, 'u.creds'), 'old creds of u');
    linkSync(join(d, 'u.creds'), elsewhere);
    const r = new FileReplacer({ exchange, ring: 0 });
    r.replace(join(d, 'u.creds'), 'new creds of u');
    for (let i = 0; i < 5; i++) {
      writeFileSync(join(d, `v${i}.creds`), 'old');
      r.replace(join(d, `v${i}.creds`), `secret creds of v${i}`);
    }
    await r.finish();
    assert.equal(readFileSync(elsewhere, 'utf8'), 'old creds of u');
    assert.equal(readFileSync(join(d, 'u.creds'), 'utf8'), 'new creds of u');
    for (let i = 0; i < 5; i++) assert.equal(readFileSync(join(d, `v${i}.creds`), 'utf8'), `secret creds of v${i}`);
    assert.deepEqual(readdirSync(d).filter((f) => f.startsWith('.')), []);
  });

  it('a folder in place of a file is refused with IO_ERROR and left as it was', async (t) => {
    const d = dir(t);
    mkdirSync(join(d, 'u.jwt'));
    writeFileSync(join(d, 'u.jwt', 'inside'), 'kept');
    const r = new FileReplacer({ exchange });
    assert.throws(() => r.replace(join(d, 'u.jwt'), 'token'), (e: SigchainError) => e.code === 'IO_ERROR');
    await r.finish();
    assert.equal(readFileSync(join(d, 'u.jwt', 'inside'), 'utf8'), 'kept');
    assert.deepEqual(readdirSync(d), ['u.jwt']);
  });
});

describe('removeReplaceLeftovers', () => {
  it('removes only its own temp names', (t) => {
    const d = dir(t);
    writeFileSync(join(d, '.replace.123.w0.7.tmp'), 'held');
    writeFileSync(join(d, '.other.tmp'), 'not ours');
    writeFileSync(join(d, 'u.jwt'), 'kept');
    assert.equal(removeReplaceLeftovers(d), 1);
    assert.deepEqual(readdirSync(d).sort(), ['.other.tmp', 'u.jwt']);
    assert.equal(removeReplaceLeftovers(join(d, 'missing')), 0);
  });
});
