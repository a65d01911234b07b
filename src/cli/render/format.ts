/** Formatting shared by the describe tables, matching how nsc shows values. */

/** `2019-12-05 14:36:16 UTC`, or '' when unset. */
export function formatTime(unix: number | undefined): string {
  if (!unix) return '';
  return `${new Date(unix * 1000).toISOString().replace('T', ' ').replace(/\.\d+Z$/, '')} UTC`;
}

/** An expiry with how far away it is, e.g. `2027-01-01 00:00:00 UTC (in 41 days)`. */
export function formatExpiry(unix: number | undefined, now = Date.now() / 1000): string {
  if (!unix) return '';
  const days = Math.round((unix - now) / 86400);
  const rel = unix < now ? 'expired' : days === 0 ? 'today' : `in ${days} day${days === 1 ? '' : 's'}`;
  return `${formatTime(unix)} (${rel})`;
}

/** `in 3 days`, `in 5 hours`, `2 days ago`, `4 seconds ago`: how far a time is from now, as a person reads it. */
export function formatDistance(unix: number, now: number): string {
  const s = Math.abs(unix - now);
  const [n, unit] = s >= 86400 ? [Math.round(s / 86400), 'day'] : s >= 3600 ? [Math.round(s / 3600), 'hour'] : s >= 90 ? [Math.round(s / 60), 'minute'] : [Math.max(1, Math.round(s)), 'second'];
  const amount = `${n} ${unit}${n === 1 ? '' : 's'}`;
  return unix <= now ? `${amount} ago` : `in ${amount}`;
}

/** A count limit: -1 is Unlimited. */
export function formatCount(n: number | undefined): string {
  if (n === undefined || n < 0) return 'Unlimited';
  return String(n);
}

/** A byte limit: -1 is Unlimited; otherwise bytes with a readable unit. */
export function formatBytes(n: number | undefined): string {
  if (n === undefined || n < 0) return 'Unlimited';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${n} B` : `${Number.isInteger(v) ? v : v.toFixed(1)} ${units[i]} (${n} bytes)`;
}

/** Title-case a boolean as nsc does. */
export function formatBool(b: boolean | undefined): string {
  return b ? 'True' : 'False';
}

/** A Go time.Duration in nanoseconds, shown readably. */
export function formatDuration(ns: number | undefined): string {
  if (!ns) return '';
  const ms = ns / 1e6;
  return ms >= 1000 ? `${ms / 1000}s` : `${ms}ms`;
}
