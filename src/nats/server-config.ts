import { SigchainError } from '../errors.js';
import { decodeJwt } from '../jwt/decode.js';

/** What a memory-resolver server configuration is made from. */
export interface MemoryResolverInput {
  /** The operator JWT servers must trust. */
  operatorJwt: string;
  /** Every account JWT to preload (the system account among them). */
  accountJwts: string[];
  /** The system account's public key; defaults to the operator's `system_account`. */
  systemAccount?: string;
  /** Optional listen address, e.g. `127.0.0.1:4222`. nats-server's `-a`/`-p` flags override it. */
  listen?: string;
}

interface Named {
  sub: string;
  name: string;
}

function named(token: string, what: string): Named & { nats: Record<string, unknown> } {
  const c = decodeJwt<{ sub?: unknown; name?: unknown; nats?: Record<string, unknown> }>(token).claims;
  if (typeof c.sub !== 'string' || typeof c.nats !== 'object' || c.nats === null) {
    throw new SigchainError('INVALID_CLAIMS', `The ${what} token has no subject or nats claims; re-issue it with sigchain.`);
  }
  return { sub: c.sub, name: typeof c.name === 'string' ? c.name : c.sub, nats: c.nats };
}

/** Comments must not break the config when a name holds a newline. */
function comment(text: string): string {
  return text.replace(/[\r\n]+/g, ' ');
}

/**
 * A `nats-server` configuration for operator mode with the memory resolver: the
 * operator JWT, the system account, and every account preloaded — the shape
 * `nsc generate config --mem-resolver` writes. The server starts from it as it is.
 * Accounts change only by regenerating it and reloading the server (SIGHUP); the
 * operator JWT itself cannot be reloaded: operator changes need a restart.
 *
 * @example
 * ```ts
 * writeFileSync('server.conf', memoryResolverConfig({ operatorJwt, accountJwts: [sysJwt, accJwt] }));
 * // nats-server -c server.conf
 * ```
 */
export function memoryResolverConfig(input: MemoryResolverInput): string {
  const op = named(input.operatorJwt, 'operator');
  const system = input.systemAccount ?? (typeof op.nats.system_account === 'string' ? op.nats.system_account : undefined);
  const accounts = input.accountJwts.map((t) => ({ token: t.trim(), ...named(t, 'account') }));
  if (!system) {
    throw new SigchainError('INVALID_CLAIMS', `Operator "${op.name}" names no system account, and nats-server needs one in operator mode. Run \`sigchain edit operator --system-account SYS\`.`);
  }
  if (!accounts.some((a) => a.sub === system)) {
    throw new SigchainError('STORE_NOT_FOUND', `The system account ${system} is not among the accounts to preload; add its JWT.`);
  }
  const sysName = accounts.find((a) => a.sub === system)?.name ?? system;
  const lines = [
    `# Operator "${comment(op.name)}"`,
    `operator: ${input.operatorJwt.trim()}`,
    '',
    `# System Account "${comment(sysName)}"`,
    `system_account: ${system}`,
    '',
  ];
  if (input.listen) lines.push(`listen: ${input.listen}`, '');
  lines.push('# configuration of the nats based resolver', 'resolver: MEMORY', '', 'resolver_preload: {');
  for (const a of [...accounts].sort((x, y) => x.name.localeCompare(y.name))) {
    lines.push(`  # Account "${comment(a.name)}"`, `  ${a.sub}: ${a.token}`, '');
  }
  lines.push('}', '');
  return lines.join('\n');
}

/** What a full or cache (NATS-based) resolver server configuration is made from. */
export interface NatsResolverInput {
  /** The operator JWT servers must trust. */
  operatorJwt: string;
  /** The system account's JWT: the only account preloaded (every other one is pushed). */
  systemAccountJwt: string;
  /** `full` keeps every account and syncs with its peers; `cache` keeps recently used ones and looks the rest up. */
  type: 'full' | 'cache';
  /** Where the server keeps account JWTs (`<dir>/<A…>.jwt`). Default `./jwt`, as nsc writes. */
  dir?: string;
  /** Full only: accept `$SYS.REQ.CLAIMS.DELETE` (deleted JWTs are renamed `*.jwt.deleted`). Default false. */
  allowDelete?: boolean;
  /** Full only: how often the server syncs its store with its peers, a Go duration. Default `2m`. */
  interval?: string;
  /** Cache only: how long a looked-up account is kept, a Go duration. Default `1h`, as nsc writes. */
  ttl?: string;
  /** How long the server waits for a lookup, a Go duration. Default `1.9s`. */
  timeout?: string;
  /** Optional: the most account JWTs the server keeps (nats-server's `limit`; a full store refuses more). */
  limit?: number;
  /** Optional listen address, e.g. `127.0.0.1:4222`. */
  listen?: string;
  /** Optional server name (shown in push answers); nats-server picks its id otherwise. */
  serverName?: string;
  /** Optional cluster block: name, listen address and the routes to its peers. */
  cluster?: { name: string; listen: string; routes: string[] };
}

/** A Go `time.ParseDuration` string: what the resolver's interval, ttl and timeout take. */
export const GO_DURATION = /^(?:\d+(?:\.\d+)?(?:ns|us|\u00b5s|ms|s|m|h))+$/; // \u00b5 is µ (written so for the ASCII CLI bundle)

function quoted(s: string): string {
  return JSON.stringify(s);
}

/**
 * A `nats-server` configuration for operator mode with the NATS-based account resolver — the
 * shape `nsc generate config --nats-resolver` (`type: full`) or `--nats-resolver-cache`
 * (`type: cache`) writes: the operator, the system account, the `resolver {…}` block, and only
 * the system account preloaded. Accounts then reach the servers with `sigchain push`; a `full`
 * resolver shares them with its peers every `interval`. A cache resolver takes no `interval` or
 * `allow_delete` (nats-server refuses them), so they are refused here too.
 *
 * @example
 * ```ts
 * writeFileSync('server.conf', natsResolverConfig({ operatorJwt, systemAccountJwt, type: 'full', allowDelete: true, interval: '2m' }));
 * // nats-server -c server.conf
 * ```
 */
export function natsResolverConfig(input: NatsResolverInput): string {
  const op = named(input.operatorJwt, 'operator');
  const sys = named(input.systemAccountJwt, 'system account');
  const declared = typeof op.nats.system_account === 'string' ? op.nats.system_account : undefined;
  if (!declared) {
    throw new SigchainError('INVALID_CLAIMS', `Operator "${op.name}" names no system account, and the NATS resolver needs one. Run \`sigchain edit operator --system-account SYS\`.`);
  }
  if (declared !== sys.sub) {
    throw new SigchainError('INVALID_CLAIMS', `Operator "${op.name}" names ${declared} as its system account, not ${sys.sub}; preload the operator's system account.`);
  }
  if (input.type === 'cache' && (input.allowDelete || input.interval !== undefined)) {
    throw new SigchainError('USAGE', 'A cache resolver takes neither --allow-delete nor --interval (nats-server refuses both for `type: cache`); use --resolver full.');
  }
  for (const [name, v] of [['interval', input.interval], ['ttl', input.ttl], ['timeout', input.timeout]] as const) {
    if (v !== undefined && !GO_DURATION.test(v)) throw new SigchainError('USAGE', `--${name} takes a Go duration such as 2m, 30s or 1h30m; got "${v}".`);
  }
  const dir = input.dir ?? './jwt';
  const lines = [
    `# Operator "${comment(op.name)}"`,
    `operator: ${input.operatorJwt.trim()}`,
    '',
    `# System Account "${comment(sys.name)}"`,
    `system_account: ${sys.sub}`,
    '',
  ];
  if (input.serverName) lines.push(`server_name: ${quoted(input.serverName)}`, '');
  if (input.listen) lines.push(`listen: ${input.listen}`, '');
  lines.push('# configuration of the nats based resolver', 'resolver {', `    type: ${input.type}`, `    dir: ${quoted(dir)}`);
  if (input.type === 'full') {
    lines.push(`    allow_delete: ${input.allowDelete === true}`, `    interval: ${quoted(input.interval ?? '2m')}`);
  } else {
    lines.push(`    ttl: ${quoted(input.ttl ?? '1h')}`);
  }
  if (input.limit !== undefined) lines.push(`    limit: ${Math.max(1, Math.floor(input.limit))}`);
  lines.push(`    timeout: ${quoted(input.timeout ?? '1.9s')}`, '}', '', '# Preload the system account', 'resolver_preload: {', `  # Account "${comment(sys.name)}"`, `  ${sys.sub}: ${input.systemAccountJwt.trim()}`, '}', '');
  if (input.cluster) {
    const c = input.cluster;
    lines.push('cluster {', `    name: ${quoted(c.name)}`, `    listen: ${c.listen}`);
    if (c.routes.length) lines.push('    routes: [', ...c.routes.map((r) => `        ${quoted(r)}`), '    ]');
    lines.push('}', '');
  }
  return lines.join('\n');
}
