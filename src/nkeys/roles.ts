/**
 * The role of an nkey is its prefix byte; the first base32 character of the public
 * key shows it. Values are those of NATS nkeys, plus Module (M) and Service (V)
 * that wasmCloud added.
 */
export const Roles = {
  operator: { prefix: 14 << 3, letter: 'O' },
  account: { prefix: 0, letter: 'A' },
  user: { prefix: 20 << 3, letter: 'U' },
  server: { prefix: 13 << 3, letter: 'N' },
  cluster: { prefix: 2 << 3, letter: 'C' },
  module: { prefix: 12 << 3, letter: 'M' },
  service: { prefix: 21 << 3, letter: 'V' },
  curve: { prefix: 23 << 3, letter: 'X' },
} as const;

/** A key role: what kind of entity the key names. */
export type Role = keyof typeof Roles;

export const ALL_ROLES = Object.keys(Roles) as Role[];

/** Prefix byte of seeds ('S'). */
export const SEED_PREFIX = 18 << 3;
/** Prefix byte of encoded private keys ('P'). */
export const PRIVATE_PREFIX = 15 << 3;

const byPrefix = new Map<number, Role>(ALL_ROLES.map((r) => [Roles[r].prefix, r]));
const byLetter = new Map<string, Role>(ALL_ROLES.map((r) => [Roles[r].letter, r]));

/** The role whose prefix byte is `prefix`, if any. */
export function roleOfPrefix(prefix: number): Role | undefined {
  return byPrefix.get(prefix);
}

/** The role a public key's first letter announces (no checksum check). */
export function roleOfLetter(letter: string): Role | undefined {
  return byLetter.get(letter);
}

/**
 * The role a public key announces by its first letter, for a text of a public key's length;
 * undefined for anything else. It reads the letter only: where the key itself must be valid
 * (checksum, base32), use `publicKeyRole`. The one answer to "which role is this key" on hot
 * paths, where the key is verified later by the signature it checks.
 *
 * @example
 * ```ts
 * roleOfKey('ADQ…'); // 'account' (a 56-character text starting with A)
 * ```
 */
export function roleOfKey(key: unknown): Role | undefined {
  return typeof key === 'string' && key.length === 56 ? byLetter.get(key[0]!) : undefined;
}

/** True when a role's keys can sign (every role but curve). */
export function roleCanSign(role: Role): boolean {
  return role !== 'curve';
}

/**
 * `word` with its indefinite article, by sound: "an account", "an operator", "a user",
 * "a server". Messages name roles and token kinds through it ("a account key" read wrong).
 */
export function withArticle(word: string): string {
  return `${/^[aeiou]/i.test(word) ? 'an' : 'a'} ${word}`;
}
