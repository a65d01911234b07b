/**
 * The replay cache's memory under load (issue 10 item 5): `replayCacheMemory(n)` admits `n`
 * fresh invocation IDs (UUID text, as 0.82 writes them) into a default cache (300 s window,
 * 100,000 IDs) on a simulated clock of `perSecond` invocations a second, and reports the heap
 * after a full collection, at a quarter, a half and the end of the run, beside the heap before
 * the cache existed. Flat memory shows as `heapBytes` equal at every checkpoint once the cache
 * is full. At the default 1,000 a second, 300,000 IDs would be live: the cache holds 100,000 and
 * refuses the rest (REPLAY_CACHE_FULL) until windows end.
 */
import { randomUUID } from 'node:crypto';
import { ReplayCache, type ReplayCacheOptions } from '../src/invocation/index.js';
import { collectGarbage } from './harness.js';

/** What {@link replayCacheMemory} measured. */
export interface ReplayCacheMemory {
  insertions: number;
  admitted: number;
  refusedFull: number;
  /** IDs held at the end. */
  size: number;
  /** Heap used (bytes, after a full collection) before the cache was made. */
  baselineHeapBytes: number;
  /** Heap used above the baseline at 25%, 50% and 100% of the insertions. */
  heapBytesAt: { quarter: number; half: number; end: number };
  /** Heap above the baseline at the end, per ID held. */
  bytesPerId: number;
  /** Mean time of one admission, in nanoseconds (ID generation excluded). */
  nsPerAdmit: number;
}

function heapUsed(): number {
  collectGarbage();
  return process.memoryUsage().heapUsed;
}

/**
 * Admits `n` fresh IDs and reports the heap (see the module notes).
 *
 * @example
 * ```ts
 * const m = replayCacheMemory(1_000_000); // m.heapBytesAt.end ≈ m.heapBytesAt.half
 * ```
 */
export function replayCacheMemory(n = 1_000_000, perSecond = 1000, options: ReplayCacheOptions = {}): ReplayCacheMemory {
  const baseline = heapUsed();
  const cache = new ReplayCache(options);
  const at = { quarter: 0, half: 0, end: 0 };
  let admitted = 0;
  let refusedFull = 0;
  let ns = 0n;
  const t0 = 1_700_000_000_000;
  const batch = 10_000;
  const ids: string[] = new Array<string>(batch);
  for (let done = 0; done < n; ) {
    const m = Math.min(batch, n - done);
    // Flat strings, as the decoder makes them: randomUUID() returns a rope of ~20 pieces
    // (640 bytes), which would be measured instead of the cache.
    for (let i = 0; i < m; i++) ids[i] = Buffer.from(randomUUID(), 'latin1').toString('latin1');
    const start = process.hrtime.bigint();
    for (let i = 0; i < m; i++) {
      const r = cache.admit(ids[i]!, undefined, t0 + ((done + i) * 1000) / perSecond);
      if (r === undefined) admitted++;
      else if (r.code === 'REPLAY_CACHE_FULL') refusedFull++;
    }
    ns += process.hrtime.bigint() - start;
    done += m;
    if (done === Math.floor(n / 4) || (done < n / 4 && done + batch > n / 4)) at.quarter = heapUsed() - baseline;
    if (done === Math.floor(n / 2) || (done < n / 2 && done + batch > n / 2)) at.half = heapUsed() - baseline;
  }
  ids.fill('');
  at.end = heapUsed() - baseline;
  return {
    insertions: n,
    admitted,
    refusedFull,
    size: cache.size,
    baselineHeapBytes: baseline,
    heapBytesAt: at,
    bytesPerId: cache.size === 0 ? 0 : Math.round(at.end / cache.size),
    nsPerAdmit: Number(ns) / n,
  };
}
