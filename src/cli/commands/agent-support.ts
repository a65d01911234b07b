/**
 * Glue shared by the `sigchain agent …` commands: which socket, shell lines for `eval`, the
 * `--lifetime` duration, and the lock passphrase (file, environment, or a prompt without echo).
 */
import { readFileSync } from 'node:fs';
import { SigchainError } from '../../errors.js';
import { AgentClient } from '../../custody/agent/client.js';
import { agentSocketOf } from '../../custody/agent/keyring.js';
import { type CommandContext, type OptionSpec, str } from '../command.js';
import { stderr } from '../output/stdio.js';

/** `--socket PATH`, shared by every agent command. */
export const SOCKET_OPTION: OptionSpec = {
  type: 'string',
  valueName: 'PATH',
  description: 'The agent socket (default: $SIGCHAIN_AUTH_SOCK, else $SSH_AUTH_SOCK).',
};

/** The socket to talk to: --socket, $SIGCHAIN_AUTH_SOCK, $SSH_AUTH_SOCK; AGENT_UNAVAILABLE when none. */
export function agentSocket(ctx: CommandContext): string {
  const socket = agentSocketOf({ socket: str(ctx, 'socket'), env: ctx.env });
  if (!socket) throw new SigchainError('AGENT_UNAVAILABLE', 'No key agent is named: pass --socket PATH, or set SIGCHAIN_AUTH_SOCK (`eval "$(sigchain agent start)"` sets it).');
  return socket;
}

/** A client of the agent the command names. */
export function agentClient(ctx: CommandContext): AgentClient {
  return new AgentClient(agentSocket(ctx));
}

/** `NAME=VALUE; export NAME;` for `eval`, VALUE quoted when the shell needs it. */
export function shellExport(name: string, value: string): string {
  const safe = /^[A-Za-z0-9_./:@%+=-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
  return `${name}=${safe}; export ${name};`;
}

/**
 * Parses `--lifetime` as ssh-add's `-t` does: seconds, or a sum of numbers with units
 * (`90`, `30m`, `8h`, `1h30m`, `2d`, `1w`). At most 2^32-1 seconds (the protocol's uint32).
 */
export function parseLifetime(value: string): number {
  const v = value.trim();
  const units: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };
  let total = 0;
  if (/^\d+$/.test(v)) total = Number(v);
  else if (/^(\d+[smhdw])+$/i.test(v)) for (const m of v.matchAll(/(\d+)([smhdw])/gi)) total += Number(m[1]) * units[m[2]!.toLowerCase()]!;
  else throw new SigchainError('USAGE', `--lifetime "${value}" is not a duration. Use seconds or units: 90, 30m, 8h, 1h30m, 2d.`);
  if (total <= 0 || total > 0xffffffff) throw new SigchainError('USAGE', `--lifetime "${value}" must be between 1 second and about 136 years.`);
  return total;
}

/** `--passphrase-file`, shared by lock and unlock. */
export const PASSPHRASE_FILE_OPTION: OptionSpec = {
  type: 'string',
  valueName: 'FILE',
  description: 'Read the passphrase from FILE (one trailing newline is dropped). Else SIGCHAIN_PASSPHRASE, else a prompt.',
};

/**
 * The passphrase: `--passphrase-file` (one trailing newline stripped), `SIGCHAIN_PASSPHRASE`, or a
 * prompt on the terminal without echo (asked twice when `confirm`). With none and no terminal,
 * `KEYRING_PASSPHRASE_REQUIRED` rather than a hang.
 */
export async function agentPassphrase(ctx: CommandContext, prompt: string, confirm: boolean): Promise<string> {
  const file = str(ctx, 'passphrase-file');
  let pass: string | undefined;
  if (file !== undefined) {
    try {
      pass = readFileSync(file, 'utf8').replace(/\r?\n$/, '');
    } catch (e) {
      throw new SigchainError('IO_ERROR', `Cannot read --passphrase-file ${file}: ${(e as Error).message}.`);
    }
  } else if (ctx.env.SIGCHAIN_PASSPHRASE !== undefined) pass = ctx.env.SIGCHAIN_PASSPHRASE;
  else if (process.stdin.isTTY && process.stderr.isTTY) {
    pass = await promptHidden(`${prompt}: `);
    if (confirm && (await promptHidden('Again: ')) !== pass) throw new SigchainError('USAGE', 'The two passphrases differ; nothing was done.');
  } else {
    throw new SigchainError('KEYRING_PASSPHRASE_REQUIRED', 'A passphrase is needed and there is no terminal to ask on: pass --passphrase-file FILE or set SIGCHAIN_PASSPHRASE.');
  }
  if (pass === '') throw new SigchainError('USAGE', 'The passphrase is empty; give one.');
  return pass;
}

function promptHidden(question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    stderr.stream().write(question);
    stdin.setRawMode(true);
    stdin.resume();
    let text = '';
    const done = (err?: Error): void => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      stderr.stream().write('\n');
      if (err) reject(err);
      else resolve(text);
    };
    const onData = (chunk: Buffer): void => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003' || ch === '\u0004') return done(new SigchainError('USAGE', 'Cancelled; nothing was done.'));
        if (ch === '\u007f' || ch === '\b') text = text.slice(0, -1);
        else text += ch;
      }
    };
    stdin.on('data', onData);
  });
}
