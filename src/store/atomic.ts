/**
 * Crash-safe file writes: a reader (or the next run after a crash, a full disk or a kill)
 * sees either the old file or the new one, never a mix.
 */
// node:fs/promises as fs.promises: loaded when first used, not by every command that imports
// this file (~1 ms of CLI start-up).
import { promises as fsp } from 'node:fs';
import { randomBytes } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { SigchainError } from '../errors.js';

/** Mode of files holding seeds, and (as nsc writes them) of every store file. */
export const SECRET_FILE_MODE = 0o600;
/** Mode of files anyone may read. */
export const PUBLIC_FILE_MODE = 0o644;
/** Mode of folders, so seeds below them are private even if a file's mode slips. */
export const PRIVATE_DIR_MODE = 0o700;

/** Options of {@link writeFileAtomic}. */
export interface AtomicWriteOptions {
  /** Exact mode of the file (the umask is not applied). */
  mode: number;
  /** Mode of folders created on the way; default 0700. Existing folders are left as they are. */
  dirMode?: number;
}

/** Suffix of in-flight temp files; listings skip them. */
export const TEMP_SUFFIX = '.tmp';

/**
 * True for the name of a temp file {@link writeFileAtomic} may leave behind after a kill.
 *
 * @example
 * ```ts
 * isTempName('.ACME.jwt.4242.a1b2c3d4e5f6.tmp'); // true
 * ```
 */
export function isTempName(name: string): boolean {
  return name.startsWith('.') && name.endsWith(TEMP_SUFFIX);
}

function errno(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException | undefined)?.code;
}

/**
 * Wraps an fs failure in a coded `IO_ERROR` that names the path (and never the data).
 *
 * @example
 * ```ts
 * try { await readFile(p); } catch (e) { throw ioError('read', p, e); }
 * ```
 */
export function ioError(action: string, path: string, e: unknown, hint = 'Check that the folder exists and that you may write to it.'): SigchainError {
  if (e instanceof SigchainError) return e;
  const code = errno(e);
  const why = code ? `${code}: ${(e as Error).message}` : String((e as Error)?.message ?? e);
  return new SigchainError('IO_ERROR', `Could not ${action} ${path} (${why}). ${hint}`, { path, errno: code }, { cause: e });
}

/**
 * Creates `dir` and its missing parents with `mode` (exactly; the umask is not applied).
 * Folders that already exist keep their mode.
 *
 * @example
 * ```ts
 * await ensureDir('/home/me/.local/share/sigchain/keys/A/BC', 0o700);
 * ```
 */
export async function ensureDir(dir: string, mode: number = PRIVATE_DIR_MODE): Promise<void> {
  const missing: string[] = [];
  for (let d = dir; ; d = dirname(d)) {
    try {
      const s = await fsp.stat(d);
      if (!s.isDirectory()) throw new SigchainError('IO_ERROR', `${d} exists but is not a folder. Move it away or choose another folder.`, { path: d });
      break;
    } catch (e) {
      if (errno(e) !== 'ENOENT') throw ioError('inspect', d, e);
      missing.push(d);
      if (dirname(d) === d) break;
    }
  }
  for (const d of missing.reverse()) {
    try {
      await fsp.mkdir(d, { mode });
    } catch (e) {
      // Another process may create the same folder at the same time: that is fine.
      if (errno(e) !== 'EEXIST') throw ioError('create the folder', d, e);
      continue;
    }
    try {
      await fsp.chmod(d, mode);
    } catch (e) {
      throw ioError('set the mode of', d, e);
    }
  }
}

/**
 * fsyncs a folder so a rename or unlink in it survives a power loss.
 *
 * @example
 * ```ts
 * await rename(tmp, path); await syncDir(dirname(path));
 * ```
 */
export async function syncDir(dir: string): Promise<void> {
  let fh: FileHandle | undefined;
  try {
    fh = await fsp.open(dir, 'r');
    await fh.sync();
  } catch (e) {
    // Some filesystems refuse fsync on folders; the rename itself is still atomic there.
    if (!['EISDIR', 'EINVAL', 'EPERM', 'EBADF', 'ENOTSUP'].includes(errno(e) ?? '')) throw ioError('sync the folder', dir, e);
  } finally {
    await fh?.close().catch(() => undefined);
  }
}

/**
 * Writes `data` to `path` atomically: a temp file in the same folder, written and fsynced,
 * renamed over `path`, then the folder fsynced. On any failure the temp file is removed,
 * the old `path` is left intact, and an `IO_ERROR` naming the path is thrown.
 *
 * @example
 * ```ts
 * await writeFileAtomic(`${home}/keys/A/BC/ABC….nk`, seed, { mode: 0o600 });
 * await writeFileAtomic(`${stores}/Op/Op.jwt`, token, { mode: 0o600 });
 * ```
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, options: AtomicWriteOptions): Promise<void> {
  const dir = dirname(path);
  await ensureDir(dir, options.dirMode ?? PRIVATE_DIR_MODE);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}${TEMP_SUFFIX}`);
  let fh: FileHandle | undefined;
  try {
    // 'wx' with the final mode: the secret is never readable by others, not even for a moment.
    fh = await fsp.open(tmp, 'wx', options.mode);
    await fh.chmod(options.mode);
    await fh.writeFile(data);
    await fh.sync();
    await fh.close();
    fh = undefined;
    await fsp.rename(tmp, path);
  } catch (e) {
    await fh?.close().catch(() => undefined);
    await fsp.rm(tmp, { force: true }).catch(() => undefined);
    throw ioError('write', path, e, 'Check free space and that you may write to the folder; the previous content is unchanged.');
  }
  await syncDir(dir);
}

/**
 * Removes a file (if present) and fsyncs its folder. Returns whether it existed.
 *
 * @example
 * ```ts
 * await removeFile(`${stores}/Op/accounts/A/users/bob.jwt`); // true
 * ```
 */
export async function removeFile(path: string): Promise<boolean> {
  try {
    await fsp.rm(path);
  } catch (e) {
    if (errno(e) === 'ENOENT') return false;
    throw ioError('remove', path, e);
  }
  await syncDir(dirname(path));
  return true;
}

/**
 * What is at `path`, without following a link: nothing, a regular file, or something else (a
 * folder, a link, a device) that a file write must not replace.
 *
 * @example
 * ```ts
 * if ((await pathKind(out)) === 'other') throw new Error(`${out} is not a file`);
 * ```
 */
export async function pathKind(path: string): Promise<'missing' | 'file' | 'other'> {
  try {
    return (await fsp.lstat(path)).isFile() ? 'file' : 'other';
  } catch (e) {
    if (errno(e) === 'ENOENT') return 'missing';
    throw ioError('inspect', path, e);
  }
}

/** True when `path` is a folder (following links, as writing into it would). */
export async function isFolder(path: string): Promise<boolean> {
  try {
    return (await fsp.stat(path)).isDirectory();
  } catch {
    return false;
  }
}
