// The command line tells the truth: every example in every command's help parses with that
// command's parser, and the usage line names only flags the command takes, takes several values
// exactly where it shows `VALUE...`, and names every flag unless it says `[flags]`.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Command, OptionSpec } from '../../src/cli/command.js';
import { GLOBAL_OPTIONS } from '../../src/cli/globals.js';
import { findCommand, parseCommandArgs } from '../../src/cli/parse/argv.js';
import { COMMANDS } from '../../src/cli/registry.js';

/**
 * The `sigchain …` invocations of one example line, split into words as a POSIX shell would
 * (quotes, `#` comments, `|`, `&&`, `;` and `>` redirections end an invocation).
 */
function invocations(line: string): string[][] {
  const commands: string[][] = [];
  let words: string[] = [];
  let word: string | undefined;
  let redirect = false;
  const endWord = (): void => {
    if (word !== undefined) {
      if (redirect) redirect = false;
      else words.push(word);
    }
    word = undefined;
  };
  const endCommand = (): void => {
    endWord();
    if (words.length) commands.push(words);
    words = [];
  };
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === "'" || c === '"') {
      const close = line.indexOf(c, i + 1);
      assert.ok(close > i, `unclosed quote in: ${line}`);
      word = (word ?? '') + line.slice(i + 1, close);
      i = close;
    } else if (c === ' ' || c === '\t') endWord();
    else if (c === '#' && word === undefined) break;
    else if (c === '|' || c === ';' || c === '&') {
      endCommand();
      if (line[i + 1] === c) i++;
    } else if (c === '>' || c === '<') {
      endWord();
      redirect = true;
    } else word = (word ?? '') + c;
  }
  endCommand();
  return commands.filter((w) => w[0] === 'sigchain').map((w) => w.slice(1));
}

it('the example splitter reads quotes, comments, pipes and redirections as a shell does', () => {
  assert.deepEqual(invocations(`cat a | sigchain verify - --allow-pub "orders.>" > out.json   # note`), [['verify', '-', '--allow-pub', 'orders.>']]);
  assert.deepEqual(invocations(`sigchain a 'x y' && sigchain b -o f && nats-server -c f`), [['a', 'x y'], ['b', '-o', 'f']]);
});

/** The options a usage line names: `--long` and `-s` tokens, and whether each shows `VALUE...`. */
function usageOptions(usage: string): Map<string, { greedy: boolean }> {
  const out = new Map<string, { greedy: boolean }>();
  for (const m of usage.matchAll(/(?<![\w-])(--?[a-zA-Z][\w-]*)((?:[ =](?:[A-Z][A-Z_]*|'\*'))?(\.\.\.)?)/g)) {
    out.set(m[1]!, { greedy: m[3] !== undefined });
  }
  return out;
}

function nameOf(flag: string, options: Record<string, OptionSpec>): string | undefined {
  if (flag.startsWith('--')) return flag.slice(2) in options ? flag.slice(2) : undefined;
  return Object.entries(options).find(([, o]) => o.short === flag.slice(1))?.[0];
}

describe('usage lines and examples', async () => {
  const commands: Command[] = await Promise.all(COMMANDS.map((e) => e.load()));
  for (const cmd of commands) {
    const name = cmd.words.join(' ');
    it(`${name}: every example parses with its command's parser`, async () => {
      for (const example of cmd.examples) {
        const runs = invocations(example);
        assert.ok(runs.length > 0, `${name}: "${example}" runs sigchain`);
        for (const argv of runs) {
          const found = findCommand(argv, COMMANDS, GLOBAL_OPTIONS);
          assert.ok(found, `${name}: "${example}" names a command`);
          const target = await found.entry.load();
          assert.doesNotThrow(() => parseCommandArgs(found.rest, target, GLOBAL_OPTIONS), `${name}: "${example}" does not parse`);
        }
      }
    });

    it(`${name}: the usage line names its flags truthfully`, () => {
      assert.ok(cmd.usage.startsWith(`${name}`), `${name}: usage starts with the command words: ${cmd.usage}`);
      const all = { ...GLOBAL_OPTIONS, ...cmd.options };
      const shown = usageOptions(cmd.usage.slice(name.length));
      const named = new Set<string>();
      for (const [flag, { greedy }] of shown) {
        const option = nameOf(flag, all);
        assert.ok(option, `${name}: the usage line shows ${flag}, which the command does not take`);
        named.add(option);
        assert.equal(greedy, all[option]!.multiple === 'greedy', `${name}: ${flag} is shown ${greedy ? 'with' : 'without'} "..." but ${all[option]!.multiple === 'greedy' ? 'takes' : 'does not take'} several values`);
      }
      if (!/\bflags\]/.test(cmd.usage)) {
        const missing = Object.keys(cmd.options).filter((o) => !named.has(o));
        assert.deepEqual(missing, [], `${name}: the usage line neither names these flags nor says [flags]`);
      }
    });
  }
});
