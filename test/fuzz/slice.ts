// The bounded fuzz slice `npm test` runs: a fixed seed and a few hundred inputs per reader
// family, in a worker with a hang deadline. Any finding fails the suite (the long runs are
// `npm run fuzz`).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatSummary, runFuzz } from './run.js';

/** The slice's seed: fixed, so a failure in CI is the same failure on a laptop. */
export const SLICE_SEED = 20260801;

/** Time limits of the slice: 8x the fuzzer's defaults. */
export const SLICE_LIMITS = { baseMs: 400, msPerKiB: 24 };

/** Registers the slice test of one family. */
export function fuzzSlice(family: string, runs: number): void {
  test(`fuzz slice: ${family} readers, ${runs} inputs, seed ${SLICE_SEED}`, async () => {
    // Looser time limits than `npm run fuzz`: the suite shares two cores with nats-servers and
    // worker pools, and 134 ms for 1 KiB under that load is not a finding. A superlinear reader
    // still shows (the quadratic creds reader took seconds); the fine limits run in `npm run fuzz`.
    const s = await runFuzz({ targets: [family], runs, seed: SLICE_SEED, hangMs: 1000, maxHangsPerTarget: 1, limits: SLICE_LIMITS });
    assert.equal(s.groups.length, 0, `\n${formatSummary(s, 25)}\nReproduce: npm run fuzz -- --target ${family} --seed ${SLICE_SEED} --runs ${runs}`);
  });
}
