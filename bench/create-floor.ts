/**
 * The `create_floor` peer of `store.add_users_bulk`: the same number of users created by the
 * least program possible (`create-floor-worker.ts`, two threads), then one filesystem sync. Per
 * user it makes a key, signs a token of the same size once, and creates the four files a user
 * is made of (usage record, seed, creds, JWT) where a store keeps them, written straight to
 * their names: no checks, no temp names, no renames — a crash would leave torn files, which no
 * real tool may. `disk_floor` (the goal's peer) re-writes existing files in place and makes no
 * keys; this one shows what creating users costs on this disk.
 *
 * `safe_create_floor` is the same with the least crash-safety a store needs (what addUsers
 * guarantees): each file written under a temp name in its folder, one sync, every file renamed
 * into place (the JWTs, which make users exist, after the rest of their users' files), one sync
 * more. No file is ever seen half-written, and none appears before its bytes are on disk.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { syncFileSystems } from '../src/store/sync-fs.js';

/** What a create-floor worker gets. */
export interface CreateFloorInput {
  root: string;
  from: number;
  to: number;
  /** A token's signing input of the size the store's tokens have. */
  input: string;
  /** The usage record and creds text sizes of the store's users (filled with stand-in bytes). */
  metaBytes: number;
  credsBytes: number;
  /** Temp names, one sync, renames, one sync (`safe_create_floor`). */
  safe?: boolean;
}

/**
 * Creates `n` users' files under `root` (a folder about to be thrown away) with `threads`
 * workers, then syncs (with `safe`: syncs, renames every file into place, syncs again); returns
 * users per second from the first worker's start to the end of the last sync.
 *
 * @example
 * ```ts
 * const perSecond = await createFloor(root, 10_000, 2, token.slice(0, token.lastIndexOf('.')), 120, 1100);
 * ```
 */
export async function createFloor(root: string, n: number, threads: number, input: string, metaBytes: number, credsBytes: number, safe = false): Promise<number> {
  // The folders a store has before its users: the key shards (two letters after 'U'), creds, users.
  const A = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  for (const a of A) for (const b of A) mkdirSync(join(root, 'keys', `U${a}`, `${a}${b}`), { recursive: true });
  mkdirSync(join(root, 'creds'), { recursive: true });
  mkdirSync(join(root, 'users'), { recursive: true });
  await syncFileSystems([root]);
  const url = new URL('./create-floor-worker.js', import.meta.url);
  const started = process.hrtime.bigint();
  const workers = Array.from({ length: threads }, (_, k) => {
    const data: CreateFloorInput = { root, from: Math.floor((k * n) / threads), to: Math.floor(((k + 1) * n) / threads), input, metaBytes, credsBytes, safe };
    return new Worker(url, { workerData: data });
  });
  const next = (w: Worker): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      w.once('message', () => resolve());
      w.once('error', reject);
      w.once('exit', (code) => reject(new Error(`a create_floor worker stopped with code ${code}`)));
    });
  await Promise.all(workers.map(next));
  await syncFileSystems([root]);
  if (safe) {
    const placed = workers.map(next);
    for (const w of workers) w.postMessage('rename');
    await Promise.all(placed);
    await syncFileSystems([root]);
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await Promise.all(workers.map((w) => w.terminate()));
  return n / seconds;
}
