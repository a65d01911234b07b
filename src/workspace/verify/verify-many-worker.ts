/**
 * Worker-thread entry of {@link verifyMany} and {@link verifyFiles} (`verify-many.ts`). For
 * `verifyMany`: judges one slice of tokens and posts back their errors and warnings. For
 * `verifyFiles` (`pool`, started by `startVerifyWorkers`): says `ready`, is sent the chain and
 * policy, then reads and judges each chunk of JWT files it is sent, answering for the files that
 * are not clean only.
 * It holds no key and reads only the files it is given.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { type PlainPolicy, type VerifyManyInput, tokenJudge, verifyFilesInline, verifyManyInline } from './verify-many.js';

const data = workerData as (VerifyManyInput & { pool?: undefined }) | { pool: true };
if (parentPort) {
  const port = parentPort;
  if (data.pool) {
    // Started before the work is known: the first message is the chain and policy, the rest chunks.
    let judge: ReturnType<typeof tokenJudge> | undefined;
    port.on('message', (m: { chain: string[]; policy: PlainPolicy } | { id: number; paths: string[] }) => {
      try {
        if ('chain' in m) judge = tokenJudge(m.chain, m.policy);
        else port.postMessage({ id: m.id, bad: verifyFilesInline(m.paths, judge!) });
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
