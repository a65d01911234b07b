/**
 * Reading and checking the raw JWT files of the store. The store keeps tokens as text and only
 * peeks at `sub`, `name` and the claim type; the claims layer owns their meaning.
 */
import { withArticle } from '../nkeys/roles.js';
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { SigchainError } from '../errors.js';
import { NATS_FORMAT, WASCAP_FORMAT, type TokenFormat } from '../jwt/formats.js';
import { decodeJwt, verifyJwt } from '../jwt/decode.js';
import { roleOfKey } from '../nkeys/roles.js';
import { ioError } from './atomic.js';
import { jwtNamesSync } from './bulk-read.js';
import { type SmallFile, readSmallFilesAsync, smallFilesReader } from './native-fs.js';
import { trimSpace } from '../text.js';

/** What kind of token a store file holds. */
export type StoredKind = 'operator' | 'account' | 'user';

/** The few claims the store looks at. */
export interface JwtFacts {
  /** The subject: the entity's public key. */
  readonly sub: string;
  readonly name: string | undefined;
  readonly iss: string | undefined;
  /**
   * `nats.type` (v2) or `type` (v1); for a wascap token, which names no type, the role of its
   * subject key (`operator`, `account`, `module`…), so the kind checks below hold for both formats.
   */
  readonly type: string | undefined;
  /**
   * The token format, told by the header's `alg` (`Ed25519` is wascap's, the `ed25519…` names are
   * NATS's). A wascap (wasmCloud) operator is stored in the same layout as a NATS one; this is
   * how commands tell them apart and refuse to mix them.
   */
  readonly format: 'nats' | 'wascap';
  /** Issued at (Unix seconds), when the token says. */
  readonly iat?: number | undefined;
}

// Stores written by older nsc may hold v1 tokens (alg "ed25519"); they are still stored entities.
// wasmCloud operators and accounts (alg "Ed25519") live in the same layout.
const STORE_FORMAT: TokenFormat = { ...NATS_FORMAT, algorithms: ['ed25519-nkey', 'ed25519', ...WASCAP_FORMAT.algorithms] };

function facts(token: string): JwtFacts {
  const { header, claims } = decodeJwt<Record<string, unknown>>(token, STORE_FORMAT);
  const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
  const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
  if (WASCAP_FORMAT.algorithms.includes(header.alg as string)) {
    const meta = claims.wascap as Record<string, unknown> | undefined;
    const sub = str(claims.sub) ?? '';
    return { sub, name: str(meta?.name), iss: str(claims.iss), type: roleOfKey(sub), format: 'wascap', iat: num(claims.iat) };
  }
  const nats = claims.nats as Record<string, unknown> | undefined;
  const type = typeof nats?.type === 'string' ? nats.type : typeof claims.type === 'string' ? claims.type : undefined;
  return { sub: str(claims.sub) ?? '', name: str(claims.name), iss: str(claims.iss), type, format: 'nats', iat: num(claims.iat) };
}

/**
 * Checks a token before it is written as a `kind` file: it must be a compact JWT whose claim
 * type (when it names one) is `kind`. Returns the trimmed token and its facts.
 *
 * @example
 * ```ts
 * checkTokenFor('account', userJwt); // throws WRONG_CLAIM_TYPE
 * ```
 */
export function checkTokenFor(kind: StoredKind, token: string): { token: string; facts: JwtFacts } {
  const trimmed = typeof token === 'string' ? trimSpace(token) : token;
  const f = facts(trimmed);
  if (f.type !== undefined && f.type !== kind) {
    throw new SigchainError('WRONG_CLAIM_TYPE', `This is ${withArticle(f.type)} token; only ${withArticle(kind)} token can be stored as ${withArticle(kind)}. Check which file or token you passed.`, { expected: kind, got: f.type });
  }
  return { token: trimmed, facts: f };
}

/**
 * Verifies a stored token's signature with its issuer (any store format: NATS v2 and v1,
 * wascap) and returns its facts; `BAD_SIGNATURE`, `MALFORMED_TOKEN`… otherwise. For stores
 * whose bytes others can write (a KV bucket), where reading a token means checking it.
 *
 * @example
 * ```ts
 * verifyStoredToken(entryText).sub; // 'ABC…'
 * ```
 */
export function verifyStoredToken(token: string): JwtFacts {
  verifyJwt(trimSpace(token), STORE_FORMAT);
  return facts(trimSpace(token));
}

/**
 * Reads a stored JWT file. Returns undefined when it does not exist; throws `STORE_CORRUPT`
 * naming the file when it is not a JWT.
 *
 * @example
 * ```ts
 * (await readJwtFile(op.accountJwtPath('A')))?.facts.sub; // 'ABC…'
 * ```
 */
export async function readJwtFile(path: string): Promise<{ token: string; facts: JwtFacts } | undefined> {
  // Sync: a JWT is a few hundred bytes, less to read than a trip through the thread pool costs.
  // The same read as every bulk reader's, so one file gets one verdict whoever reads it.
  const r = readJwtFileSync(path);
  if (r && 'error' in r) throw r.error;
  return r;
}

/** One file of {@link readJwtDirSync}: its facts, or why it cannot be read. */
export type JwtDirEntry = { name: string; facts: JwtFacts; token?: string; error?: undefined } | { name: string; token?: undefined; facts?: undefined; error: SigchainError };

function corruptFile(path: string, e: unknown): SigchainError {
  const why = e instanceof SigchainError ? e.code : 'unparsable';
  return new SigchainError('STORE_CORRUPT', `${path} does not hold a valid JWT (${why}). Restore it from a backup, or re-issue the entity's token.`, { path, cause: why });
}

/**
 * Every `<name>.jwt` of a folder (sorted by name; hidden and temp files skipped), read in one
 * pass: one listing, one read per file, no promise per file. Each entry holds its facts (and
 * with `tokens`, the token), or the coded error {@link readJwtFile} would throw for that file. The signature
 * is not verified: this answers "what is stored", as fast as the files can be read; judging
 * the tokens is the verifier's job. Throws only when the folder cannot be listed (a missing
 * folder is an empty list).
 *
 * @example
 * ```ts
 * for (const u of readJwtDirSync(op.usersDir('A'))) console.log(u.name, u.facts?.sub ?? u.error.code);
 * ```
 */
export function readJwtDirSync(dir: string, opts: { tokens?: boolean } = {}): JwtDirEntry[] {
  const names = listJwtNames(dir);
  const out: JwtDirEntry[] = [];
  // Every file read in one native call where the addon is built (each opened relative to the
  // folder); else one buffer for every file: open, read, close (no fstat, no buffer per file). A
  // token is ASCII, so latin1 is exact for a good file; a byte that is not ASCII fails the
  // decoding below as it would in UTF-8.
  const buf = Buffer.allocUnsafe(JWT_READ_CHUNK);
  const at = smallFilesReader(dir, names.map((n) => `${n}.jwt`), JWT_READ_CHUNK);
  for (let i = 0; i < names.length; i++) {
    const e = dirEntry(dir, names[i]!, at(i), buf, opts.tokens === true);
    if (e) out.push(e);
  }
  return out;
}

/** Files per native read of {@link readJwtDir}, and reads under way ahead of the slice decoded. */
const DIR_SLICE = 256;
const DIR_READS_AHEAD = 2;

/**
 * {@link readJwtDirSync} with the reading done on libuv's thread pool, a slice of files at a
 * time, while this thread decodes the slice before: the same entries, in less time on a machine
 * of two cores or more (a listing spends about as long reading as decoding).
 *
 * @example
 * ```ts
 * for (const u of await readJwtDir(op.usersDir('A'))) console.log(u.name, u.facts?.sub ?? u.error.code);
 * ```
 */
export async function readJwtDir(dir: string, opts: { tokens?: boolean } = {}): Promise<JwtDirEntry[]> {
  const names = listJwtNames(dir);
  const files = names.map((n) => `${n}.jwt`);
  const out: JwtDirEntry[] = [];
  const buf = Buffer.allocUnsafe(JWT_READ_CHUNK);
  const slices = Math.ceil(names.length / DIR_SLICE);
  // A read that fails as a whole reads its files the node:fs way below, as without the addon.
  const read = (k: number): Promise<SmallFile[] | undefined> => readSmallFilesAsync(dir, files.slice(k * DIR_SLICE, (k + 1) * DIR_SLICE), JWT_READ_CHUNK).catch(() => undefined);
  const ahead: Array<Promise<SmallFile[] | undefined> | undefined> = [];
  for (let k = 0; k < Math.min(DIR_READS_AHEAD, slices); k++) ahead.push(read(k));
  for (let k = 0; k < slices; k++) {
    const texts = await ahead[k];
    ahead[k] = undefined;
    if (k + DIR_READS_AHEAD < slices) ahead.push(read(k + DIR_READS_AHEAD));
    const from = k * DIR_SLICE;
    for (let i = from; i < Math.min(from + DIR_SLICE, names.length); i++) {
      const e = dirEntry(dir, names[i]!, texts?.[i - from], buf, opts.tokens === true);
      if (e) out.push(e);
    }
  }
  return out;
}

function listJwtNames(dir: string): string[] {
  try {
    return jwtNamesSync(dir);
  } catch (e) {
    throw ioError('list', dir, e);
  }
}

/** The entry of one listed file from the native read's answer, or read the node:fs way (undefined: gone since the listing). */
function dirEntry(dir: string, name: string, text: SmallFile | undefined, buf: Buffer, tokens: boolean): JwtDirEntry | undefined {
  const path = `${dir}/${name}.jwt`;
  // What the native read could not take (gone, a folder, too large…) is read the node:fs way,
  // which says why in the words every other reader uses.
  const r = typeof text === 'string' ? tokenFacts(path, trimSpace(text)) : readJwtFileSync(path, buf);
  if (r === undefined) return undefined; // removed between the listing and the read: not there any more
  if ('error' in r) return { name, error: r.error };
  // The tokens only when asked: a listing of 10,000 users that keeps them pays in collections.
  return tokens ? { name, token: r.token, facts: r.facts } : { name, facts: r.facts };
}

/**
 * {@link readJwtFile} without promises, for bulk reads (worker threads included): the token
 * and its facts, the coded error that {@link readJwtFile} would throw (as a value), or
 * undefined when the file does not exist. `buf` is a scratch buffer a loop may reuse.
 *
 * @example
 * ```ts
 * const r = readJwtFileSync(op.userJwtPath('A', 'U'));
 * if (r && !('error' in r)) console.log(r.facts.sub);
 * ```
 */
export function readJwtFileSync(path: string, buf: Buffer = Buffer.allocUnsafe(JWT_READ_CHUNK)): { token: string; facts: JwtFacts } | { error: SigchainError } | undefined {
  const token = readJwtTextSync(path, buf);
  return typeof token === 'string' ? tokenFacts(path, token) : token;
}

function tokenFacts(path: string, token: string): { token: string; facts: JwtFacts } | { error: SigchainError } {
  try {
    return { token, facts: facts(token) };
  } catch (e) {
    return { error: corruptFile(path, e) };
  }
}

/**
 * The first half of {@link readJwtFileSync}: the file's text, trimmed, not yet decoded (for a
 * caller that decodes it anyway, such as the verifier); the coded error for a file that cannot
 * be read; undefined when it does not exist. {@link storedJwtError} is the second half.
 *
 * @example
 * ```ts
 * const t = readJwtTextSync(op.userJwtPath('A', 'U'));
 * if (typeof t === 'string') storedJwtError(op.userJwtPath('A', 'U'), t); // undefined: a JWT
 * ```
 */
export function readJwtTextSync(path: string, buf: Buffer = Buffer.allocUnsafe(JWT_READ_CHUNK)): string | { error: SigchainError } | undefined {
  let text: string;
  try {
    text = readSmall(path, buf);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    return { error: code === 'EISDIR' ? new SigchainError('STORE_CORRUPT', `${path} should be a JWT file but is a folder. Move it away.`, { path }) : ioError('read', path, e) };
  }
  return trimSpace(text);
}

/**
 * Why the text `token` read from `path` is not a stored JWT (the `STORE_CORRUPT` error
 * {@link readJwtFileSync} gives), or undefined when it is one.
 *
 * @example
 * ```ts
 * storedJwtError('/store/u.jwt', 'garbage')?.code; // 'STORE_CORRUPT'
 * ```
 */
export function storedJwtError(path: string, token: string): SigchainError | undefined {
  try {
    facts(token);
    return undefined;
  } catch (e) {
    return corruptFile(path, e);
  }
}

/** Most JWT files fit: a user token is under 1 KiB; a bigger file is read whole (bulk readers read it by node:fs). */
export const JWT_READ_CHUNK = 16 * 1024;

function readSmall(path: string, buf: Buffer): string {
  const fd = openSync(path, 'r');
  let n: number;
  try {
    n = readSync(fd, buf, 0, buf.length, 0);
  } finally {
    closeSync(fd);
  }
  // A short read of a regular file is its end; a full buffer may have more behind it.
  return n < buf.length ? buf.toString('latin1', 0, n) : readFileSync(path, 'latin1');
}
