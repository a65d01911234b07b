// The audit log across processes: several processes appending at once keep one chain (their lock
// around read-last-record + append), and a real kill -9 of a writer in the middle of its loop
// leaves a log that verifies to its last complete record, which the next writer continues.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { AuditLog, openAuditLog } from '../../../src/store/audit/log.js';
import { auditDir, rec } from './helpers.js';

const APPENDER = fileURLToPath(new URL('./appender.js', import.meta.url));

function appender(dir: string, count: number, inflight: number, tag: string): ChildProcess {
  return spawn(process.execPath, [APPENDER, dir, String(count), String(inflight), tag], { stdio: ['ignore', 'pipe', 'pipe'] });
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.on('exit', (code) => resolve(code)));
}

function readyOf(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
    child.on('exit', (code) => reject(new Error(`appender exited ${code}`)));
  });
}

describe('audit log across processes', () => {
  it('6 processes appending 60 records each at once keep one chain of 360', async (t) => {
    const dir = auditDir(t);
    const kids = Array.from({ length: 6 }, (_, i) => appender(dir, 60, i % 2 ? 4 : 1, `p${i}`));
    assert.deepEqual(await Promise.all(kids.map(exited)), [0, 0, 0, 0, 0, 0]);
    const v = await new AuditLog(dir).verify();
    assert.deepEqual(v.ok && v.records, 360, JSON.stringify(v));
    const subjects = new Set((await new AuditLog(dir).read()).map((r) => r.subject));
    assert.equal(subjects.size, 360, 'every record once');
  });

  it('a writer that keeps the lock between batches lets another process in (it asks with a .want marker): both finish, one chain', async (t) => {
    const dir = auditDir(t);
    const log = openAuditLog(dir);
    let kept = 0;
    let stop = false;
    // 32 appends always in flight: every batch finds the next one queued, so the lock is kept.
    const keeper = Promise.all(
      Array.from({ length: 32 }, async (_, w) => {
        while (!stop) await log.append(rec(100_000 + w * 10_000 + kept++));
      }),
    );
    await sleep(100);
    const kid = appender(dir, 40, 1, 'other');
    const code = await Promise.race([exited(kid), sleep(9_000).then(() => 'starved' as const)]);
    stop = true;
    await keeper;
    assert.equal(code, 0, 'the other process got the lock for each of its 40 records (else STORE_LOCKED after 10 s)');
    const v = await new AuditLog(dir).verify();
    assert.deepEqual(v.ok && v.records, kept + 40, JSON.stringify(v));
  });

  it('kill -9 of a writer mid-loop: the log verifies to its last complete record, and the next writer goes on', async (t) => {
    const dir = auditDir(t);
    const log = openAuditLog(dir);
    let torn = 0;
    for (let round = 0; round < 4; round++) {
      const child = appender(dir, 0, 8, `k${round}`);
      await readyOf(child);
      await sleep(40 + Math.random() * 80);
      child.kill('SIGKILL');
      await exited(child);
      const text = readFileSync(join(dir, 'audit.log'), 'utf8');
      const complete = text.split('\n').length - 1;
      if (!text.endsWith('\n')) torn++;
      const v = await log.verify();
      assert.equal(v.ok, true, JSON.stringify(v));
      assert.equal(v.ok && v.records, complete, 'every complete line is a record');
      // The next writer (this process) continues the chain from there.
      await log.append(rec(round));
      assert.equal(((await log.verify()) as { records: number }).records, complete + 1);
    }
    t.diagnostic(`${torn} of 4 kills left a torn last line`);
    assert.equal((await log.seal()).sealed, true);
  });
});
