/**
 * A big folder of JWTs (10,000 users) read by this thread and one more at once: the names are
 * listed here, then both threads take chunks of them from a shared counter until none is left,
 * so this thread starts at once and the other joins when it has started (~20-50 ms), and neither
 * waits for the other's share. The entries are those of {@link readJwtDirSync}, in the same
 * order: each file judged by the same code, errors with the same codes and messages. A busy
 * machine (no core idle) or a small folder is read on this thread alone.
 */
import { availableParallelism, loadavg } from 'node:os';
import { Worker } from 'node:worker_threads';
import { SigchainError, type ErrorCode } from '../errors.js';
import { ioError } from './atomic.js';
import { jwtNamesSync } from './bulk-read.js';
import type { JwtDirWorkerData, PlainJwtDirEntry } from './jwt-dir-worker.js';
import { type JwtDirEntry, readJwtEntriesSync } from './jwt-files.js';

/** Fewer files than this are read on this thread alone: a thread costs about as much to start. */
export const PARALLEL_READ_FROM = 3000;
/** Names taken at a time: small enough to share the end, big enough to keep messages few. */
const CHUNK = 250;

/** Options of {@link readJwtDir}. */
export interface ReadJwtDirOptions {
  /** Keep each file's token in its entry. */
  tokens?: boolean;
  /** Read with a second thread from this many files on (default {@link PARALLEL_READ_FROM}). */
  parallelFrom?: number;
  /** Use the second thread whatever the machine's load (for tests of its path). */
  force?: boolean;
  /** Leave every file to the second thread (for tests of its path; implies `force`). */
  helperOnly?: boolean;
}

/**
 * True when a second core is likely idle: on a machine already busy, a helper thread only adds
 * its start-up to the work (the answer is the same either way).
 */
function helperCoreFree(): boolean {
  const cores = availableParallelism();
  return cores > 1 && loadavg()[0] + 1 <= cores;
}

function fromPlain(e: PlainJwtDirEntry): JwtDirEntry {
  if ('error' in e) return { name: e.name, error: new SigchainError(e.error.code as ErrorCode, e.error.message, e.error.details) };
  return e;
}

/**
 * {@link readJwtDirSync} for folders of thousands of files: the same entries, read by two
 * threads when the machine has two cores.
 *
 * @example
 * ```ts
 * for (const u of await readJwtDir(op.usersDir('A'))) console.log(u.name, u.facts?.sub ?? u.error.code);
 * ```
 */
export async function readJwtDir(dir: string, opts: ReadJwtDirOptions = {}): Promise<JwtDirEntry[]> {
  let names: string[];
  try {
    names = jwtNamesSync(dir);
  } catch (e) {
    throw ioError('list', dir, e);
  }
  const n = names.length;
  const tokens = opts.tokens === true;
  const out: Array<JwtDirEntry | undefined> = new Array(n);
  const chunks = Math.ceil(n / CHUNK);
  // Which chunks this thread read or received; the others are the helper's.
  const have = new Uint8Array(chunks);
  let worker: Worker | undefined;
  const received: Array<{ start: number; entries: Array<PlainJwtDirEntry | null> }> = [];
  let ended: (() => void) | undefined;
  let over = false;
  const counter = new Int32Array(new SharedArrayBuffer(4));
  if (n >= (opts.parallelFrom ?? PARALLEL_READ_FROM) && (opts.force || opts.helperOnly || helperCoreFree())) {
    try {
      const workerData: JwtDirWorkerData = { dir, names, tokens, counter: counter.buffer as SharedArrayBuffer, chunk: CHUNK };
      worker = new Worker(new URL('./jwt-dir-worker.js', import.meta.url), { workerData });
      worker.unref();
      worker.on('message', (m: { start: number; entries: Array<PlainJwtDirEntry | null> }) => {
        received.push(m);
        ended?.();
      });
      // A helper that fails or stops leaves its chunks to this thread (read again below).
      const stop = () => {
        over = true;
        ended?.();
      };
      worker.on('error', stop);
      worker.on('exit', stop);
    } catch {
      worker = undefined;
    }
  }
  for (; !(worker && opts.helperOnly); ) {
    const start = Atomics.add(counter, 0, CHUNK);
    if (start >= n) break;
    readJwtEntriesSync(dir, names, start, Math.min(n, start + CHUNK), tokens, out);
    have[start / CHUNK] = 1;
  }
  const missing = (): boolean => {
    for (const m of received.splice(0)) {
      m.entries.forEach((e, i) => {
        if (e !== null) out[m.start + i] = fromPlain(e);
      });
      have[m.start / CHUNK] = 1;
    }
    return have.includes(0);
  };
  if (worker) {
    while (missing() && !over) await new Promise<void>((resolve) => (ended = resolve));
    void worker.terminate();
  }
  // Chunks a helper took but never sent (it failed): read here.
  for (let c = 0; c < chunks; c++) if (!have[c]) readJwtEntriesSync(dir, names, c * CHUNK, Math.min(n, (c + 1) * CHUNK), tokens, out);
  return out.filter((e) => e !== undefined);
}
