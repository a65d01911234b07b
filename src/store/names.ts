/**
 * Entity names become file and folder names, so a name must never climb out of its folder
 * or collide with the store's own hidden files.
 */
import { SigchainError } from '../errors.js';

/** What a name names, for messages. */
export type NameKind = 'operator' | 'account' | 'user';

// Control characters make names that print misleadingly and break line-based tools.
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * Trims `name` as nsc's `SafeName` does and refuses what cannot be a plain file name:
 * empty, `/`, `\`, control characters, `.`/`..`, or a leading `.` (reserved for the store's own
 * files such as `.nsc` and the lock). Throws `INVALID_NAME`.
 *
 * @example
 * ```ts
 * safeName('  ACME ', 'operator'); // 'ACME'
 * safeName('../etc', 'account');   // throws INVALID_NAME
 * ```
 */
export function safeName(name: string, kind: NameKind): string {
  const trimmed = typeof name === 'string' ? name.trim() : '';
  const bad = (why: string): SigchainError =>
    new SigchainError('INVALID_NAME', `The ${kind} name ${JSON.stringify(typeof name === 'string' ? name : String(name))} ${why}. Choose a plain name such as "ACME" or "service-1".`, { kind, name });
  if (trimmed === '') throw bad('is empty');
  if (trimmed.includes('/') || trimmed.includes('\\')) throw bad('holds a path separator (/ or \\)');
  if (CONTROL.test(trimmed)) throw bad('holds a control character');
  if (trimmed.startsWith('.')) throw bad("starts with '.', which is reserved for the store's own files");
  return trimmed;
}
