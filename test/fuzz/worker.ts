// The fuzz worker: runs inputs [start, end) of a run in order, publishing the index it is on in
// shared memory so the parent can tell a hang from slow progress and kill it without losing
// which input hung. Findings and progress go back as messages.
import { parentPort, workerData } from 'node:worker_threads';
import { corpus } from './corpus.js';
import { type Limits, inputFor, judge, targetFor } from './engine.js';
import { selectTargets } from './targets.js';

interface Job {
  names: string[];
  seed: number;
  start: number;
  end: number;
  limits: Limits;
  skip: string[];
  shared: SharedArrayBuffer;
}

const job = workerData as Job;
const state = new Float64Array(job.shared); // [index now running, its start time (ms since epoch)]
const targets = selectTargets(job.names);
const skip = new Set(job.skip);
const c = corpus();
let last = Date.now();
for (let i = job.start; i < job.end; i++) {
  const t = targetFor(targets, i);
  if (skip.has(t.name)) continue;
  const input = inputFor(t, job.seed, i, c);
  state[0] = i;
  state[1] = Date.now();
  const f = await judge(t, input, job.seed, i, job.limits, c);
  state[1] = 0;
  if (f) parentPort!.postMessage({ finding: f });
  if (Date.now() - last > 500) {
    last = Date.now();
    parentPort!.postMessage({ progress: i + 1 });
  }
}
parentPort!.postMessage({ done: job.end });
