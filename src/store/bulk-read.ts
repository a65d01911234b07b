/**
 * Synchronous reads for bulk scans of a store (thousands of users): one syscall per question,
 * no coded errors, `undefined` or an empty answer where a file or folder is missing. For the
 * reads that decide something, use the store's coded readers instead.
 */
// node:fs/promises as fs.promises: loaded when first used, not by every command that imports
// this file (~1 ms of CLI start-up).
import { promises as fsp, readdirSync, readFileSync } from 'node:fs';

/**
 * The text of a file, or undefined when it cannot be read.
 *
 * @example
 * ```ts
 * const token = readTextSync(op.userJwtPath('A', 'U'))?.trim();
 * ```
 */
export function readTextSync(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * The text of a file, or undefined when it does not exist; any other failure is thrown as is
 * (the caller says what the file was, with its own code).
 *
 * @example
 * ```ts
 * const journal = await readTextIfPresent(path);
 * ```
 */
export async function readTextIfPresent(path: string): Promise<string | undefined> {
  try {
    return await fsp.readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/**
 * The names in a folder (empty when it cannot be listed): one listing answers "is this file
 * there" for every file of the folder, where a query per file costs ~10 µs each.
 *
 * @example
 * ```ts
 * namesInDirSync(keys.roleKeysDir('U') + '/AB').has('UAB….nk');
 * ```
 */
export function namesInDirSync(dir: string): Set<string> {
  try {
    return new Set(readdirSync(dir));
  } catch {
    return new Set();
  }
}

/**
 * The names of the `<name>.jwt` files in a folder (hidden and temporary files skipped), sorted;
 * empty when the folder does not exist, and any other failure thrown.
 *
 * @example
 * ```ts
 * jwtNamesSync(op.usersDir('A')); // ['U', 'V']
 * ```
 */
export function jwtNamesSync(dir: string): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  return entries
    .filter((d) => d.isFile() && !d.name.startsWith('.') && d.name.endsWith('.jwt'))
    .map((d) => d.name.slice(0, -4))
    .sort();
}
