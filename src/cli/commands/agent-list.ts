import { describeAgentKey } from '../../custody/agent/comment.js';
import { formatUsages } from '../../keys/usage.js';
import type { Command } from '../command.js';
import { SOCKET_OPTION, agentClient } from './agent-support.js';

const USAGE = 'agent list [--socket PATH]';

/** `sigchain agent list`: the keys the agent holds, as nkeys. */
export const agentListCommand: Command = {
  words: ['agent', 'list'],
  summary: 'List the keys the key agent holds, as nkeys with their role and usages',
  usage: USAGE,
  description: [
    "Lists the Ed25519 keys the agent at SIGCHAIN_AUTH_SOCK (else SSH_AUTH_SOCK) holds, sigchain's or",
    "OpenSSH's. A key sigchain added carries its nkey and usages in its comment; any other Ed25519 key",
    'is shown as a user key (U…) with usage authentication. Keys of other types are counted, not',
    'listed. A locked agent lists nothing.',
  ].join('\n'),
  examples: ['sigchain agent list', 'sigchain agent list --json'],
  options: { socket: SOCKET_OPTION },
  args: { min: 0, max: 0 },
  async run(ctx) {
    const client = agentClient(ctx);
    try {
      const ids = await client.list();
      const sigchain = await client.isSigchainAgent();
      const keys = ids
        .filter((id) => id.ed25519)
        .map((id) => {
          const k = describeAgentKey(id.ed25519!, id.comment);
          return { public_key: k.publicKey, role: k.role, usages: [...k.usages], added_by_sigchain: k.described, comment: id.comment };
        });
      const others = ids.length - keys.length;
      const lines = keys.map((k) => `${k.public_key}  ${k.role}  ${formatUsages(k.usages)}${k.added_by_sigchain ? '' : `  (${k.comment || 'no comment'})`}`);
      if (!keys.length) lines.push('the agent holds no Ed25519 key (or it is locked)');
      if (others) lines.push(`(${others} key(s) of other types not shown)`);
      ctx.printer.result({ socket: client.socketPath, agent: sigchain ? 'sigchain' : 'ssh-agent', keys, other_keys: others }, lines.join('\n'));
    } finally {
      client.close();
    }
  },
};
