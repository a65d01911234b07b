import { resolve } from 'node:path';
import { decodeAccount } from '../../claims/nats/decode.js';
import { SigchainError } from '../../errors.js';
import { memoryResolverConfig, natsResolverConfig } from '../../nats/server-config.js';
import { checkOutputFile, writeOutputFile } from '../../workspace/output-file.js';
import { readOperator } from '../../workspace/read.js';
import { type Command, flag, list, str } from '../command.js';
import { natsOnly, openWorkspace, snake } from './support.js';

/** --cluster, --cluster-listen and --routes: all three, or none. */
function clusterOf(ctx: Parameters<Command['run']>[0]): { name: string; listen: string; routes: string[] } | undefined {
  const name = str(ctx, 'cluster');
  const listenFlag = str(ctx, 'cluster-listen');
  const listen = listenFlag === undefined ? undefined : checkListen(listenFlag, '--cluster-listen');
  const routes = list(ctx, 'routes');
  if (name === undefined && listen === undefined && routes.length === 0) return undefined;
  if (name === undefined || listen === undefined) throw new SigchainError('USAGE', 'A cluster needs --cluster NAME and --cluster-listen HOST:PORT (and --routes to its peers).');
  for (const r of routes) if (!/^nats(-route)?:\/\/[^\s/]+$/.test(r)) throw new SigchainError('USAGE', `--routes takes URLs such as nats-route://10.0.0.2:6222; got "${r}".`);
  return { name, listen, routes };
}

/** The memory resolver's config with a server name and a cluster block, when asked for. */
function extra(config: string, name: string | undefined, cluster: { name: string; listen: string; routes: string[] } | undefined): string {
  const lines: string[] = [];
  if (name) lines.push(`server_name: ${JSON.stringify(name)}`, '');
  if (cluster) {
    lines.push('cluster {', `    name: ${JSON.stringify(cluster.name)}`, `    listen: ${cluster.listen}`);
    if (cluster.routes.length) lines.push('    routes: [', ...cluster.routes.map((r) => `        ${JSON.stringify(r)}`), '    ]');
    lines.push('}', '');
  }
  return lines.length ? `${config}\n${lines.join('\n')}` : config;
}

/**
 * Checks a --listen value before it is written into a configuration: `PORT`, `HOST:PORT`, `:PORT` or
 * `[IPv6]:PORT`, port 1–65535, an IPv4 host of four numbers 0–255, host letters, digits, `.`, `-`, `_` (or an IPv6 address in
 * brackets). Anything else (a newline, a brace, a quote) could end the value and write
 * configuration of its own, or leave a server that does not start: `USAGE`.
 *
 * @example
 * ```ts
 * checkListen('127.0.0.1:4222'); // '127.0.0.1:4222'
 * ```
 */
function checkListen(value: string, flagName = '--listen'): string {
  const v = value.trim();
  // An empty host (`:4222`) is every interface, as nats-server reads it.
  const m = /^(?:(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]*):)?(\d{1,5})$/.exec(v);
  const port = m ? Number(m[2]) : NaN;
  const host = m?.[1];
  // Digits and dots only is an IPv4 address or nothing: `1.2.3.4.5` would fail at start-up, not here.
  const badIpv4 = host !== undefined && /^[\d.]+$/.test(host) && !/^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/.test(host);
  if (!m || port < 1 || port > 65535 || badIpv4 || (host !== undefined && /^[.-]|[.-]$/.test(host))) {
    throw new SigchainError('USAGE', `${flagName} ${JSON.stringify(value.slice(0, 80))} is not a listen address. Give PORT, HOST:PORT or [IPv6]:PORT with a port from 1 to 65535, e.g. 127.0.0.1:4222.`);
  }
  return v;
}

/** `sigchain nats server-config`: a nats-server configuration for operator mode, memory resolver. */
export const natsServerConfigCommand: Command = {
  words: ['nats', 'server-config'],
  summary: 'Write a nats-server config for operator mode: the operator JWT with every account preloaded',
  usage: 'nats server-config [-o FILE] [--operator NAME] [--listen HOST:PORT] [--resolver memory|full|cache [--resolver-dir DIR] [--allow-delete] [--interval DURATION]] [--server-name NAME] [--cluster NAME --cluster-listen HOST:PORT --routes URL,...]',
  description: [
    'Prints (or writes with -o) a nats-server configuration in operator mode: the server trusts',
    'the operator JWT, authenticates users by their JWTs signed through the chain, and knows',
    'the accounts from a MEMORY resolver with every account of the operator preloaded',
    '(like `nsc generate config --mem-resolver`). Start a server with `nats-server -c FILE`.',
    '',
    'After editing or adding accounts, regenerate the file and send the server SIGHUP',
    '(`nats-server --signal reload`): accounts reload. After editing the operator (signing',
    'keys, strict signing-key usage, system account) the server must be RESTARTED: nats-server',
    'cannot reload an operator JWT. The file holds only public tokens, no seeds.',
    '',
    'For production use the NATS-based resolver: `--resolver full` writes what',
    '`nsc generate config --nats-resolver` writes (operator, system account, a',
    '`resolver {type: full, dir, allow_delete, interval, timeout}` block, and only the system',
    'account preloaded); accounts then reach every server of a cluster with `sigchain push`',
    'and full resolvers share them with their peers every --interval. `--resolver cache` keeps',
    'only recently used accounts (no --interval, no --allow-delete: nats-server refuses them).',
    '--allow-delete lets `sigchain push --prune`/`--account-removal` delete accounts. For a',
    'cluster add --cluster NAME --cluster-listen HOST:PORT --routes nats-route://HOST:PORT,...',
    'and record where the servers are with `sigchain edit operator --service-url nats://…`.',
  ].join('\n'),
  examples: [
    'sigchain nats server-config -o server.conf && nats-server -c server.conf',
    'sigchain nats server-config --operator O2 --listen 127.0.0.1:4222',
    'sigchain nats server-config --resolver full --allow-delete --interval 2m --resolver-dir /var/lib/nats/jwt -o server.conf',
    'sigchain nats server-config --resolver full --server-name n1 --cluster C --cluster-listen 127.0.0.1:6222 --routes nats-route://127.0.0.1:6223,nats-route://127.0.0.1:6224',
  ],
  options: {
    output: { type: 'string', short: 'o', valueName: 'FILE', description: 'Write the configuration to FILE (atomically) instead of stdout.' },
    operator: { type: 'string', valueName: 'NAME', description: 'The operator (default: the current one).' },
    listen: { type: 'string', valueName: 'HOST:PORT', description: 'Add a listen address, e.g. 127.0.0.1:4222.' },
    resolver: { type: 'string', valueName: 'memory|full|cache', description: 'The account resolver: memory (default: every account preloaded), full or cache (NATS-based; accounts are pushed).' },
    'resolver-dir': { type: 'string', valueName: 'DIR', description: 'full/cache: where the server keeps account JWTs (default ./jwt, relative to where nats-server runs).' },
    'allow-delete': { type: 'boolean', description: 'full: let operator-signed delete requests remove accounts (default false).' },
    interval: { type: 'string', valueName: 'DURATION', description: 'full: how often servers sync accounts with their peers, a Go duration (default 2m).' },
    'server-name': { type: 'string', valueName: 'NAME', description: 'The server_name (push and pull report servers by it).' },
    cluster: { type: 'string', valueName: 'NAME', description: 'Add a cluster block with this name (with --cluster-listen and --routes).' },
    'cluster-listen': { type: 'string', valueName: 'HOST:PORT', description: 'Where this server listens for routes from its peers.' },
    routes: { type: 'string', multiple: true, valueName: 'URL,...', description: 'The peers\' route URLs, e.g. nats-route://10.0.0.2:6222 (repeat or separate with commas).' },
  },
  args: { min: 0, max: 0 },
  async run(ctx) {
    // The command line first: nothing is read or written for a bad one.
    const listenFlag = str(ctx, 'listen');
    const listen = listenFlag === undefined ? undefined : checkListen(listenFlag);
    const out = str(ctx, 'output');
    if (out !== undefined) await checkOutputFile(resolve(out), { force: true, existingFolder: true });
    const resolver = str(ctx, 'resolver') ?? 'memory';
    if (resolver !== 'memory' && resolver !== 'full' && resolver !== 'cache') throw new SigchainError('USAGE', `--resolver takes memory, full or cache; got "${resolver}".`);
    if (resolver === 'memory') {
      for (const o of ['resolver-dir', 'allow-delete', 'interval']) {
        if (ctx.options[o] !== undefined) throw new SigchainError('USAGE', `--${o} applies to the NATS-based resolver; add --resolver full.`);
      }
    }
    const cluster = clusterOf(ctx);
    const ws = openWorkspace(ctx);
    const op = await ws.operator(str(ctx, 'operator'));
    // Verified reads: a tampered token must not end up trusted by a server.
    const operator = await natsOnly(
      (o) =>
        `A nats-server configuration holds NATS operator and account JWTs; wasmCloud tokens have none to give. Name a NATS operator with --operator NAME (\`sigchain list operators\` marks the wascap ones), or check wascap modules with \`sigchain verify MODULE.wasm\` (it trusts ${o} when it is in the store).`,
      () => readOperator(op),
    );
    const accounts: Array<{ name: string; publicKey: string; token: string }> = [];
    for (const name of await op.listAccounts()) {
      const token = await op.readAccountJwt(name);
      const claims = decodeAccount(token);
      accounts.push({ name, publicKey: claims.sub, token });
      const iss = claims.iss!;
      const strict = operator.claims.nats.strict_signing_key_usage === true;
      const trusted = (operator.claims.nats.signing_keys ?? []).includes(iss) || (iss === operator.claims.sub && !strict);
      if (!trusted) {
        ctx.printer.warn(`Account "${name}" is signed by ${iss}, which operator "${op.name}" does not trust${iss === operator.claims.sub ? ' (it requires signing keys)' : ''}: servers will refuse it. Re-sign it: \`sigchain edit account ${name} -K <operator signing key>\`.`);
      }
    }
    let config: string;
    if (resolver === 'memory') {
      config = memoryResolverConfig({ operatorJwt: operator.token, accountJwts: accounts.map((a) => a.token), ...(listen ? { listen } : {}) });
      config = extra(config, str(ctx, 'server-name'), cluster);
    } else {
      const sys = accounts.find((a) => a.publicKey === operator.claims.nats.system_account);
      if (!sys) throw new SigchainError('STORE_NOT_FOUND', `Operator "${op.name}" has no system account in the store; the NATS resolver needs one. Run \`sigchain edit operator --system-account SYS\`.`);
      const dir = str(ctx, 'resolver-dir');
      const interval = str(ctx, 'interval');
      const name = str(ctx, 'server-name');
      config = natsResolverConfig({
        operatorJwt: operator.token,
        systemAccountJwt: sys.token,
        type: resolver,
        ...(dir !== undefined ? { dir } : {}),
        ...(flag(ctx, 'allow-delete') ? { allowDelete: true } : {}),
        ...(interval !== undefined ? { interval } : {}),
        ...(listen ? { listen } : {}),
        ...(name ? { serverName: name } : {}),
        ...(cluster ? { cluster } : {}),
      });
    }
    const data = { operator: op.name, resolver, systemAccount: operator.claims.nats.system_account, accounts: accounts.map(({ name, publicKey }) => ({ name, publicKey })) };
    if (out === undefined) {
      if (ctx.printer.json) ctx.printer.result(snake({ ...data, config }));
      else ctx.printer.raw(config);
      return;
    }
    const path = resolve(out);
    // A configuration is regenerated after every account change: replacing it is the point.
    await writeOutputFile(path, config, { secret: false, force: true, existingFolder: true });
    if (resolver === 'memory') {
      ctx.printer.ok(`wrote nats-server configuration for operator "${op.name}" with ${accounts.length} account(s) preloaded to ${path}`);
      ctx.printer.info(`Start: nats-server -c ${path}. After account changes regenerate and reload (SIGHUP); after operator changes restart the server.`);
    } else {
      // The NATS resolver preloads only the system account: the others reach the servers by push.
      ctx.printer.ok(`wrote nats-server configuration for operator "${op.name}" (${resolver} NATS resolver, system account preloaded) to ${path}`);
      ctx.printer.info(`Start: nats-server -c ${path}, then send the accounts to it: \`sigchain push --server nats://HOST:PORT\` (again after every account change). After operator changes regenerate and restart the server.`);
    }
    ctx.printer.result(snake({ ...data, path }));
  },
};
