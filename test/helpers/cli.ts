// Runs the built CLI as a user would: a separate node process with its own environment.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = new URL('../../../', import.meta.url);
/** The package's `bin` (package.json), relative to the repository: the executable users run. */
export const BIN = (JSON.parse(readFileSync(new URL('package.json', REPO), 'utf8')) as { bin: { sigchain: string } }).bin.sigchain;
/** Its absolute path (the CLI bundle in it); tests and the benches spawn it. */
export const CLI_PATH = fileURLToPath(new URL(BIN, REPO));
/** The CLI as a module graph: main.js run directly, no bundle (what bin.cjs falls back to). */
export const GRAPH_CLI_PATH = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A fresh, empty SIGCHAIN_HOME. */
export function tempHome(prefix = 'sigchain-home-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Runs `sigchain ...args` with SIGCHAIN_HOME=home (and `env` added). */
export function runCli(home: string, args: string[], env: NodeJS.ProcessEnv = {}, input?: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_PATH, ...args], {
      // A wide screen unless a test says otherwise: tests that read cells out of a table want each
      // row on one line; the width rule itself is tested with COLUMNS given (test/cli/output).
      env: { PATH: process.env.PATH, HOME: home, SIGCHAIN_HOME: home, SIGCHAIN_KEYRING_BACKEND: 'file', COLUMNS: '1000', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}

/** Like runCli, but throws with the output when the exit code is not 0. */
export async function cli(home: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  const r = await runCli(home, args, env);
  if (r.code !== 0) throw new Error(`sigchain ${args.join(' ')} exited ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return r;
}

/** The warnings of a --json result other than the hot-wallet one a plain seed file earns (the file backend). */
export function warningsBesidesHotWallet(warnings: string[] | undefined): string[] {
  return (warnings ?? []).filter((w) => !/a hot wallet/.test(w));
}

/** stderr without the hot-wallet warning lines the file backend prints when an operator or account key signs. */
export function stderrBesidesHotWallet(stderr: string): string {
  return stderr.replace(/^\[WARN\] .*a hot wallet.*\n/gm, '');
}
