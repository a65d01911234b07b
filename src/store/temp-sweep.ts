/**
 * Litter from killed writers: the temp files an atomic write, a lock or a file replacement
 * leaves when its process dies mid-way. Nothing is lost when that happens (the old file is
 * intact), but the temp files would stay beside the store forever; the next process that
 * takes the lock removes those whose writer is certainly dead.
 */
import { readFileSync, readdirSync, unlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { TEMP_SUFFIX, isTempName } from './atomic.js';

// `.<name>.<pid>.<12 hex>.tmp`, as writeFileAtomic names its temp files.
const ATOMIC_TEMP = /\.(\d{1,10})\.[0-9a-f]{12}\.tmp$/;
// `.sigchain.lock.<24 hex>.tmp` (and `.break`): a complete lock record, holding its writer's pid.
const LOCK_TEMP = /^\.sigchain\.lock(?:\.break)?\.[0-9a-f]{24}\.tmp$/;

function alive(pid: number): boolean {
  if (pid <= 0) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The pid that wrote a temp file, when it can be known, and whether it ran on this host. */
function writerOf(dir: string, name: string): { pid: number; here: boolean } | undefined {
  const m = ATOMIC_TEMP.exec(name);
  if (m) return { pid: Number(m[1]), here: true };
  if (!LOCK_TEMP.test(name)) return undefined;
  try {
    const v = JSON.parse(readFileSync(join(dir, name), 'utf8')) as { pid?: unknown; hostname?: unknown };
    return Number.isInteger(v.pid) ? { pid: v.pid as number, here: v.hostname === hostname() } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Removes the temp files in `dir` (and, with `deep`, in its sub-folders) whose writer on this
 * host is dead. Files of live writers, of other hosts, and of unknown origin are left alone.
 * Never throws: litter is not worth failing a command for. Returns how many were removed.
 *
 * @example
 * ```ts
 * sweepDeadTempFiles(paths.storesDir.path, { deep: true }); // after breaking a dead writer's lock
 * ```
 */
export function sweepDeadTempFiles(dir: string, opts: { deep?: boolean } = {}): number {
  let removed = 0;
  const pending = [dir];
  // Folder depth is bounded by the store layout; the cap only guards against odd trees.
  for (let visited = 0; pending.length && visited < 100_000; visited++) {
    const d = pending.pop()!;
    let entries;
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      if (e.isDirectory()) {
        if (opts.deep) pending.push(join(d, e.name));
        continue;
      }
      if (!e.isFile() || !isTempName(e.name) || !e.name.endsWith(TEMP_SUFFIX)) continue;
      const w = writerOf(d, e.name);
      if (!w || !w.here || alive(w.pid)) continue;
      try {
        unlinkSync(join(d, e.name));
        removed++;
      } catch {
        /* gone already, or not ours to remove */
      }
    }
  }
  return removed;
}
