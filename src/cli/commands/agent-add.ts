import { SigchainError } from '../../errors.js';
import { formatComment } from '../../custody/agent/comment.js';
import { ONLY_KINDS, formatOnly, parseOnly } from '../../custody/agent/constraints.js';
import { type KeyUsage, formatUsages, parseUsages } from '../../keys/usage.js';
import { isSeed } from '../../nkeys/codec.js';
import type { KeyPair } from '../../nkeys/keypair.js';
import type { Workspace } from '../../workspace/workspace.js';
import { type Command, list, str } from '../command.js';
import { SOCKET_OPTION, agentClient, parseLifetime } from './agent-support.js';
import { openWorkspace } from './support.js';

const USAGE = 'agent add PUBLIC_KEY [--lifetime DURATION] [--usage USAGES] [--only KIND...] [--socket PATH]';

/** The key pair of `publicKey` from the key store, plain or sealed (its passphrase asked then). */
async function privateKeyOf(ws: Workspace, publicKey: string): Promise<KeyPair> {
  return ws.custody.exportKey(publicKey);
}

/** `sigchain agent add`: load a stored key into the key agent, constrained. */
export const agentAddCommand: Command = {
  words: ['agent', 'add'],
  summary: 'Load a stored key into the key agent, optionally for a time, fewer usages, or only some kinds of bytes',
  usage: USAGE,
  description: [
    'Loads the private key of PUBLIC_KEY from the key store into the key agent (SIGCHAIN_AUTH_SOCK, else',
    'SSH_AUTH_SOCK), so commands sign through the agent with --keyring-backend agent, without reading',
    "the key again. The key's usages travel with it (in its ssh comment, `sigchain:PUB usage=…`);",
    '--usage may narrow them, never widen them (KEY_USAGE_VIOLATION).',
    '',
    '--lifetime DURATION: the agent forgets the key after that long (90, 30m, 8h, 1h30m, 2d).',
    `--only KIND (repeatable; ${ONLY_KINDS.join(', ')}): the agent signs with this key only bytes of`,
    'those kinds, which it checks itself: `nonce-claim` is Arkeo\'s claim text CONTRACT:NONCE:CHAIN;',
    '`user-jwt` a NATS user JWT (header.payload) issued by this key, `user-jwt:ACCOUNT` one that belongs',
    'to ACCOUNT; `invocation` a msgpack map (wasmCloud invocations; checked more closely later). A',
    'request outside them is refused: ssh clients get SSH_AGENT_FAILURE, sigchain AGENT_CONSTRAINT_VIOLATION.',
    "--only needs sigchain's own agent; OpenSSH's ssh-agent does not know the constraint and is refused.",
  ].join('\n'),
  examples: [
    'sigchain agent add ACX… --lifetime 8h',
    'sigchain agent add ACX… --only user-jwt:ADB… --usage issuing',
    'sigchain agent add UCZ… --only nonce-claim --json',
  ],
  options: {
    lifetime: { type: 'string', valueName: 'DURATION', description: 'Forget the key after this long (seconds, or 30m, 8h, 1h30m, 2d).' },
    usage: { type: 'string', valueName: 'USAGES', description: "Narrow the key's usages in the agent (a preset or a comma-separated list)." },
    only: { type: 'string', multiple: 'greedy', valueName: 'KIND', description: `Sign only these kinds of bytes: ${ONLY_KINDS.join(', ')}.` },
    socket: SOCKET_OPTION,
  },
  args: { min: 1, max: 1 },
  async run(ctx) {
    const pub = ctx.positionals[0]!.trim();
    if (isSeed(pub)) throw new SigchainError('NKEY_PUBLIC_EXPECTED', 'agent add takes the public key of a stored key, but a seed was given. Pass its public key (see `sigchain keys list`); keep the seed secret.');
    const lifetimeText = str(ctx, 'lifetime');
    const lifetime = lifetimeText === undefined ? undefined : parseLifetime(lifetimeText);
    const only = formatOnly(parseOnly(list(ctx, 'only')));
    const usageText = str(ctx, 'usage');
    const client = agentClient(ctx);
    try {
      if (only.length > 0 && !(await client.isSigchainAgent())) {
        throw new SigchainError('KEYRING_UNSUPPORTED', `The agent at ${client.socketPath} is not sigchain's: it cannot check --only. Start sigchain's agent (\`eval "$(sigchain agent start)"\`) or add the key without --only.`);
      }
      const ws = openWorkspace(ctx);
      const meta = await ws.keys.getKeyMeta(pub);
      if (meta.retired) throw new SigchainError('KEY_RETIRED', `${pub} was retired on ${meta.retired}; it signs nothing more, so it is not loaded into the agent.`, { publicKey: pub });
      let usages: readonly KeyUsage[] = meta.usages;
      if (usageText !== undefined) {
        const wanted = parseUsages(usageText);
        const wider = wanted.filter((u) => !meta.usages.includes(u));
        if (wider.length) throw new SigchainError('KEY_USAGE_VIOLATION', `${pub} may be used for ${formatUsages(meta.usages)} only; --usage cannot add ${wider.join(', ')}. Usages are fixed when a key is made.`, { publicKey: pub });
        usages = wanted;
      }
      if (usages.length === 0) throw new SigchainError('KEY_USAGE_VIOLATION', `${pub} has no usage to sign for (a curve key?); it is not loaded into the agent.`);
      const key = await privateKeyOf(ws, pub);
      await client.add(key, { comment: formatComment(pub, usages), ...(lifetime !== undefined ? { lifetimeSeconds: lifetime } : {}), ...(only.length ? { only } : {}) });
      ctx.printer.result(
        { public_key: pub, usages: [...usages], ...(lifetime !== undefined ? { lifetime_seconds: lifetime } : {}), ...(only.length ? { only } : {}), socket: client.socketPath },
        `added ${pub} to the agent (usages ${formatUsages(usages)}${lifetime !== undefined ? `, for ${lifetime} s` : ''}${only.length ? `, only ${only.join(', ')}` : ''})`,
      );
    } finally {
      client.close();
    }
  },
};
