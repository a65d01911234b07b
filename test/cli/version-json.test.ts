// `--version --json` answers {"name":"sigchain","version"} wherever --version is answered; and no
// help text or message tells the user to run an nsc command (comparisons with nsc are fine).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { commandHelp, mainHelp } from '../../src/cli/help.js';
import { COMMANDS } from '../../src/cli/registry.js';
import { cli, tempHome } from '../helpers/cli.js';

it('--version --json, in any order, among global flags, and as `version --json`', async () => {
  const h = tempHome();
  const pkg = JSON.parse(readFileSync(fileURLToPath(new URL('../../../package.json', import.meta.url)), 'utf8')) as { version: string };
  for (const args of [['--version', '--json'], ['--json', '--version'], ['version', '--json'], ['--nsc', '--version', '--json']]) {
    assert.deepEqual(JSON.parse((await cli(h, args)).stdout), { name: 'sigchain', version: pkg.version }, args.join(' '));
  }
  assert.equal((await cli(h, ['--version'])).stdout, `sigchain ${pkg.version}\n`);
});

// Telling the user to run nsc: "run `nsc …`", "(`nsc push …`)", "use nsc …". Naming what nsc does is a comparison.
const ADVICE = /\b(run|use|try)\s+`?nsc\s+[a-z]|\b(push|pull|send|edit|add|regenerate)\b[^.(]{0,60}\(`nsc\s/i;

it('no help text or message in the code tells the user to run an nsc command', async () => {
  const texts = [mainHelp(COMMANDS)];
  for (const entry of COMMANDS) texts.push(commandHelp(await entry.load()));
  for (const t of texts) assert.doesNotMatch(t, ADVICE);
  const src = fileURLToPath(new URL('../../src/', import.meta.url));
  const walk = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.js') ? [join(dir, e.name)] : []));
  for (const file of walk(src)) {
    // String literals only: comments may say what nsc does.
    const code = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\/|^\s*\/\/.*$/gm, '');
    assert.doesNotMatch(code, /nsc push/, file);
    assert.doesNotMatch(code, ADVICE, file);
  }
});
