/**
 * WebAssembly files as inputs: `sigchain verify MODULE.wasm` and `sigchain wasm inspect FILE`.
 * A file is taken as WebAssembly when it starts with the wasm magic (`\0asm`), whatever its
 * name; the read is bounded before it happens, as every input's is.
 */
import { type FileHandle, open } from 'node:fs/promises';
import { SigchainError } from '../errors.js';

/** The largest WebAssembly file sigchain reads (256 MiB): far above any real component. */
export const MAX_WASM_FILE_SIZE = 256 * 1024 * 1024;

const MAGIC = [0x00, 0x61, 0x73, 0x6d];

/**
 * True when `bytes` begin with the WebAssembly magic `\0asm` (a module or a component; the
 * version is judged by the wasm reader).
 *
 * @example
 * ```ts
 * isWasmBytes(readFileSync('echo.wasm')); // true
 * ```
 */
export function isWasmBytes(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && MAGIC.every((b, i) => bytes[i] === b);
}

function ioError(path: string, e: unknown): SigchainError {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  const why = code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a folder, not a file' : `could not be read (${code ?? (e as Error)?.message})`;
  return new SigchainError('IO_ERROR', `${path} ${why}. Check the path and its permissions.`, { path, ...(code ? { errno: code } : {}) });
}

/**
 * The bytes of `path`, at most {@link MAX_WASM_FILE_SIZE} (`TOKEN_TOO_LARGE` past it, decided
 * before reading a regular file). `IO_ERROR` when missing, a folder, or unreadable.
 *
 * @example
 * ```ts
 * const bytes = await readBinaryFile('echo_s.wasm');
 * ```
 */
export async function readBinaryFile(path: string, limit = MAX_WASM_FILE_SIZE): Promise<Uint8Array> {
  let fh: FileHandle;
  try {
    fh = await open(path, 'r');
  } catch (e) {
    throw ioError(path, e);
  }
  try {
    const st = await fh.stat().catch((e: unknown) => {
      throw ioError(path, e);
    });
    if (st.isDirectory()) throw ioError(path, Object.assign(new Error('EISDIR'), { code: 'EISDIR' }));
    if (st.isFile() && st.size > limit) throw new SigchainError('TOKEN_TOO_LARGE', `${path} is ${st.size} bytes; sigchain reads WebAssembly files of at most ${limit} bytes.`, { path, size: st.size, limit });
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buf = Buffer.allocUnsafe(Math.min(1024 * 1024, limit + 1 - total));
      const { bytesRead } = await fh.read(buf, 0, buf.length, null).catch((e: unknown) => {
        throw ioError(path, e);
      });
      if (bytesRead === 0) break;
      chunks.push(buf.subarray(0, bytesRead));
      total += bytesRead;
      if (total > limit) throw new SigchainError('TOKEN_TOO_LARGE', `${path} is over ${limit} bytes; sigchain reads WebAssembly files of at most ${limit} bytes.`, { path, limit });
    }
    return new Uint8Array(Buffer.concat(chunks, total));
  } finally {
    await fh.close().catch(() => undefined);
  }
}

/**
 * The bytes of `arg` when it names a file that starts with the wasm magic; undefined for
 * anything else (a token, a JWT or creds file, `-`), so the caller reads it as a token.
 *
 * @example
 * ```ts
 * const wasm = await readWasmArg('echo_s.wasm'); // Uint8Array, or undefined for 'user.jwt'
 * ```
 */
export async function readWasmArg(arg: string): Promise<Uint8Array | undefined> {
  if (typeof arg !== 'string' || arg === '-' || arg.trim() === '' || arg.includes('\0') || arg.length > 4096) return undefined;
  let fh: FileHandle;
  try {
    fh = await open(arg, 'r');
  } catch {
    return undefined; // not a file: the token reader says why
  }
  let head: Uint8Array;
  try {
    const st = await fh.stat();
    if (!st.isFile()) return undefined;
    const buf = Buffer.alloc(4);
    const { bytesRead } = await fh.read(buf, 0, 4, 0);
    head = buf.subarray(0, bytesRead);
  } catch {
    return undefined;
  } finally {
    await fh.close().catch(() => undefined);
  }
  return isWasmBytes(head) ? readBinaryFile(arg) : undefined;
}
