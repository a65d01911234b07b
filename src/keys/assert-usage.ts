/**
 * The checks every signer makes before it signs: the key must hold the usage the signature is
 * for, and must not be retired. They run before anything is signed or written, so a refusal
 * leaves every file as it was.
 */
import { SigchainError } from '../errors.js';
import { roleOfLetter } from '../nkeys/roles.js';
import { type KeyMeta, isRetired } from './key-meta.js';
import { type KeyUsage, formatUsages } from './usage.js';

function describeKey(meta: KeyMeta): string {
  const role = roleOfLetter(meta.publicKey[0] ?? '') ?? 'unknown-role';
  return `${role} key ${meta.publicKey}`;
}

// The way out depends on the usage missing; in every case the key itself stays as it is.
function fixFor(usage: KeyUsage, role: string): string {
  switch (usage) {
    case 'identity':
      return 'Only an entity\'s identity key signs its own token, and this one was not made for that; the entity needs a new identity key made with the "identity" usage (for an operator: a new operator).';
    case 'issuing':
      return `Make a signing key (\`sigchain generate nkey --${role} --store\` gives it the "issuing" usage), list it with \`sigchain edit ${role} --sk PUB\`, and sign with -K PUB.`;
    default:
      return `Make a new key with that usage (\`sigchain generate nkey --${role} --store --usage ${usage}\`) and use it instead.`;
  }
}

/**
 * Refuses with `KEY_USAGE_VIOLATION` when `meta` lacks `usage`. The message names the key, its
 * usages, what was attempted, and the fix: usages never change, so make a new key.
 *
 * @example
 * ```ts
 * assertUsage(await keys.getKeyMeta(pub), 'issuing', 'account tokens for operator "O"');
 * ```
 */
export function assertUsage(meta: KeyMeta, usage: KeyUsage, what: string): void {
  if (meta.usages.includes(usage)) return;
  const role = roleOfLetter(meta.publicKey[0] ?? '') ?? '<role>';
  throw new SigchainError(
    'KEY_USAGE_VIOLATION',
    `The ${describeKey(meta)} ${meta.usages.length ? `may be used for ${formatUsages(meta.usages)} only` : 'may not sign anything (it has no usages)'}; signing ${what} needs the "${usage}" usage, so nothing was signed. ` +
      `A key's usages are fixed when it is made and never change. ${fixFor(usage, role)}`,
    { publicKey: meta.publicKey, usages: [...meta.usages], needed: usage },
  );
}

/**
 * Refuses with `KEY_RETIRED` when the key was retired: its seed stays in the key store so old
 * tokens can still be checked, but it signs nothing new.
 *
 * @example
 * ```ts
 * assertNotRetired(meta, 'user tokens for account "A"');
 * ```
 */
export function assertNotRetired(meta: KeyMeta, what: string): void {
  if (!isRetired(meta)) return;
  const instead = meta.replacedBy ? `Sign with its replacement ${meta.replacedBy}` : 'Sign with another key that has the usage needed';
  throw new SigchainError(
    'KEY_RETIRED',
    `The ${describeKey(meta)} was retired on ${meta.retired}${meta.retiredReason ? ` (${meta.retiredReason})` : ''}, so it may not sign ${what}; nothing was signed. ${instead} (pass it with -K).`,
    { publicKey: meta.publicKey, retired: meta.retired, ...(meta.replacedBy ? { replacedBy: meta.replacedBy } : {}) },
  );
}

/**
 * Both checks a signer makes: not retired, then holding `usage`.
 *
 * @example
 * ```ts
 * assertMaySign(await keys.getKeyMeta(signer.publicKey), 'identity', 'the token of operator "O"');
 * ```
 */
export function assertMaySign(meta: KeyMeta, usage: KeyUsage, what: string): void {
  assertNotRetired(meta, what);
  assertUsage(meta, usage, what);
}
