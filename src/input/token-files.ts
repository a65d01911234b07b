/**
 * Where tokens come from: command-line arguments (a token, a path, or `-` for standard
 * input), files, folders and streams. Every read is bounded before it happens (see
 * limits.ts) and every text goes through the one reader of token-text.ts.
 */
import type { Stats } from 'node:fs';
import { type FileHandle, open, readdir, realpath, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { SigchainError } from '../errors.js';
import { isPublicKey, isSeed } from '../nkeys/codec.js';
import { MAX_CHAIN_INPUT_SIZE, MAX_TEXT_FILE_SIZE, MAX_TOKEN_FILE_SIZE } from './limits.js';
import { jwtsInText, tokenFromText } from './token-text.js';
import { trimSpace } from '../text.js';

/** A token read from an argument, a file or standard input, with where it came from. */
export interface TokenInput {
  readonly token: string;
  /** The path, `standard input`, or `the command line`: for messages. */
  readonly source: string;
}

/** How the readers reach standard input; the CLI passes its own (tests pass text). */
export interface ReadOptions {
  /** Reads standard input, at most `limit` bytes (`TOKEN_TOO_LARGE` past it). */
  readStdin?: (limit?: number) => Promise<string>;
}

const STDIN = 'Standard input';
const INLINE = 'The token given';

function errno(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException | undefined)?.code;
}

function ioError(path: string, e: unknown, hint = 'Check the path and its permissions.'): SigchainError {
  const code = errno(e);
  const why = code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a folder, not a file' : `could not be read (${code ?? (e as Error)?.message})`;
  return new SigchainError('IO_ERROR', `${path} ${why}. ${hint}`, { path, ...(code ? { errno: code } : {}) });
}

function tooLarge(source: string, size: number, limit: number, what: string): SigchainError {
  return new SigchainError('TOKEN_TOO_LARGE', `${source} is ${size > limit ? `${size} bytes` : `over ${limit} bytes`}; sigchain reads at most ${limit} bytes for ${what}. It is not a token file.`, { source, limit, ...(size > limit ? { size } : {}) });
}

const CHUNK = 1024 * 1024;

async function readAll(fh: FileHandle, st: Stats, path: string, limit: number, what: string): Promise<string> {
  // A regular file's size is known: refuse it without reading. Pipes and devices report no
  // size, so every read stops one byte past the limit.
  if (st.isFile() && st.size > limit) throw tooLarge(path, st.size, limit, what);
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const buf = Buffer.allocUnsafe(Math.min(CHUNK, limit + 1 - total));
    const { bytesRead } = await fh.read(buf, 0, buf.length, null);
    if (bytesRead === 0) break;
    chunks.push(buf.subarray(0, bytesRead));
    total += bytesRead;
    if (total > limit) throw tooLarge(path, total, limit, what);
  }
  return Buffer.concat(chunks, total).toString('utf8');
}

/**
 * The text of `path`, read only if it is at most `limit` bytes (`TOKEN_TOO_LARGE`, decided from
 * its size before reading; a pipe is cut one byte past the limit). `IO_ERROR` when it is missing,
 * a folder, or unreadable.
 *
 * @example
 * ```ts
 * const text = await readBoundedFile('server.conf', MAX_TEXT_FILE_SIZE);
 * ```
 */
export async function readBoundedFile(path: string, limit: number): Promise<string> {
  return readBounded(path, limit, 'a token file');
}

async function readBounded(path: string, limit: number, what: string, hint?: string): Promise<string> {
  let fh: FileHandle;
  try {
    fh = await open(path, 'r');
  } catch (e) {
    throw ioError(path, e, hint);
  }
  try {
    let st: Stats;
    try {
      st = await fh.stat();
    } catch (e) {
      throw ioError(path, e, hint);
    }
    if (st.isDirectory()) throw ioError(path, Object.assign(new Error('EISDIR'), { code: 'EISDIR' }), 'Give a file.');
    try {
      return await readAll(fh, st, path, limit, what);
    } catch (e) {
      if (e instanceof SigchainError) throw e;
      throw ioError(path, e, hint);
    }
  } finally {
    await fh.close().catch(() => undefined);
  }
}

/**
 * A stream (standard input) read to its end as UTF-8, refused with `TOKEN_TOO_LARGE` as soon as
 * it passes `limit` bytes, without reading the rest.
 *
 * @example
 * ```ts
 * const text = await readBoundedStream(process.stdin, MAX_TOKEN_FILE_SIZE);
 * ```
 */
export async function readBoundedStream(stream: AsyncIterable<Uint8Array | string>, limit: number, source = STDIN): Promise<string> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const c of stream) {
    const b = typeof c === 'string' ? Buffer.from(c, 'utf8') : Buffer.from(c.buffer, c.byteOffset, c.byteLength);
    total += b.length;
    if (total > limit) {
      (stream as { destroy?: () => void }).destroy?.();
      throw tooLarge(source, total, limit, 'a token');
    }
    chunks.push(b);
  }
  return Buffer.concat(chunks, total).toString('utf8');
}

async function stdinText(opts: ReadOptions, limit: number): Promise<string> {
  const text = opts.readStdin ? await opts.readStdin(limit) : await readBoundedStream(process.stdin, limit);
  if (text.length > limit) throw tooLarge(STDIN, text.length, limit, 'a token');
  return text;
}

// Paths longer than this are never statted: they are inline tokens (or nothing).
const PATH_MAX = 4096;

/** The stats of `arg` when it names something on disk; undefined when nothing is there. */
async function existing(arg: string): Promise<Stats | undefined> {
  if (arg.length > PATH_MAX || arg.includes('\0') || arg.trim() === '') return undefined;
  try {
    return await stat(arg);
  } catch (e) {
    const code = errno(e);
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'ENAMETOOLONG' || code === 'ERR_INVALID_ARG_VALUE') return undefined;
    throw ioError(arg, e);
  }
}

const FILE_NAME = /\.(jwt|creds|conf|json|txt|nk|pem)$/i;

/**
 * True when text that is no file is meant as a token, and so is judged as one
 * (`MALFORMED_TOKEN`) rather than reported as a missing file: it begins with `eyJ` (as every
 * JWT does), or has two or more dots, no path separator and no file-name ending.
 */
export function looksLikeToken(text: string): boolean {
  const t = text.trim();
  if (t.startsWith('eyJ')) return true;
  if (t.includes('/') || t.includes('\\') || FILE_NAME.test(t)) return false;
  let dots = 0;
  for (let i = t.indexOf('.'); i >= 0 && dots < 2; i = t.indexOf('.', i + 1)) dots++;
  return dots >= 2;
}

function shorten(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

function notTokenNorFile(arg: string): SigchainError {
  // A pasted seed is a secret: say what it is without echoing it.
  if (isSeed(arg.trim())) return new SigchainError('MALFORMED_TOKEN', 'That is an nkey seed (a secret), not a token; never paste seeds on a command line. Give a JWT, a creds or JWT file, or - for standard input.');
  const shown = shorten(arg);
  return new SigchainError('IO_ERROR', `${shown} is not a token and no such file exists. Give a JWT, a creds or JWT file, or - for standard input.`, { path: shown });
}

/**
 * The token of a file path, or of standard input for `-`: for options whose value is always a
 * file (`describe -f FILE`). Creds files are checked as user credentials.
 *
 * @example
 * ```ts
 * const { token } = await readTokenFile('alice.creds');
 * ```
 */
export async function readTokenFile(path: string, opts: ReadOptions = {}): Promise<TokenInput> {
  if (path === '-') return { token: tokenFromText(await stdinText(opts, MAX_TOKEN_FILE_SIZE), STDIN), source: STDIN };
  return { token: tokenFromText(await readBounded(path, MAX_TOKEN_FILE_SIZE, 'a token file', 'Check the path; use - to read the token from standard input.'), path), source: path };
}

/**
 * The token a command-line argument gives, the same way for every command that takes one:
 * `-` reads standard input; a path that exists is read as a file (a `.jwt` file, a decorated
 * JWT or a creds file); text meant as a token ({@link looksLikeToken}) is judged as given;
 * anything else is `IO_ERROR` ("not a token and no such file exists"). Every text goes through
 * {@link tokenFromText}, so a token is judged whole, never as a substring.
 *
 * @example
 * ```ts
 * const { token } = await readTokenArg(process.argv[2]!); // 'eyJ…', 'alice.creds' or '-'
 * ```
 */
export async function readTokenArg(arg: string, opts: ReadOptions = {}): Promise<TokenInput> {
  if (typeof arg !== 'string') throw new SigchainError('MALFORMED_TOKEN', 'The token argument is not text.');
  if (arg === '-') return readTokenFile(arg, opts);
  if (await existing(arg)) return readTokenFile(arg, opts);
  if (looksLikeToken(arg)) return { token: tokenFromText(arg, INLINE), source: INLINE };
  throw notTokenNorFile(arg);
}

/**
 * The argument of `revoke jti` and `revocations delete-jti`: a token given as
 * {@link readTokenArg} takes one, or else a bare jti.
 *
 * @example
 * ```ts
 * const what = await readTokenOrJti('leaked.creds'); // { token, source } or { jti }
 * ```
 */
export async function readTokenOrJti(arg: string, opts: ReadOptions = {}): Promise<TokenInput | { jti: string }> {
  if (arg === '-' || (await existing(arg))) return readTokenFile(arg, opts);
  if (looksLikeToken(arg)) return { token: tokenFromText(arg, INLINE), source: INLINE };
  return { jti: arg.trim() };
}

// nsc stores hold *.jwt; key stores hold *.creds next to *.nk seeds, which are never opened.
const TOKEN_FILE = /\.(jwt|creds)$/i;
const SEED_FILE = /\.nk$/i;
const CHAIN_HINT = 'Check the path given to --chain.';
const MAX_DEPTH = 8;

interface Walk {
  left: number;
  readonly folders: Set<string>;
  readonly out: string[];
}

async function readChainFile(path: string, w: Walk, inFolder: boolean): Promise<void> {
  const limit = Math.min(MAX_TEXT_FILE_SIZE, w.left);
  const what = limit < MAX_TEXT_FILE_SIZE ? `all --chain inputs together (${MAX_CHAIN_INPUT_SIZE})` : 'one --chain file';
  const text = await readBounded(path, limit, what, CHAIN_HINT);
  w.left -= Buffer.byteLength(text, 'utf8');
  const found = jwtsInText(text, path);
  if (found.length === 0 && !inFolder) throw new SigchainError('MALFORMED_TOKEN', `${path} holds no JWT. Give JWT files, creds files or an nsc store folder to --chain.`, { path });
  w.out.push(...found);
}

async function walk(dir: string, st: Stats, w: Walk, depth: number): Promise<void> {
  // Each folder is read once, however many links lead to it: a symlink loop ends here.
  const id = `${st.dev}:${st.ino}`;
  if (depth > MAX_DEPTH || w.folders.has(id)) return;
  w.folders.add(id);
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (e) {
    throw ioError(dir, e, CHAIN_HINT);
  }
  for (const d of entries.sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0))) {
    if (d.name.startsWith('.') || SEED_FILE.test(d.name)) continue;
    const p = join(dir, d.name);
    if (!d.isDirectory() && !d.isFile() && !d.isSymbolicLink()) continue; // pipes, sockets, devices
    let target: Stats;
    try {
      target = await stat(p);
    } catch {
      continue; // a dangling link
    }
    if (target.isDirectory()) await walk(p, target, w, depth + 1);
    else if (target.isFile() && TOKEN_FILE.test(d.name)) {
      // A link named like a token file must not lead to a seed or a hidden file.
      if (d.isSymbolicLink()) {
        const real = basename(await realpath(p).catch(() => p));
        if (real.startsWith('.') || SEED_FILE.test(real)) continue;
      }
      await readChainFile(p, w, true);
    }
  }
}

/**
 * The JWTs of the given files and folders, for `memoryResolver` (`--chain`). A file may be a
 * JWT, a decorated JWT, a server config or a creds file (checked as a user credential), read
 * with {@link jwtsInText}; a file holding no JWT is `MALFORMED_TOKEN`. A folder (an nsc store or
 * a part of one) is searched for `*.jwt` and `*.creds`: names beginning with a dot are skipped,
 * `.nk` seed files are never opened (not through a link either), symbolic links are followed
 * but every folder is read once (a link loop ends), and the walk stops 8 folders deep. Each file
 * is at most {@link MAX_TEXT_FILE_SIZE} and all together {@link MAX_CHAIN_INPUT_SIZE}
 * (`TOKEN_TOO_LARGE`). Missing or unreadable paths are `IO_ERROR` naming them.
 *
 * @example
 * ```ts
 * const resolver = memoryResolver(await loadChainFiles(['~/.local/share/nats/nsc/stores/O2']));
 * ```
 */
export async function loadChainFiles(paths: Iterable<string>): Promise<string[]> {
  const w: Walk = { left: MAX_CHAIN_INPUT_SIZE, folders: new Set(), out: [] };
  for (const path of paths) {
    let st: Stats;
    try {
      st = await stat(path);
    } catch (e) {
      throw ioError(path, e, CHAIN_HINT);
    }
    if (st.isDirectory()) await walk(path, st, w, 0);
    else await readChainFile(path, w, false);
  }
  return w.out;
}

/**
 * The roots given with `--trust`: operator public keys and seeds are passed on as they are
 * (`definePolicy` judges their role and refuses seeds); a path that exists is read with
 * {@link jwtsInText}; text meant as a token is judged whole. Anything else is `USAGE`, as is a
 * file holding no JWT.
 *
 * @example
 * ```ts
 * definePolicy({ trustedOperators: await readTrustArgs(['OABC…', 'operator.jwt']) });
 * ```
 */
export async function readTrustArgs(values: Iterable<string>): Promise<string[]> {
  const out: string[] = [];
  for (const v of values) {
    const t: string = typeof v === 'string' ? trimSpace(v) : '';
    if (isPublicKey(t) || isSeed(t as unknown)) {
      out.push(t);
      continue;
    }
    if (await existing(v)) {
      const found = jwtsInText(await readBounded(v, MAX_TEXT_FILE_SIZE, 'one --trust file'), v);
      if (found.length === 0) throw new SigchainError('USAGE', `--trust ${v}: the file holds no operator JWT.`);
      out.push(...found);
    } else if (looksLikeToken(t)) out.push(tokenFromText(t, '--trust value'));
    else throw new SigchainError('USAGE', `--trust ${shorten(t)}: not an operator public key (O…), an operator JWT, or a readable file holding one.`);
  }
  return out;
}
