/**
 * `npm run [--silent] bench [-- --json] [-- --quick] [-- --only FAMILY]`: sigchain's hot paths against
 * their peers, measured in one run. `--json` writes exactly one JSON object to stdout (progress
 * goes nowhere); `--quick` or SIGCHAIN_BENCH_QUICK=1 uses tiny time boxes, for smoke tests
 * only; `--only nkey|jwt|trust|wasm|invocation|reissue|store|cli|agent|custody|host|push|kv` measures one family of figures.
 */
import { agentFigures } from './agent-cases.js';
import { custodyFigures } from './custody-cases.js';
import { hostFigures } from './host-cases.js';
import { pushFigures } from './push-cases.js';
import { FULL, type Group, QUICK, collectGarbage, measure, removeDeferredDirs } from './harness.js';
import { invocationGroups, replayCacheFigure } from './invocation-cases.js';
import { jwtGroups } from './jwt-cases.js';
import { kvFigures } from './kv-cases.js';
import { nkeyGroups } from './nkey-cases.js';
import { type Report, figuresOf, renderTable } from './report.js';
import { reissueFigures } from './reissue-cases.js';
import { startupFigures } from './startup-cases.js';
import { storeBulkFigures } from './store-bulk-cases.js';
import { storeFigures } from './store-cases.js';
import { trustGroups } from './trust-cases.js';
import { wasmGroups } from './wasm-cases.js';

async function main(argv: string[]): Promise<void> {
  const json = argv.includes('--json');
  const quick = argv.includes('--quick') || process.env.SIGCHAIN_BENCH_QUICK === '1';
  const settings = quick ? QUICK : FULL;
  const progress = (msg: string): void => {
    if (!json) process.stderr.write(msg);
  };

  // Each family's fixtures are built just before it is measured and dropped after, so no
  // figure runs on a heap swollen by another's token pools (a bigger heap makes every
  // collection dearer, and only the side that allocates pays).
  const only = argv.includes('--only') ? argv[argv.indexOf('--only') + 1] : undefined;
  const wanted = (family: string): boolean => only === undefined || only === family;
  const families: Array<[string, () => Group[]]> = [['nkey', nkeyGroups], ['jwt', jwtGroups], ['trust', trustGroups], ['wasm', wasmGroups], ['invocation', invocationGroups]];
  const report: Report = { figures: {}, settings: { ...settings, quick, node: process.versions.node } };
  // Start-up first: separate processes, timed before this one has built any fixtures.
  if (wanted('cli')) Object.assign(report.figures, await startupFigures(settings, quick, progress));
  for (const [name, family] of families) {
    if (!wanted(name)) continue;
    collectGarbage();
    for (const group of family()) {
      progress(`measuring ${group.figure} (${group.cases.map((c) => c.impl).join(', ')})…\n`);
      Object.assign(report.figures, figuresOf(group.figure, await measure(group, settings)));
    }
  }
  collectGarbage();
  if (wanted('invocation')) Object.assign(report.figures, replayCacheFigure(quick, progress));
  collectGarbage();
  if (wanted('reissue')) Object.assign(report.figures, await reissueFigures(settings, quick, progress));
  collectGarbage();
  if (wanted('store')) Object.assign(report.figures, await storeBulkFigures(settings, quick, progress));
  collectGarbage();
  if (wanted('store')) Object.assign(report.figures, await storeFigures(settings, quick, progress));
  collectGarbage();
  if (wanted('agent')) Object.assign(report.figures, await agentFigures(settings, quick, progress));
  collectGarbage();
  if (wanted('custody')) Object.assign(report.figures, await custodyFigures(settings, quick, progress));
  collectGarbage();
  if (wanted('host')) Object.assign(report.figures, await hostFigures(quick, progress));
  collectGarbage();
  if (wanted('push')) Object.assign(report.figures, await pushFigures(quick, progress));
  if (wanted('kv')) Object.assign(report.figures, await kvFigures(quick, progress));
  process.stdout.write(json ? `${JSON.stringify(report)}\n` : `\n${renderTable(report)}`);
}

main(process.argv.slice(2)).finally(removeDeferredDirs).catch((e: unknown) => {
  process.stderr.write(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
