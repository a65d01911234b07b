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
import { PRIVATE_DIR_MODE, TEMP_SUFFIX, ensureDir, ioError } from './atomic.js';
import { type Outcome, type TempWrite, WriterPool } from './bulk-writers.js';

export type { Outcome, TempWrite } from './bulk-writers.js';
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
  /**
   * Threads that write the temp files and rename them into place (bulk-writers.ts): {@link
   * DurableBatch.add} then returns at once and the caller computes its next files while these
   * are written. 0 (the default): this thread writes, and `add` returns when its files are.
   */
  writers?: number;
}

/**
 * A batch of new files built up while they are computed: {@link add} writes each file's temp
 * copy (invisible to readers); {@link commit} waits for the writes, syncs, renames every file
 * into place phase by phase and syncs again (this module's header); {@link abort} removes the
 * temp files. Use it under the lock of the store the files belong to.
 *
 * @example
 * ```ts
 * const batch = new DurableBatch({ writers: 2 });
 * for (const chunk of chunks) await batch.add(filesOf(chunk)); // written while the next chunk is computed
 * await batch.commit();
 * ```
 */
export class DurableBatch {
  readonly #opts: DurableBatchOptions;
  readonly #files: NewFile[] = [];
  readonly #temps: string[] = [];
  readonly #dirs = new Set<string>();
  readonly #stem = `${process.pid}.${randomBytes(4).toString('hex')}`;
  readonly #pool: WriterPool | undefined;
  readonly #inFlight: Array<Promise<void>> = [];
  #failure: { path: string; error: unknown } | undefined;
  #writeStart = 0;

  constructor(opts: DurableBatchOptions = {}) {
    this.#opts = opts;
    this.#pool = opts.writers ? new WriterPool(opts.writers) : undefined;
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
    const from = this.#files.length;
    for (const f of files) {
      const i = this.#files.push(f) - 1;
      // As writeFileAtomic names its temp files, so a dead writer's are swept (temp-sweep.ts).
      this.#temps.push(join(dirname(f.path), `.${basename(f.path)}.${this.#stem}${(i & 0xffff).toString(16).padStart(4, '0')}${TEMP_SUFFIX}`));
    }
    if (this.#failure) return;
    const item = (i: number): TempWrite => ({ tmp: this.#temps[i]!, data: this.#files[i]!.data, mode: this.#files[i]!.mode });
    const indexes = Array.from({ length: files.length }, (_, k) => from + k);
    if (!this.#pool) return this.#note(indexes, writeTemps(indexes.map(item)));
    // Written synchronously by a few threads (measured on a busy ext4: node's I/O threads, 16
    // writes in flight, made a batch slower, each create waiting on the same journal).
    for (const [k, share] of this.#byWriter(indexes)) {
      this.#inFlight.push(this.#pool.run(k, { kind: 'write', items: share.map(item) }).then((o) => this.#note(share, o)));
    }
  }

  /** `indexes` grouped by the writer thread of their folder. */
  #byWriter(indexes: readonly number[]): Map<number, number[]> {
    const perDir = new Map<string, number[]>();
    for (const i of indexes) {
      const d = dirname(this.#files[i]!.path);
      const list = perDir.get(d);
      if (list) list.push(i);
      else perDir.set(d, [i]);
    }
    const out = new Map<number, number[]>();
    for (const [d, list] of perDir) {
      const k = this.#pool!.writerOf(d, list.length);
      const mine = out.get(k);
      if (mine) mine.push(...list);
      else out.set(k, list);
    }
    return out;
  }

  #note(indexes: readonly number[], o: Outcome): void {
    if (o.failed && !this.#failure) {
      this.#failure = { path: this.#files[indexes[o.failed.index]!]!.path, error: errorOf(o.failed) };
    }
  }

  async #settle(): Promise<void> {
    while (this.#inFlight.length) await Promise.all(this.#inFlight.splice(0));
  }

  /** Removes every temp file written so far (after a failure of the caller's own). */
  async abort(): Promise<void> {
    this.#failure ??= { path: '', error: new Error('aborted') };
    // A writer still at work would create temps after they were removed: it finishes first.
    await this.#settle();
    removeAll(this.#temps);
    await this.#pool?.close();
  }

  /**
   * Makes every file of the batch appear, durably, as this module's header says. Throws
   * `IO_ERROR` naming the file that failed; then no file of the batch is in place.
   */
  async commit(): Promise<BulkWriteReport> {
    try {
      return await this.#commit();
    } finally {
      await this.#pool?.close();
    }
  }

  async #commit(): Promise<BulkWriteReport> {
    await this.#settle();
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
    const phases = new Map<number, number[]>();
    files.forEach((f, i) => {
      const list = phases.get(f.phase ?? 0);
      if (list) list.push(i);
      else phases.set(f.phase ?? 0, [i]);
    });
    for (const phase of [...phases.keys()].sort((a, b) => a - b)) {
      const failed = await this.#rename(phases.get(phase)!);
      if (!failed) continue;
      // Undo by what is on the disk: a file of this phase or an earlier one whose temp is gone was
      // renamed into place, and goes (it was new or is re-creatable); every other temp is removed.
      for (let i = 0; i < files.length; i++) {
        try {
          unlinkSync(temps[i]!);
        } catch {
          if ((files[i]!.phase ?? 0) <= phase) removeAll([files[i]!.path]);
        }
      }
      throw ioError('write', files[failed.at]!.path, failed.error, 'Check free space and that you may write to the folder; nothing of this batch was kept.');
    }
    const t3 = performance.now();
    // Folders created on the way are entries of their parents: those are synced too.
    await syncFileSystems(roots, [...new Set([...this.#dirs, ...[...this.#dirs].map((d) => dirname(d))])], how);
    const t4 = performance.now();
    return { files: files.length, sync, seconds: { write: (t1 - this.#writeStart) / 1000, sync: (t2 - t1 + t4 - t3) / 1000, rename: (t3 - t2) / 1000 } };
  }

  /** Renames the files of one phase into place (each writer thread its folders); the first that failed, if one did. */
  async #rename(indexes: number[]): Promise<{ at: number; error: Error } | undefined> {
    const pair = (i: number): [string, string] => [this.#temps[i]!, this.#files[i]!.path];
    const shares: Array<[number, number[]]> = this.#pool ? [...this.#byWriter(indexes)] : [[-1, indexes]];
    const outcomes = await Promise.all(shares.map(async ([k, share]) => ({ share, o: k < 0 ? renameAll(share.map(pair)) : await this.#pool!.run(k, { kind: 'rename', pairs: share.map(pair) }) })));
    for (const { share, o } of outcomes) if (o.failed) return { at: share[o.failed.index]!, error: errorOf(o.failed) };
    return undefined;
  }
}

function errorOf(failed: NonNullable<Outcome['failed']>): Error {
  return Object.assign(new Error(failed.message), failed.code ? { code: failed.code } : {});
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
  const batch = new DurableBatch({ writers: writerThreads(files.length), ...opts });
  try {
    await batch.add(files);
  } catch (e) {
    await batch.abort();
    throw e;
  }
  return batch.commit();
}


/**
 * Writes each temp file of `items` in order ('wx' with its final mode, fchmod only when the
 * umask took bits away); stops at the first failure and says which. For `DurableBatch` and
 * its writer threads.
 */
export function writeTemps(items: readonly TempWrite[]): Outcome {
  // The umask is the process's: once a mode came out whole, it does for every file of the list.
  const whole = new Set<number>();
  for (let i = 0; i < items.length; i++) {
    const f = items[i]!;
    try {
      const fd = openSync(f.tmp, 'wx', f.mode);
      try {
        if (!whole.has(f.mode)) {
          if ((fstatSync(fd).mode & 0o7777) !== f.mode) fchmodSync(fd, f.mode);
          else whole.add(f.mode);
        }
        writeAll(fd, typeof f.data === 'string' ? Buffer.from(f.data, 'utf8') : Buffer.from(f.data.buffer, f.data.byteOffset, f.data.byteLength));
      } finally {
        closeSync(fd);
      }
    } catch (e) {
      return { done: i, failed: failureOf(i, e) };
    }
  }
  return { done: items.length };
}

/** Renames each [temp, final] pair in order; stops at the first failure and says which. */
export function renameAll(pairs: ReadonlyArray<readonly [string, string]>): Outcome {
  for (let i = 0; i < pairs.length; i++) {
    try {
      renameSync(pairs[i]![0], pairs[i]![1]);
    } catch (e) {
      return { done: i, failed: failureOf(i, e) };
    }
  }
  return { done: pairs.length };
}

function failureOf(index: number, e: unknown): NonNullable<Outcome['failed']> {
  const code = (e as NodeJS.ErrnoException).code;
  return { index, ...(code ? { code } : {}), message: (e as Error).message };
}

/** Files from which writer threads pay: below it, starting a thread costs more than it saves. */
const PARALLEL_FROM = 4000;

/**
 * The writer threads worth starting for a batch of `files` files: none for a small one, else
 * two (the disk, not the cores, is then the limit).
 *
 * @example
 * ```ts
 * const batch = new DurableBatch({ writers: writerThreads(4 * users.length) });
 * ```
 */
export function writerThreads(files: number): number {
  return files >= PARALLEL_FROM && availableParallelism() > 1 ? 2 : 0;
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
