/**
 * Standard output and error as the CLI writes them. `process.stdout` and `process.stderr` are
 * streams that node builds on first use (for a pipe, with node's whole stream and socket
 * machinery: ~3 ms, as long as the rest of a short command), so the CLI writes to the file
 * descriptors directly, synchronously, and uses the streams only once it needs them:
 * - a write that fails (a non-blocking descriptor that is full, a closed pipe, …) hands what is
 *   left to the stream, which handles it as it always did (waits, or reports the error);
 * - code that needs the stream itself (a progress bar, a long-running command that must not
 *   block on a slow reader, a write with a callback) asks {@link StdWriter.stream} for it.
 * Either way, every later write goes to the stream too, so output never changes order: before
 * the hand-over nothing was queued, since each write had finished when it returned.
 */
import { writeSync } from 'node:fs';

/** Where a command's text goes: what the printer needs of stdout and stderr. */
export interface TextOut {
  write(text: string): unknown;
}

/**
 * One of the two descriptors.
 *
 * @example
 * ```ts
 * stdout.write('done\n');              // written before this returns
 * stdout.stream().write(big, onDone); // from here on, through process.stdout
 * ```
 */
export class StdWriter implements TextOut {
  readonly #fd: 1 | 2;
  readonly #open: () => NodeJS.WriteStream;
  #stream: NodeJS.WriteStream | undefined;
  /** The reader went away (EPIPE: `sigchain list users | head`): the rest is dropped. */
  #gone = false;

  constructor(fd: 1 | 2, open: () => NodeJS.WriteStream) {
    this.#fd = fd;
    this.#open = open;
  }

  /** The stream (process.stdout or process.stderr); every later write goes through it. */
  stream(): NodeJS.WriteStream {
    if (this.#stream) return this.#stream;
    const s = this.#open();
    // As a tool killed by SIGPIPE would: a closed pipe ends the output quietly, not with a stack
    // trace; any other error stays as loud as node makes it.
    s.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EPIPE') throw e;
      this.#gone = true;
    });
    return (this.#stream = s);
  }

  /** Writes `text`: now, or through the stream once it is in use. */
  write(text: string): boolean {
    if (this.#gone) return false;
    if (this.#stream) return this.#stream.write(text);
    const bytes = Buffer.from(text, 'utf8');
    let done = 0;
    try {
      while (done < bytes.length) done += writeSync(this.#fd, bytes, done);
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EPIPE') {
        this.#gone = true;
        return false;
      }
      return this.stream().write(bytes.subarray(done));
    }
  }
}

/** Standard output. */
export const stdout = new StdWriter(1, () => process.stdout);
/** Standard error. */
export const stderr = new StdWriter(2, () => process.stderr);
