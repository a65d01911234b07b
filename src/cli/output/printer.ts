import { SigchainError } from '../../errors.js';
import { type TextOut, stderr as stdErr, stdout as stdOut } from './stdio.js';
import { forTerminal } from './terminal-text.js';

/**
 * Where a command's output goes. Status lines (`[ OK ]`, `[WARN]`) go to stderr so that
 * stdout carries only the result: a table, a raw token, or with `--json` exactly one
 * JSON object that scripts can parse.
 */
export class Printer {
  readonly json: boolean;
  readonly #stdout: TextOut;
  readonly #stderr: TextOut;
  readonly warnings: string[] = [];
  readonly messages: string[] = [];
  /**
   * Set by a command that printed its own refusals (one line per item judged, as `invocation
   * verify` does) and must exit 1 without an error object of its own.
   */
  failed = false;
  #beside: Record<string, unknown> = {};

  constructor(json: boolean, stdout: TextOut = stdOut, stderr: TextOut = stdErr) {
    this.json = json;
    this.#stdout = stdout;
    this.#stderr = stderr;
  }

  /** A step that succeeded. */
  ok(message: string): void {
    this.messages.push(message);
    if (!this.json) this.#stderr.write(`[ OK ] ${forTerminal(message)}\n`);
  }

  /** Something that works but carries a risk the user should fix. */
  warn(message: string): void {
    this.warnings.push(message);
    this.#stderr.write(`[WARN] ${forTerminal(message)}\n`);
  }

  /** Human-only information (hidden in JSON mode). */
  info(message: string): void {
    if (!this.json) this.#stderr.write(`${forTerminal(message)}\n`);
  }

  /** Writes the command's result: `text` for people, `data` for `--json`. */
  result(data: unknown, text?: string): void {
    if (this.json) {
      const body = data !== null && typeof data === 'object' && !Array.isArray(data) ? { ...data } : { result: data };
      if (this.warnings.length) (body as Record<string, unknown>).warnings = this.warnings;
      this.#stdout.write(`${JSON.stringify(body, null, 2)}\n`);
    } else if (text !== undefined) {
      const safe = forTerminal(text);
      this.#stdout.write(safe.endsWith('\n') ? safe : `${safe}\n`);
    }
  }

  /** Raw text on stdout in any mode (e.g. `describe --raw`, `generate nkey`). */
  raw(text: string): void {
    const safe = forTerminal(text);
    this.#stdout.write(safe.endsWith('\n') ? safe : `${safe}\n`);
  }

  /**
   * Fields printed before `error` if the command is refused under `--json` (later calls add to
   * earlier ones), so that a command's JSON keeps its shape on refusal: `verify` prints
   * `{"valid":false,…,"error":{…}}` where it would print `{"valid":true,…}`.
   */
  besideError(fields: Readonly<Record<string, unknown>>): void {
    this.#beside = { ...this.#beside, ...fields };
  }

  /** Prints a refusal. Returns the exit code. */
  error(e: unknown): number {
    if (e instanceof SigchainError) {
      if (this.json) this.#stdout.write(`${JSON.stringify({ ...this.#beside, error: e.toJSON() }, null, 2)}\n`);
      else this.#stderr.write(`[ERR ] ${forTerminal(e.message)}\n       (code ${e.code})\n`);
      return e.code === 'USAGE' || e.code === 'SEED_IN_ARGUMENT' ? 2 : 1;
    }
    const message = e instanceof Error ? e.message : String(e);
    if (this.json) this.#stdout.write(`${JSON.stringify({ ...this.#beside, error: { code: 'INTERNAL', message } }, null, 2)}\n`);
    else this.#stderr.write(`[ERR ] unexpected failure: ${forTerminal(message)}\n       Please report this; set SIGCHAIN_DEBUG=1 to see where it happened.\n`);
    if (process.env.SIGCHAIN_DEBUG && e instanceof Error) this.#stderr.write(`${e.stack}\n`);
    return 1;
  }
}
