/**
 * Time-boxed micro-benchmark harness. Every implementation of one figure ("case") is measured
 * in the same process and interleaved: each round runs every case once for a fixed time box, the
 * starting case rotates from round to round (so none always runs first, right after a GC or a
 * JIT tier-up of another). Each case's best round is its ops/s; ratios between cases are the
 * median of their per-round ratios (see `report.ts`). Time comes from `process.hrtime.bigint()`.
 */

import { rm } from 'node:fs/promises';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';

/** One implementation of a figure: sync or async, called once per operation. */
export interface Case {
  /** `ours` or a peer name such as `node_crypto`. */
  readonly impl: string;
  /** One operation. The result is kept (see {@link blackhole}) so it cannot be optimised away. */
  readonly run: () => unknown;
  /** True when `run` returns a promise that must be awaited. */
  readonly async?: boolean;
  /** True for implementations that take milliseconds per operation: they get the short box. */
  readonly slow?: boolean;
}

/** A figure to measure: the cases that compete on the same work. */
export interface Group {
  readonly figure: string;
  readonly cases: readonly Case[];
}

/** How long to measure. */
export interface Settings {
  /** Time box of one case in one round, in ms. */
  readonly boxMs: number;
  /** Time box for `slow` cases (pure-JS peers at ~100 ops/s need few samples). */
  readonly slowBoxMs: number;
  /** Rounds; the best round of each case is reported. */
  readonly rounds: number;
  /** Warm-up per case before the first round (JIT, key caches), in ms. */
  readonly warmupMs: number;
}

/**
 * Full run: 20 rounds of 60 ms per fast case. Many short interleaved rounds beat a few long ones
 * on a shared machine: a burst of load from elsewhere spoils one box, and the best-of drops it;
 * a slow patch lasting many boxes slows both sides of each round's ratio alike.
 */
export const FULL: Settings = { boxMs: 60, slowBoxMs: 40, rounds: 20, warmupMs: 150 };
/** Smoke run for tests: only proves that every case runs and the output has its shape. */
export const QUICK: Settings = { boxMs: 10, slowBoxMs: 1, rounds: 1, warmupMs: 2 };

/**
 * A full garbage collection, between families of figures (never inside one): what one family
 * left behind must not be collected on another's clock.
 */
export function collectGarbage(): void {
  v8.setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

/** Last result of every operation, so V8 keeps the work. Read by nobody on purpose. */
export let blackhole: unknown;

const now = (): bigint => process.hrtime.bigint();
const msSince = (t: bigint): number => Number(now() - t) / 1e6;

// Batches keep the clock read (~50 ns) out of fast operations such as a cache hit.
async function runBatch(c: Case, batch: number): Promise<void> {
  if (c.async) {
    for (let i = 0; i < batch; i++) blackhole = await c.run();
  } else {
    for (let i = 0; i < batch; i++) blackhole = c.run();
  }
}

/** Warms a case up and returns a batch size whose run takes about 1 ms (at least 1). */
async function warmUp(c: Case, ms: number): Promise<number> {
  let batch = 1;
  const start = now();
  do {
    const t = now();
    await runBatch(c, batch);
    if (msSince(t) < 1) batch *= 2;
  } while (msSince(start) < ms);
  return batch;
}

/** Operations per second of one time box (at least one batch runs, however long it takes). */
async function timeBox(c: Case, batch: number, ms: number): Promise<number> {
  let ops = 0;
  const start = now();
  let elapsed: number;
  do {
    await runBatch(c, batch);
    ops += batch;
    elapsed = msSince(start);
  } while (elapsed < ms);
  return (ops * 1000) / elapsed;
}

/**
 * The best ops/s per implementation (the map itself), and every round's ops/s in `rounds`
 * (implementation → one value per round, rounds in order), for paired ratios.
 */
export class Measured extends Map<string, number> {
  readonly rounds = new Map<string, number[]>();
  /** Implementations measured apart from the others (`slow`): their rounds are not paired. */
  readonly unpaired = new Set<string>();
}

/**
 * Measures every case of `group`, interleaved; returns the best ops/s per implementation. The
 * `slow` cases (pure-JS peers, 30-300x slower) run after all rounds of the fast ones: they leave
 * so much garbage that a case running after them pays for its collection, and their ratios are
 * far too large to need the pairing.
 */
export async function measure(group: Group, s: Settings): Promise<Measured> {
  const batches = new Map<Case, number>();
  for (const c of group.cases) batches.set(c, await warmUp(c, c.slow ? Math.min(s.warmupMs, s.slowBoxMs) : s.warmupMs));
  const out = new Measured();
  for (const cases of [group.cases.filter((c) => !c.slow), group.cases.filter((c) => c.slow)]) {
    const n = cases.length;
    for (let r = 0; r < s.rounds; r++) {
      for (let k = 0; k < n; k++) {
        const c = cases[(r + k) % n]!;
        if (c.slow) out.unpaired.add(c.impl);
        const opsPerS = await timeBox(c, batches.get(c)!, c.slow ? s.slowBoxMs : s.boxMs);
        out.set(c.impl, Math.max(out.get(c.impl) ?? 0, opsPerS));
        let list = out.rounds.get(c.impl);
        if (!list) out.rounds.set(c.impl, (list = []));
        list.push(opsPerS);
      }
    }
  }
  return out;
}

const removeAtEnd: string[] = [];

/**
 * Removes the folder `dir` when the bench ends ({@link removeDeferredDirs}), not now. Deleting
 * tens of thousands of files makes this disk (ext4 without a journal) create files up to 8x
 * slower for minutes after: each new inode skips past every inode freed in the last minute (six
 * while their inode-table block is unwritten). A figure that creates files right after another
 * family's clean-up would pay for the bench's own deletions.
 *
 * @example
 * ```ts
 * const home = mkdtempSync(join(tmpdir(), 'sigchain-bench-'));
 * try { … } finally { removeLater(home); }
 * ```
 */
export function removeLater(dir: string): void {
  removeAtEnd.push(dir);
}

/** Removes every folder given to {@link removeLater}. */
export async function removeDeferredDirs(): Promise<void> {
  for (const dir of removeAtEnd.splice(0)) await rm(dir, { recursive: true, force: true });
}
