// A reader that goes away early (`sigchain list users | head`): the CLI stops writing and exits
// as it would have, quietly — no EPIPE stack trace — whether it writes to the descriptor or has
// handed over to node's stream.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { addAccount, addOperator, addUsers } from '../../../src/workspace/index.js';
import { Workspace } from '../../../src/workspace/workspace.js';
import { CLI_PATH, GRAPH_CLI_PATH, tempHome } from '../../helpers/cli.js';

const home = tempHome('sigchain-stdio-');
const env = { PATH: process.env.PATH, HOME: home, SIGCHAIN_HOME: home, SIGCHAIN_KEYRING_BACKEND: 'file', COLUMNS: '120' };

/**
 * Runs the CLI with its stdout's reading end closed: at once (`early`), or after the first chunk
 * (a socket buffer can hold a whole small listing, so that case may or may not meet the closed
 * end); resolves with how it ended.
 */
function readThenClose(entry: string, args: string[], early: boolean): Promise<{ code: number | null; signal: string | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [entry, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    if (early) child.stdout.destroy();
    else child.stdout.once('data', () => child.stdout.destroy());
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stderr }));
  });
}

describe('output into a pipe that is closed early', () => {
  before(async () => {
    const ws = Workspace.open({ env });
    await addOperator(ws, 'O');
    await addAccount(ws, 'A');
    // ~600 table rows: far more than a pipe holds, so the writer meets the closed pipe.
    await addUsers(ws, Array.from({ length: 600 }, (_, i) => `user-${i}`), { account: 'A' });
  });
  after(() => rmSync(home, { recursive: true, force: true }));

  for (const [what, entry] of [['the bin (bundle)', CLI_PATH], ['the module graph', GRAPH_CLI_PATH]] as const) {
    for (const args of [['list', 'users', '-a', 'A'], ['list', 'users', '-a', 'A', '--json']]) {
      it(`${what}: sigchain ${args.join(' ')} | head ends quietly`, async () => {
        for (const early of [true, false]) {
          const r = await readThenClose(entry, args, early);
          assert.equal(r.code, 0, `exit ${r.code} (signal ${r.signal}): ${r.stderr}`);
          assert.doesNotMatch(r.stderr, /EPIPE|Error|\bat /, r.stderr);
        }
      });
    }
  }
});
