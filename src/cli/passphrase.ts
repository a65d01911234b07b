/**
 * Where the CLI gets the passphrase of encrypted keys: `--passphrase-file F` (one trailing newline
 * stripped), else `$SIGCHAIN_PASSPHRASE`, else a prompt on the terminal with no echo (asked twice
 * when a new key is sealed). With none of them and no terminal it refuses with
 * `KEYRING_PASSPHRASE_REQUIRED` at once: a script never hangs on a prompt nobody sees.
 * A command asks at most once; the same passphrase opens every key it touches.
 */
import { closeSync, openSync, readFileSync, statSync } from 'node:fs';
import { ReadStream, WriteStream } from 'node:tty';
import type { PassphraseSource } from '../custody/encrypted.js';
import { SigchainError } from '../errors.js';

const MAX_FILE = 64 * 1024;

function fromFile(path: string): string {
  let text: string;
  try {
    if (statSync(path).size > MAX_FILE) throw new SigchainError('USAGE', `${path} is larger than a passphrase file can be (64 KiB).`);
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if (e instanceof SigchainError) throw e;
    throw new SigchainError('IO_ERROR', `The passphrase file ${path} cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'}).`, { path });
  }
  return text.endsWith('\r\n') ? text.slice(0, -2) : text.endsWith('\n') ? text.slice(0, -1) : text;
}

/** Reads one line from the terminal without echoing it. */
async function ask(prompt: string): Promise<string> {
  const fd = openSync('/dev/tty', 'r+');
  const input = new ReadStream(fd);
  const output = new WriteStream(fd);
  try {
    output.write(prompt);
    input.setRawMode(true);
    return await new Promise<string>((resolve, reject) => {
      let line = '';
      input.on('data', (chunk: Buffer) => {
        for (const ch of chunk.toString('utf8')) {
          if (ch === '\r' || ch === '\n') return resolve(line);
          if (ch === '\u0003') return reject(new SigchainError('KEYRING_PASSPHRASE_REQUIRED', 'Interrupted at the passphrase prompt; nothing was signed.'));
          if (ch === '\u007f' || ch === '\b') line = line.slice(0, -1);
          else line += ch;
        }
      });
    });
  } finally {
    input.setRawMode(false);
    output.write('\n');
    input.destroy();
    try {
      closeSync(fd);
    } catch {
      // already closed with the stream
    }
  }
}

function hasTerminal(): boolean {
  if (!process.stdin.isTTY && !process.stderr.isTTY) return false;
  try {
    closeSync(openSync('/dev/tty', 'r+'));
    return true;
  } catch {
    return false;
  }
}

/**
 * The CLI's passphrase source.
 *
 * @example
 * ```ts
 * const source = cliPassphrase({ file: str(ctx, 'passphrase-file'), env: ctx.env });
 * ```
 */
export function cliPassphrase(opts: { file?: string | undefined; env: NodeJS.ProcessEnv }): PassphraseSource {
  let known: Promise<string> | undefined;
  return ({ publicKey, purpose }) => {
    known ??= (async () => {
      if (opts.file !== undefined) return fromFile(opts.file);
      if (opts.env.SIGCHAIN_PASSPHRASE !== undefined) return opts.env.SIGCHAIN_PASSPHRASE;
      if (!hasTerminal()) {
        throw new SigchainError(
          'KEYRING_PASSPHRASE_REQUIRED',
          `${publicKey} ${purpose === 'seal' ? 'is to be sealed' : 'is sealed'} with a passphrase, and there is no terminal to ask on. Pass --passphrase-file FILE or set SIGCHAIN_PASSPHRASE (or choose --keyring-backend file, a plain seed file, for keys that need none).`,
          { publicKey },
        );
      }
      if (purpose === 'unlock') return ask(`Passphrase for the key store (to open ${publicKey.slice(0, 12)}…): `);
      const first = await ask(`New passphrase for keys sealed by this command (${publicKey.slice(0, 12)}…): `);
      const again = await ask('Again, to be sure: ');
      if (first !== again) throw new SigchainError('KEYRING_BAD_PASSPHRASE', 'The two passphrases differ; nothing was sealed. Run the command again.');
      if (!first) throw new SigchainError('KEYRING_BAD_PASSPHRASE', 'An empty passphrase seals nothing; nothing was made. Run the command again with a passphrase.');
      return first;
    })();
    known.catch(() => (known = undefined));
    return known;
  };
}
