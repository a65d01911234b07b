/**
 * Reading tokens made by any tool from files: raw JWT files, creds files, decorated
 * (armored) JWTs, server configs with preloaded accounts, and nsc-style store folders.
 * Only JWTs are taken; seeds in creds files are never kept.
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { SigchainError } from '../errors.js';

// A compact JWS whose header is a JSON object ("eyJ" is base64url of '{"'). Seeds never match.
const JWT = /eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/g;

/**
 * Every JWT in `text`, in order: one raw token, the JWT block of a creds file, armored
 * blocks, or the tokens of a server config's `operator:` and `resolver_preload`.
 *
 * @example
 * ```ts
 * jwtsInText(readFileSync('alice.creds', 'utf8')); // [userJwt]
 * ```
 */
export function jwtsInText(text: string): string[] {
  return [...String(text).matchAll(JWT)].map((m) => m[0]);
}

/**
 * The token to verify from what a person pasted or a file held: a JWT, or the user JWT of a
 * creds file. `MALFORMED_TOKEN` when there is none.
 *
 * @example
 * ```ts
 * const jwt = tokenFromText(readFileSync('alice.creds', 'utf8'));
 * ```
 */
export function tokenFromText(text: string, source = 'The input'): string {
  const first = jwtsInText(text)[0];
  if (!first) {
    throw new SigchainError('MALFORMED_TOKEN', `${source} holds no JWT. Give a token (three base64url parts joined by dots), a creds file, or a JWT file.`);
  }
  return first;
}

function errno(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException | undefined)?.code;
}

function ioError(path: string, e: unknown): SigchainError {
  const code = errno(e);
  if (code === 'ENOENT') return new SigchainError('IO_ERROR', `${path} does not exist. Check the path given to --chain.`, { path });
  return new SigchainError('IO_ERROR', `${path} could not be read (${code ?? (e as Error)?.message}). Check its permissions.`, { path });
}

// nsc stores hold *.jwt; key stores hold *.creds next to *.nk seeds, which are never opened.
const TOKEN_FILE = /\.(jwt|creds)$/i;

async function walk(dir: string, out: string[], depth: number): Promise<void> {
  if (depth > 8) return;
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (e) {
    throw ioError(dir, e);
  }
  for (const d of entries.sort((x, y) => x.name.localeCompare(y.name))) {
    if (d.name.startsWith('.')) continue;
    const p = join(dir, d.name);
    if (d.isDirectory()) await walk(p, out, depth + 1);
    else if (d.isFile() && TOKEN_FILE.test(d.name)) out.push(...jwtsInText(await readFile(p, 'utf8')));
  }
}

/**
 * Reads the JWTs of the given files and folders, for {@link memoryResolver}. A file may be a
 * JWT, a creds file, a decorated JWT, or a server config; a folder (an nsc store, or its
 * operator folder) is searched for `*.jwt` and `*.creds`. A file holding no JWT, or a path
 * that cannot be read, is a coded error naming it.
 *
 * @example
 * ```ts
 * const resolver = memoryResolver(await loadChainFiles(['~/.local/share/nats/nsc/stores/O2']));
 * ```
 */
export async function loadChainFiles(paths: Iterable<string>): Promise<string[]> {
  const out: string[] = [];
  for (const path of paths) {
    let st;
    try {
      st = await stat(path);
    } catch (e) {
      throw ioError(path, e);
    }
    if (st.isDirectory()) {
      await walk(path, out, 0);
      continue;
    }
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (e) {
      throw ioError(path, e);
    }
    const found = jwtsInText(text);
    if (found.length === 0) throw new SigchainError('MALFORMED_TOKEN', `${path} holds no JWT. Give JWT files, creds files or an nsc store folder to --chain.`, { path });
    out.push(...found);
  }
  return out;
}
