/**
 * Worker-thread entry of the parallel re-issue (`reissue-pool.ts`): re-issues one slice of the
 * users and reports progress. Errors travel back as their code and message, since a
 * SigchainError does not survive the thread boundary as itself.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { isSigchainError } from '../../errors.js';
import { type ReissueSettings, type UserJob, type UserOutcome, UserReissuer } from './reissue-users.js';

/** What the pool hands a worker. */
export interface WorkerInput {
  settings: ReissueSettings;
  jobs: UserJob[];
  /** Report progress every this many users. */
  every: number;
}

/** What a worker posts back. */
export type WorkerMessage =
  | { type: 'progress'; done: number }
  | { type: 'done'; outcomes: UserOutcome[] }
  | { type: 'error'; code?: string; message: string; details?: Record<string, unknown> };

async function run(): Promise<void> {
  const { settings, jobs, every } = workerData as WorkerInput;
  const post = (m: WorkerMessage): void => parentPort!.postMessage(m);
  const reissuer = new UserReissuer(settings);
  const outcomes: UserOutcome[] = [];
  try {
    for (let i = 0; i < jobs.length; i++) {
      outcomes.push(reissuer.reissue(jobs[i]!));
      if ((i + 1) % every === 0) post({ type: 'progress', done: i + 1 });
    }
  } catch (e) {
    post(isSigchainError(e) ? { type: 'error', code: e.code, message: e.message, ...(e.details ? { details: e.details } : {}) } : { type: 'error', message: e instanceof Error ? e.message : String(e) });
    return;
  } finally {
    await reissuer.finish();
  }
  post({ type: 'done', outcomes });
}

if (parentPort) void run();
