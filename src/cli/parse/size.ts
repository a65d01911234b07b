import { SigchainError } from '../../errors.js';

const FACTORS: Record<string, number> = { '': 1, b: 1, k: 1024, kb: 1024, kib: 1024, m: 1024 ** 2, mb: 1024 ** 2, mib: 1024 ** 2, g: 1024 ** 3, gb: 1024 ** 3, gib: 1024 ** 3, t: 1024 ** 4, tb: 1024 ** 4, tib: 1024 ** 4 };

/**
 * Parses a byte limit as nsc accepts it: `-1` (unlimited), a number of bytes, or a number with
 * a unit (`512K`, `1M`, `10GB`, binary multiples).
 *
 * @example
 * ```ts
 * parseSizeFlag('1M', 'payload'); // 1048576
 * ```
 */
export function parseSizeFlag(value: string, flagName: string): number {
  const v = value.trim();
  if (v === '-1') return -1;
  const m = /^(\d+)\s*([a-zA-Z]*)$/.exec(v);
  const factor = m ? FACTORS[m[2]!.toLowerCase()] : undefined;
  if (!m || factor === undefined) throw new SigchainError('USAGE', `--${flagName} "${value}" is not a size. Use -1 for unlimited, or bytes with an optional unit: 1024, 512K, 1M, 10G.`);
  return Number(m[1]) * factor;
}

/** Parses a count limit: `-1` (unlimited) or a whole number. */
export function parseCountFlag(value: string, flagName: string): number {
  const v = value.trim();
  if (!/^-?\d+$/.test(v) || Number(v) < -1) throw new SigchainError('USAGE', `--${flagName} "${value}" is not a count. Use -1 for unlimited or a whole number.`);
  return Number(v);
}
