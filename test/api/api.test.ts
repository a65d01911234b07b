// The public API is chosen, not accumulated: every entry point of package.json's "exports"
// resolves by its published name, and what each one exports (values and types) equals the
// snapshot in test/api/snapshot.json. A change to the API is a change to that file, made on
// purpose: `SIGCHAIN_UPDATE_API=1 npm test -- api` rewrites it, and the diff shows up in review.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const snapshotPath = join(repo, 'test', 'api', 'snapshot.json');
const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { name: string; exports: Record<string, string | { types: string; default: string }> };
const entries = Object.entries(pkg.exports).filter((e): e is [string, { types: string; default: string }] => typeof e[1] === 'object');

// One program for every entry point: building it is most of this test's time.
const program = ts.createProgram(
  entries.map(([, t]) => join(repo, t.types)),
  { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, noEmit: true },
);

/** Every name a declaration file exports, values and types alike, sorted. */
function declaredNames(dts: string): string[] {
  const checker = program.getTypeChecker();
  const symbol = checker.getSymbolAtLocation(program.getSourceFile(dts)!);
  return checker.getExportsOfModule(symbol!).map((s) => s.name).sort();
}

describe('public API', () => {
  const current: Record<string, { values: string[]; types: string[] }> = {};

  for (const [sub, target] of entries) {
    const name = sub === '.' ? pkg.name : `${pkg.name}/${sub.slice(2)}`;
    it(`${name} resolves by its published name and exports what the snapshot lists`, async () => {
      const mod = (await import(name)) as Record<string, unknown>;
      const values = Object.keys(mod).sort();
      const all = declaredNames(join(repo, target.types));
      const types = all.filter((n) => !(n in mod));
      assert.deepEqual(values.filter((v) => !all.includes(v)), [], 'every runtime export is declared');
      current[name] = { values, types };
      if (process.env.SIGCHAIN_UPDATE_API) return;
      const snapshot = JSON.parse(readFileSync(snapshotPath, 'utf8')) as typeof current;
      assert.deepEqual({ values, types }, snapshot[name], `the API of ${name} changed: if on purpose, run SIGCHAIN_UPDATE_API=1 npm test -- api`);
    });
  }

  it('internals stay out of the main entry point', async () => {
    const main = (await import(pkg.name)) as Record<string, unknown>;
    for (const internal of ['crc16', 'base32Encode', 'setOrDelete', 'goJson', 'writeFileAtomic', 'resolveSigningKeyArg', 'clearVerifiedCache', 'clearTokenFactsCache']) {
      assert.equal(internal in main, false, `${internal} is an internal`);
    }
    assert.equal(typeof main.clearCaches, 'function');
    if (process.env.SIGCHAIN_UPDATE_API) writeFileSync(snapshotPath, `${JSON.stringify(current, null, 2)}\n`);
  });
});
