/**
 * Worker-thread entry of {@link verifyMany} (`verify-many.ts`): judges one slice of tokens and
 * posts back their errors and warnings. It reads no file and holds no key.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { type VerifyManyInput, verifyManyInline } from './verify-many.js';

if (parentPort) {
  try {
    parentPort.postMessage(verifyManyInline(workerData as VerifyManyInput));
  } catch (e) {
    parentPort.postMessage({ failed: e instanceof Error ? e.message : String(e) });
  }
}
