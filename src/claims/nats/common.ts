import { decodePublicKey } from '../../nkeys/codec.js';
import { type Role } from '../../nkeys/roles.js';
import type { NatsClaimsOf } from './types.js';

/** Decodes `key` as a public key of one of `roles`; throws the coded nkeys error otherwise. */
export function requireKey(key: string, roles: readonly Role[]): string {
  decodePublicKey(key, roles);
  return key;
}

/** Seconds since the epoch for a Date, a number of seconds, or now. */
export function unixSeconds(at?: Date | number): number {
  if (at === undefined) return Math.floor(Date.now() / 1000);
  return typeof at === 'number' ? Math.floor(at) : Math.floor(at.getTime() / 1000);
}

/**
 * Adds tags as Go's `TagList.Add` does: trimmed, lower-cased, empty ones skipped, no
 * duplicates. Returns the claims.
 *
 * @example
 * ```ts
 * addTags(claims, ' Env:Prod ', 'team:a'); // tags: ['env:prod', 'team:a']
 * ```
 */
export function addTags<C extends NatsClaimsOf<{ tags?: string[] }>>(claims: C, ...tags: string[]): C {
  const list = (claims.nats.tags ??= []);
  for (const raw of tags) {
    const t = raw.trim().toLowerCase();
    if (t && !list.includes(t)) list.push(t);
  }
  return claims;
}

/**
 * Removes tags (compared trimmed and lower-cased). Returns the claims.
 *
 * @example
 * ```ts
 * removeTags(claims, 'env:prod');
 * ```
 */
export function removeTags<C extends NatsClaimsOf<{ tags?: string[] }>>(claims: C, ...tags: string[]): C {
  const drop = new Set(tags.map((t) => t.trim().toLowerCase()));
  const list = claims.nats.tags;
  if (list) {
    claims.nats.tags = list.filter((t) => !drop.has(t));
    if (claims.nats.tags.length === 0) delete claims.nats.tags;
  }
  return claims;
}

/**
 * Unix seconds as an ISO 8601 time, for messages. Go's int64 times reach far past what a Date
 * holds (±8.64e15 ms): those are shown as the number itself, never `Invalid time value`.
 *
 * @example
 * ```ts
 * isoSeconds(0); // '1970-01-01T00:00:00.000Z'
 * isoSeconds(1e300); // '1e+300 (Unix seconds)'
 * ```
 */
export function isoSeconds(seconds: number): string {
  const d = new Date(seconds * 1000);
  return Number.isNaN(d.getTime()) ? `${seconds} (Unix seconds)` : d.toISOString();
}

/**
 * A value from a token, quoted for a message: a string as JSON (cut to 80 characters), any
 * other value by its kind. Never walks a value, so a hostile one (nested 100,000 deep, or a
 * megabyte long) costs nothing to name.
 *
 * @example
 * ```ts
 * show('users.*'); // '"users.*"'
 * show({ a: 1 });  // 'an object'
 * ```
 */
export function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 80 ? `${v.slice(0, 80)}…` : v);
  if (typeof v === 'number' || typeof v === 'boolean' || v === null || v === undefined) return String(v);
  return Array.isArray(v) ? 'a list' : `a${typeof v === 'object' ? 'n object' : ` ${typeof v}`}`;
}
