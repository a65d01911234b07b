/**
 * Files a user asks a command to write outside the store (`--output`): a creds file, a server
 * configuration. Written atomically like the store's own files, with the mode their content needs.
 */
import { SigchainError } from '../errors.js';
import { dirname } from 'node:path';
import { PUBLIC_FILE_MODE, SECRET_FILE_MODE, isFolder, pathKind, writeFileAtomic } from '../store/atomic.js';

/** Options of {@link writeOutputFile}. */
export interface OutputFileOptions {
  /** The content is a secret (a creds file): mode 0600; else 0644. */
  secret: boolean;
  /** Replace an existing file (never anything but a regular file). Default: refuse with `STORE_EXISTS`. */
  force?: boolean;
  /** Refuse a folder that does not exist (`IO_ERROR`) instead of creating it: where a mistyped folder is likelier than a new one. */
  existingFolder?: boolean;
}

/**
 * Writes `text` (or bytes: a signed module) to `path` atomically. Refuses to replace an existing file unless `force`, and
 * never replaces what is not a regular file (a folder, a link, a device).
 *
 * @example
 * ```ts
 * await writeOutputFile('/tmp/U.creds', creds.text, { secret: true });
 * ```
 */
export async function writeOutputFile(path: string, text: string | Uint8Array, opts: OutputFileOptions): Promise<void> {
  await checkOutputFile(path, opts);
  await writeFileAtomic(path, text, { mode: opts.secret ? SECRET_FILE_MODE : PUBLIC_FILE_MODE });
}

/**
 * Refuses an output path {@link writeOutputFile} would refuse, before anything is signed or
 * stored: something that is not a regular file (`IO_ERROR`), an existing file without `force`
 * (`STORE_EXISTS`), and with `existingFolder` a folder that does not exist (`IO_ERROR`).
 *
 * @example
 * ```ts
 * await checkOutputFile(resolve(out), { force: false }); // then sign, then writeOutputFile
 * ```
 */
export async function checkOutputFile(path: string, opts: Pick<OutputFileOptions, 'force' | 'existingFolder'>): Promise<void> {
  const dir = dirname(path);
  if (opts.existingFolder && !(await isFolder(dir))) throw new SigchainError('IO_ERROR', `The folder ${dir} does not exist (or is not a folder), so ${path} was not written. sigchain does not create folders for -o: create it first, or check the path.`, { path: dir });
  const kind = await pathKind(path);
  if (kind === 'other') throw new SigchainError('IO_ERROR', `${path} exists and is not a regular file. Choose another path for --output.`, { path });
  if (kind === 'file' && !opts.force) throw new SigchainError('STORE_EXISTS', `${path} already exists. Pass --force to replace it, or choose another file.`, { path });
}
