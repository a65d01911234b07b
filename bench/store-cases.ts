/**
 * Bulk store figures on a store of 10,000 users (1,000 in quick mode), built by the 10k fixture:
 *
 * - `store.validate_10k`: `validateStore` of the whole store (every user file read and its chain
 *   verified, over every core), tokens per second. Peers in the same run: `go_jwt`, Go
 *   nats-io/jwt's single-core `jwt.Decode` (parse + Ed25519 verify) of the same user tokens,
 *   timed by the differential fuzzer's Go program (`tools/go-oracle -bench`); and `one_thread`,
 *   our verification of the same tokens in memory on one thread. Goal: 1.0x of `go_jwt`. Ours
 *   are timed in a forked process of their own (bench/validate-child.ts), as Go's are. Without
 *   Go installed the `go_jwt` peer is missing and the note says why (never pretended).
 * - `store.verify_files_10k`: `sigchain verify` given the same store's user JWT files (what
 *   `verifyInputs` does for the CLI), files per second, against the same `go_jwt` rate. No goal:
 *   it shows that verifying many files spreads over the cores as `validate` does.
 */
import { fork, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { syncFileSystems } from '../src/store/sync-fs.js';
import { buildUserStore } from '../test/helpers/big-store.js';
import { goOracle } from '../test/fuzz/differential.js';
import { type Settings, removeLater } from './harness.js';
import type { ValidateChildAnswer, ValidateChildRequest } from './validate-child.js';
import { type Figure, figuresOf } from './report.js';

const VALIDATE_FIGURE = 'store.validate_10k';
const VERIFY_FILES_FIGURE = 'store.verify_files_10k';
/** Rounds of the three sides (one in quick mode). */
const FULL_ROUNDS = 5;

/** Go's single-core decode+verify rate over `tokens`, or why it could not be measured. */
function goRate(tokens: readonly string[], seconds: number): number | string {
  const oracle = goOracle();
  if ('reason' in oracle) return oracle.reason;
  const r = spawnSync(oracle.bin, ['-bench', String(seconds)], { input: `${tokens.join('\n')}\n`, encoding: 'utf8', timeout: 120_000, maxBuffer: 1 << 20 });
  const answer = (() => {
    try {
      return JSON.parse(r.stdout) as { per_second?: number; error?: string };
    } catch {
      return { error: (r.stderr || r.stdout || 'no answer').slice(0, 200) };
    }
  })();
  return typeof answer.per_second === 'number' ? answer.per_second : `go-oracle -bench failed: ${answer.error}`;
}

/** The forked {@link ValidateChildRequest} answerer: one question at a time. */
function validateChild(): { ask(m: ValidateChildRequest): Promise<Exclude<ValidateChildAnswer, { failed: string }>>; close(): void } {
  const child = fork(fileURLToPath(new URL('./validate-child.js', import.meta.url)), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return {
    ask: (m) =>
      new Promise((resolve, reject) => {
        const exit = (code: number | null): void => reject(new Error(`bench: the validate child stopped (code ${code})`));
        child.once('exit', exit);
        child.once('message', (a: ValidateChildAnswer) => {
          child.off('exit', exit);
          if ('failed' in a) reject(new Error(`bench: the validate child failed: ${a.failed}`));
          else resolve(a);
        });
        child.send(m);
      }),
    close: () => void child.kill(),
  };
}

/** Builds the store, validates it (best of a few runs), and measures the peers between runs. */
export async function storeFigures(_settings: Settings, quick: boolean, progress: (msg: string) => void): Promise<Record<string, Figure>> {
  const n = quick ? 1000 : 10_000;
  const home = mkdtempSync(join(tmpdir(), 'sigchain-bench-'));
  try {
    progress(`building a store of ${n.toLocaleString('en-US')} users for ${VALIDATE_FIGURE}…\n`);
    const store = await buildUserStore(home, n);
    await syncFileSystems([home]);
    const op = await store.ws.operator(store.operator);
    const chain = [await op.readOperatorJwt(), await op.readAccountJwt(store.account)];
    const tokens = store.users.map((u) => u.token);
    // Go's time box: long enough for a stable rate, short beside building the store.
    const seconds = quick ? 0.2 : 1;
    const rounds = quick ? 1 : FULL_ROUNDS;
    let ours = 0;
    let oneThread = 0;
    let go: number | string = 0;
    let checked = 0;
    let cold = 0;
    let files = 0;
    const dir = await store.ws.directoryOperator(store.operator);
    const userFiles = store.users.map((u) => dir.userJwtPath(store.account, u.name));
    // Interleaved: ours, one thread, Go, five times; each side's best, as the other figures (best
    // of their rounds). Ours run in a process of their own (bench/validate-child.ts says why), as
    // Go's do. Our first run is cold (V8 compiles the verifier as it runs, ~20% slower here) where
    // Go's is not: the note says what that first run came to.
    const child = validateChild();
    try {
      for (let round = 0; round < rounds; round++) {
        progress(`measuring ${VALIDATE_FIGURE} (ours, one_thread, go_jwt), round ${round + 1}…\n`);
        const r = await child.ask({ run: 'validate', home });
        if (r.problem) throw new Error(`bench: the store has problems: ${r.problem}`);
        checked = r.checked;
        if (round === 0) cold = r.checked / r.seconds;
        ours = Math.max(ours, r.checked / r.seconds);
        const o = await child.ask({ run: 'one_thread', ...(round === 0 ? { given: { tokens, chain, policy: { trustedOperators: [chain[0]!] } } } : {}) });
        if (o.problem) throw new Error(`bench: one_thread refused a token: ${o.problem}`);
        oneThread = Math.max(oneThread, o.checked / o.seconds);
        const v = await child.ask({ run: 'verify_files', home, ...(round === 0 ? { files: userFiles } : {}) });
        if (v.problem) throw new Error(`bench: verify refused a user file: ${v.problem}`);
        files = Math.max(files, v.checked / v.seconds);
        const g = goRate(tokens, seconds);
        go = typeof g === 'number' ? Math.max(typeof go === 'number' ? go : 0, g) : g;
      }
    } finally {
      child.close();
    }
    const best = new Map<string, number>([['ours', ours], ['one_thread', oneThread]]);
    if (typeof go === 'number') best.set('go_jwt', go);
    const figures = figuresOf(VALIDATE_FIGURE, best);
    const f = figures[VALIDATE_FIGURE]!;
    f.units = checked;
    f.note = `validate --all-accounts of ${checked.toLocaleString('en-US')} tokens (files read, chains verified over every core): ops/s = tokens per second, best of ${rounds} runs (the first, cold: ${Math.round(cold).toLocaleString('en-US')}/s). one_thread = the same user tokens verified in memory on one thread; go_jwt = ${typeof go === 'number' ? "Go nats-io/jwt's jwt.Decode (parse + verify) on one core over the same tokens" : `not measured: ${go}`}`;
    const verifying = new Map<string, number>([['ours', files]]);
    if (typeof go === 'number') verifying.set('go_jwt', go);
    Object.assign(figures, figuresOf(VERIFY_FILES_FIGURE, verifying));
    figures[VERIFY_FILES_FIGURE]!.units = userFiles.length;
    figures[VERIFY_FILES_FIGURE]!.note = `verify of the same ${userFiles.length.toLocaleString('en-US')} user JWT files given as inputs (sigchain verify users/*.jwt: the store's chain and roots read, each file read and judged, over every core), ops/s = files per second, best of ${rounds} runs in the same rounds and process as validate; go_jwt as above`;
    return figures;
  } finally {
    removeLater(home);
  }
}
