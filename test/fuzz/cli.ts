// `npm run fuzz -- [--runs N] [--seed S] [--target NAME]... [--differential] [--out DIR] [--hang-ms MS]`
// Runs N inputs across the fuzz targets (or, with --differential, N re-signed tokens through
// sigchain and the Go oracle), prints progress and a summary by target and class with the
// smallest example of each, and saves the findings (inputs + index.json) to DIR.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { corpus } from './corpus.js';
import { GoOracle, compare, goOracle, tsJudge } from './differential.js';
import { resign } from './mutators.js';
import { Rng, mix } from './rng.js';
import { formatSummary, runFuzz } from './run.js';
import { TARGETS } from './targets.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '10000' },
    seed: { type: 'string' },
    target: { type: 'string', multiple: true },
    differential: { type: 'boolean', default: false },
    out: { type: 'string' },
    'hang-ms': { type: 'string', default: '5000' },
    list: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help || values.list) {
  console.log('usage: npm run fuzz -- [--runs N] [--seed S] [--target NAME|FAMILY]... [--differential] [--out DIR] [--hang-ms MS]');
  console.log(`targets: ${TARGETS.map((t) => t.name).join(', ')}`);
  process.exit(0);
}

const runs = Number(values.runs);
const seed = values.seed === undefined ? Date.now() % 1_000_000 : Number(values.seed);
if (!Number.isInteger(runs) || runs <= 0 || !Number.isInteger(seed)) {
  console.error('--runs and --seed take whole numbers');
  process.exit(2);
}
const out = values.out ?? join('fuzz-findings', `${values.differential ? 'differential' : 'fuzz'}-seed${seed}`);
const t0 = Date.now();
const progress = (done: number, total: number, found: number): void => {
  const s = (Date.now() - t0) / 1000;
  process.stderr.write(`\r${done}/${total} inputs, ${found} findings, ${s.toFixed(0)} s, ${Math.round(done / Math.max(s, 0.001))}/s   `);
};

if (values.differential) {
  const oracle = goOracle();
  if ('reason' in oracle) {
    console.error(`Differential NOT run: ${oracle.reason}.`);
    process.exit(3);
  }
  const go = new GoOracle(oracle.bin);
  const c = corpus();
  const groups = new Map<string, { cls: string; key: string; count: number; message: string; recipe: string; token: string; index: number }>();
  const counts: Record<string, number> = {};
  const BATCH = 500;
  for (let start = 0; start < runs; start += BATCH) {
    const batch: Array<{ token: string; recipe: string; index: number }> = [];
    for (let i = start; i < Math.min(runs, start + BATCH); i++) {
      const r = resign(new Rng(mix(seed, 'differential', i)), c);
      batch.push({ token: r.text, recipe: r.recipe, index: i });
    }
    const answers = await go.judge(batch.map((b) => b.token));
    batch.forEach((b, k) => {
      const d = compare(answers[k]!, tsJudge(b.token));
      if (!d) return;
      counts[d.cls] = (counts[d.cls] ?? 0) + 1;
      const id = `${d.cls}\u0000${d.key}`;
      const g = groups.get(id);
      if (!g) groups.set(id, { ...d, count: 1, recipe: b.recipe, token: b.token, index: b.index });
      else {
        g.count++;
        if (b.token.length < g.token.length) Object.assign(g, { message: d.message, recipe: b.recipe, token: b.token, index: b.index });
      }
    });
    progress(Math.min(runs, start + BATCH), runs, Object.values(counts).reduce((a, b) => a + b, 0));
  }
  go.close();
  process.stderr.write('\n');
  mkdirSync(out, { recursive: true });
  const list = [...groups.values()].sort((a, b) => a.cls.localeCompare(b.cls) || b.count - a.count);
  list.forEach((g, i) => writeFileSync(join(out, `${String(i).padStart(3, '0')}-${g.cls}.jwt`), `${g.token}\n`));
  writeFileSync(join(out, 'index.json'), `${JSON.stringify({ seed, runs, counts, groups: list.map((g, i) => ({ ...g, token: undefined, file: `${String(i).padStart(3, '0')}-${g.cls}.jwt` })) }, null, 2)}\n`);
  console.log(`Differential against Go nats-io/jwt v2 (${oracle.bin}): ${runs} re-signed tokens, seed ${seed}, ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  console.log(`  ${Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(', ') || 'no differences'} (stricter = Go accepts, sigchain refuses: allowed)`);
  for (const g of list.filter((x) => x.cls !== 'stricter').slice(0, 40)) console.log(`  ${g.cls} ×${g.count}: ${g.key}\n      smallest: ${g.token.length} chars, #${g.index}: ${g.recipe.slice(0, 160)}\n      ${g.message.slice(0, 200)}`);
  const stricter = list.filter((x) => x.cls === 'stricter');
  if (stricter.length) console.log(`  stricter (allowed): ${stricter.slice(0, 10).map((g) => `${g.key} ×${g.count}`).join('; ')}`);
  console.log(`Saved to ${out}`);
  process.exit(list.some((g) => g.cls !== 'stricter') ? 1 : 0);
}

const summary = await runFuzz({ runs, seed, targets: values.target ?? [], hangMs: Number(values['hang-ms']), outDir: out, onProgress: progress });
process.stderr.write('\n');
console.log(formatSummary(summary, 80));
console.log(`Saved to ${out} (index.json lists each group's seed and index: npm run fuzz -- --seed ${seed} --target NAME regenerates it)`);
process.exit(summary.groups.length ? 1 : 0);
