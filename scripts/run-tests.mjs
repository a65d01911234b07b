#!/usr/bin/env node
// Runs the compiled test suite with Node's own test runner. Optional arguments narrow it:
//   npm test -- nkeys        runs dist/test/nkeys/**
//   npm test -- cli/add      runs dist/test/cli/add*.test.js
//
// Every test makes its temp folders under os.tmpdir(): the run points TMPDIR (inherited by every
// process a test starts) at one scratch folder of its own and removes it when the run ends,
// passed, failed or interrupted, so no run leaves litter in /tmp whatever a test forgot.
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
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

/** Removes `dir`, first making writable what a test left without write permission. */
function removeAll(dir) {
  try {
    rmSync(dir, { recursive: true, force: true });
    return;
  } catch {
    // fall through: a folder a test made read-only (not a problem for root)
  }
  const open = (p) => {
    try {
      chmodSync(p, 0o700);
      for (const name of readdirSync(p)) if (statSync(join(p, name)).isDirectory()) open(join(p, name));
    } catch {
      // gone already, or not ours to open
    }
  };
  open(dir);
  try {
    rmSync(dir, { recursive: true, force: true });
  } catch (e) {
    console.error(`run-tests: could not remove the test scratch folder ${dir}: ${e.message}`);
  }
}

const scratch = mkdtempSync(join(tmpdir(), 'sigchain-tests-'));
// Passable, not listable, as /tmp is for the folders under it: a test that runs a client as
// another user opens its own folder to it (every test folder is 0700 unless a test says so).
chmodSync(scratch, 0o711);
const child = spawn(process.execPath, ['--test', '--test-concurrency=2', ...files], { stdio: 'inherit', env: { ...process.env, TMPDIR: scratch } });
// Ctrl-C reaches the test runner too (same process group): wait for it, then clean up.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => {
  removeAll(scratch);
  process.exit(code ?? (signal ? 1 : 0));
});
