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
