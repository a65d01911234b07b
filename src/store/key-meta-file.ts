/**
 * The sidecar file that records a stored key's usages and retirement:
 *
 * ```
 * <root>/keys/<X>/<YZ>/<PUBKEY>.nk     the seed only, exactly as nsc writes it
 * <root>/keys/<X>/<YZ>/<PUBKEY>.json   {"publicKey","usages","created","retired"?,"retiredReason"?,"replacedBy"?}
 * ```
 *
 * nsc only reads `*.nk` files, so it ignores the sidecar. The sidecar holds no secret, but it
 * decides what the key may sign: it is 0600 like every key store file, written atomically, and
 * one that others could change, or that does not parse, is refused rather than read as "all".
 */
// node:fs/promises as fs.promises: loaded when first used, not by every command that imports
// this file (~1 ms of CLI start-up).
import { closeSync, constants, fstatSync, openSync, promises as fsp, readSync } from 'node:fs';
import { sep } from 'node:path';
import { SigchainError } from '../errors.js';
import type { KeyMeta } from '../keys/key-meta.js';
import { KEY_BACKENDS, type KeyBackend } from '../keys/signer.js';
import { KEY_USAGES, type KeyUsage, isKeyUsage, normalizeUsages } from '../keys/usage.js';
import { isPublicKey } from '../nkeys/codec.js';
import { PRIVATE_DIR_MODE, SECRET_FILE_MODE, ioError, writeFileAtomic } from './atomic.js';
import { readSmallFilesAsync } from './native-fs.js';

/** Extension of the sidecar next to `<PUB>.nk`. */
export const KEY_META_EXTENSION = '.json';

/** What the sidecar holds on disk (the `legacy` flag marks keys retired before usages were recorded). */
interface KeyMetaFile {
  publicKey: string;
  usages: KeyUsage[];
  legacy?: true;
  created?: string;
  retired?: string;
  retiredReason?: string;
  replacedBy?: string;
  backend?: KeyBackend;
  uri?: string;
  seal?: string;
}

function errno(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException | undefined)?.code;
}

function corrupt(path: string, why: string): SigchainError {
  return new SigchainError(
    'STORE_CORRUPT',
    `${path} ${why}, so sigchain cannot tell what this key may sign and will not use it. Restore the file from a backup; if it is lost, make a new key and retire this one.`,
    { path },
  );
}

function optionalString(o: Record<string, unknown>, field: string, path: string): string | undefined {
  const v = o[field];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw corrupt(path, `has a ${field} that is not text`);
  return v;
}

/** Parses a sidecar's text; `publicKey` is the key its path names (a copied sidecar is refused). */
function parseKeyMeta(text: string, publicKey: string, path: string): KeyMeta {
  let o: unknown;
  try {
    o = JSON.parse(text);
  } catch {
    throw corrupt(path, 'is not valid JSON');
  }
  if (o === null || typeof o !== 'object' || Array.isArray(o)) throw corrupt(path, 'is not a JSON object');
  const rec = o as Record<string, unknown>;
  if (rec.publicKey !== publicKey) throw corrupt(path, `describes ${typeof rec.publicKey === 'string' ? rec.publicKey : 'no key'}, not ${publicKey}`);
  const usages = canonicalUsages(rec.usages);
  if (usages === undefined) {
    throw corrupt(path, `has no valid "usages" list (allowed: ${KEY_USAGES.join(', ')})`);
  }
  // Each field judged in the order the refusals have always come in; the record built without
  // intermediate arrays (a listing reads 10,000 of them).
  const replacedBy = optionalString(rec, 'replacedBy', path);
  if (replacedBy !== undefined && !isPublicKey(replacedBy)) throw corrupt(path, 'has a replacedBy that is not a public key');
  const created = optionalString(rec, 'created', path);
  const retired = optionalString(rec, 'retired', path);
  const retiredReason = optionalString(rec, 'retiredReason', path);
  const backend = backendOf(rec, path);
  const uri = optionalString(rec, 'uri', path);
  const seal = optionalString(rec, 'seal', path);
  const meta: { -readonly [K in keyof KeyMeta]: KeyMeta[K] } = { publicKey, usages, legacy: rec.legacy === true };
  if (created !== undefined) meta.created = created;
  if (retired !== undefined) meta.retired = retired;
  if (retiredReason !== undefined) meta.retiredReason = retiredReason;
  if (replacedBy !== undefined) meta.replacedBy = replacedBy;
  if (backend !== undefined) meta.backend = backend;
  if (uri !== undefined) meta.uri = uri;
  if (seal !== undefined) meta.seal = seal;
  return meta;
}

/**
 * A record's usages in canonical order, or undefined when it holds something else than a list of
 * known usages. A list written in canonical order (what sigchain writes) is kept as it is.
 */
function canonicalUsages(v: unknown): KeyUsage[] | undefined {
  if (!Array.isArray(v)) return undefined;
  let last = -1;
  let ordered = true;
  for (const u of v) {
    if (typeof u !== 'string' || !isKeyUsage(u)) return undefined;
    const at = KEY_USAGES.indexOf(u);
    if (at <= last) ordered = false;
    last = at;
  }
  return ordered ? (v as KeyUsage[]) : normalizeUsages(v as KeyUsage[]);
}

function backendOf(rec: Record<string, unknown>, path: string): KeyBackend | undefined {
  const v = optionalString(rec, 'backend', path);
  if (v === undefined) return undefined;
  if (!(KEY_BACKENDS as readonly string[]).includes(v) || v === 'file' || v === 'memory' || v === 'agent') throw corrupt(path, `names a backend "${v}" a key store record cannot hold (encrypted, pkcs11, kms)`);
  return v as KeyBackend;
}

/**
 * The sidecar's text for `meta` (stable field order, one object, trailing newline): what
 * {@link writeKeyMetaFile} writes, for callers that write many records in one batch.
 *
 * @example
 * ```ts
 * keyMetaText({ publicKey: pub, usages: ['authentication'], legacy: false });
 * ```
 */
export function keyMetaText(meta: KeyMeta): string {
  return serializeKeyMeta(meta);
}

function serializeKeyMeta(meta: KeyMeta): string {
  const out: KeyMetaFile = { publicKey: meta.publicKey, usages: normalizeUsages(meta.usages) };
  if (meta.legacy) out.legacy = true;
  if (meta.created !== undefined) out.created = meta.created;
  if (meta.retired !== undefined) out.retired = meta.retired;
  if (meta.retiredReason !== undefined) out.retiredReason = meta.retiredReason;
  if (meta.replacedBy !== undefined) out.replacedBy = meta.replacedBy;
  if (meta.backend !== undefined) out.backend = meta.backend;
  if (meta.uri !== undefined) out.uri = meta.uri;
  if (meta.seal !== undefined) out.seal = meta.seal;
  return `${JSON.stringify(out, null, 2)}\n`;
}

const CHECK_MODES = process.platform !== 'win32';

/**
 * Reads the sidecar at `path`; undefined when there is none. One that group or others may
 * write is refused (`INSECURE_PERMISSIONS`): anyone who can edit it could widen the key's usages.
 */
export async function readKeyMetaFile(path: string, publicKey: string): Promise<KeyMeta | undefined> {
  let text: string;
  try {
    const s = await fsp.stat(path);
    if (!s.isFile()) throw corrupt(path, 'is not a file');
    if (CHECK_MODES && (s.mode & 0o022) !== 0) {
      throw new SigchainError(
        'INSECURE_PERMISSIONS',
        `${path} can be changed by other users (mode ${(s.mode & 0o777).toString(8).padStart(4, '0')}), so the usages it records cannot be trusted. Run \`chmod 600 ${path}\` and check the usages with \`sigchain keys list\`.`,
        { path, mode: s.mode & 0o777 },
      );
    }
    text = await fsp.readFile(path, 'utf8');
  } catch (e) {
    if (errno(e) === 'ENOENT') return undefined;
    throw ioError('read', path, e);
  }
  return parseKeyMeta(text, publicKey, path);
}

/** Largest sidecar read: a record is a few hundred bytes. */
const MAX_META_BYTES = 64 * 1024;
// One buffer for every record a listing reads: each is decoded to text at once.
const metaScratch = Buffer.allocUnsafe(MAX_META_BYTES);

/**
 * {@link readKeyMetaFile} without promises, judging the file it opened (fstat of the same
 * descriptor): for listings of thousands of keys. Same answers and refusals.
 *
 * @example
 * ```ts
 * readKeyMetaFileSync(keys.metaPath(pub), pub)?.usages;
 * ```
 */
export function readKeyMetaFileSync(path: string, publicKey: string): KeyMeta | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    if (errno(e) === 'ENOENT') return undefined;
    throw ioError('read', path, e);
  }
  let text: string;
  try {
    const s = fstatSync(fd);
    if (!s.isFile()) throw corrupt(path, 'is not a file');
    if (CHECK_MODES && (s.mode & 0o022) !== 0) {
      throw new SigchainError(
        'INSECURE_PERMISSIONS',
        `${path} can be changed by other users (mode ${(s.mode & 0o777).toString(8).padStart(4, '0')}), so the usages it records cannot be trusted. Run \`chmod 600 ${path}\` and check the usages with \`sigchain keys list\`.`,
        { path, mode: s.mode & 0o777 },
      );
    }
    if (s.size > MAX_META_BYTES) throw corrupt(path, `holds ${s.size} bytes, more than a key record can`);
    text = metaScratch.toString('utf8', 0, readSync(fd, metaScratch, 0, s.size, 0));
  } catch (e) {
    throw ioError('read', path, e);
  } finally {
    closeSync(fd);
  }
  return parseKeyMeta(text, publicKey, path);
}

/** Folders whose records are being read on libuv's pool ahead of the one parsed. */
const RECORD_FOLDERS_AHEAD = 4;

/**
 * The records `entries` (`[path, publicKey]`, in the order a listing wants them), for listings
 * of thousands of keys: each folder's records in one native call on libuv's thread pool while
 * this thread parses the folders before it. A record the native read cannot vouch for (not a
 * plain file, writable by others, not ASCII, missing…) is read by {@link readKeyMetaFileSync},
 * which names the problem: the same answers and refusals. Per entry: the record, the coded
 * error that refuses it, or undefined when it is gone.
 *
 * @example
 * ```ts
 * const metas = await readKeyMetas([[keys.metaPath(pub), pub]]);
 * ```
 */
export async function readKeyMetas(entries: ReadonlyArray<readonly [string, string]>): Promise<Array<KeyMeta | SigchainError | undefined>> {
  const groups: Array<{ dir: string; names: string[]; at: number[] }> = [];
  let last: (typeof groups)[number] | undefined;
  entries.forEach(([path], i) => {
    const cut = path.lastIndexOf(sep);
    const dir = path.slice(0, cut);
    if (last?.dir !== dir) groups.push((last = { dir, names: [], at: [] }));
    last.names.push(path.slice(cut + 1));
    last.at.push(i);
  });
  const fetch = (g: (typeof groups)[number]) => {
    const modes = new Uint32Array(g.names.length);
    return readSmallFilesAsync(g.dir, g.names, MAX_META_BYTES, { modes, ascii: true })
      .catch(() => undefined)
      .then((texts) => ({ texts, modes }));
  };
  const ahead = groups.slice(0, RECORD_FOLDERS_AHEAD).map(fetch);
  const out = new Array<KeyMeta | SigchainError | undefined>(entries.length);
  for (let k = 0; k < groups.length; k++) {
    const { texts, modes } = await ahead[k]!;
    if (k + RECORD_FOLDERS_AHEAD < groups.length) ahead.push(fetch(groups[k + RECORD_FOLDERS_AHEAD]!));
    const g = groups[k]!;
    g.at.forEach((i, j) => {
      const [path, publicKey] = entries[i]!;
      const t = texts?.[j];
      try {
        out[i] = typeof t === 'string' && usableText(modes[j]!) ? parseKeyMeta(t, publicKey, path) : readKeyMetaFileSync(path, publicKey);
      } catch (e) {
        if (!(e instanceof SigchainError)) throw e;
        out[i] = e;
      }
    });
  }
  return out;
}

/** A record the native read may vouch for: a plain file no one else may write (else the one-file reader names the problem). */
function usableText(mode: number): boolean {
  return (mode & constants.S_IFMT) === constants.S_IFREG && (!CHECK_MODES || (mode & 0o022) === 0);
}

/** Writes the sidecar atomically, 0600 in a 0700 folder. */
export async function writeKeyMetaFile(path: string, meta: KeyMeta): Promise<void> {
  await writeFileAtomic(path, serializeKeyMeta(meta), { mode: SECRET_FILE_MODE, dirMode: PRIVATE_DIR_MODE });
}
