// Every command teaches: --help exits 0, shows usage, flags and a runnable example.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { COMMANDS } from '../../src/cli/registry.js';
import { cli } from '../helpers/cli.js';
import { home } from './fixtures-a.js';

it('every command is registered and its --help exits 0 with usage and an example', async (t) => {
  const h = home(t);
  assert.equal(new Set(COMMANDS.map((c) => c.words.join(' '))).size, COMMANDS.length, 'no two commands share their words');
  const results = await Promise.all(COMMANDS.map((c) => cli(h, [...c.words, '--help'])));
  for (const [i, r] of results.entries()) {
    const c = COMMANDS[i]!;
    assert.ok(r.stdout.startsWith(`Usage: sigchain ${c.words.join(' ')}`), r.stdout);
    assert.match(r.stdout, /\nExamples:\n {2}sigchain /);
    assert.ok(c.examples.every((e) => e.includes(`sigchain ${c.words.join(' ')}`) || e.startsWith('sigchain env')), `${c.words.join(' ')} examples run it`);
    assert.ok(c.description.length > 100, `${c.words.join(' ')} explains what and why`);
  }
  const nkey = results[COMMANDS.findIndex((c) => c.words.join(' ') === 'generate nkey')]!.stdout;
  assert.match(nkey, /Unlike nsc, which prints the seed even when storing/);
});
