import { SigchainError } from '../errors.js';
import { base32Decode, base32DecodeInto, base32Encode } from './base32.js';
import { crc16 } from './crc16.js';
import { type Role, Roles, SEED_PREFIX, roleOfPrefix, withArticle } from './roles.js';

const PUBLIC_LENGTH = 56;
const SEED_LENGTH = 58;

function withChecksum(body: Uint8Array): Uint8Array {
  const out = new Uint8Array(body.length + 2);
  out.set(body);
  const crc = crc16(body);
  out[body.length] = crc & 0xff;
  out[body.length + 1] = crc >>> 8;
  return out;
}

function checkRaw(bytes: Uint8Array): asserts bytes is Uint8Array {
  if (bytes.length !== 32) throw new SigchainError('NKEY_MALFORMED', `A key needs exactly 32 raw bytes, got ${bytes.length}.`);
}

/** Encodes a raw 32-byte Ed25519 (or X25519) public key as an nkey of `role`. */
export function encodePublicKey(role: Role, raw: Uint8Array): string {
  checkRaw(raw);
  const body = new Uint8Array(33);
  body[0] = Roles[role].prefix;
  body.set(raw, 1);
  return base32Encode(withChecksum(body));
}

/** Encodes a raw 32-byte seed as an nkey seed (`S` + role letter …). */
export function encodeSeed(role: Role, raw: Uint8Array): string {
  checkRaw(raw);
  const prefix = Roles[role].prefix;
  const body = new Uint8Array(34);
  body[0] = SEED_PREFIX | (prefix >> 5);
  body[1] = (prefix & 31) << 3;
  body.set(raw, 2);
  return base32Encode(withChecksum(body));
}

function unpack(text: string, kind: 'public key' | 'seed'): Uint8Array {
  const raw = base32Decode(text);
  if (!raw || raw.length < 4) {
    throw new SigchainError('NKEY_MALFORMED', `That is not a valid nkey ${kind}: it must be upper-case base32 (A-Z, 2-7). Check for a copy/paste error.`);
  }
  const body = raw.subarray(0, raw.length - 2);
  const stored = raw[raw.length - 2]! | (raw[raw.length - 1]! << 8);
  if (crc16(body) !== stored) {
    throw new SigchainError('NKEY_BAD_CHECKSUM', `The ${kind} checksum does not match: the key was mistyped or truncated. Copy it again from its source.`);
  }
  return body;
}

// Only text shaped like a public key (a public role letter, then upper-case base32) is quoted.
// Anything else may be secret: a seed with a stray space, quote or lower case, or a "P…" private key.
const PUBLIC_SHAPED = /^[OAUNCMVX][A-Z2-7]*$/;

/** Describes a key for messages without ever echoing seed or private-key material. */
export function describeKeyText(text: string): string {
  const t = text.trim();
  // Long enough to hold most of a seed: never echoed, and called what it may be. A short word
  // that happens to start with s (a role name such as "svc") is just the text given.
  if (/^s/i.test(t)) return t.length >= 40 ? 'a seed' : 'the text given';
  if (!PUBLIC_SHAPED.test(t)) return 'the text given';
  return t.length > 12 ? `"${t.slice(0, 12)}…"` : `"${t}"`;
}

function rolesList(roles: readonly Role[]): string {
  return roles.map((r) => `${r} (${Roles[r].letter}…)`).join(', ');
}

/**
 * Decodes a public nkey, verifying length, checksum and role.
 *
 * @example
 * ```ts
 * const { role, raw } = decodePublicKey('ADWUSKGG…', ['account']);
 * ```
 */
export function decodePublicKey(text: string, allowed?: readonly Role[]): { role: Role; raw: Uint8Array } {
  if (typeof text !== 'string') throw new SigchainError('NKEY_MALFORMED', 'A public key must be a string.');
  if (text.length === SEED_LENGTH && text.startsWith('S')) {
    throw new SigchainError('NKEY_PUBLIC_EXPECTED', 'A seed (private key) was given where a public key is expected. Give the public key (it starts with O, A, U, …); never paste a seed there.');
  }
  if (text.length !== PUBLIC_LENGTH) {
    throw new SigchainError('NKEY_MALFORMED', `A public nkey is ${PUBLIC_LENGTH} characters long; ${describeKeyText(text)} has ${text.length}.`);
  }
  const body = unpack(text, 'public key');
  const role = roleOfPrefix(body[0]!);
  if (!role) throw new SigchainError('NKEY_BAD_PREFIX', `${describeKeyText(text)} does not start with a known role prefix.`);
  if (allowed && !allowed.includes(role)) {
    throw new SigchainError('NKEY_WRONG_ROLE', `${describeKeyText(text)} is ${withArticle(role)} key; expected ${rolesList(allowed)}.`, { role, expected: allowed });
  }
  return { role, raw: body.slice(1) };
}

/** Decodes an nkey seed, verifying length, checksum and role. Error messages never contain the seed. */
export function decodeSeed(text: string, allowed?: readonly Role[]): { role: Role; raw: Uint8Array } {
  if (typeof text !== 'string') throw new SigchainError('NKEY_MALFORMED', 'A seed must be a string.');
  if (text.startsWith('P') && (text.length === 108 || text.length === PUBLIC_LENGTH)) {
    throw new SigchainError('NKEY_SEED_EXPECTED', 'That is an encoded private key (P…), not a seed; give the seed (S…) the key was made from.');
  }
  if (text.length === PUBLIC_LENGTH && !text.startsWith('S')) {
    throw new SigchainError('NKEY_SEED_EXPECTED', `${describeKeyText(text)} is a public key; a seed (starting with S) is needed to sign.`);
  }
  if (text.length !== SEED_LENGTH) {
    throw new SigchainError('NKEY_MALFORMED', `An nkey seed is ${SEED_LENGTH} characters long; the text given has ${text.length}.`);
  }
  const body = unpack(text, 'seed');
  if ((body[0]! & 0xf8) !== SEED_PREFIX) throw new SigchainError('NKEY_BAD_PREFIX', 'The text is not a seed: its prefix is not S.');
  const prefix = ((body[0]! & 7) << 5) | ((body[1]! & 0xf8) >> 3);
  const role = roleOfPrefix(prefix);
  if (!role) throw new SigchainError('NKEY_BAD_PREFIX', 'The seed names no known key role.');
  if (allowed && !allowed.includes(role)) {
    throw new SigchainError('NKEY_WRONG_ROLE', `The seed is of ${withArticle(role)} key; expected ${rolesList(allowed)}.`, { role, expected: allowed });
  }
  return { role, raw: body.slice(2) };
}

/** True when `text` is a valid public nkey (of one of `allowed`, if given). Never throws. */
export function isPublicKey(text: unknown, allowed?: readonly Role[]): text is string {
  const role = publicKeyRole(text);
  return role !== undefined && (!allowed || allowed.includes(role));
}

// One buffer for publicKeyRole: it runs on every token the verifier reads, and never re-enters.
const scratch = new Uint8Array(35);

/**
 * The role of a valid public nkey (length, alphabet, checksum, known prefix), else undefined.
 * Allocates nothing and never throws, unlike {@link decodePublicKey}, which says what is wrong.
 *
 * @example
 * ```ts
 * publicKeyRole('UCNIFFPUJKLJONGFIHFWTGM5FNJNB2FPNSIOZLCVANOAEH7L4KGVMT4E'); // 'user'
 * publicKeyRole('UCNIFFPUJKLJONGFIHFWTGM5FNJNB2FPNSIOZLCVANOAEH7L4KGVMT4F'); // undefined (checksum)
 * ```
 */
export function publicKeyRole(text: unknown): Role | undefined {
  if (typeof text !== 'string' || text.length !== PUBLIC_LENGTH || !base32DecodeInto(text, scratch)) return undefined;
  if (crc16(scratch, 33) !== (scratch[33]! | (scratch[34]! << 8))) return undefined;
  return roleOfPrefix(scratch[0]!);
}

/** True when `text` is a valid nkey seed. Never throws. */
export function isSeed(text: unknown): text is string {
  if (typeof text !== 'string' || text.length !== SEED_LENGTH) return false;
  try {
    decodeSeed(text);
    return true;
  } catch {
    return false;
  }
}
