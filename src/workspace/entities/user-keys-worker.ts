/**
 * Worker-thread entry of `newUserKeys` (user-keys.ts): makes the number of fresh user keys it
 * is given and posts them back. It reads and writes nothing.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { newUserKeysSync } from './user-keys.js';

if (parentPort) parentPort.postMessage(newUserKeysSync(workerData as number));
