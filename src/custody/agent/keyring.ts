/**
 * The `agent` keyring backend: keys held by a key agent spoken to over the ssh-agent protocol,
 * OpenSSH's `ssh-agent` or sigchain's own (`sigchain agent start`). The socket is
 * `opts.socket`, else `$SIGCHAIN_AUTH_SOCK`, else `$SSH_AUTH_SOCK`.
 *
 * ssh carries no nkey role and no usages: sigchain writes them into the key's comment
 * (`sigchain:<PUB> usage=<u,…>`, see comment.ts) when it adds a key. A key some other tool added
 * (`ssh-add` of an OpenSSH ed25519 key) lists as a `user` key with usage `authentication`;
 * asking for it by another nkey of the same 32 bytes (`signer('A…')`) finds it with that role.
 */
import { SigchainError } from '../../errors.js';
import type { Keyring } from '../../keys/keyring.js';
import type { KeyringEntry, SignContext, Signer } from '../../keys/signer.js';
import { type KeyUsage, normalizeUsages } from '../../keys/usage.js';
import { decodePublicKey } from '../../nkeys/codec.js';
import { KeyPair } from '../../nkeys/keypair.js';
import type { Role } from '../../nkeys/roles.js';
import { guardUsage } from '../guard.js';
import { AgentClient, type AgentIdentity } from './client.js';
import { describeAgentKey, formatComment } from './comment.js';

/** Where the agent is: `opts.socket`, `$SIGCHAIN_AUTH_SOCK`, `$SSH_AUTH_SOCK`, or undefined. */
export function agentSocketOf(opts: { socket?: string | undefined; env?: NodeJS.ProcessEnv | undefined } = {}): string | undefined {
  const env = opts.env ?? process.env;
  return opts.socket || env.SIGCHAIN_AUTH_SOCK || env.SSH_AUTH_SOCK || undefined;
}

/**
 * The keyring of the key agent at the socket named (see {@link agentSocketOf}). Connects at
 * once: `AGENT_UNAVAILABLE` when no socket is named or nothing answers there.
 *
 * @example
 * ```ts
 * const ring = await agentKeyring({ env: process.env });
 * const signer = await ring.signer('ACX…');
 * const sig = await signer.sign(bytes, { usage: 'issuing', kind: 'jwt', subject: userPub });
 * ```
 */
export async function agentKeyring(opts: { socket?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<Keyring> {
  const socket = agentSocketOf(opts);
  if (!socket) {
    throw new SigchainError('AGENT_UNAVAILABLE', 'No key agent is named: SIGCHAIN_AUTH_SOCK and SSH_AUTH_SOCK are unset. Start one with `eval "$(sigchain agent start)"`, or pick another --keyring-backend.');
  }
  const client = new AgentClient(socket, opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {});
  await client.isSigchainAgent(); // answers, or AGENT_UNAVAILABLE now rather than at the first signature

  const ed25519 = async (): Promise<Array<AgentIdentity & { ed25519: Buffer }>> => (await client.list()).filter((id): id is AgentIdentity & { ed25519: Buffer } => id.ed25519 !== undefined);

  const find = async (publicKey: string): Promise<{ id: AgentIdentity & { ed25519: Buffer }; role: Role } | undefined> => {
    const { role, raw } = decodePublicKey(publicKey);
    const id = (await ed25519()).find((i) => i.ed25519.equals(Buffer.from(raw)));
    return id ? { id, role } : undefined;
  };

  const signerOf = (publicKey: string, role: Role, usages: readonly KeyUsage[], raw: Uint8Array): Signer => {
    const meta = { publicKey, usages: [...usages] };
    return {
      publicKey,
      role,
      usages: meta.usages,
      backend: 'agent',
      async sign(data: Uint8Array, context: SignContext): Promise<Uint8Array> {
        guardUsage(meta, context);
        return client.sign(raw, data, context);
      },
    };
  };

  const ring = {
    backend: 'agent' as const,
    async has(publicKey: string): Promise<boolean> {
      return (await find(publicKey)) !== undefined;
    },
    async signer(publicKey: string): Promise<Signer> {
      const hit = await find(publicKey);
      if (!hit) throw new SigchainError('STORE_NOT_FOUND', `The key agent at ${socket} does not hold ${publicKey}. Add it with \`sigchain agent add ${publicKey}\` (or ssh-add), or use the backend that holds it.`, { publicKey, backend: 'agent' });
      const info = describeAgentKey(hit.id.ed25519, hit.id.comment);
      // The role is the one asked for (ssh cannot say it); usages only from sigchain's comment on this very key.
      return signerOf(publicKey, hit.role, info.usages, hit.id.ed25519);
    },
    async generate(role: Role, usages: readonly KeyUsage[]): Promise<Signer> {
      const key = KeyPair.create(role);
      const wanted = normalizeUsages(usages);
      await client.add(key, { comment: formatComment(key.publicKey, wanted) });
      return signerOf(key.publicKey, role, wanted, decodePublicKey(key.publicKey).raw);
    },
    async list(): Promise<KeyringEntry[]> {
      return (await ed25519())
        .map((id) => describeAgentKey(id.ed25519, id.comment))
        .map((k) => ({ publicKey: k.publicKey, role: k.role, usages: [...k.usages], backend: 'agent' as const }))
        .sort((a, b) => (a.publicKey < b.publicKey ? -1 : a.publicKey > b.publicKey ? 1 : 0));
    },
  } satisfies Keyring;
  return ring;
}
