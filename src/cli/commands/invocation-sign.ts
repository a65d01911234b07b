import { open, writeFile } from 'node:fs/promises';
import { SigchainError } from '../../errors.js';
import { type Command, str } from '../command.js';

const USAGE =
  'invocation sign --origin KEY [--origin-contract C --origin-link L] --target KEY [--target-contract C --target-link L] --operation OP (--msg TEXT | --msg-file F) -o FILE [--host-id N…] [--id ID] [--expires-in SECONDS] [--cluster-seed SC… | --config FILE] [--cluster-issuers C1,C2] [--json]';

/** The largest message read: what fits in a 16 MiB invocation. */
const MAX_MSG_BYTES = 16 * 1024 * 1024;

async function readMsgFile(path: string): Promise<Uint8Array> {
  let fh;
  try {
    fh = await open(path, 'r');
  } catch (e) {
    throw new SigchainError('IO_ERROR', `Could not read --msg-file ${path} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}).`, { path });
  }
  try {
    const st = await fh.stat();
    if (!st.isFile()) throw new SigchainError('IO_ERROR', `--msg-file ${path} is not a file.`, { path });
    if (st.size > MAX_MSG_BYTES) throw new SigchainError('MALFORMED_INVOCATION', `--msg-file ${path} is ${st.size} bytes; an invocation holds at most 16 MiB (0.82 sends bodies over 900 KiB through the object store).`, { path });
    const buf = Buffer.alloc(st.size + 1);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    if (bytesRead > MAX_MSG_BYTES) throw new SigchainError('MALFORMED_INVOCATION', `--msg-file ${path} grew past 16 MiB while being read.`, { path });
    return new Uint8Array(buf.buffer, buf.byteOffset, bytesRead);
  } finally {
    await fh.close();
  }
}

function entity(key: string | undefined, contract: string | undefined, link: string | undefined, which: 'origin' | 'target'): { public_key: string; link_name: string; contract_id: string } {
  if (key === undefined) throw new SigchainError('USAGE', `Give the ${which} with --${which} KEY (an actor M… or a provider V…).\nUsage: sigchain ${USAGE}`);
  if ((contract === undefined) !== (link === undefined)) throw new SigchainError('USAGE', `--${which}-contract and --${which}-link go together: a provider is named by both, an actor by neither.`);
  return { public_key: key.trim(), link_name: link ?? '', contract_id: contract ?? '' };
}

/** `sigchain invocation sign`: one wasmCloud 0.82 invocation, signed with the cluster key, as MessagePack. */
export const invocationSignCommand: Command = {
  words: ['invocation', 'sign'],
  summary: 'Sign a wasmCloud invocation with the cluster key and write it as 0.82 MessagePack',
  usage: USAGE,
  description: [
    'Builds one invocation as a wasmCloud 0.82 host sends it and writes it to FILE in its wire',
    'form (MessagePack with named fields). Its token (encoded_claims) is a wascap JWT signed by',
    'the cluster key, whose subject is the invocation ID and whose claims are the origin URL, the',
    'target URL with the operation and the invocation hash, so a host that trusts the cluster key',
    '(`sigchain invocation verify --issuers C…`) can tell it was not forged, changed or replayed.',
    '',
    'An actor is named by its key (M…); a provider by its key (V…) with --…-contract and',
    '--…-link. OP may be given as ns:pkg/Op, of which only Op is kept, as 0.82 does.',
    '',
    'The cluster seed comes from --cluster-seed, else cluster_seed in --config FILE (a JSON',
    'object, readable by you only), else $WASMCLOUD_CLUSTER_SEED. With none, an ad hoc cluster',
    'key is generated and stored in the key store (usage protocol), with a warning naming it:',
    'hosts accept the invocation only if that key is among their issuers. The seed is never',
    'printed. The host ID (N…) is --host-id, else a fresh server key, as `wash call` did.',
    '',
    '0.82 tokens never expire; --expires-in SECONDS adds an exp (a verifier otherwise refuses',
    'tokens older than its --max-age as STALE).',
  ].join('\n'),
  examples: [
    'sigchain invocation sign --origin MDNX… --target MB2Z… --operation wasmcloud:bus/Echo.Echo --msg hello -o inv.msgpack',
    'sigchain invocation sign --origin MDNX… --target VC3I… --target-contract wasmcloud:keyvalue --target-link default --operation KeyValue.Get --msg-file key.bin -o inv.msgpack --cluster-seed "$SEED"',
    'sigchain invocation sign --origin MDNX… --target MB2Z… --operation Echo.Echo --msg hi -o inv.msgpack --json   # seed from $WASMCLOUD_CLUSTER_SEED',
  ],
  options: {
    origin: { type: 'string', valueName: 'KEY', description: 'The caller: an actor (M…) or a provider (V…, with --origin-contract and --origin-link).' },
    'origin-contract': { type: 'string', valueName: 'C', description: "The origin provider's contract id (e.g. wasmcloud:httpserver)." },
    'origin-link': { type: 'string', valueName: 'L', description: "The origin provider's link name (e.g. default)." },
    target: { type: 'string', valueName: 'KEY', description: 'The callee: an actor (M…) or a provider (V…, with --target-contract and --target-link).' },
    'target-contract': { type: 'string', valueName: 'C', description: "The target provider's contract id." },
    'target-link': { type: 'string', valueName: 'L', description: "The target provider's link name." },
    operation: { type: 'string', valueName: 'OP', description: 'The operation, Iface.Op or ns:pkg/Iface.Op (only what follows the last / is kept).' },
    msg: { type: 'string', valueName: 'TEXT', description: 'The message body, as UTF-8 text.' },
    'msg-file': { type: 'string', valueName: 'F', description: 'Read the message body from F, byte for byte (at most 16 MiB).' },
    output: { type: 'string', short: 'o', valueName: 'FILE', description: 'Where to write the invocation (MessagePack).' },
    'host-id': { type: 'string', valueName: 'N…', description: "The sending host's server key. Default: a fresh one." },
    id: { type: 'string', valueName: 'ID', description: 'The invocation ID. Default: a fresh random UUID.' },
    'expires-in': { type: 'string', valueName: 'SECONDS', description: 'Give the token an exp this many seconds from now (0.82 writes none).' },
    'cluster-seed': { type: 'string', seed: true, valueName: 'SC…', description: 'The cluster seed that signs. Else --config, else $WASMCLOUD_CLUSTER_SEED.' },
    'cluster-issuers': { type: 'string', multiple: true, valueName: 'C1,C2', description: 'Cluster issuers (only reported here: they matter to verifiers).' },
    config: { type: 'string', valueName: 'FILE', description: 'A host config (JSON) with cluster_seed and/or cluster_issuers.' },
  },
  args: { min: 0, max: 0 },
  async run(ctx) {
    const origin = entity(str(ctx, 'origin'), str(ctx, 'origin-contract'), str(ctx, 'origin-link'), 'origin');
    const target = entity(str(ctx, 'target'), str(ctx, 'target-contract'), str(ctx, 'target-link'), 'target');
    const operation = str(ctx, 'operation');
    const out = str(ctx, 'output');
    if (operation === undefined || operation.trim() === '') throw new SigchainError('USAGE', `Give the operation with --operation OP.\nUsage: sigchain ${USAGE}`);
    if (out === undefined) throw new SigchainError('USAGE', 'Give the file to write with -o FILE.');
    const text = str(ctx, 'msg');
    const file = str(ctx, 'msg-file');
    if ((text === undefined) === (file === undefined)) throw new SigchainError('USAGE', 'Give the message with exactly one of --msg TEXT or --msg-file F.');
    const expiresText = str(ctx, 'expires-in');
    let expiresIn: number | undefined;
    if (expiresText !== undefined) {
      expiresIn = Number(expiresText);
      if (!/^\d+$/.test(expiresText.trim()) || !Number.isSafeInteger(expiresIn) || expiresIn < 1) throw new SigchainError('USAGE', `--expires-in takes a whole number of seconds (1 or more), not "${expiresText}".`);
    }
    const issuersGiven = ctx.options['cluster-issuers'];
    const { resolveClusterKeys, signInvocation, encodeInvocation } = await import('../../invocation/index.js');
    const { KeyPair } = await import('../../nkeys/keypair.js');
    const seed = str(ctx, 'cluster-seed');
    const config = str(ctx, 'config');
    const cluster = resolveClusterKeys({
      env: ctx.env,
      ...(seed !== undefined ? { clusterSeed: seed } : {}),
      ...(config !== undefined ? { configFile: config } : {}),
      ...(Array.isArray(issuersGiven) ? { clusterIssuers: issuersGiven } : {}),
    });
    const msg = text !== undefined ? new TextEncoder().encode(text) : await readMsgFile(file!);
    const hostId = str(ctx, 'host-id')?.trim() ?? KeyPair.create('server').publicKey;
    const id = str(ctx, 'id');
    const now = Math.floor(Date.now() / 1000);
    const req = await signInvocation(
      { origin, target, operation: operation.trim(), msg, host_id: hostId, ...(id !== undefined ? { id } : {}) },
      cluster.key,
      { iat: now, ...(expiresIn !== undefined ? { exp: now + expiresIn } : {}) },
    );
    const bytes = encodeInvocation(req);
    if (cluster.adhoc) {
      // Kept so that the warning's export command works and verifiers can be given the key.
      const { openWorkspace } = await import('./support.js');
      const ws = openWorkspace(ctx);
      const backend = ws.custody.backendFor('cluster');
      await ws.custody.importKey(cluster.key, ['protocol'], backend === 'encrypted' || backend === 'memory' ? backend : 'file');
      ctx.printer.warn(cluster.warning!);
    }
    try {
      // Not a secret: an invocation is what travels in the clear on the lattice.
      await writeFile(out, bytes, { mode: 0o644 });
    } catch (e) {
      throw new SigchainError('IO_ERROR', `Could not write ${out}: ${(e as Error).message}`, { path: out });
    }
    ctx.printer.result(
      { id: req.id, file: out, issuer: cluster.key.publicKey, host_id: req.host_id, operation: req.operation, bytes: bytes.length, adhoc: cluster.adhoc },
      `${out}: invocation ${req.id} (${req.operation}, ${msg.length} bytes of msg) signed by cluster key ${cluster.key.publicKey}`,
    );
  },
};
