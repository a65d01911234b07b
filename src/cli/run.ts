// The command line, once main.ts has ruled out `--version`. This file imports only what finding
// a command needs; the command's own file, and with it the workspace, the verifier or the
// worker pools, is imported when the command runs (registry.ts), and the help text only when
// asked for. test/cli/startup.test.ts counts the modules a command loads.
import { SigchainError } from '../errors.js';
import type { CommandContext } from './command.js';
import { GLOBAL_OPTIONS } from './globals.js';
import { Printer } from './output/printer.js';
import { stdout } from './output/stdio.js';
import { findCommand, parseCommandArgs, refuseStraySeeds, wordsOf } from './parse/argv.js';
import { COMMANDS } from './registry.js';

const help = () => import('./help.js');

// Bounded like every untrusted input (src/input); loaded only when a command reads stdin.
async function readStdin(limit?: number): Promise<string> {
  const { MAX_TEXT_FILE_SIZE, readBoundedStream } = await import('../input/index.js');
  return readBoundedStream(process.stdin, limit ?? MAX_TEXT_FILE_SIZE);
}

/** The flags before `--` (after it, everything is an argument). */
function flagsOf(argv: string[]): string[] {
  const end = argv.indexOf('--');
  return (end < 0 ? argv : argv.slice(0, end)).filter((a) => a.startsWith('-'));
}

/** Runs the CLI with `argv` (without `node` and the script) and returns the exit code. */
export async function run(argv: string[], env: NodeJS.ProcessEnv, version: string): Promise<number> {
  const flags = flagsOf(argv);
  const printer = new Printer(flags.includes('--json'));
  const words = wordsOf(argv, GLOBAL_OPTIONS);
  if (words[0]?.word === 'help') {
    const found = findCommand(argv.filter((_, i) => i !== words[0]!.index), COMMANDS, GLOBAL_OPTIONS);
    const { commandHelp, mainHelp } = await help();
    stdout.write(found ? commandHelp(await found.entry.load()) : mainHelp(COMMANDS));
    return 0;
  }
  const found = findCommand(argv, COMMANDS, GLOBAL_OPTIONS);
  if (!found) {
    // Unknown commands are quoted back below: a seed among the words must not be.
    try {
      refuseStraySeeds(argv, GLOBAL_OPTIONS);
    } catch (e) {
      return printer.error(e);
    }
    if (words[0]?.word === 'version' || (words.length === 0 && flags.includes('--version'))) {
      // As main.ts's versionJson (not imported: main.ts imports this file).
      const [name, number] = version.split(' ');
      stdout.write(flags.includes('--json') ? `${JSON.stringify({ name, version: number })}\n` : `${version}\n`);
      return 0;
    }
    if (words.length === 0 && (argv.length === 0 || flags.includes('--help') || flags.includes('-h'))) {
      stdout.write((await help()).mainHelp(COMMANDS));
      return 0;
    }
    const first = words[0]?.word;
    const near = COMMANDS.filter((c) => c.words[0] === first).map((c) => `sigchain ${c.words.join(' ')}`);
    if (near.length) return printer.error(new SigchainError('USAGE', `"${words.map((w) => w.word).join(' ')}" is not a command. Did you mean: ${near.join(', ')}?`));
    return printer.error(new SigchainError('USAGE', first === undefined ? 'Name a command. Run `sigchain --help` to see the commands.' : `Unknown command "${first}". Run \`sigchain --help\` to see the commands.`));
  }
  try {
    const cmd = await found.entry.load();
    if (cmd.jsonRefusal) printer.besideError(cmd.jsonRefusal);
    const parsed = parseCommandArgs(found.rest, cmd, GLOBAL_OPTIONS);
    if (parsed.options.help === true) {
      stdout.write((await help()).commandHelp(cmd));
      return 0;
    }
    const ctx: CommandContext = { command: cmd.words.join(' '), positionals: parsed.positionals, options: parsed.options, env, printer, readStdin };
    try {
      await cmd.run(ctx);
    } finally {
      // A writer killed mid-way leaves temp files; the next command, whatever it is, removes them.
      try {
        await (await import('./commands/support.js')).openWorkspace(ctx).tidy();
      } catch {
        /* flags the command itself refused: nothing to tidy */
      }
      // A KV store's connection keeps the process alive: close every one a command opened. The
      // set is a global so that commands on the directory store load nothing of the KV code.
      for (const store of (globalThis as { [k: symbol]: Set<{ close(): Promise<void> }> | undefined })[Symbol.for('sigchain.kv.open')] ?? []) await store.close();
      // A command that used a private key appended to the audit log: sign its head now, so cutting
      // records off the end shows. The set is a global so that commands that signed nothing load
      // nothing of the audit code.
      if ((globalThis as { [k: symbol]: Set<string> | undefined })[Symbol.for('sigchain.audit.unsealed')]?.size) {
        for (const problem of await (await import('../workspace/audit.js')).sealUnsealedAudits()) printer.warn(problem);
      }
    }
    if (printer.failed) return 1;
    return printer.warnings.length && env.SIGCHAIN_STRICT_WARNINGS ? 3 : 0;
  } catch (e) {
    return printer.error(e);
  }
}
