import { SigchainError } from '../../errors.js';
import { type CommandContext, type OptionSpec, str } from '../command.js';

const UNITS: Record<string, (d: Date, n: number) => void> = {
  s: (d, n) => d.setUTCSeconds(d.getUTCSeconds() + n),
  m: (d, n) => d.setUTCMinutes(d.getUTCMinutes() + n),
  h: (d, n) => d.setUTCHours(d.getUTCHours() + n),
  d: (d, n) => d.setUTCDate(d.getUTCDate() + n),
  w: (d, n) => d.setUTCDate(d.getUTCDate() + 7 * n),
  M: (d, n) => d.setUTCMonth(d.getUTCMonth() + n),
  y: (d, n) => d.setUTCFullYear(d.getUTCFullYear() + n),
};

/**
 * Parses an `--expiry` / `--start` value as nsc accepts it: `0` (never / now-less),
 * a relative offset (`90s`, `30m`, `12h`, `7d`, `2w`, `3M`, `1y`), a date `yyyy-mm-dd`, an RFC 3339
 * time, or Unix seconds. Returns Unix seconds (0 = unset).
 *
 * @example
 * ```ts
 * parseTimeFlag('1y', 'expiry'); // now + one year
 * ```
 */
export function parseTimeFlag(value: string, flagName: string, now: Date = new Date()): number {
  const v = value.trim();
  if (v === '0' || v === '') return 0;
  const rel = /^(\d+)([smhdwMy])$/.exec(v);
  if (rel) {
    const d = new Date(now.getTime());
    UNITS[rel[2]!]!(d, Number(rel[1]));
    return Math.floor(d.getTime() / 1000);
  }
  if (/^\d{9,}$/.test(v)) return Number(v);
  if (/^\d{4}-\d{2}-\d{2}$/.test(v) || /^\d{4}-\d{2}-\d{2}T/.test(v)) {
    const t = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00:00Z` : v);
    if (!Number.isNaN(t)) return Math.floor(t / 1000);
  }
  throw new SigchainError('USAGE', `--${flagName} "${value}" is not a time. Use 0 (unset), an offset like 90s, 30m, 12h, 7d, 2w, 3M or 1y, a date 2027-01-31, an RFC 3339 time, or Unix seconds.`);
}

/**
 * Parses a duration such as `1s`, `500ms`, `2m`, `1h` into nanoseconds (Go `time.Duration`,
 * as NATS response-permission TTLs are stored).
 */
export function parseDurationNs(value: string, flagName: string): number {
  const m = /^(\d+(?:\.\d+)?)(ns|us|\u00b5s|ms|s|m|h)$/.exec(value.trim());
  if (!m) throw new SigchainError('USAGE', `--${flagName} "${value}" is not a duration. Use a number with a unit: 500ms, 1s, 2m, 1h.`);
  const factor = { ns: 1, us: 1e3, µs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 }[m[2] as 'ns'];
  return Math.round(Number(m[1]) * factor);
}

/** `--expiry` and `--start`, as nsc accepts them. */
export const TIME_OPTIONS: Record<string, OptionSpec> = {
  expiry: { type: 'string', valueName: 'WHEN', description: 'When the token expires: 0 (never, the default), an offset (30d, 1y, 12h), a date 2027-01-31, RFC 3339, or Unix seconds.' },
  start: { type: 'string', valueName: 'WHEN', description: 'When the token becomes valid (same forms as --expiry); default now.' },
};

/** `--expiry`/`--start` as Unix seconds (absent when not given or 0). */
export function timeOptions(ctx: CommandContext): { expiry?: number; start?: number } {
  const out: { expiry?: number; start?: number } = {};
  const expiry = str(ctx, 'expiry');
  const start = str(ctx, 'start');
  if (expiry !== undefined) out.expiry = parseTimeFlag(expiry, 'expiry');
  if (start !== undefined) out.start = parseTimeFlag(start, 'start');
  if (out.expiry && out.start && out.expiry <= out.start) {
    throw new SigchainError('USAGE', '--expiry is not after --start, so the token would never be valid. Pick an expiry after the start.');
  }
  return out;
}
