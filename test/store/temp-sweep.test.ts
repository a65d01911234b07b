// Temp files of killed writers are removed by the next process that takes the lock; those of
// live writers, other hosts and unknown origin stay. Then the real thing: a writer SIGKILLed
// at random points, again and again, leaves nothing behind once the next lock has been taken.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { LOCK_FILE, withStoreLock } from '../../src/store/lock.js';
import { sweepDeadTempFiles } from '../../src/store/temp-sweep.js';

function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

function tempsUnder(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(dir, prefix))) {
    const rel = prefix ? join(prefix, name) : name;
    if (statSync(join(dir, rel)).isDirectory()) out.push(...tempsUnder(dir, rel));
    else if (name.endsWith('.tmp')) out.push(rel);
  }
  return out;
}

test('the next lock removes the temp files of dead writers only', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sigchain-sweep-'));
  mkdirSync(join(dir, 'accounts', 'A', 'users'), { recursive: true });
  const dead = deadPid();
  const hex12 = 'a1b2c3d4e5f6';
  const hex24 = 'a1b2c3d4e5f6a1b2c3d4e5f6';
  writeFileSync(join(dir, 'accounts', 'A', 'users', `.U.jwt.${dead}.${hex12}.tmp`), 'half');
  writeFileSync(join(dir, `.O.jwt.${process.pid}.${hex12}.tmp`), 'a live writer: mine');
  writeFileSync(join(dir, `.sigchain.lock.${hex24}.tmp`), JSON.stringify({ pid: dead, hostname: hostname(), token: hex24 }));
  writeFileSync(join(dir, `.sigchain.lock.break.${hex24}.tmp`), JSON.stringify({ pid: dead, hostname: 'another-host', token: hex24 }));
  writeFileSync(join(dir, '.notes.tmp'), 'unknown origin');
  // The dead writer still "holds" the lock, as a SIGKILL leaves it.
  writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: dead, hostname: hostname(), time: new Date().toISOString(), token: 'x'.repeat(24) }));
  await withStoreLock(dir, () => undefined);
  assert.deepEqual(tempsUnder(dir).sort(), [`.O.jwt.${process.pid}.${hex12}.tmp`, `.notes.tmp`, `.sigchain.lock.break.${hex24}.tmp`].sort());
});

test('without a dead holder only the lock folder itself is swept, not the tree', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sigchain-sweep-'));
  mkdirSync(join(dir, 'sub'));
  const dead = deadPid();
  writeFileSync(join(dir, `.a.${dead}.a1b2c3d4e5f6.tmp`), '');
  writeFileSync(join(dir, 'sub', `.b.${dead}.a1b2c3d4e5f6.tmp`), '');
  await withStoreLock(dir, () => undefined);
  assert.deepEqual(tempsUnder(dir), [join('sub', `.b.${dead}.a1b2c3d4e5f6.tmp`)]);
  assert.equal(sweepDeadTempFiles(dir, { deep: true }), 1);
  assert.deepEqual(tempsUnder(dir), []);
});

test('a writer SIGKILLed at random points 25 times leaves no temp file once the next command has taken the lock', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sigchain-sweep-kill-'));
  const lock = new URL('../../src/store/lock.js', import.meta.url).href;
  const atomic = new URL('../../src/store/atomic.js', import.meta.url).href;
  const script = `
    const { withStoreLock } = await import(${JSON.stringify(lock)});
    const { writeFileAtomic } = await import(${JSON.stringify(atomic)});
    const data = 'x'.repeat(256 * 1024);
    process.stdout.write('ready\\n');
    for (let i = 0; ; i++) await withStoreLock(process.argv[1], () => writeFileAtomic(process.argv[1] + '/accounts/A/users/U' + (i % 7) + '.jwt', data, { mode: 0o600 }));
  `;
  let killedWithLitter = 0;
  for (let round = 0; round < 25; round++) {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    await sleep(5 + Math.random() * 40);
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    if (tempsUnder(dir).length) killedWithLitter++;
    // The next command: anything that changes the store takes its lock first.
    await withStoreLock(dir, () => undefined);
    assert.deepEqual(tempsUnder(dir), [], `round ${round}: litter left after the next lock`);
  }
  // The test means something only if kills did land mid-write.
  assert.ok(killedWithLitter > 0, 'no kill landed while a temp file existed: make the writes larger');
});
