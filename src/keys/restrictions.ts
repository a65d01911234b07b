/**
 * Delegation restrictions of signing keys (as Canton restricts namespace delegations): a signing
 * key listed on an operator or account may be limited to some kinds of statement.
 *
 * - An operator's signing keys sign `account` statements (issuing or re-issuing an account
 *   token) and `signing-keys` statements (an account token whose signing keys, their scopes or
 *   their restrictions differ from the account's previous token: delegating authority).
 * - An account's signing keys sign `user` and `activation` statements.
 *
 * A statement may carry more than one kind (re-issuing an account with a new signing key is
 * both `account` and `signing-keys`); the signer must be allowed every one of them.
 *
 * The restrictions live in the PARENT's token, in `nats.sigchain_restrictions` (an extension
 * nats-server and nsc ignore), so they change only when the parent is re-issued:
 * `{ "<SK public key>": "CanSignAllButSigningKeys" | ["user", …] }`. A key without an entry
 * may sign everything (`CanSignAll`).
 */
import { SigchainError } from '../errors.js';

/** A kind of statement a signing key may be allowed to sign. */
export type StatementKind = 'account' | 'signing-keys' | 'user' | 'activation';

/** What a signing key may sign: everything, everything but signing-key changes, or a list. */
export type Restriction = 'CanSignAll' | 'CanSignAllButSigningKeys' | readonly StatementKind[];

/** The parent kinds whose signing keys can be restricted. */
export type RestrictingParent = 'operator' | 'account';

/** The extension field of operator and account tokens that holds the restrictions. */
export const RESTRICTIONS_FIELD = 'sigchain_restrictions';

/** The kinds of statement each parent's keys sign. */
export const STATEMENT_KINDS: Readonly<Record<RestrictingParent, readonly StatementKind[]>> = {
  operator: ['account', 'signing-keys'],
  account: ['user', 'activation'],
};

const ALL_KINDS: readonly StatementKind[] = ['account', 'signing-keys', 'user', 'activation'];

function isKind(s: unknown): s is StatementKind {
  return typeof s === 'string' && (ALL_KINDS as readonly string[]).includes(s);
}

/**
 * True when a key under `restriction` (absent = `CanSignAll`) may sign a statement of `kind`.
 *
 * @example
 * ```ts
 * mayUnder('CanSignAllButSigningKeys', 'signing-keys'); // false
 * mayUnder(['user'], 'activation'); // false
 * ```
 */
export function mayUnder(restriction: Restriction | undefined, kind: StatementKind): boolean {
  if (restriction === undefined || restriction === 'CanSignAll') return true;
  if (restriction === 'CanSignAllButSigningKeys') return kind !== 'signing-keys';
  return restriction.includes(kind);
}

/** The kinds among `kinds` that `restriction` does not allow. */
export function missingKinds(restriction: Restriction | undefined, kinds: readonly StatementKind[]): StatementKind[] {
  return kinds.filter((k) => !mayUnder(restriction, k));
}

/**
 * Parses a restriction as the CLI takes it: `CanSignAll`, `CanSignAllButSigningKeys`, or a
 * comma-separated list of the kinds `parent`'s keys sign. Refuses anything else with `USAGE`.
 *
 * @example
 * ```ts
 * parseRestriction('account,signing-keys', 'operator'); // ['account', 'signing-keys']
 * parseRestriction('user', 'account'); // ['user']
 * ```
 */
export function parseRestriction(text: string, parent: RestrictingParent): Restriction {
  const t = text.trim();
  if (t === 'CanSignAll' || t === 'CanSignAllButSigningKeys') return t;
  const allowed = STATEMENT_KINDS[parent];
  const kinds = t.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = kinds.filter((k) => !(allowed as readonly string[]).includes(k));
  if (!kinds.length || bad.length) {
    throw new SigchainError(
      'USAGE',
      `${JSON.stringify(text)} is not a restriction for ${parent} signing keys. Give CanSignAll, CanSignAllButSigningKeys, or a comma-separated list of ${allowed.join(', ')}.`,
      { value: text, allowed: ['CanSignAll', 'CanSignAllButSigningKeys', ...allowed] },
    );
  }
  return [...new Set(kinds)].sort() as StatementKind[];
}

/** A restriction as text: the name, or the kinds joined by commas. */
export function formatRestriction(r: Restriction | undefined): string {
  if (r === undefined) return 'CanSignAll';
  return typeof r === 'string' ? r : r.join(',');
}

/**
 * Reads the restrictions from an operator's or account's `nats` claims. An entry that is not a
 * known name or list fails closed: it becomes an empty list (the key may sign nothing), and
 * unknown kinds in a list are dropped.
 *
 * @example
 * ```ts
 * const r = readRestrictions(operatorClaims.nats).get(skPublicKey); // undefined = CanSignAll
 * ```
 */
export function readRestrictions(nats: object): Map<string, Restriction> {
  const raw = (nats as Record<string, unknown>)[RESTRICTIONS_FIELD];
  const out = new Map<string, Restriction>();
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return out;
  for (const [key, v] of Object.entries(raw as Record<string, unknown>)) {
    if (v === 'CanSignAll' || v === 'CanSignAllButSigningKeys') out.set(key, v);
    else out.set(key, Array.isArray(v) ? v.filter(isKind) : []);
  }
  return out;
}

/** The restriction of `key` in `nats` (undefined = `CanSignAll`). */
export function restrictionOf(nats: object, key: string): Restriction | undefined {
  return readRestrictions(nats).get(key);
}

/**
 * Sets (in place) the restriction of `key` in `nats`; `CanSignAll` removes the entry, and an
 * empty map removes the field. Sign the claims again for it to take effect.
 *
 * @example
 * ```ts
 * setRestriction(operatorClaims.nats, skPublicKey, 'CanSignAllButSigningKeys');
 * ```
 */
export function setRestriction(nats: object, key: string, r: Restriction): void {
  const holder = nats as Record<string, unknown>;
  const current = holder[RESTRICTIONS_FIELD];
  const map: Record<string, unknown> = typeof current === 'object' && current !== null && !Array.isArray(current) ? { ...(current as Record<string, unknown>) } : {};
  if (r === 'CanSignAll') delete map[key];
  else map[key] = typeof r === 'string' ? r : [...r];
  writeMap(holder, map);
}

/** Drops (in place) the entries of keys that are no longer listed signing keys. */
export function pruneRestrictions(nats: object, listed: readonly string[]): void {
  const holder = nats as Record<string, unknown>;
  const current = holder[RESTRICTIONS_FIELD];
  if (typeof current !== 'object' || current === null || Array.isArray(current)) return;
  const map: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(current as Record<string, unknown>)) if (listed.includes(k)) map[k] = v;
  writeMap(holder, map);
}

function writeMap(holder: Record<string, unknown>, map: Record<string, unknown>): void {
  const keys = Object.keys(map).sort();
  if (!keys.length) {
    delete holder[RESTRICTIONS_FIELD];
    return;
  }
  // Sorted keys: the same restrictions always encode to the same bytes.
  holder[RESTRICTIONS_FIELD] = Object.fromEntries(keys.map((k) => [k, map[k]]));
}
