import { SigchainError } from '../../errors.js';
import { formatComment } from '../../custody/agent/comment.js';
import { ONLY_KINDS, formatOnly, parseOnly } from '../../custody/agent/constraints.js';
import { type KeyUsage, formatUsages, parseUsages } from '../../keys/usage.js';
import { isSeed } from '../../nkeys/codec.js';
import type { KeyPair } from '../../nkeys/keypair.js';
import type { Workspace } from '../../workspace/workspace.js';
import { type Command, type CommandContext, list, str } from '../command.js';
import { SOCKET_OPTION, agentClient, parseLifetime } from './agent-support.js';
import { openWorkspace } from './support.js';

const USAGE = 'agent add PUBLIC_KEY [--lifetime DURATION] [--usage USAGES] [--only KIND...] [--pin-file FILE] [--socket PATH]';

/** The key pair of `publicKey` from the key store, plain or sealed (its passphrase asked then). */
async function privateKeyOf(ws: Workspace, publicKey: string): Promise<KeyPair> {
  return ws.custody.exportKey(publicKey);
}

/**
 * The PIN the agent logs in to the token with: the one sigchain would sign with here (--pin-file,
 * the URI's pin-source, SIGCHAIN_PKCS11_PIN), read by this command and handed to the agent, which
 * keeps it in memory. Undefined when there is none (the agent then tries its own environment).
 */
async function pinFor(ctx: CommandContext, uri: string): Promise<string | undefined> {
  const { resolvePin } = await import('../../custody/pkcs11/module.js');
  const pinFile = str(ctx, 'pin-file');
  return resolvePin({ uri, env: ctx.env, ...(pinFile !== undefined ? { pinFile } : {}) });
}

/** `sigchain agent add`: load a stored key into the key agent, constrained. */
export const agentAddCommand: Command = {
  words: ['agent', 'add'],
  summary: 'Load a stored key (or an HSM key, by reference) into the key agent, optionally for a time, fewer usages, or only some kinds of bytes',
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
    'to ACCOUNT; `invocation` a wasmCloud invocation token (header.payload) issued by this key. A',
    'request outside them is refused: ssh clients get SSH_AGENT_FAILURE, sigchain AGENT_CONSTRAINT_VIOLATION.',
    "--only needs sigchain's own agent; OpenSSH's ssh-agent does not know the constraint and is refused.",
    '',
    'A key kept in a PKCS#11 token (made there, or `keys register pkcs11:…`) never leaves it: the agent',
    'is given a reference instead, the key URI and the PIN, opens the key itself, checks by a signature',
    'that the token holds this very key, and from then on signs through the token, for sigchain and',
    'ssh clients alike, under the same --lifetime, --only, lock and audit log. The agent holds the',
    'logged-in session and the PIN in its memory only; `ssh-add -D` or the lifetime ends both. The PIN',
    'is the one sigchain would sign with here: --pin-file FILE, else the pin-source of the key URI,',
    'else $SIGCHAIN_PKCS11_PIN (with none, the agent tries its own environment). A wrong PIN is refused',
    "now (PKCS11_PIN_INCORRECT). Only sigchain's agent can hold a reference (KEYRING_UNSUPPORTED with",
    'ssh-agent). KMS keys are not loaded (KEYRING_UNSUPPORTED): they sign in the service with the',
    "caller's own credentials, so there is no session for an agent to hold; sign with them directly.",
  ].join('\n'),
  examples: [
    'sigchain agent add ACX… --lifetime 8h',
    'sigchain agent add ACX… --only user-jwt:ADB… --usage issuing',
    'sigchain agent add UCZ… --only nonce-claim --json',
    'sigchain agent add ACX… --pin-file hsm-pin.txt --lifetime 8h   # a key kept in a PKCS#11 token',
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
      const constraints = { ...(lifetime !== undefined ? { lifetimeSeconds: lifetime } : {}), ...(only.length ? { only } : {}) };
      const where = await ws.custody.locate(pub);
      if (where?.backend === 'kms') {
        throw new SigchainError(
          'KEYRING_UNSUPPORTED',
          `${pub} is kept in a KMS (${where.uri ?? 'kms'}): it signs in the service with the credentials of whoever calls, so there is no session for an agent to hold. Sign with it directly (-K ${pub}).`,
          { publicKey: pub, backend: 'kms' },
        );
      }
      if (where?.backend === 'pkcs11') {
        const pin = await pinFor(ctx, where.uri!);
        await client.addRef({ publicKey: pub, usages, backend: 'pkcs11', uri: where.uri!, ...(pin !== undefined ? { pin } : {}) }, constraints);
      } else {
        const key = await privateKeyOf(ws, pub);
        await client.add(key, { comment: formatComment(pub, usages), ...constraints });
      }
      const byRef = where?.backend === 'pkcs11';
      ctx.printer.result(
        {
          public_key: pub,
          usages: [...usages],
          ...(lifetime !== undefined ? { lifetime_seconds: lifetime } : {}),
          ...(only.length ? { only } : {}),
          ...(byRef ? { backend: 'pkcs11', uri: where.uri, by_reference: true } : {}),
          socket: client.socketPath,
        },
        `added ${pub} to the agent${byRef ? ' by reference (it signs in its token)' : ''} (usages ${formatUsages(usages)}${lifetime !== undefined ? `, for ${lifetime} s` : ''}${only.length ? `, only ${only.join(', ')}` : ''})`,
      );
    } finally {
      client.close();
    }
  },
};
