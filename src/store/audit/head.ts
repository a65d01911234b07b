/**
 * The signed head of the audit log (`audit/head.json`): how many records were sealed, where the
 * last one ends, its hash, all signed by the audit key (`audit/audit.nk`, a server nkey with the
 * usage `protocol`, made on first use, 0600). The chain alone catches an edited, deleted or
 * reordered record; the head is what catches records cut off the end.
 *
 * What the signature is worth: it stops anyone who cannot read `audit.nk` (a copy of the log
 * shipped elsewhere, a user who may write the log but not read the key). Someone who can read
 * `audit.nk` can re-sign a shorter log; pin the audit key (`audit verify --audit-key PUB`, the
 * key noted when the log was set up) to catch a replaced key.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SigchainError } from '../../errors.js';
import { KeyPair, verifySignature } from '../../nkeys/keypair.js';
import { isPublicKey } from '../../nkeys/codec.js';
import { SECRET_FILE_MODE, ioError, writeFileAtomic } from '../atomic.js';
import { writeKeyMetaFile } from '../key-meta-file.js';
import { readSecretFile } from '../keystore.js';

/** File names inside the audit folder. */
export const AUDIT_LOG_FILE = 'audit.log';
export const AUDIT_HEAD_FILE = 'head.json';
export const AUDIT_KEY_FILE = 'audit.nk';
export const AUDIT_KEY_META_FILE = 'audit.json';
export const AUDIT_LOCK_FILE = 'audit.lock';

const HEAD_DOMAIN = 'sigchain-audit-head-v1\0';

/** What head.json holds. */
export interface AuditHead {
  readonly version: 1;
  /** Public key of the audit key that signed it. */
  readonly key: string;
  /** Records sealed. */
  readonly records: number;
  /** Byte length of the log up to and including the last sealed record's `\n`. */
  readonly bytes: number;
  /** SHA-256 (hex) of the last sealed record's line; 64 zeros when none. */
  readonly head_hash: string;
  readonly time: string;
  /** base64url Ed25519 signature of the fields above. */
  readonly sig: string;
}

function signedBytes(h: Omit<AuditHead, 'sig'>): Buffer {
  return Buffer.from(HEAD_DOMAIN + JSON.stringify([h.version, h.key, h.records, h.bytes, h.head_hash, h.time]), 'utf8');
}

/** The head, `undefined` when there is none, or a sentence saying why it cannot be trusted. */
export async function readHead(dir: string): Promise<AuditHead | undefined | string> {
  const path = join(dir, AUDIT_HEAD_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw ioError('read', path, e);
  }
  let h: Partial<AuditHead>;
  try {
    h = JSON.parse(text) as Partial<AuditHead>;
  } catch {
    return `${AUDIT_HEAD_FILE} is not JSON`;
  }
  if (h?.version !== 1 || !isPublicKey(h.key) || !Number.isSafeInteger(h.records) || h.records! < 0 || !Number.isSafeInteger(h.bytes) || h.bytes! < 0 || typeof h.head_hash !== 'string' || !/^[0-9a-f]{64}$/.test(h.head_hash) || typeof h.time !== 'string' || typeof h.sig !== 'string') {
    return `${AUDIT_HEAD_FILE} is not a signed head`;
  }
  if (!verifySignature(h.key!, signedBytes(h as AuditHead), Buffer.from(h.sig, 'base64url'))) return `the signature of ${AUDIT_HEAD_FILE} does not verify`;
  return h as AuditHead;
}

/** The audit key's public key, or undefined when none was made yet. */
export async function auditPublicKey(dir: string): Promise<string | undefined> {
  const seed = await readSecretFile(join(dir, AUDIT_KEY_FILE));
  if (seed === undefined) return undefined;
  try {
    return KeyPair.fromSeed(seed.trim(), ['server']).publicKey;
  } catch {
    throw new SigchainError('STORE_CORRUPT', `${join(dir, AUDIT_KEY_FILE)} does not hold a server nkey seed. Move it away; a new audit key is made at the next seal (verify then names the head as bad until you archive the old log).`, { path: join(dir, AUDIT_KEY_FILE) });
  }
}

/** The audit key, made (0600, usage `protocol` recorded beside it) when there is none. Call under the audit lock. */
async function auditKey(dir: string): Promise<KeyPair> {
  const path = join(dir, AUDIT_KEY_FILE);
  const seed = await readSecretFile(path);
  if (seed !== undefined) return KeyPair.fromSeed(seed.trim(), ['server']);
  const kp = KeyPair.create('server');
  await writeKeyMetaFile(join(dir, AUDIT_KEY_META_FILE), { publicKey: kp.publicKey, usages: ['protocol'], legacy: false, created: new Date().toISOString() });
  await writeFileAtomic(path, kp.seed, { mode: SECRET_FILE_MODE });
  return kp;
}

/** Signs and writes (atomically) the head for `records` ending at `bytes` with `headHash`. Call under the audit lock. */
export async function writeHead(dir: string, records: number, bytes: number, headHash: string): Promise<AuditHead> {
  const kp = await auditKey(dir);
  const body = { version: 1 as const, key: kp.publicKey, records, bytes, head_hash: headHash, time: new Date().toISOString() };
  const head: AuditHead = { ...body, sig: Buffer.from(kp.sign(signedBytes(body))).toString('base64url') };
  await writeFileAtomic(join(dir, AUDIT_HEAD_FILE), `${JSON.stringify(head)}\n`, { mode: SECRET_FILE_MODE });
  return head;
}
