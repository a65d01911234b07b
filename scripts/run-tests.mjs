#!/usr/bin/env node
// Runs the compiled test suite with Node's own test runner. Optional arguments narrow it:
//   npm test -- nkeys        runs dist/test/nkeys/**
//   npm test -- cli/add      runs dist/test/cli/add*.test.js
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../dist/test/', import.meta.url).pathname;
function collect(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) collect(p, out);
    else if (name.endsWith('.test.js')) out.push(p);
  }
  return out;
}
if (!existsSync(root)) {
  console.error('No compiled tests in dist/test: run `npm run build` first.');
  process.exit(2);
}
const filters = process.argv.slice(2);
const files = collect(root).filter((f) => filters.length === 0 || filters.some((s) => f.slice(root.length).startsWith(s)));
if (files.length === 0) {
  console.error(`No test file matches ${filters.join(' ')}`);
  process.exit(2);
}
const r = spawnSync(process.execPath, ['--test', '--test-concurrency=2', ...files], { stdio: 'inherit' });
process.exit(r.status ?? 1);
