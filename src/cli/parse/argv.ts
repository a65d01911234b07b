/**
 * The command line, read as nsc reads it: the command's words, global flags on either side of
 * them (`sigchain --data-dir D list accounts`), and the command's own flags. Node's
 * `util.parseArgs` does the parsing; this file only decides where the command words are and
 * rewrites two forms parseArgs does not know into ones it does (negative numbers as values,
 * several values after one flag).
 */
import { parseArgs } from 'node:util';
import { SigchainError } from '../../errors.js';
import type { OptionSpec, OptionValues } from '../command.js';

/**
 * What "seed-shaped" means on the command line: `S`, a role letter (O A U N C M V X), then at
 * least 54 more base32 characters, anywhere in a value. An nkey seed is 58 characters; two may
 * be missing (a truncated paste still holds most of the secret), and the checksum is not
 * checked, since a mistyped seed is just as secret. Public keys (56 characters, never starting
 * with S) and tokens (base64url, mixed case) do not match.
 */
const SEED_SHAPED = /S[OAUNCMVX][A-Z2-7]{54}/;
/**
 * A seed in any letter case (lower-cased, it is the same secret once upper-cased again), as a
 * whole value or a whole path or list item: never inside a token, whose base64url parts hold
 * runs of letters and digits that could look like one.
 */
const SEED_ANY_CASE = /(?:^|[\s/\\=,:])S[OAUNCMVX][A-Z2-7]{54,56}(?=$|[\s/\\,.])/i;

/**
 * True when `text` holds something shaped like an nkey seed (see SEED_SHAPED above).
 *
 * @example
 * ```ts
 * hasSeedShape('SUAM…'); // true for a 58-character user seed, valid or not
 * hasSeedShape('UDXU4RCS…'); // false: a public key
 * ```
 */
export function hasSeedShape(text: string): boolean {
  return SEED_SHAPED.test(text) || SEED_ANY_CASE.test(text);
}

/** The refusal of a seed where none is expected; `where` names the place, never the value. */
function seedInArgument(where: string, command?: string): SigchainError {
  const takes = command ? `\nRun \`sigchain ${command} --help\` for the flags that take a key.` : '';
  return new SigchainError(
    'SEED_IN_ARGUMENT',
    `${where} looks like a seed (a private key), which is not expected there; it was not used and is not repeated here. Only -K/--private-key, --sk, --cluster-seed and \`keys import\` take a seed. If it was typed where others can see it (shell history, a shared screen), treat it as leaked.${takes}`,
    { where },
  );
}

/**
 * Refuses `argv` when any token holds a seed and no command claims it: before the command is
 * known, nothing can take a seed but the value of the global `-K/--private-key` (or
 * `--private-key=…`), so every other seed-shaped token is refused without being echoed.
 */
export function refuseStraySeeds(argv: readonly string[], globals: Record<string, OptionSpec>): void {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const found = a.startsWith('-') && a !== '-' && a !== '--' ? specOf(a.split('=')[0]!, globals) : undefined;
    if (found?.[1].type === 'string' && !a.includes('=')) {
      if (!found[1].seed && argv[i + 1] !== undefined && hasSeedShape(argv[i + 1]!)) throw seedInArgument(`The value of --${found[0]}`);
      i++;
      continue;
    }
    if (found?.[1].seed) continue;
    if (hasSeedShape(a)) throw seedInArgument(`Argument ${i + 1}`);
  }
}

/** What selects a command: its words. */
export interface Selectable {
  readonly words: readonly string[];
}

/** The spec of an exact option token (`--name` or `-n`), if it names one. */
function specOf(token: string, options: Record<string, OptionSpec>): [string, OptionSpec] | undefined {
  if (token.startsWith('--')) {
    const spec = options[token.slice(2)];
    return spec ? [token.slice(2), spec] : undefined;
  }
  if (/^-[^-]$/.test(token)) return Object.entries(options).find(([, o]) => o.short === token[1]);
  return undefined;
}

/**
 * The words of `argv` (tokens that are neither options nor the value of a global option), with
 * their positions. A value-taking global flag takes the next token whatever it looks like, so
 * `--data-dir list` names a folder called `list`, as in nsc.
 */
export function wordsOf(argv: readonly string[], globals: Record<string, OptionSpec>): Array<{ word: string; index: number }> {
  const out: Array<{ word: string; index: number }> = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') break;
    if (a.startsWith('-') && a !== '-') {
      if (specOf(a, globals)?.[1].type === 'string') i++;
      continue;
    }
    out.push({ word: a, index: i });
  }
  return out;
}

/**
 * The command `argv` selects (the one with the most leading words matched) and the arguments
 * left once its words are taken out. Global flags may come before, between or after the words.
 *
 * @example
 * ```ts
 * findCommand(['--data-dir', 'D', 'list', 'accounts'], COMMANDS, GLOBAL_OPTIONS);
 * // { entry: <list accounts>, rest: ['--data-dir', 'D'] }
 * ```
 */
export function findCommand<E extends Selectable>(argv: readonly string[], entries: readonly E[], globals: Record<string, OptionSpec>): { entry: E; rest: string[] } | undefined {
  const words = wordsOf(argv, globals);
  let best: E | undefined;
  for (const e of entries) {
    if (e.words.every((w, i) => words[i]?.word === w) && (!best || e.words.length > best.words.length)) best = e;
  }
  if (!best) return undefined;
  const taken = new Set(words.slice(0, best.words.length).map((w) => w.index));
  return { entry: best, rest: argv.filter((_, i) => !taken.has(i)) };
}

// nsc users write limits as `--conns -1`; parseArgs would read `-1` as a flag.
const NEGATIVE_NUMBER = /^-\d+$/;

/**
 * Rewrites `args` for parseArgs: a value-taking option followed by a negative number gets it
 * as its value (`--conns=-1`), and a `'greedy'` option followed by several values becomes that
 * option repeated (`--chain a b` → `--chain=a --chain=b`), the values ending at the next token
 * that starts with `-` (an option, `-` for stdin, or `--`). `--chain=a` is one value.
 */
export function normalizeArgs(args: readonly string[], options: Record<string, OptionSpec>): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      out.push(...args.slice(i));
      break;
    }
    const found = specOf(a, options);
    const next = args[i + 1];
    if (!found || found[1].type !== 'string' || next === undefined) {
      out.push(a);
      continue;
    }
    const [name, spec] = found;
    if (NEGATIVE_NUMBER.test(next)) {
      out.push(`--${name}=${next}`);
      i++;
    } else if (spec.multiple === 'greedy' && !next.startsWith('-')) {
      while (i + 1 < args.length && !args[i + 1]!.startsWith('-')) out.push(`--${name}=${args[++i]!}`);
    } else out.push(a);
  }
  return out;
}

function parseArgsOptions(options: Record<string, OptionSpec>) {
  return Object.fromEntries(Object.entries(options).map(([k, o]) => [k, { type: o.type, ...(o.short ? { short: o.short } : {}), ...(o.multiple ? { multiple: true } : {}) }]));
}

/** A command's arguments, parsed. */
export interface ParsedArgs {
  positionals: string[];
  options: OptionValues;
}

/**
 * Parses a command's arguments (its words already taken out) against its options and the
 * global ones, and checks the number of positionals unless `--help` is given. Anything it does
 * not accept is a `USAGE` error that names the command's help.
 *
 * @example
 * ```ts
 * parseCommandArgs(['T', '--chain', 'a.jwt', 'b.jwt'], verifyCommand, GLOBAL_OPTIONS);
 * // { positionals: ['T'], options: { chain: ['a.jwt', 'b.jwt'] } }
 * ```
 */
export function parseCommandArgs(
  args: readonly string[],
  cmd: { readonly words: readonly string[]; readonly usage: string; readonly options: Record<string, OptionSpec>; readonly args?: { min: number; max: number; seed?: boolean } },
  globals: Record<string, OptionSpec>,
): ParsedArgs {
  const all = { ...globals, ...cmd.options };
  const name = cmd.words.join(' ');
  let parsed;
  try {
    parsed = parseArgs({ args: normalizeArgs(args, all), options: parseArgsOptions(all), allowPositionals: true, strict: true, tokens: true });
  } catch (e) {
    // parseArgs quotes the token it could not place: never let that be a seed.
    if (hasSeedShape((e as Error).message)) throw seedInArgument(`An unknown option of \`${name}\``, name);
    throw new SigchainError('USAGE', `${(e as Error).message.replace(/\. To specify a positional.*$/s, '.')}\nRun \`sigchain ${name} --help\` for the flags it takes.`);
  }
  // Before anything reads a value: a seed goes only where the command's spec says one may.
  let position = 0;
  for (const t of parsed.tokens) {
    if (t.kind === 'option') {
      if (t.value !== undefined && !all[t.name]?.seed && hasSeedShape(t.value)) throw seedInArgument(`The value of --${t.name}`, name);
    } else if (t.kind === 'positional') {
      position++;
      if (!cmd.args?.seed && hasSeedShape(t.value)) throw seedInArgument(`Argument ${position} of \`${name}\``, name);
    }
  }
  const options = parsed.values as OptionValues;
  const { min, max } = cmd.args ?? { min: 0, max: 0 };
  if (options.help !== true && (parsed.positionals.length < min || parsed.positionals.length > max)) {
    throw new SigchainError('USAGE', `Usage: sigchain ${cmd.usage}\nRun \`sigchain ${name} --help\` for details.`);
  }
  return { positionals: parsed.positionals, options };
}
