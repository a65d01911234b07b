/**
 * Worker-thread entry of {@link verifyMany} and {@link verifyFiles} (`verify-many.ts`). For
 * `verifyMany`: judges one slice of tokens and posts back their errors and warnings. For
 * `verifyFiles` (`pool`): says `ready`, then reads and judges each chunk of JWT files it is sent,
 * answering for the files that are not clean only.
 * It holds no key and reads only the files it is given.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { type PlainPolicy, type VerifyManyInput, tokenJudge, verifyFilesInline, verifyManyInline } from './verify-many.js';

const data = workerData as (VerifyManyInput & { pool?: undefined }) | { pool: true; chain: string[]; policy: PlainPolicy };
if (parentPort) {
  const port = parentPort;
  if (data.pool) {
    const judge = tokenJudge(data.chain, data.policy);
    port.on('message', (job: { id: number; paths: string[] }) => {
      try {
        port.postMessage({ id: job.id, bad: verifyFilesInline(job.paths, judge) });
      } catch (e) {
        port.postMessage({ failed: e instanceof Error ? e.message : String(e) });
      }
    });
    port.postMessage('ready');
  } else {
    try {
      port.postMessage(verifyManyInline(data));
    } catch (e) {
      port.postMessage({ failed: e instanceof Error ? e.message : String(e) });
    }
  }
}
