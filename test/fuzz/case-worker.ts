// Runs one named case of cases.ts and posts its outcome, so the parent can kill a hang.
import { parentPort, workerData } from 'node:worker_threads';
import { CASES, corpus } from './cases.js';

const k = CASES.find((x) => x.name === (workerData as { name: string }).name)!;
const c = corpus();
// Warm the readers with genuine input first: a cold worker's first call pays for compiling
// them, which is not the reader's cost per input.
for (const w of CASES.slice(0, 3)) {
  try {
    w.run(c);
  } catch {
    // warming only
  }
}
const t0 = performance.now();
let out: { threw: boolean; value?: unknown; error?: { name: string; message: string; code?: string; where?: string } };
try {
  const value = k.run(c);
  // Verdicts and claims are plain data; keep what the judge needs.
  out = { threw: false, value: JSON.parse(JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)) ?? 'null') };
} catch (e) {
  const err = e as { name?: string; message?: string; code?: string; stack?: string };
  const where = /\/src\/[^\s)]+/.exec(err?.stack ?? '')?.[0];
  out = { threw: true, error: { name: err?.name ?? typeof e, message: String(err?.message ?? e), ...(typeof err?.code === 'string' ? { code: err.code } : {}), ...(where ? { where } : {}) } };
}
parentPort!.postMessage({ out, ms: performance.now() - t0 });
