/**
 * Fresh user keys as text, many at once: for a big batch about half of them made by a worker thread
 * (user-keys-worker.ts) beside this one. Each is a random seed and its public key derived by
 * `KeyPair` (a JWK import: no DER encoding or PKCS#8 decoding). Not `generateKeyPairSync` and
 * a JWK export of its private key: on Node 20.20 that deadlocks after ~15,000 keys in one
 * process (measured; a DER export does not, but costs 3x).
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { KeyPair } from '../../nkeys/keypair.js';

/** A user key: its public key and seed. */
export interface UserKeyText {
  publicKey: string;
  seed: string;
}

/** From this many keys on, a worker makes half: below it, starting a thread costs more than it saves. */
const PARALLEL_FROM = 4000;

/** Keys this thread makes while the worker starts. */
const WORKER_START_KEYS = 2000;

/**
 * `n` fresh user keys, on this thread.
 *
 * @example
 * ```ts
 * const [k] = newUserKeysSync(1); // { publicKey: 'U…', seed: 'SU…' }
 * ```
 */
export function newUserKeysSync(n: number): UserKeyText[] {
  return Array.from({ length: n }, () => {
    const k = KeyPair.create('user');
    return { seed: k.seed, publicKey: k.publicKey };
  });
}

/** Keys handed to `onChunk` at a time. */
const CHUNK = 512;

/**
 * `n` fresh user keys, about half of them made by a worker thread when there are many. With
 * `onChunk`, each run of keys is handed over as soon as it exists (this thread's as it makes
 * them, then the worker's), in the order of the result, so the caller can start writing them.
 *
 * @example
 * ```ts
 * const keys = await newUserKeys(10_000, (chunk) => batch.add(filesOf(chunk)));
 * ```
 */
export async function newUserKeys(n: number, onChunk?: (keys: UserKeyText[]) => Promise<void> | void): Promise<UserKeyText[]> {
  const theirs = n < PARALLEL_FROM || availableParallelism() < 2 ? 0 : Math.floor((n - WORKER_START_KEYS) / 2);
  // The worker starts ~80 ms late (a thread, a heap, its modules): this thread makes as many
  // more keys as it makes meanwhile (~40 µs each), so both finish together.
  const worker = theirs
    ? new Promise<UserKeyText[]>((resolve, reject) => {
        const w = new Worker(new URL('./user-keys-worker.js', import.meta.url), { workerData: theirs });
        w.once('message', resolve);
        w.once('error', reject);
        w.once('exit', (code) => reject(new Error(`a key worker stopped with code ${code}`)));
      })
    : undefined;
  // A worker that fails while this thread is busy is awaited below, not left unhandled.
  worker?.catch(() => undefined);
  const keys: UserKeyText[] = [];
  for (let at = 0; at < n - theirs; at += CHUNK) {
    const chunk = newUserKeysSync(Math.min(CHUNK, n - theirs - at));
    keys.push(...chunk);
    await onChunk?.(chunk);
  }
  if (worker) {
    const made = await worker;
    for (let at = 0; at < made.length; at += CHUNK) await onChunk?.(made.slice(at, at + CHUNK));
    keys.push(...made);
  }
  return keys;
}
