/**
 * CLI start-up: every command is a process, and scripts call it in loops. Two figures, each
 * against bare `node -e 0` (peer `node_bare`) spawned the same way in the same rounds:
 *
 * - `cli.startup.version`: `sigchain --version`, the least a command can do;
 * - `cli.startup.describe_operator`: `sigchain describe operator --json` on a small store (one
 *   operator, its system account and user): a typical store read.
 *
 * Both spawn what the package's `bin` names (dist/src/cli/bin.cjs, which runs the CLI bundle
 * with its code cache), as a user's `sigchain` does; each figure's note names it. A run is timed
 * from spawn to exit (`spawnSync`), so the cost of starting node itself is in both sides. ops/s = runs per second; as everywhere in the bench, the ratio is ours / peer in
 * ops/s (the median of per-round ratios), so it is bare node's time over ours: 0.67 means we
 * take 1.5x the time of bare node. Each figure's note gives the times themselves.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Settings, Measured } from './harness.js';
import { BIN, CLI_PATH as CLI } from '../test/helpers/cli.js';
import { type Figure, figuresOf } from './report.js';


/** The figures' names. */
const VERSION_FIGURE = 'cli.startup.version';
const DESCRIBE_FIGURE = 'cli.startup.describe_operator';

interface Run {
  readonly impl: string;
  readonly args: readonly string[];
}

/** Milliseconds from spawn to exit of `node …args`; throws when it fails. */
function timeRun(args: readonly string[], env: NodeJS.ProcessEnv): number {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`bench: node ${args.join(' ')} exited ${r.status}: ${r.stderr.toString()}`);
  return ms;
}

const median = (v: number[]): number => {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** Builds the small store, runs the rounds, returns both figures. */
export async function startupFigures(settings: Settings, quick: boolean, progress: (msg: string) => void): Promise<Record<string, Figure>> {
  const home = mkdtempSync(join(tmpdir(), 'sigchain-bench-startup-'));
  try {
    const env = { PATH: process.env.PATH, HOME: home, SIGCHAIN_HOME: home };
    // An operator with its system account and user: what `add operator` makes.
    timeRun([CLI, 'add', 'operator', 'O'], { ...env, SIGCHAIN_KEYRING_BACKEND: 'file' });
    const runs: Run[] = [
      { impl: 'node_bare', args: ['-e', '0'] },
      { impl: 'version', args: [CLI, '--version'] },
      { impl: 'describe', args: [CLI, 'describe', 'operator', '--json'] },
    ];
    // More rounds than the time-boxed figures: one run is one sample, and a run is ~50 ms.
    const rounds = quick ? 1 : Math.max(settings.rounds, 30);
    progress(`measuring ${VERSION_FIGURE}, ${DESCRIBE_FIGURE} (ours, node_bare; ${rounds} rounds)…\n`);
    if (!quick) for (const r of runs) timeRun(r.args, env); // warm the file cache
    const times = new Map<string, number[]>(runs.map((r) => [r.impl, []]));
    for (let round = 0; round < rounds; round++) {
      // The starting run rotates, as in the harness, so none always runs first.
      for (let k = 0; k < runs.length; k++) {
        const r = runs[(round + k) % runs.length]!;
        times.get(r.impl)!.push(timeRun(r.args, env));
      }
    }
    const figures: Record<string, Figure> = {};
    const bare = times.get('node_bare')!;
    for (const [figure, impl] of [[VERSION_FIGURE, 'version'], [DESCRIBE_FIGURE, 'describe']] as const) {
      const ours = times.get(impl)!;
      const m = new Measured();
      m.set('ours', 1000 / Math.min(...ours));
      m.set('node_bare', 1000 / Math.min(...bare));
      m.rounds.set('ours', ours.map((t) => 1000 / t));
      m.rounds.set('node_bare', bare.map((t) => 1000 / t));
      Object.assign(figures, figuresOf(figure, m));
      const timeRatio = median(ours.map((t, i) => t / bare[i]!));
      figures[figure]!.note = `median ${median(ours).toFixed(1)} ms per run against ${median(bare).toFixed(1)} ms for \`node -e 0\`: ${timeRatio.toFixed(2)}x the time of bare node (spawn to exit, ${rounds} rounds; entry: the package's bin, ${BIN})`;
    }
    return figures;
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}
