import type { Command } from '../command.js';
import { PASSPHRASE_FILE_OPTION, SOCKET_OPTION, agentClient, agentPassphrase } from './agent-support.js';

const USAGE = 'agent unlock [--passphrase-file FILE] [--socket PATH]';

/** `sigchain agent unlock`: the agent lists and signs again. */
export const agentUnlockCommand: Command = {
  words: ['agent', 'unlock'],
  summary: 'Unlock the key agent with the passphrase it was locked with',
  usage: USAGE,
  description: [
    'Unlocks the key agent locked by `sigchain agent lock` or `ssh-add -x`. A wrong passphrase is',
    'refused (AGENT_FAILURE), and the agent answers each further wrong try more slowly (0.1 s more',
    'each, up to 10 s). The passphrase comes from --passphrase-file, else SIGCHAIN_PASSPHRASE, else a prompt.',
  ].join('\n'),
  examples: ['sigchain agent unlock', 'sigchain agent unlock --passphrase-file lock.txt --json'],
  options: { 'passphrase-file': PASSPHRASE_FILE_OPTION, socket: SOCKET_OPTION },
  args: { min: 0, max: 0 },
  async run(ctx) {
    const client = agentClient(ctx);
    try {
      await client.unlock(await agentPassphrase(ctx, 'Passphrase to unlock the agent', false));
      ctx.printer.result({ locked: false, socket: client.socketPath }, `unlocked the agent at ${client.socketPath}`);
    } finally {
      client.close();
    }
  },
};
