// The command line as nsc reads it: global flags on either side of the command words, several
// values after one flag where the usage shows `VALUE...`, repeated flags, `--` and negative
// numbers as values.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { OptionSpec } from '../../../src/cli/command.js';
import { GLOBAL_OPTIONS } from '../../../src/cli/globals.js';
import { findCommand, normalizeArgs, parseCommandArgs } from '../../../src/cli/parse/argv.js';
import { COMMANDS } from '../../../src/cli/registry.js';
import { isSigchainError } from '../../../src/errors.js';

const found = (argv: string[]) => {
  const f = findCommand(argv, COMMANDS, GLOBAL_OPTIONS);
  return f && { words: f.entry.words.join(' '), rest: f.rest };
};

describe('findCommand', () => {
  it('finds the command with global flags (and their values) before, between or after its words', () => {
    assert.deepEqual(found(['--data-dir', 'D', 'list', 'accounts']), { words: 'list accounts', rest: ['--data-dir', 'D'] });
    assert.deepEqual(found(['--keystore-dir', 'K', '--config-dir', 'C', '--nsc', 'list', 'accounts', '--json']), { words: 'list accounts', rest: ['--keystore-dir', 'K', '--config-dir', 'C', '--nsc', '--json'] });
    assert.deepEqual(found(['describe', '-K', 'X', 'operator', 'O']), { words: 'describe operator', rest: ['-K', 'X', 'O'] });
    assert.deepEqual(found(['--data-dir=D', 'list', 'users']), { words: 'list users', rest: ['--data-dir=D'] });
  });

  it("takes a global flag's value whatever it looks like, as nsc does", () => {
    // A folder named like a command word is still the flag's value.
    assert.deepEqual(found(['--data-dir', 'list', 'list', 'operators']), { words: 'list operators', rest: ['--data-dir', 'list'] });
    assert.equal(found(['--data-dir', 'D']), undefined);
  });

  it('prefers the longest command and leaves later words as arguments', () => {
    assert.deepEqual(found(['verify', 'list']), { words: 'verify', rest: ['list'] });
    assert.deepEqual(found(['add', 'operator', 'operator']), { words: 'add operator', rest: ['operator'] });
    assert.equal(found(['--', 'verify']), undefined, 'nothing after -- is a command word');
  });
});

const MULTI: Record<string, OptionSpec> = {
  chain: { type: 'string', multiple: 'greedy', valueName: 'FILE', description: 'chain' },
  tag: { type: 'string', short: 't', multiple: true, description: 'tag' },
  conns: { type: 'string', description: 'conns' },
  trust: { type: 'string', short: 'T', multiple: 'greedy', description: 'trust' },
};

describe('normalizeArgs', () => {
  it('spreads the values after a greedy flag up to the next token starting with -', () => {
    assert.deepEqual(normalizeArgs(['T', '--chain', 'a', 'b', '--conns', '3'], MULTI), ['T', '--chain=a', '--chain=b', '--conns', '3']);
    assert.deepEqual(normalizeArgs(['--chain', 'a', 'b', '--', 'T'], MULTI), ['--chain=a', '--chain=b', '--', 'T']);
    assert.deepEqual(normalizeArgs(['--chain', 'a', '-', '-T', 'x', 'y'], MULTI), ['--chain=a', '-', '--trust=x', '--trust=y']);
  });

  it('keeps --name=value as one value and leaves other flags to parseArgs', () => {
    assert.deepEqual(normalizeArgs(['--chain=a', 'b'], MULTI), ['--chain=a', 'b']);
    assert.deepEqual(normalizeArgs(['--tag', 'a', 'b'], MULTI), ['--tag', 'a', 'b']);
  });

  it('joins a negative number to the flag before it', () => {
    assert.deepEqual(normalizeArgs(['--conns', '-1', '--tag', '-2'], MULTI), ['--conns=-1', '--tag=-2']);
  });
});

describe('parseCommandArgs', () => {
  const cmd = { words: ['verify'], usage: 'verify TOKEN [--chain FILE...]', options: MULTI, args: { min: 1, max: 1 } };
  const parse = (args: string[]) => parseCommandArgs(args, cmd, GLOBAL_OPTIONS);

  it('reads several values after one flag, repeated flags, and both mixed', () => {
    assert.deepEqual(parse(['T', '--chain', 'a.jwt', 'b.jwt']).options.chain, ['a.jwt', 'b.jwt']);
    assert.deepEqual(parse(['T', '--chain', 'a.jwt', '--chain', 'b.jwt']).options.chain, ['a.jwt', 'b.jwt']);
    const after = parse(['--chain', 'a', 'b', '--chain', 'c', '--', 'T']);
    assert.deepEqual([after.positionals, { ...after.options }], [['T'], { chain: ['a', 'b', 'c'] }]);
    assert.deepEqual(parse(['-', '--json', '--chain', 'a']).positionals, ['-']);
  });

  it('refuses with USAGE when the token is swallowed by a greedy flag, naming the usage', () => {
    assert.throws(() => parse(['--chain', 'a', 'T']), (e: unknown) => isSigchainError(e, 'USAGE') && e.message.includes('Usage: sigchain verify TOKEN'));
  });

  it('refuses an unknown flag with USAGE and the command to ask for help', () => {
    assert.throws(() => parse(['T', '--nope']), (e: unknown) => isSigchainError(e, 'USAGE') && /--nope/.test(e.message) && /sigchain verify --help/.test(e.message));
  });

  it('does not count positionals when --help is asked for', () => {
    assert.equal(parse(['--help']).options.help, true);
  });
});
