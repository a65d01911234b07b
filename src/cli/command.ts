import type { Printer } from './output/printer.js';

/** One option a command accepts; the description is what `--help` teaches. */
export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  /**
   * `true`: repeatable (`--tag a --tag b`). `'greedy'`: also takes several values after one
   * flag (`--chain a.jwt b.jwt`, as a shell expands `--chain accounts/*.jwt`), up to the next
   * option, `-` or `--`; the usage line shows it as `--name VALUE...`.
   */
  multiple?: boolean | 'greedy';
  /** Shown in help as `--name VALUE`. */
  valueName?: string;
  /**
   * `true` for the few options documented to take a seed (`-K`, `--sk`, `--cluster-seed`). Any
   * other option given a seed-shaped value is refused by the parser with `SEED_IN_ARGUMENT`,
   * before anything could print it, name a file after it or put it in a token.
   */
  seed?: boolean;
  description: string;
}

/** Parsed option values, by long name. */
export type OptionValues = Record<string, string | boolean | string[] | undefined>;

/** What a command receives: parsed arguments, the environment and a printer. */
export interface CommandContext {
  /** The command's words (`add user`), as the audit log names the caller. */
  readonly command?: string;
  readonly positionals: string[];
  readonly options: OptionValues;
  readonly env: NodeJS.ProcessEnv;
  readonly printer: Printer;
  /** Reads standard input fully (for `-` arguments), refusing more than `limit` bytes (TOKEN_TOO_LARGE). */
  readStdin(limit?: number): Promise<string>;
}

/**
 * A CLI command. Commands are glue: parse, call the library, print. Each lives in
 * its own file under `commands/` and is listed in `registry.ts`.
 */
export interface Command {
  /** Words that select it, e.g. `['add', 'operator']`. */
  readonly words: string[];
  readonly summary: string;
  /** Usage line after `sigchain`, e.g. `add operator NAME [flags]`. */
  readonly usage: string;
  /** Paragraphs that explain what it does and why. */
  readonly description: string;
  readonly examples: string[];
  readonly options: Record<string, OptionSpec>;
  /**
   * Smallest and largest number of positionals after the command words; `seed: true` when a
   * positional may be a seed (`keys import SEED`). Otherwise a seed-shaped positional is refused
   * by the parser with `SEED_IN_ARGUMENT`.
   */
  readonly args?: { min: number; max: number; seed?: boolean };
  /**
   * With `--json`, fields printed beside `error` when the command is refused (bad arguments
   * included), so that the output keeps one shape whatever the outcome: `verify` sets
   * `{ valid: false }`.
   */
  readonly jsonRefusal?: Readonly<Record<string, unknown>>;
  run(ctx: CommandContext): Promise<void>;
}

/** Reads a string option. */
export function str(ctx: CommandContext, name: string): string | undefined {
  const v = ctx.options[name];
  return typeof v === 'string' ? v : undefined;
}

/** Reads a boolean option. */
export function flag(ctx: CommandContext, name: string): boolean {
  return ctx.options[name] === true;
}

/** Reads a repeatable option (also splitting comma-separated values, as nsc does). */
export function list(ctx: CommandContext, name: string): string[] {
  const v = ctx.options[name];
  const items = Array.isArray(v) ? v : typeof v === 'string' ? [v] : [];
  return items.flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);
}
