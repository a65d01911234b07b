/**
 * Key usages: what a key may ever do, fixed when the key is made (as Canton's signing-key
 * usages). A key that signs connection nonces should not also be able to issue accounts:
 * if it leaks, the damage stays inside its usage.
 *
 * - `identity`: signs its own entity's token (the operator JWT is self-signed).
 * - `issuing`: signs children's tokens (accounts by an operator key, users by an account key).
 * - `authentication`: proves possession: connection nonces, challenges, `sign -m`.
 * - `protocol`: signs protocol messages (invocations) as a cluster or server key.
 */
import { SigchainError } from '../errors.js';
import type { Role } from '../nkeys/roles.js';

/** One thing a key may do. */
export type KeyUsage = 'identity' | 'issuing' | 'authentication' | 'protocol';

/** Every usage, in the canonical order sigchain prints and stores them. */
export const KEY_USAGES: readonly KeyUsage[] = ['identity', 'issuing', 'authentication', 'protocol'];

/** Named sets of usages; a single usage is the recommended shape (one key, one job). */
export const USAGE_PRESETS = {
  IdentityOnly: ['identity'],
  IssuingOnly: ['issuing'],
  AuthenticationOnly: ['authentication'],
  ProtocolOnly: ['protocol'],
  All: KEY_USAGES,
} as const satisfies Record<string, readonly KeyUsage[]>;

/** The name of a preset in {@link USAGE_PRESETS}. */
export type UsagePreset = keyof typeof USAGE_PRESETS;

/** Why a key is being made, which decides its default usages. */
export type KeyPurpose = 'identity' | 'signing-key';

/** True when `text` names a usage (exactly, lower case). */
export function isKeyUsage(text: string): text is KeyUsage {
  return (KEY_USAGES as readonly string[]).includes(text);
}

/**
 * Sorts and de-duplicates usages into canonical order, so equal sets compare and print equal.
 *
 * @example
 * ```ts
 * normalizeUsages(['issuing', 'identity', 'issuing']); // ['identity', 'issuing']
 * ```
 */
export function normalizeUsages(usages: Iterable<KeyUsage>): KeyUsage[] {
  const set = new Set(usages);
  return KEY_USAGES.filter((u) => set.has(u));
}

/** True when both lists hold the same usages (order and repeats ignored). */
export function sameUsages(a: Iterable<KeyUsage>, b: Iterable<KeyUsage>): boolean {
  return normalizeUsages(a).join(',') === normalizeUsages(b).join(',');
}

const PRESET_BY_LOWER = new Map(Object.keys(USAGE_PRESETS).map((name) => [name.toLowerCase(), name as UsagePreset]));

/**
 * Parses `--usage`: a preset (`IssuingOnly`, `All`, any case) or a comma-separated list of
 * usages and presets (`issuing,authentication`). Throws `INVALID_KEY_USAGE` for an unknown name
 * or an empty set: a signing key with no usage could never be used.
 *
 * @example
 * ```ts
 * parseUsages('IssuingOnly');            // ['issuing']
 * parseUsages('authentication,issuing'); // ['issuing', 'authentication']
 * ```
 */
export function parseUsages(text: string): KeyUsage[] {
  const out: KeyUsage[] = [];
  const names = text.split(',').map((s) => s.trim()).filter(Boolean);
  for (const name of names) {
    const lower = name.toLowerCase();
    const preset = PRESET_BY_LOWER.get(lower);
    if (preset) out.push(...USAGE_PRESETS[preset]);
    else if (isKeyUsage(lower)) out.push(lower);
    else {
      throw new SigchainError(
        'INVALID_KEY_USAGE',
        `"${name}" is not a key usage. Use a preset (${Object.keys(USAGE_PRESETS).join(', ')}) or a comma-separated list of ${KEY_USAGES.join(', ')}.`,
        { given: name },
      );
    }
  }
  if (!out.length) throw new SigchainError('INVALID_KEY_USAGE', `Name at least one usage: a preset (${Object.keys(USAGE_PRESETS).join(', ')}) or a list of ${KEY_USAGES.join(', ')}.`);
  return normalizeUsages(out);
}

/**
 * Usages for people: the preset's name when the set is one (`All`, `IssuingOnly`…), else the
 * list; `none` for keys that never sign (curve keys).
 *
 * @example
 * ```ts
 * formatUsages(['issuing']);             // 'issuing'
 * formatUsages(KEY_USAGES);               // 'all'
 * formatUsages(['identity', 'issuing']); // 'identity,issuing'
 * ```
 */
export function formatUsages(usages: readonly KeyUsage[]): string {
  // The common case of a listing (a user key: authentication), without building a set.
  if (usages.length === 1 && isKeyUsage(usages[0]!)) return usages[0]!;
  const list = normalizeUsages(usages);
  if (!list.length) return 'none';
  if (list.length === KEY_USAGES.length) return 'all';
  return list.join(',');
}

/**
 * The usages sigchain gives a key it makes, chosen to keep nsc's workflow working while keeping
 * the separation of keys visible:
 * - operator/account identity key: `identity` + `issuing` (nsc lets it sign children; the
 *   identity-key warning already says to move that to a signing key);
 * - operator/account signing key: `issuing` only;
 * - user: `authentication` (it signs connection nonces);
 * - server/cluster: `protocol`; module/service (wasmCloud): `identity`;
 * - curve: none (it encrypts, never signs).
 *
 * @example
 * ```ts
 * defaultUsages('operator', 'identity');    // ['identity', 'issuing']
 * defaultUsages('account', 'signing-key');  // ['issuing']
 * defaultUsages('user');                    // ['authentication']
 * ```
 */
export function defaultUsages(role: Role, purpose: KeyPurpose = 'identity'): KeyUsage[] {
  switch (role) {
    case 'operator':
    case 'account':
      return purpose === 'signing-key' ? ['issuing'] : ['identity', 'issuing'];
    case 'user':
      return ['authentication'];
    case 'server':
    case 'cluster':
      return ['protocol'];
    case 'module':
    case 'service':
      return ['identity'];
    case 'curve':
      return [];
  }
}

/**
 * True when a key with `usages` has at least one of `wanted` (how `keys list --usage` filters,
 * as Canton's `filterUsage`).
 *
 * @example
 * ```ts
 * matchesAnyUsage(['identity', 'issuing'], ['issuing', 'protocol']); // true
 * ```
 */
export function matchesAnyUsage(usages: readonly KeyUsage[], wanted: readonly KeyUsage[]): boolean {
  return wanted.some((u) => usages.includes(u));
}
