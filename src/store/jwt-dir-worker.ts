// A thread of a parallel folder listing (jwt-dir-read.ts): takes chunks of the sorted names from
// the shared counter until none is left, and sends each chunk's entries back as plain data (a
// SigchainError crosses as its code, message and details).
import { parentPort, workerData } from 'node:worker_threads';
import { type JwtDirEntry, readJwtEntriesSync } from './jwt-files.js';

/** What the listing gives a thread. */
export interface JwtDirWorkerData {
  dir: string;
  names: string[];
  tokens: boolean;
  /** One Int32: the index of the next name to take. */
  counter: SharedArrayBuffer;
  chunk: number;
}

/** One entry as it crosses the thread boundary. */
export type PlainJwtDirEntry =
  | { name: string; facts: NonNullable<JwtDirEntry['facts']>; token?: string }
  | { name: string; error: { code: string; message: string; details?: Record<string, unknown> } };

const data = workerData as JwtDirWorkerData;
const counter = new Int32Array(data.counter);
const n = data.names.length;
for (;;) {
  const start = Atomics.add(counter, 0, data.chunk);
  if (start >= n) break;
  const end = Math.min(n, start + data.chunk);
  const out: Array<JwtDirEntry | undefined> = new Array(end - start);
  readJwtEntriesSync(data.dir, data.names, start, end, data.tokens, out, start);
  const entries: Array<PlainJwtDirEntry | null> = out.map((e) => (e === undefined ? null : e.error ? { name: e.name, error: { code: e.error.code, message: e.error.message, ...(e.error.details ? { details: e.error.details } : {}) } } : e));
  parentPort!.postMessage({ start, entries });
}
