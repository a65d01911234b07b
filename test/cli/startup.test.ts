// Start-up: every command is a process, so what a command line loads is part of its cost.
// `--version` loads main.js and the version alone; a store read loads its own command and the
// layers it reads through, never another command, the verifier, the compromise/re-issue
// machinery or the help. Modules are counted by a loader hook that logs every file it loads, in
// the module graph (main.js run directly, what the executable runs when there is no bundle):
// the bundle holds every module, but initialises only those the graph would load
// (test/cli/bundle.test.ts checks the executable itself).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { GRAPH_CLI_PATH, cli, tempHome } from '../helpers/cli.js';

const SRC = new URL('../../src/', import.meta.url).href;

/** The hook: log each `file:` URL loaded, one a line, to $SIGCHAIN_TEST_LOAD_LOG (synchronously). */
const HOOK = `import { appendFileSync } from 'node:fs';
export async function load(url, context, next) {
  if (url.startsWith('file:')) appendFileSync(process.env.SIGCHAIN_TEST_LOAD_LOG, url + '\\n');
  return next(url, context);
}`;

/** The sigchain modules (paths under src/) that `sigchain …args` loads. */
function loaded(home: string, args: string[]): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'sigchain-startup-'));
  try {
    const log = join(dir, 'loaded.txt');
    writeFileSync(log, '');
    const register = join(dir, 'register.mjs');
    writeFileSync(register, `import { register } from 'node:module';\nregister(${JSON.stringify(`data:text/javascript,${encodeURIComponent(HOOK)}`)});\n`);
    const r = spawnSync(process.execPath, ['--import', register, GRAPH_CLI_PATH, ...args], { env: { PATH: process.env.PATH, HOME: home, SIGCHAIN_HOME: home, SIGCHAIN_TEST_LOAD_LOG: log }, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return readFileSync(log, 'utf8').split('\n').filter((u) => u.startsWith(SRC)).map((u) => u.slice(SRC.length));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('CLI start-up', () => {
  it('--version loads main.js and the version, nothing else of sigchain', () => {
    const h = tempHome('sigchain-startup-');
    assert.deepEqual(loaded(h, ['--version']), ['cli/main.js', 'cli/version.cjs']);
  });

  it('a store read loads its own command only: no verifier, compromise, re-issue, issuing or help code', async () => {
    const h = tempHome('sigchain-startup-');
    await cli(h, ['add', 'operator', 'O']);
    const modules = loaded(h, ['describe', 'operator', '--json']);
    assert.ok(modules.includes('cli/commands/describe-operator.js'), modules.join(' '));
    const commands = modules.filter((m) => m.startsWith('cli/commands/'));
    assert.deepEqual(commands.filter((m) => !/\/(describe-operator|describe-output|support)\.js$/.test(m)), [], 'no other command file');
    const heavy = modules.filter((m) => /^trust\/|^input\/|compromise|reissue|worker|^claims\/nats\/validate|^cli\/help|^cli\/render\/|\/index\.js$/.test(m));
    assert.deepEqual(heavy, [], 'nothing a JSON store read does not use');
    // Today 54: no barrel index, no token reader (the store is trusted input), and of custody only
    // its router and the backend names (no backend, no age, no prompt); cli/version.cjs and
    // cli/output/stdio.js came with the bundle, store/native-fs.js (the folder reader's native
    // calls; the addon itself loads only when a folder is read) in session 8. The bound leaves
    // room for a file or two, not for a layer.
    assert.ok(modules.length <= 56, `${modules.length} modules: ${modules.join(' ')}`);
  });
});
