/**
 * Worker-thread entry of `DurableBatch`'s writer threads (bulk-writers.ts): writes the temp
 * files it is given and renames them into place when asked, exactly as the batch's own thread
 * does, and says which one failed, if one did. It touches only the paths it is given.
 */
import { parentPort } from 'node:worker_threads';
import { renameAll, writePacked } from './bulk-write.js';
import type { WriterJob } from './bulk-writers.js';

parentPort?.on('message', ({ id, job }: { id: number; job: WriterJob }) => {
  parentPort!.postMessage({ id, outcome: job.kind === 'write' ? writePacked(job.files) : renameAll(job.pairs) });
});
