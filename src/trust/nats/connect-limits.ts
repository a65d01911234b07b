/**
 * The limits nats-server applies when a user connects rather than when it reads the chain:
 * connect-time windows (`times`, `times_location`), source networks (`src`) and connection
 * types (`allowed_connection_types`); and an account that admits no connections at all.
 * Mirrors nats-server's validateTimes, validateSrc and connection-type checks (server/auth.go).
 */
import { BlockList, isIP } from 'node:net';
import { CONNECTION_TYPES } from '../../claims/nats/types.js';
import { clockSeconds } from '../../claims/nats/validate.js';
import type { Judge } from '../judge.js';

type Json = Readonly<Record<string, unknown>>;

function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

// One formatter per zone: building one costs more than an Ed25519 verify. Only zones that
// exist get an entry (an unknown one throws first), so the map stays small.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterOf(zone: string | undefined): Intl.DateTimeFormat {
  const key = zone ?? '';
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { ...(zone ? { timeZone: zone } : {}), hourCycle: 'h23', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    formatters.set(key, f);
  }
  return f;
}

// Seconds since midnight (with the fraction) of `at` on the wall clock of `zone` (the machine's
// own zone when absent or "Local", as Go's time.LoadLocation("Local")).
function wallSeconds(at: number, zone: string | undefined): number | undefined {
  try {
    const parts = formatterOf(zone === 'Local' ? undefined : zone).formatToParts(new Date(at * 1000));
    const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
    return get('hour') * 3600 + get('minute') * 60 + get('second') + (at % 1);
  } catch {
    return undefined;
  }
}

/**
 * nats-server's rule: a window is today from `start` to `end`, or, when start is after end,
 * from today's `start` to tomorrow's `end`, both bounds exclusive. (So after midnight an
 * overnight window counts as closed, exactly as the server decides.)
 */
function insideConnectTimes(limits: Json, at: number): boolean {
  const ranges = list(limits.times);
  if (ranges.length === 0) return true;
  const zone = typeof limits.times_location === 'string' && limits.times_location ? limits.times_location : undefined;
  const now = wallSeconds(at, zone);
  if (now === undefined) return false;
  for (const r of ranges) {
    const { start, end } = (r ?? {}) as { start?: unknown; end?: unknown };
    const s = clockSeconds(start);
    const e = clockSeconds(end);
    if (s === undefined || e === undefined) return false;
    if (s < now && (s > e || e > now)) return true;
  }
  return false;
}

function srcAllows(src: unknown[], ip: string): boolean {
  const family = isIP(ip);
  if (!family) return false;
  for (const cidr of src) {
    if (typeof cidr !== 'string') return false;
    const [addr, bits] = cidr.split('/');
    const f = isIP(addr ?? '');
    if (!f || bits === undefined) return false;
    const blocks = new BlockList();
    try {
      blocks.addSubnet(addr!, Number(bits), f === 4 ? 'ipv4' : 'ipv6');
    } catch {
      return false;
    }
    if (blocks.check(ip, family === 4 ? 'ipv4' : 'ipv6')) return true;
  }
  return false;
}

/**
 * Applies the connect-time limits to a user. `effective` holds the limits the server uses: the
 * scope's template for a user of a scoped key (the server swaps it in before checking src and
 * times), else the user's own; connection types are always the user's own, as the server reads
 * them before the swap.
 */
export function judgeConnectLimits(j: Judge, user: Json, effective: Json): void {
  // The Judge's instant: every check of one verdict judges the same moment.
  if (j.policy.checkTime && !insideConnectTimes(effective, j.now)) {
    const windows = list(effective.times).map((r) => `${(r as { start?: string })?.start}–${(r as { end?: string })?.end}`).join(', ');
    j.error('user', 'CONNECTION_NOT_ALLOWED', `This user may only connect during ${windows}${effective.times_location ? ` (${effective.times_location})` : ' (server local time)'}, which excludes the time judged at. Connect inside a window, or re-issue the user with other times.`, 'nats.times');
  }
  const conn = j.policy.connection;
  const src = list(effective.src);
  if (src.length > 0) {
    if (conn?.ip === undefined) j.warn('user', 'CONNECTION_NOT_ALLOWED', `This user may only connect from ${src.join(', ')}; give the client's address to judge it.`, 'nats.src');
    else if (!srcAllows(src, conn.ip)) j.error('user', 'CONNECTION_NOT_ALLOWED', `This user may only connect from ${src.join(', ')}, not from ${conn.ip}.`, 'nats.src');
  }
  const types = list(user.allowed_connection_types).filter((t): t is string => typeof t === 'string');
  if (types.length > 0) {
    const known = types.filter((t) => (CONNECTION_TYPES as readonly string[]).includes(t));
    if (conn?.type === undefined) j.warn('user', 'CONNECTION_NOT_ALLOWED', `This user may only connect over ${types.join(', ')}; give the connection type to judge it.`, 'nats.allowed_connection_types');
    else if (!known.includes(conn.type)) j.error('user', 'CONNECTION_NOT_ALLOWED', `This user may only connect over ${types.join(', ')}, not ${conn.type}.`, 'nats.allowed_connection_types');
  }
}

/** An account whose `limits.conn` is 0 (or absent: Go reads a zero) admits no client at all. */
export function admitsNoConnections(account: Json): boolean {
  const limits = (account.limits ?? {}) as { conn?: unknown };
  return !limits.conn;
}
