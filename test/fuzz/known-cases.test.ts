// The named bad inputs of issue 8, each in its own worker with a deadline: every one ends in
// its expected verdict or coded refusal, in time. Each failed on the code before issue 8.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { CASES, judgeCase } from './cases.js';

const DEADLINE_MS = 1500;
// Three cases at a time: the hangs of today's code then cost one deadline each in parallel,
// not five in a row. Started when the file loads; each test awaits its own.
const POOL = 3;

function runCase(name: string): Promise<{ out: Parameters<typeof judgeCase>[1] | undefined; ms: number }> {
  return new Promise((resolve, reject) => {
    const w = new Worker(new URL('./case-worker.js', import.meta.url), { workerData: { name }, execArgv: ['--enable-source-maps'] });
    const t0 = Date.now();
    const timer = setTimeout(() => void w.terminate().then(() => resolve({ out: undefined, ms: Date.now() - t0 })), DEADLINE_MS);
    w.once('message', (m: { out: Parameters<typeof judgeCase>[1]; ms: number }) => {
      clearTimeout(timer);
      void w.terminate();
      resolve(m);
    });
    w.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

const queue = [...CASES];
const results = new Map<string, ReturnType<typeof runCase>>();
const starters: Array<() => void> = [];
let running = 0;
function pump(): void {
  while (running < POOL && queue.length) {
    const k = queue.shift()!;
    running++;
    const p = runCase(k.name);
    results.set(k.name, p);
    void p.finally(() => {
      running--;
      pump();
    });
  }
  starters.splice(0).forEach((f) => f());
}
function started(name: string): ReturnType<typeof runCase> {
  const p = results.get(name);
  if (p) return p;
  return new Promise((resolve) => starters.push(() => void started(name).then(resolve)));
}
pump();

for (const k of CASES) {
  const label = k.name;
  test(`known case: ${label}`, async () => {
    const { out, ms } = await started(k.name);
    assert.ok(out, `still running after ${DEADLINE_MS} ms (a hang; the limit is ${k.maxMs} ms)`);
    const why = judgeCase(k, out, ms);
    const where = out.error && 'where' in out.error ? ` at ${String((out.error as { where?: string }).where)}` : '';
    assert.equal(why, undefined, `${k.name}: ${why}${where}`);
  });
}
