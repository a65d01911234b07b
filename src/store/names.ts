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

/**
 * Each of `names` through {@link safeName}, refusing one given twice (after trimming): a batch
 * that creates them would make the second overwrite or collide with the first. Throws `USAGE`.
 *
 * @example
 * ```ts
 * namedOnce(['web-1', ' web-2'], 'user'); // ['web-1', 'web-2']
 * namedOnce(['a', 'a '], 'user');         // throws USAGE
 * ```
 */
export function namedOnce(names: readonly string[], kind: NameKind): string[] {
  const out = names.map((n) => safeName(n, kind));
  const seen = new Set<string>();
  const twice = [...new Set(out.filter((n) => (seen.has(n) ? true : (seen.add(n), false))))];
  if (twice.length) throw new SigchainError('USAGE', `${twice.length === 1 ? `A ${kind} is` : `${kind[0]!.toUpperCase()}${kind.slice(1)}s are`} named twice: ${twice.slice(0, 10).join(', ')}${twice.length > 10 ? ', …' : ''}. Name each ${kind} once.`, { names: twice.slice(0, 100) });
  return out;
}

/** `STORE_EXISTS` for a batch of new users of which `taken` exist already: nothing of it was added. */
export function usersTakenError(taken: readonly string[], account: string): SigchainError {
  return new SigchainError(
    'STORE_EXISTS',
    `${taken.length === 1 ? `User ${taken[0]} already exists` : `Users ${taken.slice(0, 10).join(', ')}${taken.length > 10 ? ', …' : ''} already exist`} in account ${account}; no user was added. Choose other names, or edit ${taken.length === 1 ? 'that user' : 'those users'}.`,
    { kind: 'user', names: taken.slice(0, 100), account },
  );
}
