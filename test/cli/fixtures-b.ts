// Fixtures and table helpers for the edit/describe/nats CLI tests: stores are built in-process
// with the library (fast), and the command under test runs as a real process (runCli).
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { type CliResult, runCli, tempHome } from '../helpers/cli.js';
import { Workspace } from '../../src/workspace/workspace.js';

/** A temp SIGCHAIN_HOME and a workspace opened on it exactly as the CLI opens it. */
export function freshHome(): { home: string; ws: Workspace } {
  const home = tempHome('sigchain-b-');
  // Seeds live in there: remove it when the test file's process ends.
  process.once('exit', () => rmSync(home, { recursive: true, force: true }));
  return { home, ws: Workspace.open({ env: { SIGCHAIN_KEYRING_BACKEND: 'file', SIGCHAIN_HOME: home, HOME: home } }) };
}

/** The value cells of the first table row labelled `label` (continuation lines included). */
export function rowValues(table: string, label: string): string[] {
  const lines = table.split('\n');
  const at = lines.findIndex((l) => new RegExp(`^│ ${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} +│`).test(l));
  assert.ok(at >= 0, `no row "${label}" in:\n${table}`);
  const cell = (l: string) => l.split('│')[2]!.trim();
  const out = [cell(lines[at]!)];
  for (let i = at + 1; i < lines.length && /^│ +│/.test(lines[i]!); i++) out.push(cell(lines[i]!));
  return out;
}

/** The single value of row `label`. */
export function row(table: string, label: string): string {
  return rowValues(table, label)[0]!;
}

/** Asserts a refusal: exit code, and the error code in the `--json` error object. */
export async function refused(home: string, args: string[], code: string, exit = code === 'USAGE' || code === 'SEED_IN_ARGUMENT' ? 2 : 1, input?: string): Promise<CliResult & { message: string }> {
  const r = await runCli(home, [...args, '--json'], {}, input);
  assert.equal(r.code, exit, `sigchain ${args.join(' ')} should exit ${exit}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  let body: { error?: { code: string; message: string } };
  try {
    body = JSON.parse(r.stdout) as typeof body;
  } catch {
    throw new Error(`stdout is not one JSON object: ${r.stdout}\nstderr: ${r.stderr}`);
  }
  assert.equal(body.error?.code, code, `expected ${code}, got ${r.stdout}`);
  return { ...r, message: body.error!.message };
}
