import type { Signer } from '../../keys/signer.js';
import type { UserScope } from '../../claims/nats/types.js';
import { SigchainError } from '../../errors.js';
import { type Restriction, type StatementKind, formatRestriction, missingKinds } from '../../keys/restrictions.js';
import type { Role } from '../../nkeys/roles.js';

/** The parent whose keys may issue a child token. */
export interface IssuingParent {
  /** `operator` issues accounts; `account` issues users and activations. */
  kind: 'operator' | 'account';
  name: string;
  /** The parent's identity key (its public key, the token's `sub`). */
  identity: string;
  /** Signing keys the parent's *current* token lists (strings, or scopes for accounts). */
  signingKeys: ReadonlyArray<string | UserScope>;
  /** Identity key barred from issuing: NATS `strict_signing_key_usage` (and its cascade to accounts). */
  strict: boolean;
  /** Delegation restrictions of the signing keys, from the parent's current token (absent = CanSignAll). */
  restrictions?: ReadonlyMap<string, Restriction>;
}

/** What choosing a signer looks at: the key's public half and role (a custody Signer, or a KeyPair). */
export type KeyLike = Pick<Signer, 'publicKey' | 'role'>;

/** The key chosen to sign, and in what capacity. */
export interface ChosenSigner<K extends KeyLike = Signer> {
  key: K;
  /** `identity` when the parent's identity key signs (a separation-of-keys risk). */
  as: 'identity' | 'signing-key';
  /** Set when the signing key is scoped (users must then carry no permissions). */
  scope?: UserScope;
}

function skKey(sk: string | UserScope): string {
  return typeof sk === 'string' ? sk : sk.key;
}

function article(word: string): string {
  // 'a user', 'an operator', 'an account': by sound, not by letter.
  return /^[aeio]/.test(word) ? 'an' : 'a';
}

function roleOf(kind: IssuingParent['kind']): Role {
  return kind;
}

function missingFor(parent: IssuingParent, key: string, kinds: readonly StatementKind[]): StatementKind[] {
  return missingKinds(parent.restrictions?.get(key), kinds);
}

/** True when `key` may sign `kinds` for `parent` as far as restrictions, strict mode and usages go. */
function fit(parent: IssuingParent, key: string, kinds: readonly StatementKind[], unfit: ReadonlyMap<string, unknown>): boolean {
  if (unfit.has(key)) return false;
  if (key === parent.identity) return !parent.strict;
  return missingFor(parent, key, kinds).length === 0;
}

/**
 * The keys that may sign for `parent`, described for an error message: only those (issue 12).
 * Keys refused for their usages or retirement are explained in the refusal's first part.
 */
function allowedList(parent: IssuingParent, kinds: readonly StatementKind[], unfit: ReadonlyMap<string, SigchainError>): string {
  const keys = parent.signingKeys.filter((sk) => fit(parent, skKey(sk), kinds, unfit)).map((sk) => `${skKey(sk)} (signing key${typeof sk === 'string' ? '' : `, scoped role ${sk.role}`})`);
  if (fit(parent, parent.identity, kinds, unfit)) keys.unshift(`${parent.identity} (identity key of ${parent.kind} "${parent.name}")`);
  const none = parent.strict && !unfit.has(parent.identity) ? 'the identity key is barred by strict signing-key usage and ' : '';
  const why = kinds.length && parent.signingKeys.length ? 'no listed signing key is allowed to by its restriction and its usages' : 'no usable signing key is listed';
  return (keys.length ? keys.map((k) => `  - ${k}`) : [`  (none: ${none}${why})`]).join('\n');
}

/**
 * Picks the key that signs a token issued by `parent`. With `explicit` (the `-K` key) it
 * checks that key may sign; without it, it prefers a signing key whose seed is at hand
 * (keeping the identity key offline), then the identity key when allowed.
 * Refuses with `NO_APPROPRIATE_SIGNING_KEY`, naming the keys that could sign.
 *
 * `kinds` are the kinds of statement being signed (see `src/keys/restrictions.ts`): a signing
 * key whose restriction excludes one is skipped, and given with -K it is refused with
 * `KEY_RESTRICTION_VIOLATION`. The identity key is never restricted (only strict mode bars it).
 * `unfit` are the parent's keys retired or without the `issuing` usage: never offered as able
 * to sign; when they are all that is at hand the refusal says so.
 *
 * @example
 * ```ts
 * const { key, as } = chooseSigner(operatorAsParent, { explicit: await ws.resolveSigner(seed), lookup });
 * ```
 */
export function chooseSigner<K extends KeyLike = Signer>(
  parent: IssuingParent,
  what: string,
  opts: { explicit?: K; lookup: (publicKey: string) => K | undefined; preferScope?: (scope: UserScope | undefined) => boolean; kinds?: readonly StatementKind[]; unfit?: ReadonlyMap<string, SigchainError> },
): ChosenSigner<K> {
  const kinds = opts.kinds ?? [];
  const unfit = opts.unfit ?? new Map<string, SigchainError>();
  const role = roleOf(parent.kind);
  const scopes = new Map(parent.signingKeys.map((sk) => [skKey(sk), typeof sk === 'string' ? undefined : sk]));
  const refuse = (why: string, extra: Record<string, unknown> = {}) =>
    new SigchainError('NO_APPROPRIATE_SIGNING_KEY', `${why}\nKeys that can sign ${what} for ${parent.kind} "${parent.name}":\n${allowedList(parent, kinds, unfit)}\nPass one with -K (its seed, its .nk file, or its public key if the seed is in the key store).`, {
      parent: parent.identity,
      allowed: [parent.identity, ...parent.signingKeys.map(skKey)].filter((k) => fit(parent, k, kinds, unfit)),
      ...(kinds.length ? { kinds: [...kinds] } : {}),
      ...(unfit.size ? { unfit: Object.fromEntries([...unfit].map(([k, e]) => [k, e.code])) } : {}),
      ...extra,
    });

  if (opts.explicit) {
    const k = opts.explicit;
    if (k.role !== role) throw refuse(`The key given with -K is ${article(k.role)} ${k.role} key; ${what} must be signed by ${article(role)} ${role} key of ${parent.kind} "${parent.name}".`);
    // A KeyPair handed in by a library caller may be public-only.
    if ((k as { canSign?: boolean }).canSign === false) throw refuse(`The key ${k.publicKey} given with -K has no seed, so it cannot sign.`);
    if (k.publicKey === parent.identity) {
      if (parent.strict) throw refuse(`${parent.kind} "${parent.name}" requires signing keys (strict signing-key usage): its identity key may not sign ${what}.`);
      return { key: k, as: 'identity' };
    }
    if (scopes.has(k.publicKey)) {
      const missing = missingFor(parent, k.publicKey, kinds);
      if (missing.length) {
        const r = formatRestriction(parent.restrictions?.get(k.publicKey));
        throw new SigchainError(
          'KEY_RESTRICTION_VIOLATION',
          `The signing key ${k.publicKey} given with -K is restricted to ${r} by ${parent.kind} "${parent.name}", so it may not sign \`${missing.join('`, `')}\` statements (${what}). Sign with another key of ${parent.kind} "${parent.name}" (omit -K to let sigchain choose), or change the restriction by re-issuing ${parent.kind} "${parent.name}" with \`sigchain edit ${parent.kind} --restrict-sk ${k.publicKey}=…\`.`,
          { key: k.publicKey, restriction: r, missing },
        );
      }
      const scope = scopes.get(k.publicKey);
      return scope ? { key: k, as: 'signing-key', scope } : { key: k, as: 'signing-key' };
    }
    throw refuse(`The key ${k.publicKey} given with -K is not the identity key of ${parent.kind} "${parent.name}" nor one of the signing keys its current token lists.`);
  }

  // Unscoped signing keys first: a scoped key limits what it can sign, so use it only when asked.
  const ordered = [...parent.signingKeys].sort((a, b) => Number(typeof a !== 'string') - Number(typeof b !== 'string'));
  for (const sk of ordered) {
    const scope = typeof sk === 'string' ? undefined : sk;
    if (opts.preferScope && !opts.preferScope(scope)) continue;
    if (!opts.preferScope && scope) continue;
    if (missingFor(parent, skKey(sk), kinds).length) continue;
    const k = opts.lookup(skKey(sk));
    if (k) return scope ? { key: k, as: 'signing-key', scope } : { key: k, as: 'signing-key' };
  }
  if (!parent.strict) {
    const k = opts.lookup(parent.identity);
    if (k) return { key: k, as: 'identity' };
  }
  // Name what is missing when the restrictions, not the seeds, are what left nothing to sign.
  const barred = kinds.filter((kind) => parent.signingKeys.some((sk) => opts.lookup(skKey(sk)) && missingFor(parent, skKey(sk), [kind]).length));
  if (barred.length) {
    throw refuse(`No key of ${parent.kind} "${parent.name}" whose seed is in the key store may sign \`${barred.join('`, `')}\` statements (${what}): the restrictions in force exclude them${parent.strict ? ' and strict signing-key usage bars the identity key' : ''}.`, { barred });
  }
  if (unfit.size) {
    // The keys' own refusals carry the way out (a replacement, or how to make a key with the usage).
    throw refuse(`No key of ${parent.kind} "${parent.name}" whose seed is in the key store may sign ${what}:\n${[...unfit.values()].map((e) => `  - ${e.message}`).join('\n')}`);
  }
  throw refuse(`No seed of a key that may sign ${what} is in the key store.`);
}
