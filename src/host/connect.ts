/**
 * The NATS client, loaded only when a host or a call needs it: `@nats-io/transport-node` is
 * imported with `await import()` here and nowhere else in src/, so every other command (and
 * `sigchain --version`) starts without it.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import { SigchainError } from '../errors.js';

type NatsModule = typeof import('@nats-io/transport-node');

let loaded: Promise<NatsModule> | undefined;

/** The NATS client module, imported once. */
export function natsModule(): Promise<NatsModule> {
  loaded ??= import('@nats-io/transport-node');
  return loaded;
}

/** How a host or a caller connects. */
export interface NatsConnectOptions {
  /** `nats://host:port` (several may be given with commas). */
  natsUrl: string;
  /** The connection's name, as the server's monitoring shows it. */
  name?: string;
  /** Milliseconds to wait for the server. Default 5000. */
  timeoutMs?: number;
}

/**
 * Connects to the lattice's NATS server. A server that does not answer, refuses the
 * connection or the credentials is `NATS_UNAVAILABLE`, naming the URL (never a secret: the
 * URL given is echoed only without its user-info part).
 *
 * @example
 * ```ts
 * const nc = await connectNats({ natsUrl: 'nats://127.0.0.1:4222', name: 'sigchain call' });
 * ```
 */
export async function connectNats(o: NatsConnectOptions): Promise<NatsConnection> {
  const { connect } = await natsModule();
  const servers = o.natsUrl.split(',').map((s) => s.trim()).filter(Boolean);
  if (servers.length === 0) throw new SigchainError('USAGE', 'Give the NATS server with --nats-url URL (e.g. nats://127.0.0.1:4222).');
  try {
    // No reconnect loop hidden from the caller: a host that lost its server says so and exits
    // (its supervisor restarts it), rather than queueing invocations it cannot answer.
    return await connect({ servers, name: o.name ?? 'sigchain', timeout: o.timeoutMs ?? 5000, reconnect: false });
  } catch (e) {
    const shown = servers.map((s) => s.replace(/\/\/[^@/]*@/, '//')).join(',');
    throw new SigchainError('NATS_UNAVAILABLE', `Cannot connect to the NATS server at ${shown}: ${(e as Error).message}`, { url: shown }, { cause: e });
  }
}
