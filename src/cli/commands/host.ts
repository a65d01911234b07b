import { SigchainError, isSigchainError } from '../../errors.js';
import type { ClusterKeys } from '../../invocation/cluster-keys.js';
import { type Command, type CommandContext, str } from '../command.js';
import { stderr } from '../output/stdio.js';

const USAGE = 'host --nats-url URL [--lattice NAME] [--cluster-seed SC…] [--cluster-issuers C1,C2] [--config FILE] [--echo-key M…] [--max-age SECONDS] [--replay-cache-size N]';

function positiveInt(ctx: CommandContext, name: string): number | undefined {
  const text = str(ctx, name);
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < 1) throw new SigchainError('USAGE', `--${name} takes a whole number (1 or more), not "${text}".`);
  return n;
}

/** `sigchain host`: a zero-trust wasmCloud host on a NATS lattice, with a built-in echo actor. */
export const hostCommand: Command = {
  words: ['host'],
  summary: 'Run a zero-trust wasmCloud host on a NATS lattice (built-in Echo.Echo actor); SIGHUP re-reads the cluster keys',
  usage: USAGE,
  description: [
    'Joins the lattice on the NATS server at URL and serves a built-in actor whose Echo.Echo',
    'answers with the body it was sent, on the subject a wasmCloud 0.82 host uses',
    '(wasmbus.rpc.LATTICE.ACTOR_KEY). On start it prints one JSON line:',
    '{"host_id","lattice","actors":[{"name","public_key"}]}.',
    '',
    'Every invocation is verified before the actor runs, as `sigchain invocation verify` judges',
    'it: signature, cluster issuer, time, subject = invocation ID, target, origin, hash, age',
    '(--max-age) and replay (one cache per host, --replay-cache-size). A refused one is answered',
    'with a 0.82 InvocationResponse whose error is "CODE: message", and logged on stderr.',
    '',
    'The cluster seed and issuers come from --cluster-seed / --cluster-issuers, else --config',
    'FILE (JSON: cluster_seed, cluster_issuers; readable by you only), else',
    '$WASMCLOUD_CLUSTER_SEED / $WASMCLOUD_CLUSTER_ISSUERS. With no seed, an ad hoc cluster key',
    'is generated and stored (usage protocol), with a warning: only a single-host lattice works.',
    '',
    'SIGHUP re-reads them (edit the --config file): to rotate a cluster key without losing a',
    'call, add the new issuer on every host, then switch each seed, then remove the old issuer.',
    'Each reload prints {"reloaded":true,"issuer","issuers"} (or {"reloaded":false,"error"} and',
    'keeps the old keys). SIGTERM or Ctrl-C drains and exits 0.',
  ].join('\n'),
  examples: [
    'sigchain host --nats-url nats://127.0.0.1:4222 --config host.json',
    'sigchain host --nats-url nats://127.0.0.1:4222 --lattice prod --cluster-seed "$SEED" --cluster-issuers CAQQ…,CB7E…',
    'sigchain host --nats-url nats://nats.internal:4222 --echo-key MB2Z…   # seed and issuers from $WASMCLOUD_CLUSTER_SEED / $WASMCLOUD_CLUSTER_ISSUERS',
  ],
  options: {
    'nats-url': { type: 'string', valueName: 'URL', description: 'The NATS server of the lattice (nats://host:port).' },
    lattice: { type: 'string', valueName: 'NAME', description: 'The lattice name (0.82 lattice prefix). Default: default.' },
    'cluster-seed': { type: 'string', seed: true, valueName: 'SC…', description: 'The cluster seed that signs this host\'s invocations. Else --config, else $WASMCLOUD_CLUSTER_SEED.' },
    'cluster-issuers': { type: 'string', multiple: true, valueName: 'C1,C2', description: 'Cluster keys whose invocations are accepted (the host\'s own is added).' },
    config: { type: 'string', valueName: 'FILE', description: 'A host config (JSON) with cluster_seed and/or cluster_issuers; re-read on SIGHUP.' },
    'echo-key': { type: 'string', valueName: 'M…', description: 'The echo actor\'s public key. Default: a fresh one.' },
    'max-age': { type: 'string', valueName: 'SECONDS', description: 'Oldest accepted invocation token without expiry, and the replay window (default 300).' },
    'replay-cache-size': { type: 'string', valueName: 'N', description: 'Most invocation IDs remembered (default 100000).' },
  },
  args: { min: 0, max: 0 },
  async run(ctx) {
    const natsUrl = str(ctx, 'nats-url');
    if (natsUrl === undefined || natsUrl.trim() === '') throw new SigchainError('USAGE', `Give the lattice's NATS server with --nats-url URL.\nUsage: sigchain ${USAGE}`);
    const maxAge = positiveInt(ctx, 'max-age');
    const cacheSize = positiveInt(ctx, 'replay-cache-size');
    const { resolveClusterKeys } = await import('../../invocation/cluster-keys.js');
    const { startHost, echoActor, checkLattice } = await import('../../host/index.js');
    const lattice = checkLattice(str(ctx, 'lattice') ?? 'default');
    const echoKey = str(ctx, 'echo-key')?.trim();
    const seed = str(ctx, 'cluster-seed');
    const config = str(ctx, 'config');
    const issuersGiven = ctx.options['cluster-issuers'];
    let adhoc: ClusterKeys | undefined;
    // Called at start and on each SIGHUP: flags never change, but the config file may.
    const readCluster = async (): Promise<{ key: ClusterKeys['key']; issuers: string[] }> => {
      const c = resolveClusterKeys({
        env: ctx.env,
        ...(seed !== undefined ? { clusterSeed: seed } : {}),
        ...(config !== undefined ? { configFile: config } : {}),
        ...(Array.isArray(issuersGiven) ? { clusterIssuers: issuersGiven } : {}),
      });
      if (!c.adhoc) return { key: c.key, issuers: c.issuers };
      if (adhoc === undefined) {
        adhoc = c;
        // Stored so that the warning's export command works; the seed itself is never printed.
        const { openWorkspace } = await import('./support.js');
        const ws = openWorkspace(ctx);
        const backend = ws.custody.backendFor('cluster');
        await ws.custody.importKey(c.key, ['protocol'], backend === 'encrypted' || backend === 'memory' ? backend : 'file');
        ctx.printer.warn(c.warning!);
      }
      // Still no seed after a reload: keep the ad hoc key, or the lattice would split again.
      return { key: adhoc.key, issuers: c.issuers.filter((k) => k !== c.key.publicKey) };
    };
    const host = await startHost({
      natsUrl: natsUrl.trim(),
      lattice,
      cluster: readCluster,
      actors: [echoActor(echoKey)],
      ...(maxAge !== undefined ? { maxAgeSeconds: maxAge } : {}),
      ...(cacheSize !== undefined ? { replayCacheSize: cacheSize } : {}),
      onRefused: (r) => stderr.stream().write(`sigchain host: refused invocation ${r.id.slice(0, 128)} on ${r.subject}: ${r.code}: ${r.message}\n`),
    });
    ctx.printer.raw(JSON.stringify({ host_id: host.hostId, lattice: host.lattice, actors: host.actors }));

    let stopping = false;
    const onHup = (): void => {
      host.reload().then(
        (r) => ctx.printer.raw(JSON.stringify({ reloaded: true, issuer: r.issuer, issuers: r.issuers })),
        (e: unknown) => {
          const error = isSigchainError(e) ? e.toJSON() : { code: 'INTERNAL', message: (e as Error).message };
          ctx.printer.raw(JSON.stringify({ reloaded: false, error }));
          stderr.stream().write(`sigchain host: reload refused, keeping the current cluster keys: ${error.message}\n`);
        },
      );
    };
    const onStop = (): void => {
      stopping = true;
      void host.stop();
    };
    process.on('SIGHUP', onHup);
    process.once('SIGTERM', onStop);
    process.once('SIGINT', onStop);
    try {
      const err = await host.closed;
      if (!stopping) {
        throw new SigchainError('NATS_UNAVAILABLE', `The host lost its NATS server at ${natsUrl}${err ? `: ${err.message}` : ''}.`);
      }
    } finally {
      process.off('SIGHUP', onHup);
      process.off('SIGTERM', onStop);
      process.off('SIGINT', onStop);
    }
  },
};
