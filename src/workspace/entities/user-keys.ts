/**
 * Fresh user keys as text, many at once: one native key generation each, no PKCS#8 import
 * (~4x cheaper than `KeyPair.create`), and for a big batch half of them made by a worker
 * thread (user-keys-worker.ts) beside this one.
 */
import { generateKeyPairSync } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { encodePublicKey, encodeSeed } from '../../nkeys/codec.js';

/** A user key: its public key and seed. */
export interface UserKeyText {
  publicKey: string;
  seed: string;
}

/** From this many keys on, a worker makes half: below it, starting a thread costs more than it saves. */
const PARALLEL_FROM = 2000;

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
    const { privateKey, publicKey } = generateKeyPairSync('ed25519', { privateKeyEncoding: { format: 'der', type: 'pkcs8' }, publicKeyEncoding: { format: 'der', type: 'spki' } });
    return { seed: encodeSeed('user', privateKey.subarray(-32)), publicKey: encodePublicKey('user', publicKey.subarray(-32)) };
  });
}

/**
 * `n` fresh user keys, half of them made by a worker thread when there are many.
 *
 * @example
 * ```ts
 * const keys = await newUserKeys(10_000);
 * ```
 */
export async function newUserKeys(n: number): Promise<UserKeyText[]> {
  if (n < PARALLEL_FROM || availableParallelism() < 2) return newUserKeysSync(n);
  const theirs = Math.floor(n / 2);
  const worker = new Promise<UserKeyText[]>((resolve, reject) => {
    const w = new Worker(new URL('./user-keys-worker.js', import.meta.url), { workerData: theirs });
    w.once('message', resolve);
    w.once('error', reject);
    w.once('exit', (code) => reject(new Error(`a key worker stopped with code ${code}`)));
  });
  const mine = newUserKeysSync(n - theirs);
  return [...mine, ...(await worker)];
}
