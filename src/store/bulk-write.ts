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
 *
 * A large batch written by writer threads does this in stages: the files added since the last
 * stage (whole `add` calls) are synced, by a process of its own, once written, and renamed into
 * place, phase by phase, while the next ones are still being computed and written; `commit`
 * syncs and renames only the files of the last stage. Each stage keeps the
 * rule above (its bytes synced before any of its files appears; a caller adds a user's files in
 * one call, so a user's seed still precedes its JWT), and a failure or `abort` undoes every
 * stage already renamed, so the batch stays all or nothing.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fchmodSync, fstatSync, openSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, sep } from 'node:path';
import { PRIVATE_DIR_MODE, TEMP_SUFFIX, ensureDir, ioError } from './atomic.js';
import { type Outcome, type PackedWrites, type TempWrite, WriterPool } from './bulk-writers.js';
import { type BulkProgress, createFilesSync, renameFilesSync } from './native-fs.js';

export type { Outcome, PackedWrites, TempWrite } from './bulk-writers.js';
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

/** Where a file of a batch goes. */
interface Placed {
  readonly path: string;
  readonly dir: string;
  readonly phase: number;
  /** Its rename was asked for: an undo then reads a missing temp as "in place". */
  asked?: boolean;
}

/** How {@link createFilesDurably} made its files durable, and how long the parts took (seconds). */
export interface BulkWriteReport {
  files: number;
  sync: 'syncfs' | 'fsync';
  seconds: { write: number; sync: number; rename: number };
}

function writeAll(fd: number, bytes: Uint8Array): void {
  let off = 0;
  while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
}

/**
 * Creates the folders of `paths` that are missing (mode 0700 unless `dirMode`), one stat each,
 * and notes in `roots` one folder per filesystem they are on (syncfs syncs a whole filesystem).
 */
async function ensureDirs(paths: Iterable<string>, dirMode: number, roots: Map<number, string>): Promise<void> {
  for (const dir of paths) {
    let st;
    try {
      st = statSync(dir);
    } catch {
      // missing (or odd): ensureDir says what is wrong with a coded error
    }
    if (!st?.isDirectory()) {
      await ensureDir(dir, dirMode);
      st = statSync(dir);
    }
    if (!roots.has(st.dev)) roots.set(st.dev, dir);
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
  /** Each file's place, not its bytes: those go to the writer and are not kept for the whole batch. */
  readonly #files: Placed[] = [];
  readonly #temps: string[] = [];
  readonly #dirs = new Set<string>();
  /** One folder made (or found) so far per filesystem: a stage may run while `add` still makes some. */
  readonly #roots = new Map<number, string>();
  readonly #stem = `${process.pid}.${randomBytes(4).toString('hex')}`;
  readonly #pool: WriterPool | undefined;
  readonly #inFlight: Array<Promise<void>> = [];
  /** Files before this index belong to a stage already handed to {@link #stages}. */
  #staged = 0;
  #committed = false;
  /** The stages' syncs and renames, one after the other. */
  #stages: Promise<void> = Promise.resolve();
  #staging = false;
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
    const dirs = files.map((f) => dirname(f.path));
    for (const d of dirs) if (!this.#dirs.has(d)) this.#dirs.add(d), fresh.add(d);
    await ensureDirs(fresh, this.#opts.dirMode ?? PRIVATE_DIR_MODE, this.#roots);
    const from = this.#files.length;
    for (let k = 0; k < files.length; k++) {
      const f = files[k]!;
      const dir = dirs[k]!;
      const i = this.#files.push({ path: f.path, dir, phase: f.phase ?? 0 }) - 1;
      // As writeFileAtomic names its temp files, so a dead writer's are swept (temp-sweep.ts);
      // beside the file, the name cut at its last separator (no join: 40,000 of them).
      const cut = f.path.lastIndexOf(sep) + 1;
      this.#temps.push(`${f.path.slice(0, cut)}.${f.path.slice(cut)}.${this.#stem}${(i & 0xffff).toString(16).padStart(4, '0')}${TEMP_SUFFIX}`);
    }
    if (this.#failure) return;
    const item = (i: number): TempWrite => ({ tmp: this.#temps[i]!, data: files[i - from]!.data, mode: files[i - from]!.mode });
    const indexes = Array.from({ length: files.length }, (_, k) => from + k);
    if (!this.#pool) return this.#note(indexes, writeTemps(indexes.map(item)));
    // Written synchronously by a few threads (measured on a busy ext4: node's I/O threads, 16
    // writes in flight, made a batch slower, each create waiting on the same journal).
    for (const [k, share] of this.#byWriter(indexes)) {
      this.#inFlight.push(this.#pool.run(k, { kind: 'write', files: packWrites(share.map(item)) }).then((o) => this.#note(share, o)));
    }
    // The next stage starts when the last one is done: the files left for `commit` are only those
    // written during the last stage's sync and renames.
    if (!this.#staging && this.#files.length - this.#staged >= STAGE_FILES) this.#stage();
  }

  /**
   * Hands the files added since the last stage to the stage chain: once their writes are done,
   * a sync, then their renames, phase by phase. Runs behind the caller's next `add` calls.
   */
  #stage(): void {
    const from = this.#staged;
    const to = (this.#staged = this.#files.length);
    const writes = [...this.#inFlight];
    this.#staging = true;
    this.#stages = this.#stages
      .then(async () => {
        await Promise.all(writes);
        if (this.#failure) return;
        await syncFileSystems([...this.#roots.values()], this.#temps.slice(from, to), this.#opts.how ?? 'auto');
        const failed = await this.#renameRange(from, to);
        if (failed && !this.#failure) this.#failure = { path: this.#files[failed.at]!.path, error: failed.error };
      })
      // A stage that throws (a sync that fails) is the batch's failure: commit and abort then
      // undo everything, as for a failed write, instead of meeting a rejection that skips the undo.
      .catch((e: unknown) => void (this.#failure ??= { path: this.#files[from]!.path, error: e }))
      .finally(() => {
        this.#staging = false;
      });
  }

  /** `indexes` grouped by the writer thread of their folder. */
  #byWriter(indexes: readonly number[]): Map<number, number[]> {
    const perDir = new Map<string, number[]>();
    for (const i of indexes) {
      const d = this.#files[i]!.dir;
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
    await this.#stages;
    this.#undo();
    await this.#pool?.close();
  }

  /**
   * Removes every file of a committed batch again: for a caller whose next step, part of the
   * same all-or-nothing operation, failed (the files were new, so nothing older is lost).
   */
  undoCommitted(): void {
    if (!this.#committed) throw new Error('internal: undoCommitted before a commit succeeded');
    this.#undo();
  }

  /**
   * Puts the disk back as it was before the batch: every temp file goes, and every file whose
   * rename was asked for and whose temp is gone was renamed into place, and goes too (it was
   * new or is re-creatable).
   */
  #undo(): void {
    for (let i = 0; i < this.#files.length; i++) {
      try {
        unlinkSync(this.#temps[i]!);
      } catch {
        if (this.#files[i]!.asked) removeAll([this.#files[i]!.path]);
      }
    }
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
    await this.#stages;
    if (this.#failure) {
      this.#undo();
      throw ioError('write', this.#failure.path, this.#failure.error, 'Check free space and that you may write to the folder; nothing of this batch was written.');
    }
    const files = this.#files;
    const how = this.#opts.how ?? 'auto';
    const t1 = performance.now();
    // syncfs syncs a whole filesystem: one folder per filesystem is enough (a store of 10,000
    // users has ~1,000 key folders, and a sync is a process).
    const roots = [...this.#roots.values()];
    const sync = await syncFileSystems(roots, this.#temps.slice(this.#staged), how);
    const t2 = performance.now();
    const failed = await this.#renameRange(this.#staged, files.length);
    if (failed) {
      this.#undo();
      throw ioError('write', files[failed.at]!.path, failed.error, 'Check free space and that you may write to the folder; nothing of this batch was kept.');
    }
    const t3 = performance.now();
    // Folders created on the way are entries of their parents: those are synced too.
    await syncFileSystems(roots, [...new Set([...this.#dirs, ...[...this.#dirs].map((d) => dirname(d))])], how);
    const t4 = performance.now();
    this.#committed = true;
    return { files: files.length, sync, seconds: { write: (t1 - this.#writeStart) / 1000, sync: (t2 - t1 + t4 - t3) / 1000, rename: (t3 - t2) / 1000 } };
  }

  /** Renames the files `from`…`to` into place, phase by phase (lower first); the first that failed, if one did. */
  async #renameRange(from: number, to: number): Promise<{ at: number; error: Error } | undefined> {
    const phases = new Map<number, number[]>();
    for (let i = from; i < to; i++) {
      const phase = this.#files[i]!.phase;
      const list = phases.get(phase);
      if (list) list.push(i);
      else phases.set(phase, [i]);
    }
    for (const phase of [...phases.keys()].sort((a, b) => a - b)) {
      const indexes = phases.get(phase)!;
      for (const i of indexes) this.#files[i]!.asked = true;
      const failed = await this.#rename(indexes);
      if (failed) return failed;
    }
    return undefined;
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
  return writePacked(packWrites(items));
}

/**
 * `items` packed for {@link writePacked}: their bytes (UTF-8 for text) in one fresh buffer, which
 * a writer thread can be given without a copy.
 */
export function packWrites(items: readonly TempWrite[]): PackedWrites {
  let total = 0;
  for (const f of items) total += typeof f.data === 'string' ? Buffer.byteLength(f.data, 'utf8') : f.data.byteLength;
  const data = Buffer.allocUnsafeSlow(total);
  const ends = new Uint32Array(items.length);
  const modes = new Uint32Array(items.length);
  const paths = new Array<string>(items.length);
  let at = 0;
  for (let i = 0; i < items.length; i++) {
    const f = items[i]!;
    at += typeof f.data === 'string' ? data.write(f.data, at, 'utf8') : (data.set(f.data, at), f.data.byteLength);
    ends[i] = at;
    modes[i] = f.mode;
    paths[i] = f.tmp;
  }
  return { paths, data, ends, modes };
}

/** {@link writeTemps} of packed files: one native call, or node:fs where the addon is not built. */
export function writePacked(p: PackedWrites): Outcome {
  return outcomeOf(createFilesSync(p.paths, p.data, p.ends, p.modes)) ?? writePackedNodeFs(p);
}

/** {@link writePacked} through node:fs, where the addon is not built. */
export function writePackedNodeFs(p: PackedWrites): Outcome {
  // The umask is the process's: once a mode came out whole, it does for every file of the list.
  const whole = new Set<number>();
  for (let i = 0; i < p.paths.length; i++) {
    const mode = p.modes[i]!;
    try {
      const fd = openSync(p.paths[i]!, 'wx', mode);
      try {
        if (!whole.has(mode)) {
          if ((fstatSync(fd).mode & 0o7777) !== mode) fchmodSync(fd, mode);
          else whole.add(mode);
        }
        writeAll(fd, p.data.subarray(i ? p.ends[i - 1]! : 0, p.ends[i]!));
      } finally {
        closeSync(fd);
      }
    } catch (e) {
      return { done: i, failed: failureOf(i, e) };
    }
  }
  return { done: p.paths.length };
}

function outcomeOf(p: BulkProgress | undefined): Outcome | undefined {
  return p && (p.error ? { done: p.done, failed: failureOf(p.done, p.error) } : { done: p.done });
}

/** Renames each [temp, final] pair in order; stops at the first failure and says which. */
export function renameAll(pairs: ReadonlyArray<readonly [string, string]>): Outcome {
  return outcomeOf(renameFilesSync(pairs.map((x) => x[0]), pairs.map((x) => x[1]))) ?? renameAllNodeFs(pairs);
}

/** {@link renameAll} through node:fs, where the addon is not built. */
export function renameAllNodeFs(pairs: ReadonlyArray<readonly [string, string]>): Outcome {
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

/**
 * The fewest files a stage of a batch with writer threads holds: each stage costs a sync (a
 * process); the next starts once the last is done, so they grow when the disk is slow.
 */
const STAGE_FILES = 2048;

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

function removeAll(paths: readonly string[]): void {
  for (const p of paths) {
    try {
      unlinkSync(p);
    } catch {
      /* already gone */
    }
  }
}
