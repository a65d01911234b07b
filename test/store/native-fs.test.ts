// native/fscalls: the swap behind FileReplacer and the folder reader behind listings. It must be
// built on Linux (a broken build would silently fall back to the slower path), swap exactly,
// read exactly, and leave alone what it refuses.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, linkSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createFilesSync, nativeFsAvailable, readSmallFilesAsync, readSmallFilesByPath, readSmallFilesSync, renameExchange, renameFilesSync, smallFilesReader } from '../../src/store/native-fs.js';

function dir(t: { after(fn: () => void): void }): string {
  const d = mkdtempSync(join(tmpdir(), 'sigchain-exchange-'));
  t.after(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

describe('renameExchange', { skip: process.platform !== 'linux' && 'the swap is Linux-only' }, () => {
  it('is built and loads here (npm install builds native/fscalls)', () => {
    assert.equal(nativeFsAvailable(), true);
  });

  it('swaps two files in one step: each name then holds the other inode', (t) => {
    const d = dir(t);
    writeFileSync(join(d, 'a'), 'content of a');
    writeFileSync(join(d, 'b'), 'content of b, longer');
    const ia = lstatSync(join(d, 'a')).ino;
    assert.equal(renameExchange(join(d, 'a'), join(d, 'b')), 'swapped');
    assert.equal(readFileSync(join(d, 'a'), 'utf8'), 'content of b, longer');
    assert.equal(readFileSync(join(d, 'b'), 'utf8'), 'content of a');
    assert.equal(lstatSync(join(d, 'b')).ino, ia);
  });

  it('a missing name is reported and nothing moves', (t) => {
    const d = dir(t);
    writeFileSync(join(d, 'a'), 'a');
    assert.equal(renameExchange(join(d, 'a'), join(d, 'none')), 'missing');
    assert.equal(renameExchange(join(d, 'none'), join(d, 'a')), 'missing');
    assert.equal(readFileSync(join(d, 'a'), 'utf8'), 'a');
  });

  it('refuses to swap a file with a folder, a symlink or a file linked elsewhere, and leaves both as they were', (t) => {
    const d = dir(t);
    writeFileSync(join(d, 'a'), 'a');
    mkdirSync(join(d, 'folder'));
    writeFileSync(join(d, 'target'), 'outside');
    symlinkSync(join(d, 'target'), join(d, 'link'));
    writeFileSync(join(d, 'linked'), 'two names');
    linkSync(join(d, 'linked'), join(d, 'second-name'));
    assert.equal(renameExchange(join(d, 'a'), join(d, 'linked')), 'not-a-file', 'a file with another hard link');
    assert.equal(readFileSync(join(d, 'linked'), 'utf8'), 'two names');
    assert.equal(renameExchange(join(d, 'a'), join(d, 'folder')), 'not-a-file');
    assert.equal(renameExchange(join(d, 'a'), join(d, 'link')), 'not-a-file');
    assert.ok(lstatSync(join(d, 'folder')).isDirectory());
    assert.ok(lstatSync(join(d, 'link')).isSymbolicLink());
    assert.equal(readFileSync(join(d, 'a'), 'utf8'), 'a');
  });

  it('other failures are thrown with their errno code', (t) => {
    const d = dir(t);
    writeFileSync(join(d, 'a'), 'a');
    writeFileSync(join(d, 'b'), 'b');
    // A path component that is a file: ENOTDIR, not one of the answers above.
    assert.throws(() => renameExchange(join(d, 'a', 'x'), join(d, 'b')), (e: NodeJS.ErrnoException) => e.code === 'ENOTDIR');
    assert.throws(() => renameExchange(join(d, 'a'), join(d, 'x'.repeat(5000))), (e: NodeJS.ErrnoException) => e.code === 'ENAMETOOLONG');
    // A NUL inside a path would name a shorter one ("b"): refused, nothing swapped.
    assert.equal(renameExchange(join(d, 'a'), `${join(d, 'b')}\0tail`), 'unsupported');
    assert.equal(readFileSync(join(d, 'b'), 'utf8'), 'b');
  });
});

describe('readSmallFilesSync', { skip: process.platform !== 'linux' && 'the addon is Linux-only' }, () => {
  it('reads each file of a folder exactly, and names what it could not read', (t) => {
    const d = dir(t);
    writeFileSync(join(d, 'a.jwt'), 'eyJhbGciOi.x.y\n');
    writeFileSync(join(d, 'empty.jwt'), '');
    writeFileSync(join(d, 'big.jwt'), 'z'.repeat(101));
    writeFileSync(join(d, 'exact.jwt'), 'z'.repeat(100));
    writeFileSync(join(d, 'bytes.jwt'), Buffer.from([0x41, 0xe9, 0x00, 0xff]));
    mkdirSync(join(d, 'folder.jwt'));
    writeFileSync(join(d, 'target'), 'through the link');
    symlinkSync(join(d, 'target'), join(d, 'link.jwt'));
    const got = readSmallFilesSync(d, ['a.jwt', 'empty.jwt', 'big.jwt', 'exact.jwt', 'bytes.jwt', 'folder.jwt', 'missing.jwt', 'link.jwt', '../escape', '', 'a.jwt\0x'], 100);
    assert.deepEqual(got, [
      'eyJhbGciOi.x.y\n',
      '',
      { code: 'EFBIG' },
      'z'.repeat(100),
      '\u0041\u00e9\u0000\u00ff', // latin1: one character per byte, nothing lost
      { code: 'EISDIR' },
      { code: 'ENOENT' },
      'through the link', // as node:fs reads it
      { code: 'EINVAL' }, // a name is one path component, never a way out of the folder
      { code: 'EINVAL' },
      { code: 'EINVAL' }, // nor a name with a NUL in it (it would read a.jwt)
    ]);
    // For a reader of UTF-8: any byte that is not ASCII is left to node:fs.
    assert.deepEqual(readSmallFilesSync(d, ['a.jwt', 'bytes.jwt'], 100, { ascii: true }), ['eyJhbGciOi.x.y\n', { code: 'EILSEQ' }]);
  });

  it('a fifo in the folder reads as empty instead of blocking; a missing folder is left to node:fs', (t) => {
    const d = dir(t);
    execFileSync('mkfifo', [join(d, 'pipe.jwt')]);
    assert.deepEqual(readSmallFilesSync(d, ['pipe.jwt'], 1024), ['']);
    assert.equal(readSmallFilesSync(join(d, 'none'), ['a.jwt'], 1024), undefined);
    assert.throws(() => readSmallFilesSync(d, ['a.jwt'], 0), TypeError);
  });
});

describe('readSmallFilesAsync', { skip: process.platform !== 'linux' && 'the addon is Linux-only' }, () => {
  it('answers exactly as readSmallFilesSync, modes included, from libuv\'s thread pool', async (t) => {
    const d = dir(t);
    writeFileSync(join(d, 'a.jwt'), 'eyJhbGciOi.x.y\n', { mode: 0o600 });
    writeFileSync(join(d, 'big.jwt'), 'z'.repeat(101));
    writeFileSync(join(d, 'bytes.jwt'), Buffer.from([0x41, 0xe9, 0x00, 0xff]));
    writeFileSync(join(d, 'open.jwt'), 'x', { mode: 0o666 });
    chmodSync(join(d, 'open.jwt'), 0o666);
    mkdirSync(join(d, 'folder.jwt'));
    const names = ['a.jwt', 'big.jwt', 'bytes.jwt', 'open.jwt', 'folder.jwt', 'missing.jwt', '../escape', ''];
    for (const ascii of [false, true]) {
      const syncModes = new Uint32Array(names.length);
      const asyncModes = new Uint32Array(names.length);
      const want = readSmallFilesSync(d, names, 100, { modes: syncModes, ascii });
      assert.deepEqual(await readSmallFilesAsync(d, names, 100, { modes: asyncModes, ascii }), want);
      assert.deepEqual([...asyncModes], [...syncModes]);
      assert.equal(asyncModes[3]! & 0o777, 0o666);
    }
    // Many reads at once (a listing keeps a few ahead): each its own answer.
    const many = await Promise.all(Array.from({ length: 20 }, (_, i) => readSmallFilesAsync(d, i % 2 ? ['a.jwt'] : ['big.jwt', 'a.jwt'], 100)));
    many.forEach((r, i) => assert.deepEqual(r, i % 2 ? ['eyJhbGciOi.x.y\n'] : [{ code: 'EFBIG' }, 'eyJhbGciOi.x.y\n']));
    assert.equal(await readSmallFilesAsync(join(d, 'none'), ['a.jwt'], 100), undefined, 'a folder that cannot be opened is left to node:fs');
    assert.deepEqual(await readSmallFilesAsync(d, [], 100), []);
    await assert.rejects(readSmallFilesAsync(d, ['a.jwt'], 0), TypeError);
  });
});

describe('smallFilesReader', { skip: process.platform !== 'linux' && 'the addon is Linux-only' }, () => {
  it('answers for every name of a long list, across slices, in order or not', (t) => {
    const d = dir(t);
    const names = Array.from({ length: 600 }, (_, i) => `f${i}.jwt`);
    for (const [i, n] of names.entries()) if (i !== 300) writeFileSync(join(d, n), `content ${i}`);
    const at = smallFilesReader(d, names, 1024);
    for (let i = 0; i < names.length; i++) assert.deepEqual(at(i), i === 300 ? { code: 'ENOENT' } : `content ${i}`, names[i]);
    assert.equal(at(5), 'content 5', 'back to an earlier slice');
    assert.equal(at(599), 'content 599');
  });
});

describe('readSmallFilesByPath', { skip: process.platform !== 'linux' && 'the addon is Linux-only' }, () => {
  it('answers per path across folders, in order, leaving to node:fs what it cannot open', (t) => {
    const d = dir(t);
    mkdirSync(join(d, 'a'));
    mkdirSync(join(d, 'b'));
    writeFileSync(join(d, 'a', '1'), 'a1');
    writeFileSync(join(d, 'a', '2'), 'a2');
    writeFileSync(join(d, 'b', '1'), 'b1');
    writeFileSync(join(d, 'a', 'x'), 'caf\u00e9');
    const paths = [join(d, 'a', '1'), join(d, 'a', '2'), join(d, 'b', '1'), join(d, 'a', 'x'), join(d, 'a', 'gone'), join(d, 'nofolder', '1'), 'bare', join(d, 'a', '1')];
    assert.deepEqual(readSmallFilesByPath(paths, 1024, { ascii: true }), ['a1', 'a2', 'b1', { code: 'EILSEQ' }, { code: 'ENOENT' }, undefined, undefined, 'a1']);
  });
});

describe('createFilesSync and renameFilesSync', { skip: process.platform !== 'linux' && 'the addon is Linux-only' }, () => {
  const bytes = (texts: string[]): { data: Buffer; ends: Uint32Array } => {
    const parts = texts.map((x) => Buffer.from(x, 'utf8'));
    let at = 0;
    return { data: Buffer.concat(parts), ends: Uint32Array.from(parts.map((b) => (at += b.length))) };
  };

  it('creates each file with its exact bytes and exact mode, the umask undone', (t) => {
    const d = dir(t);
    const texts = ['first', '', 'é ünïcödé ✓', 'x'.repeat(70_000)];
    const paths = texts.map((_, i) => join(d, `f${i}`));
    const { data, ends } = bytes(texts);
    // 0o666 and 0o640 lose bits to the usual umask (022/027): the call must put them back.
    const modes = Uint32Array.of(0o600, 0o666, 0o640, 0o600);
    const old = process.umask(0o027);
    try {
      assert.deepEqual(createFilesSync(paths, data, ends, modes), { done: 4 });
    } finally {
      process.umask(old);
    }
    texts.forEach((x, i) => {
      assert.equal(readFileSync(paths[i]!, 'utf8'), x);
      assert.equal(statSync(paths[i]!).mode & 0o7777, modes[i]);
    });
  });

  it('never writes over an existing name or through a symlink, and says where it stopped', (t) => {
    const d = dir(t);
    writeFileSync(join(d, 'taken'), 'keep me');
    writeFileSync(join(d, 'target'), 'keep me too');
    symlinkSync(join(d, 'target'), join(d, 'link'));
    const { data, ends } = bytes(['a', 'b', 'c']);
    const modes = Uint32Array.of(0o600, 0o600, 0o600);
    const taken = createFilesSync([join(d, 'a'), join(d, 'taken'), join(d, 'c')], data, ends, modes)!;
    assert.equal(taken.done, 1);
    assert.equal(taken.error?.code, 'EEXIST');
    assert.equal(taken.error?.path, join(d, 'taken'));
    assert.equal(readFileSync(join(d, 'taken'), 'utf8'), 'keep me');
    assert.equal(existsSync(join(d, 'c')), false, 'nothing after the failure');
    const link = createFilesSync([join(d, 'link')], data, ends.subarray(0, 1), modes)!;
    assert.equal(link.done, 0);
    assert.equal(link.error?.code, 'EEXIST');
    assert.equal(readFileSync(join(d, 'target'), 'utf8'), 'keep me too');
  });

  it('refuses byte ranges outside the buffer and arguments of the wrong kind', (t) => {
    const d = dir(t);
    const bad = createFilesSync([join(d, 'a')], Buffer.from('ab'), Uint32Array.of(3), Uint32Array.of(0o600))!;
    assert.equal(bad.error?.code, 'EINVAL');
    assert.equal(existsSync(join(d, 'a')), false);
    assert.throws(() => createFilesSync([join(d, 'a'), join(d, 'b')], Buffer.from('ab'), Uint32Array.of(1), Uint32Array.of(0o600, 0o600)), TypeError);
    assert.throws(() => renameFilesSync([join(d, 'a')], []), TypeError);
  });

  it('renames in order and stops at the first failure, naming it', (t) => {
    const d = dir(t);
    for (const n of ['a', 'b', 'c']) writeFileSync(join(d, n), n);
    mkdirSync(join(d, 'dir', 'inside'), { recursive: true });
    const p = renameFilesSync([join(d, 'a'), join(d, 'b'), join(d, 'c')], [join(d, 'A'), join(d, 'dir'), join(d, 'C')])!;
    assert.equal(p.done, 1);
    assert.ok(['EISDIR', 'ENOTEMPTY', 'EEXIST'].includes(p.error!.code!), p.error!.code);
    assert.deepEqual(readdirSync(d).sort(), ['A', 'b', 'c', 'dir']);
    assert.deepEqual(renameFilesSync([join(d, 'b'), join(d, 'c')], [join(d, 'B'), join(d, 'C')]), { done: 2 });
    assert.equal(readFileSync(join(d, 'C'), 'utf8'), 'c');
  });
});
