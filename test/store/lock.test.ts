import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { isSigchainError } from '../../src/errors.js';
import { LOCK_FILE, readLockHolder, withStoreLock } from '../../src/store/lock.js';
import { helperScript, runNode, tempDir } from './helpers/fixtures.js';

const WORKER = helperScript('lock-worker');

interface TryResult {
  ok: boolean;
  code?: string;
  message?: string;
  details?: { pid?: number };
  waitedMs: number;
}

/** Starts a process that takes the lock and holds it; resolves once it holds it. */
async function holder(dir: string, ms: number, releaseFile?: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [WORKER, 'hold', dir, String(ms), ...(releaseFile ? [releaseFile] : [])], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('LOCKED') && resolve());
    child.on('exit', () => reject(new Error('holder exited before locking')));
  });
  return child;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.on('exit', () => resolve()));
}

async function count(dir: string, counter: string, n: number, nolock = false): Promise<void> {
  const start = join(dir, `go-${nolock}`);
  const args = ['count', dir, counter, String(n), start, ...(nolock ? ['nolock'] : [])];
  const runs = [runNode(WORKER, args), runNode(WORKER, args)];
  // Release both at once, when both are up and waiting at the barrier.
  while (readdirSync(dir).filter((n) => n.startsWith(`go-${nolock}.ready.`)).length < 2) await sleep(5);
  writeFileSync(start, '');
  for (const r of await Promise.all(runs)) assert.equal(r.code, 0, r.stderr);
}

test('two processes incrementing a counter under the lock lose no update', async (t) => {
  const dir = tempDir(t);
  const counter = join(dir, 'counter');
  writeFileSync(counter, '0');
  await count(dir, counter, 40);
  assert.equal(readFileSync(counter, 'utf8'), '80');
  assert.equal(existsSync(join(dir, LOCK_FILE)), false, 'the lock is released');
});

test('control: the same two processes without the lock do lose updates (so the test above has teeth)', async (t) => {
  // A race is a matter of chance: on a loaded machine one process may run all its increments
  // before the other is scheduled. Up to 5 tries; a single lost update proves the point.
  const totals: number[] = [];
  for (let attempt = 0; attempt < 5 && !totals.some((n) => n < 80); attempt++) {
    const dir = tempDir(t);
    const counter = join(dir, 'counter');
    writeFileSync(counter, '0');
    await count(dir, counter, 40, true);
    totals.push(Number(readFileSync(counter, 'utf8')));
  }
  assert.ok(totals.some((n) => n < 80), `no update lost in ${totals.length} tries: ${totals.join(', ')}`);
});

test('a second process waits for the holder to finish, then gets the lock', async (t) => {
  const dir = tempDir(t);
  const release = join(dir, 'release');
  const h = await holder(dir, 60_000, release);
  t.after(() => h.kill('SIGKILL'));
  const child = spawn(process.execPath, [WORKER, 'try', dir, '30000'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d));
  while (!out.includes('TRYING')) await sleep(5);
  await sleep(400);
  assert.equal(child.exitCode, null, 'still waiting while the holder holds the lock');
  writeFileSync(release, '');
  await exited(child);
  const r = JSON.parse(out.split('\n').at(-1)!) as TryResult;
  assert.equal(r.ok, true);
  assert.ok(r.waitedMs >= 400, `waited ${r.waitedMs} ms`);
  await exited(h);
});

test('a second process gives up after its timeout with STORE_LOCKED naming the holder pid', async (t) => {
  const dir = tempDir(t);
  const h = await holder(dir, 60_000);
  t.after(() => h.kill('SIGKILL'));
  const r = JSON.parse((await runNode(WORKER, ['try', dir, '300'])).stdout.split('\n').at(-1)!) as TryResult;
  assert.equal(r.ok, false);
  assert.equal(r.code, 'STORE_LOCKED');
  assert.equal(r.details?.pid, h.pid);
  assert.ok(r.message!.includes(`pid ${h.pid}`), r.message);
  assert.ok(r.message!.includes(join(dir, LOCK_FILE)), 'the message says which file to delete');
  assert.ok(r.waitedMs >= 300 && r.waitedMs < 3000, `waited ${r.waitedMs} ms`);
  assert.equal((await readLockHolder(dir))?.pid, h.pid);
});

test('a lock left by a killed process is broken and taken', async (t) => {
  const dir = tempDir(t);
  const h = await holder(dir, 60_000);
  h.kill('SIGKILL');
  await exited(h);
  assert.equal((await readLockHolder(dir))?.pid, h.pid, 'the dead process left its lock behind');
  const started = Date.now();
  const got = await withStoreLock(dir, async () => (await readLockHolder(dir))?.pid, { timeoutMs: 2000 });
  assert.equal(got, process.pid);
  assert.ok(Date.now() - started < 1500);
  assert.equal(existsSync(join(dir, LOCK_FILE)), false);
});

test('a lock naming this pid but not held by this process (pid reuse) is stale', async (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: process.pid, hostname: hostname(), time: 'then', token: 'old-run' }));
  assert.equal(await withStoreLock(dir, () => 'ran', { timeoutMs: 500 }), 'ran');
});

test('a lock held from another host is never broken automatically', async (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: 9_999_999, hostname: 'elsewhere.example', time: '2024-01-01T00:00:00Z', token: 't' }));
  await assert.rejects(
    withStoreLock(dir, () => 'never', { timeoutMs: 200 }),
    (e) => isSigchainError(e, 'STORE_LOCKED') && e.message.includes('host elsewhere.example') && e.message.includes('9999999'),
  );
  assert.ok(existsSync(join(dir, LOCK_FILE)));
});

test('the lock is re-entrant in one call chain, serializes sibling tasks, and is released on throw', async (t) => {
  const dir = tempDir(t);
  const order: string[] = [];
  const nested = await withStoreLock(dir, () => withStoreLock(dir, () => 'inner', { timeoutMs: 0 }));
  assert.equal(nested, 'inner');
  await Promise.all(
    ['a', 'b'].map((id) =>
      withStoreLock(dir, async () => {
        order.push(`${id}+`);
        await sleep(30);
        order.push(`${id}-`);
      }),
    ),
  );
  assert.ok(order.join() === 'a+,a-,b+,b-' || order.join() === 'b+,b-,a+,a-', order.join());
  await assert.rejects(withStoreLock(dir, () => Promise.reject(new Error('boom'))), /boom/);
  assert.equal(existsSync(join(dir, LOCK_FILE)), false);
});
