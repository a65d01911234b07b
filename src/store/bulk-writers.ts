/**
 * The threads of a {@link DurableBatch} (bulk-write.ts) that write its temp files and rename
 * them into place, so the thread that computes the files (keys, signatures) goes on with the
 * next ones meanwhile. Each folder belongs to one thread: on ext4 a create or rename takes its
 * folder's lock, so two threads writing one folder wait on each other, while two writing
 * different folders do not.
 */
import { Worker } from 'node:worker_threads';

/** One temp file to write (what a worker thread is given). */
export interface TempWrite {
  tmp: string;
  data: string | Uint8Array;
  mode: number;
}

/**
 * Temp files to write, packed for a writer thread: every file's bytes in one buffer, `data`
 * from `ends[i - 1]` (0 for the first) to `ends[i]`, moved to the thread rather than copied.
 */
export interface PackedWrites {
  paths: string[];
  data: Uint8Array;
  ends: Uint32Array;
  modes: Uint32Array;
}

/** What writing or renaming a list of files came to: how many were done, and the first failure. */
export interface Outcome {
  done: number;
  failed?: { index: number; code?: string; message: string };
}

/** A job of a writer thread: temp files to write, or [temp, final] pairs to rename. */
export type WriterJob = { kind: 'write'; files: PackedWrites } | { kind: 'rename'; pairs: Array<[string, string]> };

interface Pending {
  resolve: (o: Outcome) => void;
}

/** Writer threads, each with its folders; see the module header. */
export class WriterPool {
  readonly #workers: Worker[] = [];
  readonly #pending: Array<Map<number, Pending>> = [];
  readonly #load: number[] = [];
  readonly #byDir = new Map<string, number>();
  #next = 0;

  constructor(threads: number) {
    for (let k = 0; k < threads; k++) {
      const w = new Worker(new URL('./bulk-write-worker.js', import.meta.url));
      const pending = new Map<number, Pending>();
      w.on('message', (m: { id: number; outcome: Outcome }) => {
        const p = pending.get(m.id);
        if (!p) return;
        pending.delete(m.id);
        // An idle writer must not keep the process alive; a busy one must (its caller awaits it).
        if (!pending.size) w.unref();
        p.resolve(m.outcome);
      });
      // A thread that dies answers every job it held as failed at its first item (the batch then
      // undoes by what is on the disk, not by what the thread said).
      const fail = (message: string): void => {
        for (const p of pending.values()) p.resolve({ done: 0, failed: { index: 0, message } });
        pending.clear();
      };
      w.on('error', (e) => fail(e.message));
      w.on('exit', (code) => fail(`a write thread stopped with code ${code}`));
      w.unref();
      this.#workers.push(w);
      this.#pending.push(pending);
      this.#load.push(0);
    }
  }

  /** The thread that owns `dir` (a new folder goes to the least loaded one). */
  writerOf(dir: string, files: number): number {
    let k = this.#byDir.get(dir);
    if (k === undefined) {
      k = this.#load.indexOf(Math.min(...this.#load));
      this.#byDir.set(dir, k);
    }
    this.#load[k]! += files;
    return k;
  }

  /** Runs `job` on thread `k`. */
  run(k: number, job: WriterJob): Promise<Outcome> {
    const id = this.#next++;
    const w = this.#workers[k]!;
    const pending = this.#pending[k]!;
    return new Promise((resolve) => {
      if (!pending.size) w.ref();
      pending.set(id, { resolve });
      // A packed write's bytes are moved to the thread, not copied.
      w.postMessage({ id, job }, job.kind === 'write' ? [job.files.data.buffer as ArrayBuffer] : []);
    });
  }

  /** Stops every thread (after their jobs are answered). */
  async close(): Promise<void> {
    await Promise.all(this.#workers.map((w) => w.terminate()));
  }
}
