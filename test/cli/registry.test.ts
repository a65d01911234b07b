// Every command teaches: --help exits 0, shows usage, flags and a runnable example; and the
// registry (what `sigchain --help` lists without loading any command) says what each command
// file says.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { COMMANDS } from '../../src/cli/registry.js';
import { cli } from '../helpers/cli.js';
import { home } from './fixtures-a.js';

it("each registry entry's words and summary are those of the command it loads", async () => {
  for (const entry of COMMANDS) {
    const cmd = await entry.load();
    assert.deepEqual(cmd.words, entry.words, `registry.ts lists ${entry.words.join(' ')} but its file says ${cmd.words.join(' ')}`);
    assert.equal(cmd.summary, entry.summary, `the summary of ${entry.words.join(' ')} differs between registry.ts and its file`);
  }
});

it('every command is registered and its --help exits 0 with usage and an example', async (t) => {
  const h = home(t);
  const commands = await Promise.all(COMMANDS.map((e) => e.load()));
  assert.equal(new Set(commands.map((c) => c.words.join(' '))).size, commands.length, 'no two commands share their words');
  const results = await Promise.all(commands.map((c) => cli(h, [...c.words, '--help'])));
  for (const [i, r] of results.entries()) {
    const c = commands[i]!;
    assert.ok(r.stdout.startsWith(`Usage: sigchain ${c.words.join(' ')}`), r.stdout);
    assert.match(r.stdout, /\nExamples:\n {2}sigchain /);
    assert.ok(c.examples.every((e) => e.includes(`sigchain ${c.words.join(' ')}`) || e.startsWith('sigchain env')), `${c.words.join(' ')} examples run it`);
    assert.ok(c.description.length > 100, `${c.words.join(' ')} explains what and why`);
  }
  const nkey = results[commands.findIndex((c) => c.words.join(' ') === 'generate nkey')]!.stdout;
  assert.match(nkey, /Unlike nsc, which prints the seed even when storing/);
});
