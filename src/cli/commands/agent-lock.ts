import type { Command } from '../command.js';
import { PASSPHRASE_FILE_OPTION, SOCKET_OPTION, agentClient, agentPassphrase } from './agent-support.js';

const USAGE = 'agent lock [--passphrase-file FILE] [--socket PATH]';

/** `sigchain agent lock`: the agent signs nothing and lists no key until unlocked. */
export const agentLockCommand: Command = {
  words: ['agent', 'lock'],
  summary: 'Lock the key agent with a passphrase: it lists no key and signs nothing until unlocked',
  usage: USAGE,
  description: [
    'Locks the key agent (as `ssh-add -x` does, and interchangeably with it): until `sigchain agent',
    'unlock` (or `ssh-add -X`) gives the same passphrase, it lists no key and signs nothing. The keys',
    'stay in its memory. The passphrase comes from --passphrase-file, else SIGCHAIN_PASSPHRASE, else a',
    'prompt (asked twice); with none of them and no terminal, KEYRING_PASSPHRASE_REQUIRED.',
  ].join('\n'),
  examples: ['sigchain agent lock', 'sigchain agent lock --passphrase-file ~/.config/sigchain/lock.txt'],
  options: { 'passphrase-file': PASSPHRASE_FILE_OPTION, socket: SOCKET_OPTION },
  args: { min: 0, max: 0 },
  async run(ctx) {
    const client = agentClient(ctx);
    try {
      await client.lock(await agentPassphrase(ctx, 'Passphrase to lock the agent with', true));
      ctx.printer.result({ locked: true, socket: client.socketPath }, `locked the agent at ${client.socketPath}`);
    } finally {
      client.close();
    }
  },
};
