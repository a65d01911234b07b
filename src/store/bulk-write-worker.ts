/**
 * Worker-thread entry of `DurableBatch` (bulk-write.ts): writes its share of a batch's temp
 * files, exactly as the batch's own thread does, and says which one failed, if one did. It
 * writes only the hidden temp paths it is given.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { type TempWrite, writeTemps } from './bulk-write.js';

if (parentPort) {
  const items = workerData as TempWrite[];
  parentPort.postMessage(writeTemps(items));
}
