/**
 * Scripted signing (`sigchain sign`, `sigchain verify-signature`): a message, or an Arkeo nonce
 * claim, signed by a key of usage `authentication`, recorded in the audit log, and checked.
 *
 * What is signed:
 * - a message without context: its bytes, as they are (what `signhere -u KEY -m MSG` signs);
 * - with `--context NAME`: `"sigchain-sign-v1\0" + NAME + "\0" + MESSAGE`, so a signature made
 *   for one purpose never verifies for another;
 * - a nonce claim: exactly the ASCII text `CONTRACT:NONCE:CHAIN`, after the nonce was reserved
 *   (src/store/nonce-state.ts): never a nonce not greater than the last one signed for that
 *   contract, whatever the key.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { SigchainError } from '../errors.js';
import type { Signer } from '../keys/signer.js';
import { isPublicKey, isSeed } from '../nkeys/codec.js';
import { verifySignature } from '../nkeys/keypair.js';
import { NONCE_DIR, reserveNonce } from '../store/nonce-state.js';
import { auditLogOf } from './audit.js';
import type { Workspace } from './workspace.js';

/** The domain prefix of a message signed with a context. */
export const SIGN_CONTEXT_PREFIX = 'sigchain-sign-v1\0';
/** Longest context name, in bytes. */
export const MAX_CONTEXT_BYTES = 256;

const enc = new TextEncoder();

/**
 * The bytes a message is signed as: itself, or bound to `context`.
 *
 * @example
 * ```ts
 * messageBytes(enc.encode('hi'), 'login'); // "sigchain-sign-v1\0login\0hi"
 * ```
 */
export function messageBytes(message: Uint8Array, context?: string): Uint8Array {
  if (context === undefined) return message;
  const name = enc.encode(context);
  if (name.length === 0 || name.length > MAX_CONTEXT_BYTES || context.includes('\0')) {
    throw new SigchainError('USAGE', `--context must be a name of 1 to ${MAX_CONTEXT_BYTES} bytes without NUL (e.g. "login" or "example.com/api").`);
  }
  const prefix = enc.encode(SIGN_CONTEXT_PREFIX);
  const out = new Uint8Array(prefix.length + name.length + 1 + message.length);
  out.set(prefix, 0);
  out.set(name, prefix.length);
  out[prefix.length + name.length] = 0;
  out.set(message, prefix.length + name.length + 1);
  return out;
}

/** An Arkeo nonce claim, `CONTRACT:NONCE:CHAIN`. */
export interface NonceClaim {
  readonly contract: string;
  readonly nonce: bigint;
  readonly chain: string;
  /** The exact text signed. */
  readonly text: string;
}

const MAX_NONCE = (1n << 64n) - 1n;
const ID = '[A-Za-z0-9._-]{1,128}';
const CLAIM = new RegExp(`^(${ID}):(0|[1-9][0-9]{0,19}):(${ID})$`);

/**
 * Parses `CONTRACT:NONCE:CHAIN` (Arkeo's claim text): contract and chain ids of letters,
 * digits, `.`, `_`, `-`; the nonce a decimal from 1 to 2^64-1 without leading zeros, so one
 * nonce has one text.
 *
 * @example
 * ```ts
 * parseNonceClaim('42:7:arkeo-main'); // { contract: '42', nonce: 7n, chain: 'arkeo-main', text: '42:7:arkeo-main' }
 * ```
 */
export function parseNonceClaim(text: string): NonceClaim {
  const m = CLAIM.exec(text);
  const nonce = m ? BigInt(m[2]!) : 0n;
  if (!m || nonce < 1n || nonce > MAX_NONCE) {
    throw new SigchainError('USAGE', `--nonce-claim takes CONTRACT:NONCE:CHAIN (e.g. 42:7:arkeo), with a nonce from 1 to ${MAX_NONCE} written without leading zeros; "${text.slice(0, 80)}" is not one.`);
  }
  return { contract: m[1]!, nonce, chain: m[3]!, text };
}

function publicKeyArg(key: string): string {
  const k = key.trim();
  if (isSeed(k)) throw new SigchainError('NKEY_PUBLIC_EXPECTED', '-u takes the public key of the signing key, but a seed was given. Pass its public key (see `sigchain keys list`); keep the seed secret.');
  if (!isPublicKey(k)) throw new SigchainError('NKEY_MALFORMED', `-u must be a public nkey (U…, A…, O…); "${String(k).slice(0, 60)}" is not one. See \`sigchain keys list --usage authentication\`.`);
  return k;
}

/**
 * The signer of `publicKey`, wherever it is held (key store, plain or sealed; HSM; KMS; agent),
 * audited as the workspace's caller. A retired key is refused inside the audit log.
 */
export async function signerFor(ws: Workspace, publicKey: string): Promise<Signer> {
  return ws.custody.signer(publicKey);
}

/** What {@link signMessage} and {@link signNonceClaim} return. */
export interface SignedMessage {
  /** The public key that signed. */
  readonly key: string;
  /** The 64-byte Ed25519 signature. */
  readonly signature: Uint8Array;
}

/**
 * Signs `message` (bound to `context` if given) with the key `key`, usage `authentication`.
 * Refuses with `KEY_USAGE_VIOLATION` for a key without it; the use is in the audit log before
 * the signature is returned.
 *
 * @example
 * ```ts
 * const { signature } = await signMessage(ws, { key: 'UABC…', message: enc.encode('hello'), context: 'login' });
 * ```
 */
export async function signMessage(ws: Workspace, options: { key: string; message: Uint8Array; context?: string }): Promise<SignedMessage> {
  const key = publicKeyArg(options.key);
  const bytes = messageBytes(options.message, options.context);
  const signer = await signerFor(ws, key);
  const signature = await signer.sign(bytes, { usage: 'authentication', kind: 'message', ...(options.context !== undefined ? { subject: options.context } : {}) });
  return { key, signature };
}

/**
 * Signs the nonce claim `claim` (`CONTRACT:NONCE:CHAIN`, its exact text) with `key`, after
 * reserving the nonce: `NONCE_NOT_INCREASING` unless it is greater than the last nonce signed
 * for that contract on this machine, by any key. The reservation comes first, so a signature
 * that then fails leaves the nonce spent (claim the next one).
 *
 * @example
 * ```ts
 * await signNonceClaim(ws, { key: 'UABC…', claim: '42:7:arkeo' }); // then '42:7:arkeo' again → NONCE_NOT_INCREASING
 * ```
 */
export async function signNonceClaim(ws: Workspace, options: { key: string; claim: string; }): Promise<SignedMessage & { claim: NonceClaim; previous?: bigint }> {
  const key = publicKeyArg(options.key);
  const claim = parseNonceClaim(options.claim);
  const signer = await signerFor(ws, key);
  const context = { usage: 'authentication', kind: 'nonce-claim', subject: claim.contract } as const;
  // A key that may not sign claims is refused (and audited) before a nonce is spent on it.
  if (!signer.usages.includes('authentication')) await signer.sign(enc.encode(claim.text), context);
  let previous: bigint | undefined;
  try {
    ({ previous } = await reserveNonce(join(ws.paths.home.path, NONCE_DIR), claim.contract, claim.nonce));
  } catch (e) {
    // A replayed claim never reaches the key, but it is what an audit is for: record the attempt.
    if (e instanceof SigchainError && e.code === 'NONCE_NOT_INCREASING') {
      const sha256 = createHash('sha256').update(claim.text).digest('hex');
      await auditLogOf(ws)
        .append({ time: new Date().toISOString(), key, backend: signer.backend, usage: 'authentication', kind: 'nonce-claim', subject: claim.contract, sha256, caller: ws.custody.options.audit?.caller ?? 'library', result: 'refused', code: e.code })
        .catch(() => undefined);
    }
    throw e;
  }
  const signature = await signer.sign(enc.encode(claim.text), context);
  return { key, signature, claim, ...(previous !== undefined ? { previous } : {}) };
}

/**
 * A signature as `sign` prints it: 128 hex digits, or base64url (86 characters; standard
 * base64 with padding is taken too). `USAGE` for anything else.
 *
 * @example
 * ```ts
 * decodeSignature(Buffer.from(sig).toString('base64url')).length; // 64
 * ```
 */
export function decodeSignature(text: string): Uint8Array {
  const t = text.trim();
  if (/^[0-9a-fA-F]{128}$/.test(t)) return Buffer.from(t, 'hex');
  if (/^[A-Za-z0-9_-]{86}$/.test(t)) return Buffer.from(t, 'base64url');
  if (/^[A-Za-z0-9+/]{86}==$/.test(t)) return Buffer.from(t, 'base64');
  throw new SigchainError('USAGE', '--signature must be an Ed25519 signature as `sigchain sign` prints it: 86 base64url characters, or 128 hex digits with --hex.');
}

/**
 * True when `signature` is `publicKey`'s over `message` (bound to `context` if given).
 *
 * @example
 * ```ts
 * verifyMessage('UABC…', enc.encode('hello'), signature, 'login'); // true
 * ```
 */
export function verifyMessage(publicKey: string, message: Uint8Array, signature: Uint8Array, context?: string): boolean {
  const key = publicKeyArg(publicKey);
  return verifySignature(key, messageBytes(message, context), signature);
}
