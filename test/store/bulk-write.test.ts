// createFilesDurably: many new files, each complete when it appears, in the order of their phases;
// a batch that fails leaves nothing of itself, not even temp files.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { isSigchainError } from '../../src/errors.js';
import { DurableBatch, createFilesDurably, packWrites, renameAllNodeFs, writePackedNodeFs } from '../../src/store/bulk-write.js';
import type { TempWrite } from '../../src/store/bulk-write.js';

const writeTempsNodeFs = (items: TempWrite[]) => writePackedNodeFs(packWrites(items));

function tempDir(t: { after(fn: () => void): void }): string {
  const d = mkdtempSync(join(tmpdir(), 'sigchain-bulk-'));
  t.after(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

it('creates every file with its content and exact mode, folders 0700, no temp file left', async (t) => {
  const d = tempDir(t);
  const files = Array.from({ length: 100 }, (_, i) => ({ path: join(d, `k${i % 7}`, `f${i}`), data: `content ${i}`, mode: i % 2 ? 0o600 : 0o644, phase: i % 3 }));
  const r = await createFilesDurably(files);
  assert.equal(r.files, 100);
  for (const f of files) {
    assert.equal(readFileSync(f.path, 'utf8'), f.data);
    assert.equal(statSync(f.path).mode & 0o777, f.mode);
  }
  assert.equal(statSync(join(d, 'k0')).mode & 0o777, 0o700);
  for (const k of readdirSync(d)) assert.deepEqual(readdirSync(join(d, k)).filter((n) => n.startsWith('.')), []);
  // A handful of files, synced one by one.
  await createFilesDurably([{ path: join(d, 'small'), data: 'x', mode: 0o600 }], { how: 'fsync' });
  assert.equal(readFileSync(join(d, 'small'), 'utf8'), 'x');
});

it('a batch that cannot be written leaves no file: none in place, no temp file', async (t) => {
  const d = tempDir(t);
  writeFileSync(join(d, 'blocker'), 'a file where a folder should be');
  const batch = [
    { path: join(d, 'ok', 'a'), data: 'a', mode: 0o600, phase: 0 },
    { path: join(d, 'blocker', 'b'), data: 'b', mode: 0o600, phase: 1 },
  ];
  await assert.rejects(createFilesDurably(batch), (e) => isSigchainError(e) && e.code === 'IO_ERROR');
  // Folders made on the way may stay (empty); no file of the batch, temp or final, does.
  const files = readdirSync(d, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name);
  assert.deepEqual(files, ['blocker']);
  // A file that cannot be renamed into place (a folder holds its name): the renames made are undone.
  const e2 = [
    { path: join(d, 'x', 'first'), data: '1', mode: 0o600, phase: 0 },
    { path: join(d, 'x', 'second'), data: '2', mode: 0o600, phase: 1 },
  ];
  const { mkdirSync } = await import('node:fs');
  mkdirSync(join(d, 'x', 'second', 'inside'), { recursive: true });
  await assert.rejects(createFilesDurably(e2), (e) => isSigchainError(e) && e.code === 'IO_ERROR');
  assert.deepEqual(readdirSync(join(d, 'x')), ['second'], 'first undone, temps removed');
});

it('with writer threads: the same files, phases and modes; the caller goes on while they are written', async (t) => {
  const d = tempDir(t);
  const batch = new DurableBatch({ writers: 2 });
  const files = Array.from({ length: 600 }, (_, i) => ({ path: join(d, `k${i % 13}`, `f${i}`), data: `content ${i}`, mode: i % 2 ? 0o600 : 0o644, phase: i % 3 }));
  for (let i = 0; i < files.length; i += 100) await batch.add(files.slice(i, i + 100));
  const r = await batch.commit();
  assert.equal(r.files, 600);
  for (const f of files) {
    assert.equal(readFileSync(f.path, 'utf8'), f.data);
    assert.equal(statSync(f.path).mode & 0o777, f.mode);
  }
  for (const k of readdirSync(d)) assert.deepEqual(readdirSync(join(d, k)).filter((n) => n.startsWith('.')), []);
});

it('with writer threads: a write or a rename that fails leaves nothing of the batch, and abort waits for the threads', async (t) => {
  const d = tempDir(t);
  writeFileSync(join(d, 'blocker'), 'a file where a folder should be');
  const good = Array.from({ length: 200 }, (_, i) => ({ path: join(d, `ok${i % 5}`, `f${i}`), data: 'x', mode: 0o600, phase: i % 2 }));
  const w = new DurableBatch({ writers: 2 });
  await w.add(good);
  // Its temp name is longer than a name may be: the write fails in a writer thread, not before.
  const long = 'n'.repeat(240);
  await w.add([{ path: join(d, 'ok1', long), data: 'b', mode: 0o600 }]);
  await assert.rejects(w.commit(), (e) => isSigchainError(e) && e.code === 'IO_ERROR' && e.message.includes(long));
  const left = () => readdirSync(d, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name);
  assert.deepEqual(left(), ['blocker']);
  // A rename that fails in the last phase: every file of the earlier phases, renamed by either thread, is undone.
  mkdirSync(join(d, 'ok0', 'f0-last', 'inside'), { recursive: true });
  const r = new DurableBatch({ writers: 2 });
  await r.add([...good, { path: join(d, 'ok0', 'f0-last'), data: 'z', mode: 0o600, phase: 5 }]);
  await assert.rejects(r.commit(), (e) => isSigchainError(e) && e.code === 'IO_ERROR' && /f0-last/.test(e.message));
  assert.deepEqual(left(), ['blocker']);
  // abort: the writes in flight finish, then every temp goes.
  const a = new DurableBatch({ writers: 2 });
  await a.add(good);
  await a.abort();
  assert.deepEqual(left(), ['blocker']);
});

const filesOf = (d: string, from: number, n: number) =>
  Array.from({ length: n }, (_, k) => ({ path: join(d, `k${(from + k) % 9}`, `f${from + k}`), data: `content ${from + k}`, mode: 0o600, phase: (from + k) % 2 }));
const leftFiles = (d: string) => readdirSync(d, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name);

it('a large batch is put in place in stages while it is still being added to, each synced first', async (t) => {
  const d = tempDir(t);
  const b = new DurableBatch({ writers: 2 });
  await b.add(filesOf(d, 0, 2500));
  // The first stage (more than 2,048 files) is synced and renamed into place behind the caller.
  const deadline = Date.now() + 20_000;
  while (!existsSync(join(d, 'k0', 'f0')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  assert.equal(readFileSync(join(d, 'k0', 'f0'), 'utf8'), 'content 0', 'the first stage is in place before commit');
  await b.add(filesOf(d, 2500, 2500));
  const r = await b.commit();
  assert.equal(r.files, 5000);
  for (const f of filesOf(d, 0, 5000)) assert.equal(readFileSync(f.path, 'utf8'), f.data);
  assert.equal(leftFiles(d).filter((n) => n.startsWith('.')).length, 0, 'no temp file left');
});

it('a failure after a stage was put in place, or an abort, removes the stage too: all or nothing', async (t) => {
  const d = tempDir(t);
  const waitFor = async (path: string) => {
    const deadline = Date.now() + 20_000;
    while (!existsSync(path) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.ok(existsSync(path), `${path} was put in place by a stage`);
  };
  const failing = new DurableBatch({ writers: 2 });
  await failing.add(filesOf(d, 0, 2500));
  await waitFor(join(d, 'k0', 'f0'));
  await failing.add([{ path: join(d, 'k1', 'n'.repeat(240)), data: 'b', mode: 0o600 }]);
  await assert.rejects(failing.commit(), (e) => isSigchainError(e) && e.code === 'IO_ERROR' && e.message.includes('n'.repeat(240)));
  assert.deepEqual(leftFiles(d), []);
  const aborted = new DurableBatch({ writers: 2 });
  await aborted.add(filesOf(d, 0, 2500));
  await waitFor(join(d, 'k0', 'f0'));
  await aborted.add(filesOf(d, 2500, 100));
  await aborted.abort();
  assert.deepEqual(leftFiles(d), []);
});

it('where the addon is not built, node:fs writes and renames the same way and stops at the same failures', async (t) => {
  const d = tempDir(t);
  const old = process.umask(0o027);
  try {
    assert.deepEqual(writeTempsNodeFs([{ tmp: join(d, 'a'), data: 'é', mode: 0o666 }, { tmp: join(d, 'b'), data: Uint8Array.of(1, 2), mode: 0o600 }]), { done: 2 });
  } finally {
    process.umask(old);
  }
  assert.equal(readFileSync(join(d, 'a'), 'utf8'), 'é');
  assert.equal(statSync(join(d, 'a')).mode & 0o7777, 0o666);
  assert.deepEqual([...readFileSync(join(d, 'b'))], [1, 2]);
  const taken = writeTempsNodeFs([{ tmp: join(d, 'c'), data: 'c', mode: 0o600 }, { tmp: join(d, 'a'), data: 'x', mode: 0o600 }]);
  assert.equal(taken.done, 1);
  assert.equal(taken.failed?.code, 'EEXIST');
  assert.equal(readFileSync(join(d, 'a'), 'utf8'), 'é');
  mkdirSync(join(d, 'dir', 'inside'), { recursive: true });
  const r = renameAllNodeFs([[join(d, 'a'), join(d, 'A')], [join(d, 'b'), join(d, 'dir')]]);
  assert.equal(r.done, 1);
  assert.equal(r.failed?.index, 1);
  assert.equal(readFileSync(join(d, 'A'), 'utf8'), 'é');
});
