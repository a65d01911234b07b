/**
 * The `disk_floor` peer of `reissue.users_10k`: the same store's files re-issued by the least
 * program possible (`disk-floor-worker.ts`, as many threads as `keys compromised` uses), then one
 * filesystem sync. It answers "how fast could any tool go on this disk?", so that the re-issue
 * goal can be judged against what the machine allows, in the same run.
 */
import { generateKeyPairSync } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { syncFileSystems } from '../src/store/sync-fs.js';

/** The files of one user. */
export interface FloorUser {
  jwtPath: string;
  credsPath: string;
  seedPath: string;
}

/** What a floor worker gets. */
export interface FloorInput {
  users: FloorUser[];
  /** A throwaway Ed25519 key (PKCS#8 DER): the floor's signatures are never used. */
  privateKeyDer: Uint8Array;
  /** The creds text around the JWT and the seed. */
  frame: [string, string, string];
}

/**
 * Runs the floor over `users` with `threads` workers, then syncs `dirs`; returns users per
 * second, from the first worker's start to the end of the sync. The files are overwritten with
 * tokens no one can verify: run it only on a store about to be thrown away.
 *
 * @example
 * ```ts
 * const perSecond = await diskFloor(users, 2, frame, [usersDir, credsDir]);
 * ```
 */
export async function diskFloor(users: readonly FloorUser[], threads: number, frame: [string, string, string], dirs: readonly string[]): Promise<number> {
  const privateKeyDer = generateKeyPairSync('ed25519', { privateKeyEncoding: { format: 'der', type: 'pkcs8' }, publicKeyEncoding: { format: 'der', type: 'spki' } }).privateKey;
  const url = new URL('./disk-floor-worker.js', import.meta.url);
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: threads }, (_, k) => {
      const slice = users.slice(Math.floor((k * users.length) / threads), Math.floor(((k + 1) * users.length) / threads));
      const input: FloorInput = { users: slice, privateKeyDer, frame };
      return new Promise<void>((resolve, reject) => {
        const w = new Worker(url, { workerData: input });
        w.once('message', () => resolve());
        w.once('error', reject);
        w.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`a disk_floor worker stopped with code ${code}`))));
      });
    }),
  );
  await syncFileSystems(dirs);
  return users.length / (Number(process.hrtime.bigint() - started) / 1e9);
}
