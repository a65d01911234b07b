import { addTags, removeTags } from '../../claims/nats/common.js';
import type { NatsClaimsOf } from '../../claims/nats/types.js';

type Taggable = NatsClaimsOf<{ tags?: string[] }>;

/** Changes every entity's token shares: tags and validity window. */
export interface ClaimEdit {
  tags?: string[];
  rmTags?: string[];
  /** Unix seconds; 0 clears. */
  expiry?: number;
  /** Unix seconds; 0 clears. */
  start?: number;
}

function setOrClear<K extends 'exp' | 'nbf'>(claims: Taggable, key: K, value: number | undefined): void {
  if (value === undefined) return;
  if (value) claims[key] = value;
  else delete claims[key];
}

/**
 * Applies tags and expiry/start changes to any claims, in place.
 *
 * @example
 * ```ts
 * applyClaimEdit(account, { tags: ['env:prod'], expiry: 0 }); // adds a tag, removes the expiry
 * ```
 */
export function applyClaimEdit(claims: Taggable, e: ClaimEdit): void {
  if (e.tags?.length) addTags(claims, ...e.tags);
  if (e.rmTags?.length) removeTags(claims, ...e.rmTags);
  setOrClear(claims, 'exp', e.expiry);
  setOrClear(claims, 'nbf', e.start);
}

/** `value` when set, else nothing; for fields where '' means "remove". */
export function setOrDelete<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | undefined | ''): void {
  if (value === undefined) return;
  if (value === '') delete target[key];
  else target[key] = value as T[K];
}
