/**
 * `describe … --field PATH`: one value of a token's claims, as nsc's `--field` prints it (JSON),
 * found by a dotted path (`nats.signing_keys`, `nats.pub.allow[0]` or `nats.pub.allow.0`).
 * Unlike nsc, which prints nothing useful for a path that is not there, a missing path is an
 * error naming the closest path that does exist (by edit distance), so a typo fixes itself.
 */
import { SigchainError } from '../../errors.js';

type Json = unknown;

/** `a.b[0].c` → ['a', 'b', '0', 'c']. */
function steps(path: string): string[] {
  return path
    .trim()
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .filter((s) => s !== '');
}

/** Every path that exists in `value`, parents before children (bounded: a token is at most 1 MiB). */
function allPaths(value: Json, prefix = '', out: string[] = []): string[] {
  if (Array.isArray(value)) {
    value.forEach((v, i) => {
      const p = `${prefix}[${i}]`;
      out.push(p);
      allPaths(v, p, out);
    });
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const p = prefix ? `${prefix}.${k}` : k;
      out.push(p);
      allPaths(v, p, out);
    }
  }
  return out;
}

/** Levenshtein distance, two rows (paths are short). */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}

/**
 * The value at `path` in `claims`; `FIELD_NOT_FOUND` naming the closest existing path when
 * there is none there. Own properties only: `constructor` or `__proto__` are not fields.
 *
 * @example
 * ```ts
 * claimField({ nats: { signing_keys: ['A…'] } }, 'nats.signing_keys'); // ['A…']
 * claimField({ nats: { signing_keys: [] } }, 'nats.signing_key'); // throws FIELD_NOT_FOUND: closest "nats.signing_keys"
 * ```
 */
export function claimField(claims: Json, path: string): Json {
  const want = steps(path);
  if (want.length === 0) throw new SigchainError('USAGE', '--field needs a path, e.g. nats.signing_keys or sub.');
  let at: Json = claims;
  for (const s of want) {
    if (at !== null && typeof at === 'object' && Object.prototype.hasOwnProperty.call(at, s)) at = (at as Record<string, Json>)[s];
    else {
      at = undefined;
      break;
    }
  }
  if (at !== undefined) return at;
  const normal = want.map((s, i) => (/^\d+$/.test(s) && i > 0 ? `[${s}]` : i > 0 ? `.${s}` : s)).join('');
  let best: string | undefined;
  let bestD = Infinity;
  for (const p of allPaths(claims)) {
    const d = editDistance(normal, p);
    if (d < bestD) (best = p), (bestD = d);
  }
  throw new SigchainError('FIELD_NOT_FOUND', `The token has no field "${normal}".${best ? ` The closest is "${best}".` : ''} Run the same describe with --json to see every field.`, { field: normal, ...(best ? { closest: best } : {}) });
}

/** The value as nsc prints a field: JSON, indented by one space. */
export function formatField(value: Json): string {
  return JSON.stringify(value, null, 1);
}
