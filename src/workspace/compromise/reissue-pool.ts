/**
 * Runs {@link UserReissuer} over many users: inline in chunks, or split over worker threads
 * when there are enough users to pay for starting them (signing is CPU-bound; on a machine whose
 * disk keeps up, N threads sign N times as many users per second).
 *
 * Progress is reported between chunks. A chunk boundary is also where an interruption lands:
 * every user is either fully re-issued (creds, then JWT) or untouched; a worker stopped
 * mid-user leaves at worst fresh creds beside the old JWT, which a re-run re-issues.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { type ErrorCode, SigchainError } from '../../errors.js';
import { type BatchSigner, type ReissueSettings, type UserJob, type UserOutcome, UserReissuer } from './reissue-users.js';
import type { RunRequest, SignReply, WorkerMessage } from './reissue-worker.js';

/** Options of {@link runUserJobs}. */
export interface RunUserJobsOptions {
  /** Called with the users done so far (of this call). Throwing stops the run. */
  onChunk?: (done: number) => void;
  /** Worker threads; 0 or 1 runs inline. Default: one per core (at most 4) from {@link PARALLEL_FROM} users. */
  workers?: number;
  /** Workers started beforehand ({@link UserWorkerPool.start}): used for any number of users, and `workers` is then moot. */
  pool?: UserWorkerPool;
}

/** Fewer users than this are re-issued inline: starting threads would cost more than it saves. */
const PARALLEL_FROM = 2000;
/** A thread is worth starting for this many users at least. */
const USERS_PER_THREAD = 100;

function chunkSize(total: number): number {
  // Small stores report often (tests interrupt mid-way); large ones every 256 users.
  return Math.max(8, Math.min(256, Math.ceil(total / 50)));
}

const breathe = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** The default number of threads for `n` users. */
export function defaultWorkers(n: number): number {
  return n >= PARALLEL_FROM ? Math.min(4, availableParallelism()) : 1;
}

/** Threads for `n` users: `workers` when given (else the default), never more than the users pay for. */
function threadsFor(n: number, workers: number | undefined): number {
  return Math.min(workers ?? defaultWorkers(n), Math.ceil(n / USERS_PER_THREAD));
}

async function runInline(jobs: readonly UserJob[], settings: ReissueSettings, sign: BatchSigner, onChunk: ((done: number) => void) | undefined): Promise<UserOutcome[]> {
  const out: UserOutcome[] = [];
  const reissuer = new UserReissuer(settings);
  const size = chunkSize(jobs.length);
  try {
    for (let i = 0; i < jobs.length; i += size) {
      out.push(...(await reissuer.reissueBatch(jobs.slice(i, i + size), sign)));
      onChunk?.(out.length);
      await breathe();
    }
  } finally {
    await reissuer.finish();
  }
  return out;
}

/**
 * Re-issue worker threads started before their jobs are known: each loads its code (tens of
 * milliseconds) while the caller does other work (writing the backup, syncing the journal). One
 * pool serves every {@link runUserJobs} call it is given, one at a time; {@link close} it after.
 *
 * @example
 * ```ts
 * const pool = UserWorkerPool.startFor(largestBatch);
 * try {
 *   await writeBackup(…);
 *   for (const jobs of byAccount) await runUserJobs(jobs, settings, sign, { pool });
 * } finally {
 *   await pool?.close();
 * }
 * ```
 */
export class UserWorkerPool {
  readonly #workers: Worker[];
  #broken = false;

  private constructor(workers: Worker[]) {
    this.#workers = workers;
  }

  /**
   * The pool {@link runUserJobs} would start for the largest batch of `n` users (with `workers`
   * as it takes them), started now; undefined when such a batch runs inline.
   */
  static startFor(n: number, workers?: number): UserWorkerPool | undefined {
    const threads = threadsFor(n, workers);
    return n >= PARALLEL_FROM && threads > 1 ? UserWorkerPool.start(threads) : undefined;
  }

  /** Starts `n` workers (at least 1). */
  static start(n: number): UserWorkerPool {
    const url = new URL('./reissue-worker.js', import.meta.url);
    return new UserWorkerPool(Array.from({ length: Math.max(1, n) }, () => new Worker(url)));
  }

  /** How many workers the pool has. */
  get size(): number {
    return this.#workers.length;
  }

  /** Stops every worker; the pool cannot run jobs after this. */
  async close(): Promise<void> {
    this.#broken = true;
    await Promise.all(this.#workers.map((w) => w.terminate()));
  }

  /** Runs `jobs` split over the pool's workers (see {@link runUserJobs}). */
  async run(jobs: readonly UserJob[], settings: ReissueSettings, sign: BatchSigner, onChunk: ((done: number) => void) | undefined): Promise<UserOutcome[]> {
    if (this.#broken) throw new Error('the re-issue workers were stopped by an earlier failure');
    const workers = this.#workers.slice(0, threadsFor(jobs.length, this.#workers.length));
    const n = workers.length;
    const slices = Array.from({ length: n }, (_, k) => jobs.slice(Math.floor((k * jobs.length) / n), Math.floor(((k + 1) * jobs.length) / n)));
    const done = new Array<number>(n).fill(0);
    const every = chunkSize(jobs.length);
    const cleanups: (() => void)[] = [];
    const stopAll = (): void => {
      if (this.#broken) return;
      this.#broken = true;
      for (const w of this.#workers) void w.terminate();
    };
    try {
      const results = await Promise.all(
        slices.map(
          (slice, k) =>
            new Promise<UserOutcome[]>((resolve, reject) => {
              const w = workers[k]!;
              const onMessage = (m: WorkerMessage): void => {
                if (this.#broken) return;
                if (m.type === 'sign') {
                  // The worker holds no key: its chunk is signed here, by the custody signer.
                  sign(m.inputs, m.subjects).then(
                    (signatures) => w.postMessage({ type: 'signed', id: m.id, signatures } satisfies SignReply),
                    (e: unknown) => w.postMessage({ type: 'sign-failed', id: m.id, ...(e instanceof SigchainError ? { code: e.code } : {}), message: e instanceof Error ? e.message : String(e) } satisfies SignReply),
                  );
                } else if (m.type === 'progress') {
                  done[k] = m.done;
                  try {
                    onChunk?.(done.reduce((a, b) => a + b, 0));
                  } catch (e) {
                    stopAll();
                    reject(e);
                  }
                } else if (m.type === 'done') {
                  done[k] = slice.length;
                  resolve(m.outcomes);
                } else {
                  stopAll();
                  reject(m.code ? new SigchainError(m.code as ErrorCode, m.message, m.details) : new Error(m.message));
                }
              };
              const onError = (e: Error): void => {
                stopAll();
                reject(e);
              };
              const onExit = (code: number): void => reject(new Error(`a re-issue worker stopped with code ${code}`));
              w.on('message', onMessage).on('error', onError).on('exit', onExit);
              cleanups.push(() => w.off('message', onMessage).off('error', onError).off('exit', onExit));
              w.postMessage({ type: 'run', settings: { ...settings, tag: `w${k}` }, jobs: slice, every } satisfies RunRequest);
            }),
        ),
      );
      onChunk?.(jobs.length);
      return results.flat();
    } finally {
      for (const c of cleanups) c();
    }
  }
}

/**
 * Re-issues `jobs` with one replacement key and returns one outcome per job, in order. If
 * `onChunk` throws (or a write fails), the run stops there and the error propagates; the users
 * done so far stay done, and temp files left by a stopped worker are removed by the next run.
 *
 * @example
 * ```ts
 * const outcomes = await runUserJobs(jobs, settings, sign, { onChunk: (n) => bar.update(n) });
 * ```
 */
export async function runUserJobs(jobs: readonly UserJob[], settings: ReissueSettings, sign: BatchSigner, opts: RunUserJobsOptions = {}): Promise<UserOutcome[]> {
  if (!jobs.length) return [];
  if (opts.pool) return opts.pool.run(jobs, settings, sign, opts.onChunk);
  const n = threadsFor(jobs.length, opts.workers);
  if (n <= 1) return runInline(jobs, settings, sign, opts.onChunk);
  const pool = UserWorkerPool.start(n);
  try {
    return await pool.run(jobs, settings, sign, opts.onChunk);
  } finally {
    await pool.close();
  }
}
