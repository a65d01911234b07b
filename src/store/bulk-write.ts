/**
 * Creating many new files at once (thousands of users: seed, usage record, JWT and creds each)
 * at the speed of the disk, as safely as {@link writeFileAtomic} in a loop but without its two
 * fsyncs per file (a journal commit each on ext4: ~7 ms a user, 28 ms with the locks).
 *
 * How: every file is first written under a hidden temp name beside its final path (nothing a
 * reader lists), then the filesystems are synced once, so every byte is on the disk before any
 * file appears. Then the files are renamed into place in the order of their `phase` (lower
 * first: a user's seed and creds before the JWT that makes the user exist), and synced once
 * more. A crash before the first sync leaves only temp files (swept as a dead writer's by the
 * next locked command); a crash among the renames leaves complete files, earlier phases first:
 * never a JWT whose seed is missing or half written. A failure before the renames removes every
 * temp file; one during them undoes the renames made, so the store is as it was.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fchmodSync, fstatSync, openSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { PRIVATE_DIR_MODE, TEMP_SUFFIX, ensureDir, ioError } from './atomic.js';
import { syncFileSystems } from './sync-fs.js';

/** One new file of a batch. */
export interface NewFile {
  readonly path: string;
  readonly data: string | Uint8Array;
  /** Exact mode (the umask is not applied). */
  readonly mode: number;
  /** Renamed into place after every file of a lower phase; default 0. */
  readonly phase?: number;
}

/** How {@link createFilesDurably} made its files durable, and how long the parts took (seconds). */
export interface BulkWriteReport {
  files: number;
  sync: 'syncfs' | 'fsync';
  seconds: { write: number; sync: number; rename: number };
}

function writeAll(fd: number, bytes: Buffer): void {
  let off = 0;
  while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
}

/** Creates the folders of `paths` that are missing (mode 0700 unless `dirMode`), one stat each. */
async function ensureDirs(paths: Iterable<string>, dirMode: number): Promise<void> {
  for (const dir of paths) {
    try {
      if (statSync(dir).isDirectory()) continue;
    } catch {
      // missing (or odd): ensureDir says what is wrong with a coded error
    }
    await ensureDir(dir, dirMode);
  }
}

/** Options of a {@link DurableBatch}. */
export interface DurableBatchOptions {
  /** Mode of folders created on the way (default 0700). */
  dirMode?: number;
  /** `fsync`: sync each file and folder instead of the filesystems (cheaper for a handful of files on a busy disk). */
  how?: 'auto' | 'fsync';
}

/**
 * A batch of new files built up while they are computed: {@link add} writes each file's temp
 * copy (invisible to readers); {@link commit} waits for the writes, syncs, renames every file
 * into place phase by phase and syncs again (this module's header); {@link abort} removes the
 * temp files. Use it under the lock of the store the files belong to.
 *
 * @example
 * ```ts
 * const batch = new DurableBatch();
 * for (const chunk of chunks) await batch.add(filesOf(chunk));
 * await batch.commit();
 * ```
 */
export class DurableBatch {
  readonly #opts: DurableBatchOptions;
  readonly #files: NewFile[] = [];
  readonly #temps: string[] = [];
  readonly #dirs = new Set<string>();
  readonly #stem = `${process.pid}.${randomBytes(4).toString('hex')}`;
  #next = 0;
  #failure: { path: string; error: unknown } | undefined;
  #writeStart = 0;

  constructor(opts: DurableBatchOptions = {}) {
    this.#opts = opts;
  }

  /** Writes the temp copies of `files` (their folders are made first). A failure is thrown by {@link commit}. */
  async add(files: readonly NewFile[]): Promise<void> {
    if (!this.#writeStart) this.#writeStart = performance.now();
    const fresh = new Set<string>();
    for (const f of files) {
      const d = dirname(f.path);
      if (!this.#dirs.has(d)) this.#dirs.add(d), fresh.add(d);
    }
    await ensureDirs(fresh, this.#opts.dirMode ?? PRIVATE_DIR_MODE);
    for (const f of files) {
      const i = this.#files.push(f) - 1;
      // As writeFileAtomic names its temp files, so a dead writer's are swept (temp-sweep.ts).
      this.#temps.push(join(dirname(f.path), `.${basename(f.path)}.${this.#stem}${(i & 0xffff).toString(16).padStart(4, '0')}${TEMP_SUFFIX}`));
    }
    await this.#write();
  }

  // Written synchronously (measured on a busy ext4: node's I/O threads, 16 writes in flight, made
  // a batch slower, each create waiting on the same journal), by this thread and, for a big
  // batch, one worker thread beside it (as the disk_floor peer of the bench uses two).
  async #write(): Promise<void> {
    const from = this.#next;
    const to = this.#files.length;
    this.#next = to;
    if (this.#failure || from >= to) return;
    const item = (i: number): TempWrite => ({ tmp: this.#temps[i]!, data: this.#files[i]!.data, mode: this.#files[i]!.mode });
    const mid = to - from >= PARALLEL_FROM && availableParallelism() > 1 ? from + Math.floor((to - from) / 2) : to;
    const theirs = mid < to ? Array.from({ length: to - mid }, (_, k) => item(mid + k)) : [];
    const worker = theirs.length ? runWorker(theirs) : undefined;
    const mine = writeTemps(Array.from({ length: mid - from }, (_, k) => item(from + k)));
    const other = worker ? await worker : { written: 0 };
    const failed = mine.failed ? { at: from + mine.failed.index, ...mine.failed } : other.failed ? { at: mid + other.failed.index, ...other.failed } : undefined;
    if (failed) this.#failure = { path: this.#files[failed.at]!.path, error: Object.assign(new Error(failed.message), failed.code ? { code: failed.code } : {}) };
  }

  /** Removes every temp file written so far (after a failure of the caller's own). */
  async abort(): Promise<void> {
    this.#failure ??= { path: '', error: new Error('aborted') };
    removeAll(this.#temps);
  }

  /**
   * Makes every file of the batch appear, durably, as this module's header says. Throws
   * `IO_ERROR` naming the file that failed; then no file of the batch is in place.
   */
  async commit(): Promise<BulkWriteReport> {
    if (this.#failure) {
      removeAll(this.#temps);
      throw ioError('write', this.#failure.path, this.#failure.error, 'Check free space and that you may write to the folder; nothing of this batch was written.');
    }
    const files = this.#files;
    const temps = this.#temps;
    const how = this.#opts.how ?? 'auto';
    const t1 = performance.now();
    // syncfs syncs a whole filesystem: one folder per filesystem is enough (a store of 10,000
    // users has ~1,000 key folders, and a sync is a process).
    const roots = oneDirPerDevice(this.#dirs);
    const sync = await syncFileSystems(roots, temps, how);
    const t2 = performance.now();
    const order = files.map((f, i) => ({ phase: f.phase ?? 0, i })).sort((a, b) => a.phase - b.phase || a.i - b.i);
    let done = 0;
    try {
      for (; done < order.length; done++) {
        const i = order[done]!.i;
        renameSync(temps[i]!, files[i]!.path);
      }
    } catch (e) {
      const failed = files[order[done]!.i]!;
      // Undo: the files already in place go (they were new or are re-creatable), the rest were temps.
      for (let k = 0; k < done; k++) {
        try {
          unlinkSync(files[order[k]!.i]!.path);
        } catch {
          /* best effort */
        }
      }
      removeAll(order.slice(done).map((o) => temps[o.i]!));
      throw ioError('write', failed.path, e, 'Check free space and that you may write to the folder; nothing of this batch was kept.');
    }
    const t3 = performance.now();
    // Folders created on the way are entries of their parents: those are synced too.
    await syncFileSystems(roots, [...new Set([...this.#dirs, ...[...this.#dirs].map((d) => dirname(d))])], how);
    const t4 = performance.now();
    return { files: files.length, sync, seconds: { write: (t1 - this.#writeStart) / 1000, sync: (t2 - t1 + t4 - t3) / 1000, rename: (t3 - t2) / 1000 } };
  }
}

/**
 * Creates (or replaces) every file of `files` as described in this module's header: all
 * written, one sync, renamed phase by phase, one sync ({@link DurableBatch} in one call).
 * Folders are created as needed (`dirMode`, default 0700). Call it under the lock of the store
 * the files belong to. Throws `IO_ERROR` naming the file; then no file of the batch is in place.
 *
 * @example
 * ```ts
 * await createFilesDurably([
 *   { path: seedPath, data: seed, mode: 0o600, phase: 0 },
 *   { path: jwtPath, data: token, mode: 0o600, phase: 1 },
 * ]);
 * ```
 */
export async function createFilesDurably(files: readonly NewFile[], opts: DurableBatchOptions = {}): Promise<BulkWriteReport> {
  const batch = new DurableBatch(opts);
  try {
    await batch.add(files);
  } catch (e) {
    await batch.abort();
    throw e;
  }
  return batch.commit();
}

/** One temp file to write (what a worker thread is given). */
export interface TempWrite {
  tmp: string;
  data: string | Uint8Array;
  mode: number;
}

/**
 * Writes each temp file of `items` in order ('wx' with its final mode, fchmod only when the
 * umask took bits away); stops at the first failure and says which. For `DurableBatch` and
 * its worker threads.
 */
export function writeTemps(items: readonly TempWrite[]): { written: number; failed?: { index: number; code?: string; message: string } } {
  for (let i = 0; i < items.length; i++) {
    const f = items[i]!;
    try {
      const fd = openSync(f.tmp, 'wx', f.mode);
      try {
        if ((fstatSync(fd).mode & 0o7777) !== f.mode) fchmodSync(fd, f.mode);
        writeAll(fd, typeof f.data === 'string' ? Buffer.from(f.data, 'utf8') : Buffer.from(f.data.buffer, f.data.byteOffset, f.data.byteLength));
      } finally {
        closeSync(fd);
      }
    } catch (e) {
      return { written: i, failed: { index: i, ...((e as NodeJS.ErrnoException).code ? { code: (e as NodeJS.ErrnoException).code } : {}), message: (e as Error).message } };
    }
  }
  return { written: items.length };
}

/** Files from which a batch is written by two threads: below it, starting a thread costs more than it saves. */
const PARALLEL_FROM = 4000;

function runWorker(items: TempWrite[]): Promise<ReturnType<typeof writeTemps>> {
  return new Promise((resolve) => {
    const w = new Worker(new URL('./bulk-write-worker.js', import.meta.url), { workerData: items });
    let answered = false;
    w.once('message', (m: ReturnType<typeof writeTemps>) => {
      answered = true;
      resolve(m);
    });
    // A worker that dies without an answer: its whole share counts as failed (abort removes its temps).
    w.once('error', (e) => resolve({ written: 0, failed: { index: 0, message: e.message } }));
    w.once('exit', (code) => {
      if (!answered) resolve({ written: 0, failed: { index: 0, message: `a write worker stopped with code ${code}` } });
    });
  });
}

function oneDirPerDevice(dirs: Iterable<string>): string[] {
  const byDevice = new Map<number, string>();
  for (const d of dirs) {
    const dev = statSync(d).dev;
    if (!byDevice.has(dev)) byDevice.set(dev, d);
  }
  return [...byDevice.values()];
}

function removeAll(paths: readonly string[]): void {
  for (const p of paths) {
    try {
      unlinkSync(p);
    } catch {
      /* already gone */
    }
  }
}
