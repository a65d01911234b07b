/**
 * Progress of long runs on stderr: a redrawn bar on a terminal, and on anything else (a log, a
 * CI job) a plain line at each tenth of the way, at most one a second, so logs stay short.
 */

/** Where progress goes: a stream that may be a terminal. */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** Reports progress; call {@link Progress.done} at the end (also after a failure). */
export interface Progress {
  update(done: number, total: number): void;
  done(): void;
}

const fmt = (n: number): string => n.toLocaleString('en-US');

/**
 * A progress reporter for `what` (e.g. "users re-issued"). `quiet` turns the plain lines off
 * (e.g. under `--json`); a terminal still gets the bar, which leaves no trace once done.
 *
 * @example
 * ```ts
 * const p = progress(process.stderr, 'users re-issued');
 * p.update(2500, 10000); // [██████░░…]  2,500/10,000 users re-issued  25%
 * p.done();
 * ```
 */
export function progress(stream: ProgressStream, what: string, opts: { quiet?: boolean; now?: () => number } = {}): Progress {
  const now = opts.now ?? (() => Date.now());
  const started = now();
  let lastDraw = 0;
  let lastLine = 0;
  let lastStep = 0;
  let drawn = false;
  let last: [number, number] = [0, 0];
  const tty = stream.isTTY === true;
  const seconds = (): string => `${((now() - started) / 1000).toFixed(1)} s`;

  const draw = (d: number, t: number): void => {
    const pct = t ? Math.floor((100 * d) / t) : 100;
    const text = ` ${fmt(d)}/${fmt(t)} ${what}  ${String(pct).padStart(3)}%  ${seconds()}`;
    const width = Math.max(10, Math.min(40, (stream.columns ?? 80) - text.length - 3));
    const full = t ? Math.round((width * d) / t) : width;
    stream.write(`\r[${'█'.repeat(full)}${'░'.repeat(width - full)}]${text}\x1b[K`);
    drawn = true;
  };

  return {
    update(d, t) {
      last = [d, t];
      const at = now();
      if (tty) {
        // Redrawing more than ~10 times a second only costs time.
        if (at - lastDraw >= 100 || d >= t) {
          lastDraw = at;
          draw(d, t);
        }
        return;
      }
      if (opts.quiet || !t) return;
      const step = Math.floor((10 * d) / t);
      if (step > lastStep && (at - lastLine >= 1000 || d >= t)) {
        lastStep = step;
        lastLine = at;
        stream.write(`${fmt(d)}/${fmt(t)} ${what} (${Math.floor((100 * d) / t)}%, ${seconds()})\n`);
      }
    },
    done() {
      if (tty && drawn) {
        draw(...last);
        stream.write('\n');
      }
    },
  };
}
