// Drives fuzz workers with a watchdog: a call that runs past `hangMs` is a hang; the worker is
// killed and a fresh one carries on after that input. Findings are grouped by target, class and
// key (error class + where), the smallest example of each kept, shrunk when it is plain text,
// and written to a folder with a JSON index.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { corpus } from './corpus.js';
import { DEFAULT_LIMITS, type Finding, type Limits, inputFor, judge, targetFor } from './engine.js';
import { selectTargets } from './targets.js';

export interface FuzzOptions {
  targets?: string[];
  seed?: number;
  runs: number;
  limits?: Limits;
  /** A call running longer than this is killed and reported as a hang. */
  hangMs?: number;
  /** After this many hangs a target is skipped for the rest of the run (keeps a slice bounded). */
  maxHangsPerTarget?: number;
  /** Where to write the findings (one file per group and index.json); none when undefined. */
  outDir?: string;
  onProgress?: (done: number, total: number, findings: number) => void;
  shrink?: boolean;
}

export interface Group {
  target: string;
  cls: Finding['cls'];
  key: string;
  count: number;
  /** The smallest (shrunk) example. */
  example: Finding;
  file?: string;
}

export interface FuzzSummary {
  runs: number;
  seed: number;
  targets: string[];
  skipped: string[];
  groups: Group[];
  findings: number;
  ms: number;
}

const RESIGNED = /^(operator|account|user|activation)\//;

async function shrink(f: Finding, limits: Limits): Promise<Finding> {
  const t = selectTargets([f.target])[0]!;
  if (f.text === undefined || f.text.length > 8192 || f.ms > 50 || RESIGNED.test(f.recipe) || f.cls === 'hang' || f.cls === 'slow') return f;
  let best = f;
  let text = f.text;
  let chunk = Math.max(1, text.length >> 1);
  let budget = 400;
  while (chunk >= 1 && budget > 0) {
    let cut = false;
    for (let i = 0; i + chunk <= text.length && budget > 0; budget--) {
      const cand = text.slice(0, i) + text.slice(i + chunk);
      const g = await judge(t, { text: cand, recipe: `${f.recipe} (shrunk)`, ...(f.latin1 ? { latin1: true } : {}) }, f.seed, f.index, limits);
      if (g && g.cls === f.cls && g.key === f.key) {
        text = cand;
        best = g;
        cut = true;
      } else i += chunk;
    }
    if (!cut) chunk >>= 1;
  }
  return best;
}

function save(dir: string, g: Group, n: number): string {
  const base = `${String(n).padStart(3, '0')}-${g.target}-${g.cls}`.replace(/[^A-Za-z0-9._-]/g, '_');
  const file = join(dir, `${base}.input`);
  writeFileSync(file, Buffer.from(g.example.text ?? '', g.example.latin1 ? 'latin1' : 'utf8'));
  return file;
}

/** Runs `runs` inputs across the chosen targets and returns what was found. */
export async function runFuzz(opts: FuzzOptions): Promise<FuzzSummary> {
  const t0 = Date.now();
  const seed = opts.seed ?? 1;
  const names = opts.targets ?? [];
  const targets = selectTargets(names);
  const limits = opts.limits ?? DEFAULT_LIMITS;
  const hangMs = opts.hangMs ?? 5000;
  const maxHangs = opts.maxHangsPerTarget ?? Infinity;
  const groups = new Map<string, Group>();
  const hangs = new Map<string, number>();
  const skip = new Set<string>();
  let findings = 0;
  let done = 0;

  const add = (f: Finding): void => {
    findings++;
    const id = `${f.target}\u0000${f.cls}\u0000${f.key}`;
    const g = groups.get(id);
    if (!g) groups.set(id, { target: f.target, cls: f.cls, key: f.key, count: 1, example: f });
    else {
      g.count++;
      if (f.size < g.example.size) g.example = f;
    }
  };

  let start = 0;
  while (start < opts.runs) {
    const shared = new SharedArrayBuffer(16);
    const state = new Float64Array(shared);
    const worker = new Worker(new URL('./worker.js', import.meta.url), {
      execArgv: [...process.execArgv.filter((a) => a !== '--enable-source-maps'), '--enable-source-maps'],
      workerData: { names: targets.map((t) => t.name), seed, start, end: opts.runs, limits, skip: [...skip], shared },
    });
    const next = await new Promise<number>((resolve, reject) => {
      let finished = false;
      const timer = setInterval(() => {
        const began = state[1]!;
        if (finished || began === 0 || Date.now() - began < hangMs) return;
        finished = true;
        clearInterval(timer);
        const index = state[0]!;
        const ms = Date.now() - began;
        void worker.terminate().then(() => {
          const t = targetFor(targets, index);
          const input = inputFor(t, seed, index);
          add({ target: t.name, cls: 'hang', key: `killed after ${hangMs} ms`, message: `still running after ${ms} ms on ${input.text.length} chars`, ms, size: input.text.length, seed, index, recipe: input.recipe, text: input.text, ...(input.latin1 ? { latin1: true } : {}) });
          const n = (hangs.get(t.name) ?? 0) + 1;
          hangs.set(t.name, n);
          if (n >= maxHangs) skip.add(t.name);
          done = index + 1;
          resolve(index + 1);
        });
      }, 50);
      worker.on('message', (m: { finding?: Finding; progress?: number; done?: number }) => {
        if (m.finding) add(m.finding);
        if (m.progress !== undefined) {
          done = m.progress;
          opts.onProgress?.(done, opts.runs, findings);
        }
        if (m.done !== undefined && !finished) {
          finished = true;
          clearInterval(timer);
          void worker.terminate();
          resolve(m.done);
        }
      });
      worker.on('error', (e) => {
        if (finished) return;
        finished = true;
        clearInterval(timer);
        reject(e);
      });
    });
    start = next;
    opts.onProgress?.(start, opts.runs, findings);
  }

  const list = [...groups.values()].sort((a, b) => a.target.localeCompare(b.target) || a.cls.localeCompare(b.cls) || b.count - a.count);
  if (opts.shrink !== false) for (const g of list) if (g.cls === 'uncoded' || g.cls === 'false-accept' || g.cls === 'reads-differently') g.example = await shrink(g.example, limits);
  if (opts.outDir) {
    mkdirSync(opts.outDir, { recursive: true });
    list.forEach((g, i) => (g.file = save(opts.outDir!, g, i)));
    const index = list.map((g) => ({ target: g.target, cls: g.cls, key: g.key, count: g.count, file: g.file, seed: g.example.seed, index: g.example.index, size: g.example.size, ms: g.example.ms, recipe: g.example.recipe.slice(0, 2000), where: g.example.where, message: g.example.message.slice(0, 500) }));
    writeFileSync(join(opts.outDir, 'index.json'), `${JSON.stringify({ seed, runs: opts.runs, targets: targets.map((t) => t.name), groups: index }, null, 2)}\n`);
  }
  void corpus;
  return { runs: opts.runs, seed, targets: targets.map((t) => t.name), skipped: [...skip], groups: list, findings, ms: Date.now() - t0 };
}

/** A few lines per group: target, class, count, key, and the smallest example's recipe. */
export function formatSummary(s: FuzzSummary, max = 60): string {
  const lines = [`${s.runs} inputs, seed ${s.seed}, ${s.targets.length} targets, ${(s.ms / 1000).toFixed(1)} s: ${s.findings} findings in ${s.groups.length} groups${s.skipped.length ? ` (stopped after repeated hangs: ${s.skipped.join(', ')})` : ''}`];
  for (const g of s.groups.slice(0, max)) {
    const ex = g.example;
    const recipe = ex.recipe.length > 160 ? `${ex.recipe.slice(0, 160)}…` : ex.recipe;
    const text = ex.text !== undefined && ex.text.length <= 120 ? ` input ${JSON.stringify(ex.text)}` : '';
    lines.push(`  ${g.target} ${g.cls} ×${g.count}: ${g.key}\n      smallest: ${ex.size} chars, ${ex.ms} ms, seed ${ex.seed} #${ex.index}: ${recipe}${text}${g.file ? `\n      saved: ${g.file}` : ''}`);
  }
  if (s.groups.length > max) lines.push(`  … and ${s.groups.length - max} more groups`);
  return lines.join('\n');
}
