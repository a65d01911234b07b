/**
 * Worker-thread entry of the parallel re-issue (`reissue-pool.ts`): re-issues one slice of the
 * users and reports progress. The worker holds no private key: each chunk's signing inputs go
 * to the main thread, whose custody signer answers with the signatures. Errors travel back as
 * their code and message, since a SigchainError does not survive the thread boundary as itself.
 */
import { parentPort } from 'node:worker_threads';
import { isSigchainError } from '../../errors.js';
import { type BatchSigner, type ReissueSettings, type SignedBatch, type UserJob, type UserOutcome, UserReissuer } from './reissue-users.js';

/** What the pool asks a worker to do: re-issue one slice of users. A worker serves several in turn. */
export interface RunRequest {
  type: 'run';
  settings: ReissueSettings;
  jobs: UserJob[];
  /** Report progress every this many users. */
  every: number;
}

/** What a worker posts back. */
export type WorkerMessage =
  | { type: 'progress'; done: number }
  | { type: 'sign'; id: number; inputs: readonly string[]; subjects: readonly string[] }
  | { type: 'done'; outcomes: UserOutcome[] }
  | { type: 'error'; code?: string; message: string; details?: Record<string, unknown> };

/** What the main thread answers a `sign` request with. */
export type SignReply = { type: 'signed'; id: number; signatures: Uint8Array[] } | { type: 'sign-failed'; id: number; code?: string; message: string };

class SignFailed extends Error {
  constructor(readonly code: string | undefined, message: string) {
    super(message);
  }
}

const post = (m: WorkerMessage): void => parentPort!.postMessage(m);
const waiting = new Map<number, { resolve: (s: Uint8Array[]) => void; reject: (e: Error) => void }>();
let next = 0;
const sign: BatchSigner = (inputs, subjects) =>
  new Promise((resolve, reject) => {
    const id = next++;
    waiting.set(id, { resolve, reject });
    post({ type: 'sign', id, inputs, subjects });
  });

async function run({ settings, jobs, every }: RunRequest): Promise<void> {
  const reissuer = new UserReissuer(settings);
  const outcomes: UserOutcome[] = [];
  // One batch ahead: the next batch is signed on the main thread while this one is written, so
  // neither the signer waits for the disk nor the disk for the signer.
  const batch = (i: number): readonly UserJob[] => jobs.slice(i, i + every);
  let ahead: Promise<SignedBatch> | undefined;
  try {
    ahead = reissuer.signBatch(batch(0), sign);
    for (let i = 0; i < jobs.length; i += every) {
      const signed = await ahead!;
      ahead = i + every < jobs.length ? reissuer.signBatch(batch(i + every), sign) : undefined;
      outcomes.push(...reissuer.writeBatch(batch(i), signed));
      post({ type: 'progress', done: outcomes.length });
    }
  } catch (e) {
    ahead?.catch(() => undefined); // signed ahead, never written: its failure is moot
    if (e instanceof SignFailed) {
      post({ type: 'error', ...(e.code ? { code: e.code } : {}), message: e.message });
      return;
    }
    post(isSigchainError(e) ? { type: 'error', code: e.code, message: e.message, ...(e.details ? { details: e.details } : {}) } : { type: 'error', message: e instanceof Error ? e.message : String(e) });
    return;
  } finally {
    await reissuer.finish();
  }
  post({ type: 'done', outcomes });
}

parentPort?.on('message', (m: SignReply | RunRequest) => {
  if (m.type === 'run') {
    void run(m);
    return;
  }
  const w = waiting.get(m.id);
  if (!w) return;
  waiting.delete(m.id);
  if (m.type === 'signed') w.resolve(m.signatures);
  else w.reject(new SignFailed(m.code, m.message));
});
