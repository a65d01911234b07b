/**
 * One durable point after many unsynced writes: instead of an fsync per file (a journal commit
 * each on ext4), the filesystems holding the written folders are synced once.
 */
import { spawn } from 'node:child_process';
import { open } from 'node:fs/promises';
import { ioError } from './atomic.js';

async function fsyncPath(path: string): Promise<void> {
  let fh;
  try {
    fh = await open(path, 'r');
    await fh.sync();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? '';
    // Gone (replaced again, or removed) is fine; some filesystems refuse fsync on folders.
    if (!['ENOENT', 'EISDIR', 'EINVAL', 'EPERM', 'EBADF', 'ENOTSUP'].includes(code)) throw ioError('sync', path, e);
  } finally {
    await fh?.close().catch(() => undefined);
  }
}

/** `sync -f DIR` in a process of its own (so this thread goes on meanwhile); whether it synced. */
function syncfs(dir: string): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn('sync', ['-f', dir], { stdio: 'ignore', timeout: 120_000 });
    child.once('error', () => resolve(false));
    child.once('close', (code) => resolve(code === 0));
  });
}

/**
 * Makes everything written under `dirs` durable. On Linux it runs `sync -f DIR` (syncfs(2) of
 * that filesystem; Node has no binding for it), one per folder. Where that is not available it
 * fsyncs every path in `fallback` (the files written, then their folders), 16 at a time; `how:
 * 'fsync'` asks for that way. Paths that are gone are skipped. Returns how it synced.
 *
 * @example
 * ```ts
 * await syncFileSystems([usersDir, credsDir], [...writtenFiles, usersDir, credsDir]);
 * ```
 */
export async function syncFileSystems(dirs: readonly string[], fallback: readonly string[] = dirs, how: 'auto' | 'fsync' = 'auto'): Promise<'syncfs' | 'fsync'> {
  if (how === 'auto' && process.platform === 'linux') {
    let ok = true;
    for (const dir of new Set(dirs)) {
      if (!(await syncfs(dir))) {
        ok = false;
        break;
      }
    }
    if (ok) return 'syncfs';
  }
  const list = [...new Set(fallback)];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(16, list.length) }, async () => {
      while (next < list.length) await fsyncPath(list[next++]!);
    }),
  );
  return 'fsync';
}
