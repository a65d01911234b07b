// `--help` of every command: each flag name means one thing. A command that names a global flag
// for itself (nsc's `generate nkey --store`) lists only its own, and says so.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { commandHelp } from '../../src/cli/help.js';
import { COMMANDS } from '../../src/cli/registry.js';

it('no command help lists one flag name twice', async () => {
  for (const entry of COMMANDS) {
    const help = commandHelp(await entry.load());
    const names = [...help.matchAll(/^  (?:-\w, |    )--([\w-]+)/gm)].map((m) => m[1]!);
    const twice = names.filter((n, i) => names.indexOf(n) !== i);
    assert.deepEqual(twice, [], `sigchain ${entry.words.join(' ')} --help lists ${twice.join(', ')} twice`);
  }
});

it("generate nkey's --store is its own (store the key), with a note, and the global --store URL is not offered", async () => {
  const help = commandHelp(await COMMANDS.find((c) => c.words.join(' ') === 'generate nkey')!.load());
  assert.match(help, /-S, --store\s+Store the seed/);
  assert.doesNotMatch(help, /--store URL/);
  assert.match(help, /\(--store: this command's own flag above/);
});
