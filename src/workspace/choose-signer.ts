import type { UserScope } from '../claims/nats/types.js';
import { SigchainError } from '../errors.js';
import type { KeyPair } from '../nkeys/keypair.js';
import type { Role } from '../nkeys/roles.js';

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
}

/** The key chosen to sign, and in what capacity. */
export interface ChosenSigner {
  key: KeyPair;
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

/** The keys that may sign for `parent`, described for an error message. */
function allowedList(parent: IssuingParent): string {
  const keys = parent.signingKeys.map((sk) => `${skKey(sk)} (signing key${typeof sk === 'string' ? '' : `, scoped role ${sk.role}`})`);
  if (!parent.strict) keys.unshift(`${parent.identity} (identity key of ${parent.kind} "${parent.name}")`);
  return keys.length ? keys.map((k) => `  - ${k}`).join('\n') : '  (none: the identity key is barred by strict signing-key usage and no signing key is listed)';
}

/**
 * Picks the key that signs a token issued by `parent`. With `explicit` (the `-K` key) it
 * checks that key may sign; without it, it prefers a signing key whose seed is at hand
 * (keeping the identity key offline), then the identity key when allowed.
 * Refuses with `NO_APPROPRIATE_SIGNING_KEY`, naming the keys that could sign.
 *
 * @example
 * ```ts
 * const { key, as } = chooseSigner(operatorAsParent, { explicit: KeyPair.fromSeed(seed), lookup });
 * ```
 */
export function chooseSigner(
  parent: IssuingParent,
  what: string,
  opts: { explicit?: KeyPair; lookup: (publicKey: string) => KeyPair | undefined; preferScope?: (scope: UserScope | undefined) => boolean },
): ChosenSigner {
  const role = roleOf(parent.kind);
  const scopes = new Map(parent.signingKeys.map((sk) => [skKey(sk), typeof sk === 'string' ? undefined : sk]));
  const refuse = (why: string) =>
    new SigchainError('NO_APPROPRIATE_SIGNING_KEY', `${why}\nKeys that can sign ${what} for ${parent.kind} "${parent.name}":\n${allowedList(parent)}\nPass one with -K (its seed, its .nk file, or its public key if the seed is in the key store).`, {
      parent: parent.identity,
      allowed: [...(parent.strict ? [] : [parent.identity]), ...parent.signingKeys.map(skKey)],
    });

  if (opts.explicit) {
    const k = opts.explicit;
    if (k.role !== role) throw refuse(`The key given with -K is ${article(k.role)} ${k.role} key; ${what} must be signed by ${article(role)} ${role} key of ${parent.kind} "${parent.name}".`);
    if (!k.canSign) throw refuse(`The key ${k.publicKey} given with -K has no seed, so it cannot sign.`);
    if (k.publicKey === parent.identity) {
      if (parent.strict) throw refuse(`${parent.kind} "${parent.name}" requires signing keys (strict signing-key usage): its identity key may not sign ${what}.`);
      return { key: k, as: 'identity' };
    }
    if (scopes.has(k.publicKey)) {
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
    const k = opts.lookup(skKey(sk));
    if (k?.canSign) return scope ? { key: k, as: 'signing-key', scope } : { key: k, as: 'signing-key' };
  }
  if (!parent.strict) {
    const k = opts.lookup(parent.identity);
    if (k?.canSign) return { key: k, as: 'identity' };
  }
  throw refuse(`No seed of a key that may sign ${what} is in the key store.`);
}
