/**
 * File-system calls Node has no API for (native/fscalls, built by `npm install`):
 *
 * - {@link renameExchange}: atomic swaps of two names (Linux `renameat2(RENAME_EXCHANGE)`). A
 *   bulk replace swaps a file's new content in and keeps the old inode under the temp name for
 *   reuse, in one directory operation instead of a hard link plus a rename.
 * - {@link createFilesSync} and {@link renameFilesSync}: a bulk write's temp files created, and
 *   renamed into place, thousands per call (one call instead of a node:fs round trip per step).
 * - {@link readSmallFilesSync}: the small files of one folder read in one call, each opened
 *   relative to the folder (`openat`), for listings of thousands of tokens ({@link
 *   smallFilesReader} over a long list of one folder, {@link readSmallFilesByPath} over paths).
 *
 * Where the addon is not built, or the kernel or filesystem cannot do it, callers fall back to
 * node:fs: the same guarantees, more work.
 */
import { createRequire } from 'node:module';
import { getSystemErrorName } from 'node:util';

interface Addon {
  exchange(a: string, b: string): number;
  readFiles(dir: string, names: readonly string[], max: number, modes?: Uint32Array): number | Array<string | number>;
  readFilesAsync(dir: string, names: readonly string[], max: number): Promise<number | [Array<string | number>, ArrayBuffer]>;
  createFiles(paths: readonly string[], data: Uint8Array, ends: Uint32Array, modes: Uint32Array): [number, number];
  renameFiles(from: readonly string[], to: readonly string[]): [number, number];
}

// dist/src/store/native-fs.js → <package root>/native/fscalls/build/Release/fscalls.node
const ADDON_PATH = new URL('../../../native/fscalls/build/Release/fscalls.node', import.meta.url);

let loaded: Addon | null | undefined;

function addon(): Addon | null {
  if (loaded !== undefined) return loaded;
  try {
    loaded = process.platform === 'linux' ? (createRequire(import.meta.url)(ADDON_PATH.pathname) as Addon) : null;
  } catch {
    loaded = null; // not built here: callers use their fallback
  }
  return loaded;
}

/** Whether the addon is built and loads in this process (else every call here answers with its fallback). */
export function nativeFsAvailable(): boolean {
  return addon() !== null;
}

// Kernel or filesystem without the swap: EINVAL (flag unknown to the filesystem), ENOSYS (no
// renameat2), EOPNOTSUPP (NFS, FUSE…).
const UNSUPPORTED = new Set(['EINVAL', 'ENOSYS', 'EOPNOTSUPP', 'ENOTSUP']);

/**
 * Swaps the names `a` and `b` atomically: a reader of either path sees the old file or the new
 * one, never neither. `'swapped'` when done. Otherwise nothing changed: `'missing'` when one of
 * them does not exist; `'not-a-file'` when `b` is a folder, a symlink, another non-regular file,
 * or a file with other hard links (the caller means to reuse what lands under `a` as a plain
 * file of its own); `'unsupported'` when the addon, kernel or filesystem cannot swap. Throws a
 * Node-style errno error (`code` `EACCES`, `EXDEV`…) on any other failure.
 *
 * @example
 * ```ts
 * if (renameExchange(temp, path) === 'swapped') reuse(temp); // temp now names the old file
 * ```
 */
export function renameExchange(a: string, b: string): 'swapped' | 'missing' | 'not-a-file' | 'unsupported' {
  const native = addon();
  if (!native) return 'unsupported';
  const errno = native.exchange(a, b);
  if (errno === 0) return 'swapped';
  const code = getSystemErrorName(-errno);
  if (code === 'ENOENT') return 'missing';
  if (code === 'EISDIR' || code === 'ELOOP' || code === 'EMLINK') return 'not-a-file';
  if (UNSUPPORTED.has(code)) return 'unsupported';
  throw Object.assign(new Error(`${code}: cannot swap '${a}' and '${b}'`), { code, errno: -errno, syscall: 'renameat2', path: a, dest: b });
}

/** One file of {@link readSmallFilesSync}: its text, or why it was not read (`EFBIG`: more than `max` bytes). */
export type SmallFile = string | { code: string };

/** Options of {@link readSmallFilesSync} and {@link smallFilesReader}. */
export interface SmallFilesOptions {
  /** One slot per name: each file's `st_mode` as the descriptor read has it (0 where none was opened). */
  modes?: Uint32Array;
  /**
   * Only ASCII text: a file with any other byte is answered `EILSEQ`, for callers that read
   * UTF-8 (where latin1 would not be the same text) and read such a file the node:fs way.
   */
  ascii?: boolean;
}

const NOT_ASCII = /[^\x00-\x7f]/;

/**
 * The files `names` of the folder `dir`, read in one native call: each one's bytes as latin1
 * text (exact for ASCII such as tokens; any other byte stays visible to the caller's checks), or
 * `{ code }` with the errno name that stopped it (`ENOENT`, `EISDIR`…; `EFBIG` when it holds
 * more than `max` bytes; see {@link SmallFilesOptions} for `modes` and `ascii`). A fifo reads as
 * empty rather than blocking. Undefined when the addon is not built or the folder
 * cannot be opened: the caller then reads the files with node:fs, which names the error.
 *
 * @example
 * ```ts
 * const texts = readSmallFilesSync(usersDir, ['u1.jwt', 'u2.jwt'], 16 * 1024);
 * ```
 */
export function readSmallFilesSync(dir: string, names: readonly string[], max: number, opts: SmallFilesOptions = {}): SmallFile[] | undefined {
  const native = addon();
  if (!native) return undefined;
  const got = opts.modes ? native.readFiles(dir, names, max, opts.modes) : native.readFiles(dir, names, max);
  return typeof got === 'number' ? undefined : smallFiles(got, opts);
}

function smallFiles(got: ReadonlyArray<string | number>, opts: SmallFilesOptions): SmallFile[] {
  return got.map((v) => (typeof v === 'string' ? (opts.ascii && NOT_ASCII.test(v) ? { code: 'EILSEQ' } : v) : { code: typeof v !== 'number' ? 'EIO' : v === -1 ? 'EFBIG' : getSystemErrorName(-v) }));
}

/**
 * {@link readSmallFilesSync} on libuv's thread pool: the same answers (and `modes`, filled when
 * the promise settles), while this thread does something else, such as decoding the files of the
 * previous call. Undefined when the addon is not built or the folder cannot be opened.
 *
 * @example
 * ```ts
 * const next = readSmallFilesAsync(usersDir, namesOfNextSlice, 16 * 1024);
 * decode(current);
 * const texts = await next;
 * ```
 */
export async function readSmallFilesAsync(dir: string, names: readonly string[], max: number, opts: SmallFilesOptions = {}): Promise<SmallFile[] | undefined> {
  const native = addon();
  // An addon built before this call existed (an install not rebuilt since) has no such call.
  if (typeof native?.readFilesAsync !== 'function') return undefined;
  const got = await native.readFilesAsync(dir, names, max);
  if (typeof got === 'number') return undefined;
  if (opts.modes) opts.modes.set(new Uint32Array(got[1]).subarray(0, opts.modes.length));
  return smallFiles(got[0], opts);
}

/** Files per native call of {@link smallFilesReader}: enough to amortise the call, few enough that the texts die young. */
const SLICE = 256;

/**
 * {@link readSmallFilesSync} over a long list, a slice of files per native call: `at(i)` is the
 * answer for `names[i]` (undefined where the addon is not built). Ask in order; only the
 * current slice's texts are held, so a listing of 10,000 files does not keep them all alive.
 *
 * @example
 * ```ts
 * const at = smallFilesReader(usersDir, names.map((n) => `${n}.jwt`), 16 * 1024);
 * for (let i = 0; i < names.length; i++) use(at(i) ?? readTheSlowWay(names[i]));
 * ```
 */
export function smallFilesReader(dir: string, names: readonly string[], max: number, opts: Pick<SmallFilesOptions, 'ascii'> = {}): (i: number) => SmallFile | undefined {
  let from = -1;
  let texts: SmallFile[] | undefined;
  return (i) => {
    if (from < 0 || i < from || i >= from + SLICE) {
      from = i - (i % SLICE);
      texts = readSmallFilesSync(dir, names.slice(from, from + SLICE), max, opts);
    }
    return texts?.[i - from];
  };
}

/**
 * {@link readSmallFilesSync} for a list of paths: each run of paths in one folder is read in one
 * native call (give them grouped by folder, as a listing is). Answers per path, in order:
 * undefined where the addon is not built or the folder could not be opened (read those with
 * node:fs, which names the error).
 *
 * @example
 * ```ts
 * const got = readSmallFilesByPath(['/s/users/a.jwt', '/s/users/b.jwt'], 16 * 1024, { ascii: true });
 * ```
 */
export function readSmallFilesByPath(paths: readonly string[], max: number, opts: Pick<SmallFilesOptions, 'ascii'> = {}): Array<SmallFile | undefined> {
  const out = new Array<SmallFile | undefined>(paths.length);
  for (let from = 0; from < paths.length; ) {
    const slash = paths[from]!.lastIndexOf('/');
    const dir = paths[from]!.slice(0, slash + 1);
    let to = from + 1;
    while (to < paths.length && paths[to]!.startsWith(dir) && paths[to]!.indexOf('/', dir.length) < 0) to++;
    // A bare name or a file at the root is left to node:fs.
    const texts = slash > 0 ? readSmallFilesSync(dir.slice(0, -1), paths.slice(from, to).map((p) => p.slice(dir.length)), max, opts) : undefined;
    for (let i = from; i < to; i++) out[i] = texts?.[i - from];
    from = to;
  }
  return out;
}

/** How far a bulk call of {@link createFilesSync} or {@link renameFilesSync} went: files done, and the error that stopped the next one. */
export interface BulkProgress {
  done: number;
  error?: NodeJS.ErrnoException;
}

function progressOf([done, errno]: [number, number], syscall: string, path: (i: number) => string): BulkProgress {
  if (!errno) return { done };
  const code = getSystemErrorName(-errno);
  return { done, error: Object.assign(new Error(`${code}: ${syscall} '${path(done)}'`), { code, errno: -errno, syscall, path: path(done) }) };
}

/**
 * Creates each new file of `paths` (never an existing name, never through a symlink) with its
 * exact `modes[i]` (the umask is undone) and writes its bytes, `data` from `ends[i - 1]` (0 for
 * the first) to `ends[i]`; stops at the first failure, which `error` describes (a Node-style
 * errno error). Undefined when the addon is not built: write them with node:fs.
 *
 * @example
 * ```ts
 * const p = createFilesSync(['/s/.a.tmp', '/s/.b.tmp'], Buffer.from('ab'), Uint32Array.of(1, 2), Uint32Array.of(0o600, 0o600));
 * if (p?.error) throw p.error;
 * ```
 */
export function createFilesSync(paths: readonly string[], data: Uint8Array, ends: Uint32Array, modes: Uint32Array): BulkProgress | undefined {
  const native = addon();
  return native ? progressOf(native.createFiles(paths, data, ends, modes), 'open', (i) => paths[i]!) : undefined;
}

/**
 * Renames each `from[i]` to `to[i]`, in order; stops at the first failure, which `error`
 * describes. Undefined when the addon is not built: rename them with node:fs.
 *
 * @example
 * ```ts
 * const p = renameFilesSync(['/s/.a.tmp'], ['/s/a']);
 * ```
 */
export function renameFilesSync(from: readonly string[], to: readonly string[]): BulkProgress | undefined {
  const native = addon();
  return native ? progressOf(native.renameFiles(from, to), 'rename', (i) => from[i]!) : undefined;
}
