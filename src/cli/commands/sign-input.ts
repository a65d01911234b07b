/**
 * The message of `sign` and `verify-signature`, as bytes: `-m TEXT` (UTF-8), `--file F` (its
 * bytes), or standard input (its bytes) when neither is given. Bounded like every input.
 */
import { open } from 'node:fs/promises';
import { SigchainError } from '../../errors.js';
import { type CommandContext, type OptionSpec, str } from '../command.js';

/** Largest message signed or checked: 16 MiB (a message is a claim or a challenge, not a disk image). */
export const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

/** `-u`, `-m`, `--file`, `--context`: the options both commands share. */
export const MESSAGE_OPTIONS: Record<string, OptionSpec> = {
  message: { type: 'string', short: 'm', valueName: 'MESSAGE', description: 'The message, as UTF-8 text. Without -m and --file the message is read from standard input.' },
  file: { type: 'string', valueName: 'FILE', description: 'Read the message from FILE, byte for byte (binary is fine).' },
  context: { type: 'string', valueName: 'NAME', description: 'Bind a purpose into the signature: the bytes signed are "sigchain-sign-v1\\0" + NAME + "\\0" + MESSAGE, so a signature made for one NAME never verifies under another (or under none).' },
};

function tooLarge(source: string): SigchainError {
  return new SigchainError('USAGE', `${source} is larger than ${MAX_MESSAGE_BYTES} bytes, the most sigchain signs. Sign a digest of it instead.`);
}

async function fileBytes(path: string): Promise<Uint8Array> {
  try {
    const fh = await open(path, 'r');
    try {
      const st = await fh.stat();
      if (!st.isFile()) throw new SigchainError('IO_ERROR', `${path} is not a file. Give a file with --file.`, { path });
      if (st.size > MAX_MESSAGE_BYTES) throw tooLarge(path);
      return await fh.readFile();
    } finally {
      await fh.close();
    }
  } catch (e) {
    if (e instanceof SigchainError) throw e;
    throw new SigchainError('IO_ERROR', `Could not read ${path} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}). Check the path given with --file.`, { path });
  }
}

async function stdinBytes(): Promise<Uint8Array> {
  if (process.stdin.isTTY) throw new SigchainError('USAGE', 'Give the message with -m MESSAGE or --file FILE, or pipe it on standard input.');
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const c of process.stdin) {
    const b = Buffer.isBuffer(c) ? c : Buffer.from(c as string);
    total += b.length;
    if (total > MAX_MESSAGE_BYTES) {
      process.stdin.destroy();
      throw tooLarge('standard input');
    }
    chunks.push(b);
  }
  return Buffer.concat(chunks, total);
}

/** The message bytes from `-m`, `--file` or stdin (exactly one source). */
export async function messageFrom(ctx: CommandContext): Promise<Uint8Array> {
  const text = str(ctx, 'message');
  const file = str(ctx, 'file');
  if (text !== undefined && file !== undefined) throw new SigchainError('USAGE', 'Give the message once: -m MESSAGE or --file FILE, not both.');
  if (text !== undefined) return new TextEncoder().encode(text);
  if (file !== undefined) return fileBytes(file);
  return stdinBytes();
}
