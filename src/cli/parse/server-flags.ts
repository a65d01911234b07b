import { SigchainError } from '../../errors.js';
import { type CommandContext, type OptionSpec, str } from '../command.js';
import { parseDurationNs } from './time.js';

/** `--timeout DURATION` as milliseconds (500ms, 2s, 1m); undefined when not given. */
export function timeoutMs(ctx: CommandContext): number | undefined {
  const v = str(ctx, 'timeout');
  if (v === undefined) return undefined;
  const ms = parseDurationNs(v, 'timeout') / 1e6;
  if (!(ms >= 1 && ms <= 600_000)) throw new SigchainError('USAGE', `--timeout must be between 1ms and 10m; got ${v}.`);
  return ms;
}

/** `-a A` (repeatable) or `-A`: exactly one of them. */
export function accountSelection(ctx: CommandContext, verb: string): string[] | 'all' {
  const all = ctx.options['all-accounts'] === true;
  const v = ctx.options.account;
  const named = (Array.isArray(v) ? v : typeof v === 'string' ? [v] : []).flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);
  if (all && named.length) throw new SigchainError('USAGE', `Give either -a ACCOUNT or -A (all accounts) to ${verb}, not both.`);
  if (!all && !named.length) throw new SigchainError('USAGE', `Name the accounts to ${verb} with -a ACCOUNT (repeatable), or -A for all.`);
  return all ? 'all' : named;
}

/** The options `push` and `pull` share: which operator, which server, how long to wait. */
export const SERVER_OPTIONS: Record<'operator' | 'server' | 'timeout', OptionSpec> = {
  operator: { type: 'string', valueName: 'NAME', description: 'The operator (default: the current one).' },
  server: { type: 'string', valueName: 'URL', description: "The server to talk to, nats://HOST:PORT (default: the operator's account server URL, else its first service URL)." },
  timeout: { type: 'string', valueName: 'DURATION', description: "How long to wait for the servers' answers to each request (default 2s)." },
};
