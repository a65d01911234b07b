import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { isSigchainError } from '../../src/errors.js';
import { ensureDir, isTempName, removeFile, writeFileAtomic } from '../../src/store/atomic.js';
import { helperScript, mode, runNode, tempDir } from './helpers/fixtures.js';

const WORKER = helperScript('atomic-worker');

test('writes the exact mode whatever the umask, and creates missing folders 0700', async (t) => {
  const dir = tempDir(t);
  const old = process.umask(0o077);
  try {
    await writeFileAtomic(join(dir, 'a', 'b', 'public.txt'), 'hello', { mode: 0o644 });
  } finally {
    process.umask(old);
  }
  await writeFileAtomic(join(dir, 'a', 'secret.txt'), 'seed', { mode: 0o600 });
  assert.equal(mode(join(dir, 'a', 'b', 'public.txt')), 0o644);
  assert.equal(mode(join(dir, 'a', 'secret.txt')), 0o600);
  assert.equal(mode(join(dir, 'a')), 0o700);
  assert.equal(mode(join(dir, 'a', 'b')), 0o700);
  assert.equal(readFileSync(join(dir, 'a', 'b', 'public.txt'), 'utf8'), 'hello');
});

test('replaces content, tightens the mode of an existing file, and leaves no temp file', async (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'x.jwt');
  writeFileSync(file, 'old content', { mode: 0o644 });
  await writeFileAtomic(file, 'new', { mode: 0o600 });
  assert.equal(readFileSync(file, 'utf8'), 'new');
  assert.equal(mode(file), 0o600);
  assert.deepEqual(readdirSync(dir), ['x.jwt']);
});

test('ensureDir leaves an existing folder mode alone and refuses a file in the way', async (t) => {
  const dir = tempDir(t);
  await ensureDir(join(dir, 'keep'), 0o755);
  await ensureDir(join(dir, 'keep', 'inner'), 0o700);
  assert.equal(mode(join(dir, 'keep')), 0o755);
  assert.equal(mode(join(dir, 'keep', 'inner')), 0o700);
  writeFileSync(join(dir, 'file'), '');
  await assert.rejects(ensureDir(join(dir, 'file', 'sub')), (e) => isSigchainError(e, 'IO_ERROR') && e.message.includes(join(dir, 'file')));
});

test('a write that fails part-way (file-size limit, EFBIG) keeps the old file intact and cleans its temp file', async (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'account.jwt');
  writeFileSync(file, 'OLD-CONTENT', { mode: 0o600 });
  // ulimit -f 16 → writes past 16 KiB fail with EFBIG (Node ignores SIGXFSZ), after some bytes hit the disk.
  const r = await runNode(WORKER, [file, String(1 << 20), 'n'], (argv) => ['bash', '-c', 'ulimit -f 16; exec "$@"', 'bash', ...argv]);
  const out = JSON.parse(r.stdout) as { ok: boolean; code?: string; message?: string };
  assert.equal(out.ok, false, r.stderr);
  assert.equal(out.code, 'IO_ERROR');
  assert.match(out.message!, /EFBIG/);
  assert.ok(out.message!.includes(file), 'the message names the file');
  assert.equal(readFileSync(file, 'utf8'), 'OLD-CONTENT');
  assert.deepEqual(readdirSync(dir), ['account.jwt'], 'the temp file was removed');
});

test('a writer killed mid-write (SIGKILL) never leaves a partial file: the old content survives', async (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'big.jwt');
  writeFileSync(file, 'OLD-CONTENT', { mode: 0o600 });
  const size = 48 << 20;
  const child = spawn(process.execPath, [WORKER, file, String(size), 'n'], { stdio: 'ignore' });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_c, s) => resolve(s)));
  // Kill as soon as the temp file has data: the writer is then between open and rename.
  let killedMidway = false;
  for (let i = 0; i < 20_000 && child.exitCode === null; i++) {
    const temp = readdirSync(dir).find(isTempName);
    if (temp && statSync(join(dir, temp), { throwIfNoEntry: false })?.size) {
      child.kill('SIGKILL');
      killedMidway = true;
      break;
    }
    await sleep(0);
  }
  const signal = await exited;
  assert.ok(killedMidway && signal === 'SIGKILL', 'the writer was killed while writing its temp file');
  assert.equal(readFileSync(file, 'utf8'), 'OLD-CONTENT');
  // The next write still works and the dead writer's temp file is recognisable as one.
  await writeFileAtomic(file, 'NEXT', { mode: 0o600 });
  assert.equal(readFileSync(file, 'utf8'), 'NEXT');
  assert.ok(readdirSync(dir).filter((n) => n !== 'big.jwt').every(isTempName));
});

test('removeFile reports whether the file existed', async (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'u.jwt');
  writeFileSync(file, 'x');
  assert.equal(await removeFile(file), true);
  assert.equal(existsSync(file), false);
  assert.equal(await removeFile(file), false);
});
