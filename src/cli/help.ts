import type { Command, OptionSpec } from './command.js';
import { GLOBAL_OPTIONS } from './globals.js';

function optionLines(options: Record<string, OptionSpec>): string[] {
  const entries = Object.entries(options).map(([name, o]) => {
    const flagText = `${o.short ? `-${o.short}, ` : '    '}--${name}${o.type === 'string' ? ` ${o.valueName ?? 'VALUE'}` : ''}${o.multiple === 'greedy' ? '...' : o.multiple ? ' (repeatable)' : ''}`;
    return [flagText, o.description] as const;
  });
  const w = Math.min(36, Math.max(...entries.map(([f]) => f.length), 0));
  return entries.map(([f, d]) => `  ${f.padEnd(w)}  ${d}`);
}

/** The `--help` text of one command. */
export function commandHelp(cmd: Command): string {
  const lines = [`Usage: sigchain ${cmd.usage}`, '', cmd.summary, '', ...cmd.description.split('\n').map((l) => l.trimEnd())];
  if (Object.keys(cmd.options).length) lines.push('', 'Flags:', ...optionLines(cmd.options));
  // A global flag the command names for itself (nsc's `generate nkey --store`) is the command's:
  // listing both would show two meanings for one name.
  const shadowed = Object.keys(GLOBAL_OPTIONS).filter((n) => n in cmd.options);
  lines.push('', 'Global flags:', ...optionLines(Object.fromEntries(Object.entries(GLOBAL_OPTIONS).filter(([n]) => !(n in cmd.options)))));
  if (shadowed.length) lines.push(`  (${shadowed.map((n) => `--${n}`).join(', ')}: this command's own flag above, as nsc names it, not the global one)`);
  if (cmd.examples.length) lines.push('', 'Examples:', ...cmd.examples.map((e) => `  ${e}`));
  return `${lines.join('\n')}\n`;
}

/** The top-level help: every command with its summary. */
export function mainHelp(commands: ReadonlyArray<{ readonly words: readonly string[]; readonly summary: string }>): string {
  const w = Math.max(...commands.map((c) => c.words.join(' ').length));
  return [
    'sigchain — chains of signed authority: NATS operators, accounts and users, their keys and tokens.',
    '',
    'Usage: sigchain <command> [arguments] [flags]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.words.join(' ').padEnd(w)}  ${c.summary}`),
    '',
    'Global flags:',
    ...optionLines(GLOBAL_OPTIONS),
    '',
    'Everything lives under $SIGCHAIN_HOME (see `sigchain env`). Run `sigchain <command> --help` for details.',
    '',
  ].join('\n');
}
