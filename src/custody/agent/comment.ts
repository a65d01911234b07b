/**
 * What an nkey is, told through an ssh-agent. The ssh-agent protocol carries a key's 32 bytes and
 * a comment, nothing else: not the nkey's role (the prefix letter), not its usages. sigchain
 * sets the comment of every key it adds to `sigchain:<PUBLIC NKEY> usage=<u,…>` and reads it
 * back. A comment is trusted only when the nkey it names has the very key bytes listed beside it;
 * any other key (one added by plain `ssh-add`) is read as a `user` key with usage
 * `authentication`, unless the caller names which nkey it is.
 */
import { type KeyUsage, isKeyUsage, normalizeUsages } from '../../keys/usage.js';
import { decodePublicKey, encodePublicKey } from '../../nkeys/codec.js';
import type { Role } from '../../nkeys/roles.js';

/** The prefix of every comment sigchain writes. */
export const COMMENT_PREFIX = 'sigchain:';

/** The usages assumed for a key that carries no sigchain comment (an ssh key proves possession). */
export const PLAIN_KEY_USAGES: readonly KeyUsage[] = ['authentication'];

/** An agent key read as an nkey. */
export interface AgentKeyInfo {
  readonly publicKey: string;
  readonly role: Role;
  readonly usages: readonly KeyUsage[];
  /** True when the comment was sigchain's and matched the key. */
  readonly described: boolean;
}

/**
 * The comment sigchain gives a key it adds.
 *
 * @example
 * ```ts
 * formatComment('ACX…', ['issuing']); // 'sigchain:ACX… usage=issuing'
 * ```
 */
export function formatComment(publicKey: string, usages: readonly KeyUsage[]): string {
  return `${COMMENT_PREFIX}${publicKey} usage=${normalizeUsages(usages).join(',')}`;
}

/**
 * Reads the key `raw` listed with `comment`: its nkey, role and usages from a sigchain comment
 * naming exactly these bytes, else a `user` key with {@link PLAIN_KEY_USAGES}.
 *
 * @example
 * ```ts
 * describeAgentKey(raw, 'sigchain:ACX… usage=issuing'); // { publicKey: 'ACX…', role: 'account', usages: ['issuing'], described: true }
 * describeAgentKey(raw, 'me@laptop');                   // { publicKey: 'U…', role: 'user', usages: ['authentication'], described: false }
 * ```
 */
export function describeAgentKey(raw: Uint8Array, comment: string): AgentKeyInfo {
  const parsed = parseComment(comment);
  if (parsed) {
    try {
      const { role, raw: named } = decodePublicKey(parsed.publicKey);
      if (Buffer.from(named).equals(Buffer.from(raw))) return { publicKey: parsed.publicKey, role, usages: parsed.usages, described: true };
    } catch {
      // not an nkey: read it as a plain key
    }
  }
  return { publicKey: encodePublicKey('user', raw), role: 'user', usages: PLAIN_KEY_USAGES, described: false };
}

function parseComment(comment: string): { publicKey: string; usages: KeyUsage[] } | undefined {
  if (!comment.startsWith(COMMENT_PREFIX)) return undefined;
  const [pub, ...fields] = comment.slice(COMMENT_PREFIX.length).split(' ');
  let usages: KeyUsage[] = [...PLAIN_KEY_USAGES];
  for (const f of fields) {
    if (!f.startsWith('usage=')) continue;
    const named = f.slice('usage='.length).split(',');
    if (named.length === 0 || !named.every(isKeyUsage)) return undefined;
    usages = normalizeUsages(named as KeyUsage[]);
  }
  return pub ? { publicKey: pub, usages } : undefined;
}
