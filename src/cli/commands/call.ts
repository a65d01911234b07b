import { SigchainError } from '../../errors.js';
import { type Command, flag, str } from '../command.js';
import { stdout } from '../output/stdio.js';

const USAGE = 'call --nats-url URL [--lattice NAME] TARGET OP [PAYLOAD] [--payload-file F] [--cluster-seed SC… | --config FILE] [--timeout MS] [--json]';

/** `sigchain call`: one signed invocation to an actor on a lattice. */
export const callCommand: Command = {
  words: ['call'],
  summary: 'Send one signed wasmCloud invocation to an actor on a NATS lattice and print its answer',
  usage: USAGE,
  description: [
    'Signs an invocation of OP on the actor TARGET (M…) with the cluster key, sends it on the',
    'lattice as a wasmCloud 0.82 host does (wasmbus.rpc.LATTICE.TARGET) and prints the body of',
    'the answer as it came (no newline is added). PAYLOAD is sent as UTF-8 text, or give',
    '--payload-file F to send bytes; with neither, the body is empty.',
    '',
    "A refusal by the target's host exits 1 with its code (ISSUER_NOT_TRUSTED, REPLAY,",
    'HASH_MISMATCH, …); NO_RESPONDERS when no host serves TARGET, CALL_TIMEOUT when none answers',
    'in time. With --json: {"id","msg","msg_base64"} (msg is the body as text when it is UTF-8,',
    'else null), or {"error":{"code","message"}}.',
    '',
    'The cluster seed comes from --cluster-seed, else cluster_seed in --config FILE, else',
    '$WASMCLOUD_CLUSTER_SEED: one of them is required, since no host accepts a key it was not',
    'told about. The sender is a fresh host key and a fresh origin actor key.',
  ].join('\n'),
  examples: [
    'sigchain call --nats-url nats://127.0.0.1:4222 MB2Z… Echo.Echo hello --config host.json',
    'sigchain call --nats-url nats://127.0.0.1:4222 --lattice prod MB2Z… wasmcloud:example/Echo.Echo --payload-file body.bin --json',
    'sigchain call --nats-url nats://127.0.0.1:4222 MB2Z… Echo.Echo   # seed from $WASMCLOUD_CLUSTER_SEED',
  ],
  options: {
    'nats-url': { type: 'string', valueName: 'URL', description: 'The NATS server of the lattice.' },
    lattice: { type: 'string', valueName: 'NAME', description: 'The lattice name. Default: default.' },
    'payload-file': { type: 'string', valueName: 'F', description: 'Send the bytes of F as the body (at most 900 KiB).' },
    'cluster-seed': { type: 'string', seed: true, valueName: 'SC…', description: 'The cluster seed that signs. Else --config, else $WASMCLOUD_CLUSTER_SEED.' },
    config: { type: 'string', valueName: 'FILE', description: 'A host config (JSON) with cluster_seed.' },
    timeout: { type: 'string', valueName: 'MS', description: 'Milliseconds to wait for the answer (default 5000).' },
  },
  args: { min: 2, max: 3 },
  async run(ctx) {
    const natsUrl = str(ctx, 'nats-url');
    if (natsUrl === undefined || natsUrl.trim() === '') throw new SigchainError('USAGE', `Give the lattice's NATS server with --nats-url URL.\nUsage: sigchain ${USAGE}`);
    const [target, operation, text] = ctx.positionals as [string, string, string | undefined];
    const file = str(ctx, 'payload-file');
    if (text !== undefined && file !== undefined) throw new SigchainError('USAGE', 'Give the body as PAYLOAD or with --payload-file F, not both.');
    const timeoutText = str(ctx, 'timeout');
    let timeoutMs: number | undefined;
    if (timeoutText !== undefined) {
      timeoutMs = Number(timeoutText);
      if (!/^\d+$/.test(timeoutText.trim()) || !Number.isSafeInteger(timeoutMs) || timeoutMs < 1) throw new SigchainError('USAGE', `--timeout takes milliseconds (1 or more), not "${timeoutText}".`);
    }
    const seed = str(ctx, 'cluster-seed');
    const config = str(ctx, 'config');
    if (seed === undefined && config === undefined && !ctx.env.WASMCLOUD_CLUSTER_SEED?.trim()) {
      throw new SigchainError('USAGE', 'Give the cluster seed that signs the call: --cluster-seed SC…, --config FILE, or $WASMCLOUD_CLUSTER_SEED (a host accepts only cluster keys it was told about).');
    }
    const { resolveClusterKeys, CHUNK_THRESHOLD_BYTES } = await import('../../invocation/index.js');
    const { callWithId, checkLattice, targetEntity } = await import('../../host/index.js');
    const lattice = checkLattice(str(ctx, 'lattice') ?? 'default');
    const entity = targetEntity(target);
    const cluster = resolveClusterKeys({ env: ctx.env, ...(seed !== undefined ? { clusterSeed: seed } : {}), ...(config !== undefined ? { configFile: config } : {}) });
    if (cluster.adhoc) throw new SigchainError('USAGE', 'No cluster seed was found in --config or the environment; give one with --cluster-seed SC….');
    let payload: Uint8Array | string = text ?? '';
    if (file !== undefined) {
      const { readFile, stat } = await import('node:fs/promises');
      try {
        const st = await stat(file);
        if (!st.isFile()) throw new SigchainError('IO_ERROR', `--payload-file ${file} is not a file.`, { path: file });
        if (st.size > CHUNK_THRESHOLD_BYTES) throw new SigchainError('MALFORMED_INVOCATION', `--payload-file ${file} is ${st.size} bytes; an invocation carries at most ${CHUNK_THRESHOLD_BYTES}.`, { path: file });
        payload = new Uint8Array(await readFile(file));
      } catch (e) {
        if (e instanceof SigchainError) throw e;
        throw new SigchainError('IO_ERROR', `Could not read --payload-file ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}).`, { path: file });
      }
    }
    const answer = await callWithId({ natsUrl: natsUrl.trim(), lattice, cluster, target: entity, operation: operation.trim(), payload, ...(timeoutMs !== undefined ? { timeoutMs } : {}) });
    if (flag(ctx, 'json')) {
      let asText: string | null;
      try {
        asText = new TextDecoder('utf-8', { fatal: true }).decode(answer.msg);
      } catch {
        asText = null;
      }
      ctx.printer.result({ id: answer.id, msg: asText, msg_base64: Buffer.from(answer.msg).toString('base64') });
    } else {
      // The body as it came: scripts pipe it.
      await new Promise<void>((resolve, reject) => stdout.stream().write(answer.msg, (e) => (e ? reject(e) : resolve())));
    }
  },
};
