#!/usr/bin/env node
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { SigchainError } from '../errors.js';
import type { Command, CommandContext, OptionSpec, OptionValues } from './command.js';
import { GLOBAL_OPTIONS } from './globals.js';
import { commandHelp, mainHelp } from './help.js';
import { Printer } from './output/printer.js';
import { COMMANDS } from './registry.js';

function findCommand(argv: string[]): { cmd: Command; rest: string[] } | undefined {
  const words = argv.filter((a) => !a.startsWith('-'));
  let best: Command | undefined;
  for (const c of COMMANDS) {
    if (c.words.every((w, i) => words[i] === w) && (!best || c.words.length > best.words.length)) best = c;
  }
  if (!best) return undefined;
  // Remove the command words (first occurrences, in order) and keep everything else.
  const rest = [...argv];
  for (const w of best.words) rest.splice(rest.indexOf(w), 1);
  return { cmd: best, rest };
}

/**
 * parseArgs reads `-1` after `--conns` as a flag; nsc users write limits that way, so a
 * negative number right after an option that takes a value is joined to it (`--conns=-1`).
 */
function joinNegativeValues(args: string[], options: Record<string, OptionSpec>): string[] {
  const takesValue = new Set<string>();
  for (const [name, o] of Object.entries(options)) {
    if (o.type !== 'string') continue;
    takesValue.add(`--${name}`);
  }
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const next = args[i + 1];
    if (takesValue.has(a) && next !== undefined && /^-\d+$/.test(next)) {
      out.push(`${a}=${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}

function toParseArgs(options: Record<string, OptionSpec>) {
  return Object.fromEntries(Object.entries(options).map(([k, o]) => [k, { type: o.type, ...(o.short ? { short: o.short } : {}), ...(o.multiple ? { multiple: true } : {}) }]));
}

// Bounded like every untrusted input (src/input); loaded only when a command reads stdin.
async function readStdin(limit?: number): Promise<string> {
  const { MAX_TEXT_FILE_SIZE, readBoundedStream } = await import('../input/index.js');
  return readBoundedStream(process.stdin, limit ?? MAX_TEXT_FILE_SIZE);
}

/** Runs the CLI with `argv` (without `node` and the script) and returns the exit code. */
export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const json = argv.includes('--json');
  const printer = new Printer(json);
  if (argv.length === 0 || argv[0] === 'help' || argv[0] === '--help' || argv[0] === '-h') {
    const found = argv[0] === 'help' ? findCommand(argv.slice(1)) : undefined;
    process.stdout.write(found ? commandHelp(found.cmd) : mainHelp(COMMANDS));
    return 0;
  }
  if (argv[0] === '--version' || argv[0] === 'version') {
    process.stdout.write('sigchain 0.1.0\n');
    return 0;
  }
  const found = findCommand(argv);
  if (!found) {
    const first = argv.find((a) => !a.startsWith('-'));
    const near = COMMANDS.filter((c) => c.words[0] === first).map((c) => `sigchain ${c.words.join(' ')}`);
    return printer.error(new SigchainError('USAGE', near.length ? `"${argv.filter((a) => !a.startsWith('-')).join(' ')}" is not a command. Did you mean: ${near.join(', ')}?` : `Unknown command "${first ?? argv[0]}". Run \`sigchain --help\` to see the commands.`));
  }
  const { cmd, rest } = found;
  try {
    let parsed;
    try {
      const all = { ...GLOBAL_OPTIONS, ...cmd.options };
      parsed = parseArgs({ args: joinNegativeValues(rest, all), options: toParseArgs(all), allowPositionals: true, strict: true });
    } catch (e) {
      throw new SigchainError('USAGE', `${(e as Error).message.replace(/\. To specify a positional.*$/s, '.')}\nRun \`sigchain ${cmd.words.join(' ')} --help\` for the flags it takes.`);
    }
    if (parsed.values.help) {
      process.stdout.write(commandHelp(cmd));
      return 0;
    }
    const { min, max } = cmd.args ?? { min: 0, max: 0 };
    if (parsed.positionals.length < min || parsed.positionals.length > max) {
      throw new SigchainError('USAGE', `Usage: sigchain ${cmd.usage}\nRun \`sigchain ${cmd.words.join(' ')} --help\` for details.`);
    }
    const ctx: CommandContext = { positionals: parsed.positionals, options: parsed.values as OptionValues, env, printer, readStdin };
    await cmd.run(ctx);
    return printer.warnings.length && env.SIGCHAIN_STRICT_WARNINGS ? 3 : 0;
  } catch (e) {
    return printer.error(e);
  }
}

// Run when executed directly (also through npm's .bin symlink), not when imported by tests.
function isEntryPoint(): boolean {
  try {
    return !!process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}
if (isEntryPoint()) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
