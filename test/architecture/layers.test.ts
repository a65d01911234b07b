// The layer order of docs/layers.json holds: no import points up (a lower layer, or an earlier
// workspace part, never imports a later one), every source file belongs to a layer, and the
// imports between files form no circle.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const src = join(repo, 'src');
const spec_ = JSON.parse(readFileSync(join(repo, 'docs', 'layers.json'), 'utf8')) as {
  layers: { name: string; paths: string[] }[];
  workspaceParts: string[];
  forbidden: { from: string; to: string; values?: boolean; why: string }[];
};

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) sources(p, out);
    else if (name.endsWith('.ts')) out.push(p);
  }
  return out;
}

/** Relative imports of a file (values and types, static and dynamic), as .ts paths. */
export function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)'(\.{1,2}\/[^']+)'/g)) out.push(resolve(dirname(file), m[1]!).replace(/\.js$/, '.ts'));
  return out;
}

function layerOf(file: string): number {
  const rel = relative(src, file).split(sep).join('/');
  return spec_.layers.findIndex((l) => l.paths.some((p) => rel === p || rel.startsWith(`${p}/`)));
}

function partOf(file: string): number {
  const rel = relative(join(src, 'workspace'), file).split(sep);
  return spec_.workspaceParts.indexOf(rel.length === 1 ? '(root)' : rel[0]!);
}

const files = sources(src);
const graph = new Map(files.map((f) => [f, importsOf(f).filter((t) => t.startsWith(src))]));
const isIndex = (f: string) => f.endsWith(`${sep}index.ts`);

describe('architecture', () => {
  it('every source file belongs to a layer (and every workspace file to a part)', () => {
    assert.deepEqual(files.filter((f) => layerOf(f) < 0).map((f) => relative(src, f)), [], 'add the folder to docs/layers.json');
    const ws = files.filter((f) => f.startsWith(join(src, 'workspace') + sep));
    assert.deepEqual(ws.filter((f) => partOf(f) < 0).map((f) => relative(src, f)), [], 'add the part to workspaceParts in docs/layers.json');
  });

  it('no import points up the layers, nor to a later workspace part', () => {
    const up: string[] = [];
    for (const [f, targets] of graph) {
      if (isIndex(f) && layerOf(f) === spec_.layers.length - 1) continue;
      for (const t of targets) {
        const [a, b] = [layerOf(f), layerOf(t)];
        const sameWs = a === b && spec_.layers[a]!.name === 'workspace';
        if (b > a || (sameWs && !isIndex(f) && partOf(t) > partOf(f))) up.push(`${relative(src, f)} → ${relative(src, t)}`);
      }
    }
    assert.deepEqual(up, [], 'move the shared code down, or the importing code up');
  });

  it('no import the design forbids (docs/layers.json "forbidden")', () => {
    const seen: string[] = [];
    for (const f of files) {
      const rel = relative(src, f).split(sep).join('/');
      const text = readFileSync(f, 'utf8');
      for (const m of text.matchAll(/^import\s+(type\s+)?[^'";]*?from\s*'([^']+)'|import\(\s*'([^']+)'\s*\)/gm)) {
        const isType = !!m[1];
        const spec = m[2] ?? m[3]!;
        const target = spec.startsWith('.') ? relative(src, resolve(dirname(f), spec)).split(sep).join('/') : spec;
        for (const rule of spec ? spec_.forbidden : []) {
          const under = (p: string, prefix: string) => p === prefix || p.startsWith(`${prefix}/`) || p.startsWith(`${prefix}.`);
          if (!under(rel, rule.from) || !(target === rule.to || target.startsWith(`${rule.to}/`) || target.startsWith(`${rule.to}.`))) continue;
          if (rule.values && isType) continue;
          seen.push(`${rel} → ${spec}: ${rule.why}`);
        }
      }
    }
    assert.deepEqual(seen, []);
  });

  it('imports form no circle', () => {
    const state = new Map<string, 1 | 2>();
    const circles: string[] = [];
    const stack: string[] = [];
    const visit = (f: string): void => {
      state.set(f, 1);
      stack.push(f);
      for (const t of graph.get(f) ?? []) {
        if (state.get(t) === 1) circles.push([...stack.slice(stack.indexOf(t)), t].map((x) => relative(src, x)).join(' → '));
        else if (!state.has(t)) visit(t);
      }
      stack.pop();
      state.set(f, 2);
    };
    for (const f of files) if (!state.has(f)) visit(f);
    assert.deepEqual(circles, []);
  });

  it('the checker sees an upward import and a circle when there is one', () => {
    // A check that cannot fail proves nothing: run its parts on known facts of this tree.
    const trustFile = join(src, 'trust', 'verify-chain.ts');
    const storeFile = join(src, 'store', 'fs-store.ts');
    assert.ok(layerOf(storeFile) > layerOf(trustFile), 'store sits above trust');
    assert.ok(importsOf(join(src, 'workspace', 'index.ts')).some((t) => t.includes(`${sep}compromise${sep}`)), 'static re-exports are seen');
    assert.ok(partOf(join(src, 'workspace', 'compromise', 'scan.ts')) > partOf(join(src, 'workspace', 'signing', 'issue.ts')));
  });
});
