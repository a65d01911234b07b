/**
 * Folders given where tokens are expected (`sigchain verify users/`): a folder stands for the
 * token files in it, as a shell glob would list them, without the shell's limit on arguments.
 */
import { readdirSync, statSync } from 'node:fs';
import { sep } from 'node:path';

// The files a folder of tokens holds: a store's users/ (JWTs), a creds folder.
const TOKEN_FILE = /\.(jwt|creds)$/;

/**
 * Whether `input` names a folder. Files named as tokens or modules are not asked about, so a
 * list of 10,000 of them costs no extra call each.
 *
 * @example
 * ```ts
 * isFolderInput('./nsc/stores/O/accounts/A/users'); // true
 * isFolderInput('./users/u1.jwt');                  // false, without a stat
 * ```
 */
export function isFolderInput(input: string): boolean {
  if (typeof input !== 'string' || input.length > 4096 || input.includes('\0') || /\.(jwt|creds|wasm)$/i.test(input)) return false;
  try {
    return statSync(input).isDirectory();
  } catch {
    return false; // not there, or not readable: the reader of the input says why
  }
}

/**
 * The `*.jwt` and `*.creds` files of `folder` (not hidden, not in subfolders), sorted by name,
 * as paths under it; empty when there are none or the folder cannot be listed.
 *
 * @example
 * ```ts
 * tokenFilesIn('users'); // ['users/a.jwt', 'users/b.jwt']
 * ```
 */
export function tokenFilesIn(folder: string): string[] {
  let names: string[];
  try {
    names = readdirSync(folder, { withFileTypes: true })
      .filter((d) => d.isFile() && !d.name.startsWith('.') && TOKEN_FILE.test(d.name))
      .map((d) => d.name)
      .sort();
  } catch {
    return [];
  }
  const base = folder.endsWith(sep) ? folder : `${folder}${sep}`;
  return names.map((n) => base + n);
}
