/**
 * Runs {@link UserReissuer} over many users, reporting progress between chunks. Chunks keep
 * the event loop breathing (a progress bar repaints, a signal is handled) and give an
 * interruption a clean point: every user is either fully re-issued or untouched.
 */
import { type ReissueSettings, type UserJob, type UserOutcome, UserReissuer } from './reissue-users.js';

/** Options of {@link runUserJobs}. */
export interface RunUserJobsOptions {
  /** Called after each chunk with the users done so far (of this call). Throwing stops the run. */
  onChunk?: (done: number) => void;
}

function chunkSize(total: number): number {
  // Small stores report often (tests interrupt mid-way); large ones every 256 users (~1/40 s).
  return Math.max(8, Math.min(256, Math.ceil(total / 50)));
}

const breathe = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Re-issues `jobs` with one replacement key, in order, inline. Returns one outcome per job (the
 * same order). If `onChunk` throws, the temp files are released and the error propagates; the
 * users done so far stay done.
 *
 * @example
 * ```ts
 * const outcomes = await runUserJobs(jobs, settings, { onChunk: (n) => bar.update(n) });
 * ```
 */
export async function runUserJobs(jobs: readonly UserJob[], settings: ReissueSettings, opts: RunUserJobsOptions = {}): Promise<UserOutcome[]> {
  const out: UserOutcome[] = [];
  if (!jobs.length) return out;
  const reissuer = new UserReissuer(settings);
  const size = chunkSize(jobs.length);
  try {
    for (let i = 0; i < jobs.length; i += size) {
      const end = Math.min(jobs.length, i + size);
      for (let k = i; k < end; k++) out.push(reissuer.reissue(jobs[k]!));
      opts.onChunk?.(out.length);
      await breathe();
    }
  } finally {
    await reissuer.finish();
  }
  return out;
}
