/**
 * Atomic swaps of two names (Linux `renameat2(RENAME_EXCHANGE)`, native/rename-exchange, built by
 * `npm install`). A bulk replace swaps a file's new content in and keeps the old inode under the
 * temp name for reuse, in one directory operation instead of a hard link plus a rename. Where the
 * addon is not built, or the kernel or filesystem cannot swap, callers fall back to link + rename:
 * the same guarantees, more kernel work.
 */
import { createRequire } from 'node:module';
import { getSystemErrorName } from 'node:util';

interface Addon {
  exchange(a: string, b: string): number;
}

// dist/src/store/rename-exchange.js → <package root>/native/rename-exchange/build/Release/rename_exchange.node
const ADDON_PATH = new URL('../../../native/rename-exchange/build/Release/rename_exchange.node', import.meta.url);

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

/** Whether {@link renameExchange} can swap at all in this process (the addon is built and loads). */
export function renameExchangeAvailable(): boolean {
  return addon() !== null;
}

// Kernel or filesystem without the swap: EINVAL (flag unknown to the filesystem), ENOSYS (no
// renameat2), EOPNOTSUPP (NFS, FUSE…).
const UNSUPPORTED = new Set(['EINVAL', 'ENOSYS', 'EOPNOTSUPP', 'ENOTSUP']);

/**
 * Swaps the names `a` and `b` atomically: a reader of either path sees the old file or the new
 * one, never neither. `'swapped'` when done; `'missing'` when one of them does not exist;
 * `'not-a-file'` when `b` is a folder, a symlink, another non-regular file, or a file with other
 * hard links (the caller means to reuse what lands under `a` as a plain file of its own); `'unsupported'` when the addon, kernel or
 * filesystem cannot swap. Nothing changed in all three.
 * Throws a Node-style errno error (`code` `EACCES`, `EXDEV`…) on any other failure.
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
