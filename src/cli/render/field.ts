/**
 * `describe … --field PATH`: one value of a token's claims, as nsc's `--field` prints it (JSON),
 * found by a dotted path (`nats.signing_keys`, `nats.pub.allow[0]` or `nats.pub.allow.0`).
 * Unlike nsc, which prints nothing useful for a path that is not there, a missing path is an
 * error that says why: a field this kind of token can hold but that is not set (NATS JWTs leave
 * out empty lists and zero values, as Go's `omitempty` does), an index past the end of a list,
 * a path spelled in the wrong case, or otherwise the closest path, so a typo fixes itself.
 */
import { CLAIMS_SHAPE, type FieldShape, GENERIC_SHAPE, NATS_SHAPES, type Shape, T, USER_SCOPE_SHAPE } from '../../claims/nats/schema.js';
import { SigchainError } from '../../errors.js';

type Json = unknown;

const EXAMPLE = 'e.g. nats.signing_keys, nats.pub.allow[0] or sub';
// Why an unset field is absent, said once for every message that needs it.
const OMITTED = 'a NATS JWT leaves out empty lists and unset values';

/**
 * `a.b[0].c` → ['a', 'b', '0', 'c'] (`a.b.[0]`, jq's spelling, too). A path with an empty name
 * (`a..b`, `.a`, `a.`) or a bracket that is not `[N]` is a USAGE error: silently skipping the
 * empty name printed another field than the one typed (`.nats` printed `nats`), and `[-1]`
 * has no meaning here.
 */
function steps(path: string): string[] {
  const p = path.trim();
  if (p === '') throw new SigchainError('USAGE', `--field needs a path, ${EXAMPLE}.`);
  const parts = p.split('.');
  const out: string[] = [];
  parts.forEach((part, i) => {
    if (part === '') {
      const where = i === 0 ? 'starts with a dot' : i === parts.length - 1 ? 'ends with a dot' : 'has two dots in a row (an empty name between them)';
      const meant = parts.filter((x) => x !== '').join('.');
      throw new SigchainError('USAGE', `--field "${p}" ${where}: a path is names joined by single dots${meant ? `; did you mean "${meant}"?` : '.'}`, { field: p });
    }
    const m = /^([^[\]]*)((?:\[\d+\])*)$/.exec(part);
    if (!m) {
      throw new SigchainError('USAGE', `--field "${p}" has "${part}": an index is written [N] after a name (or .N), N a whole number from 0 (there are no negative indexes), ${EXAMPLE}.`, { field: p });
    }
    if (m[1]) out.push(m[1]);
    for (const x of m[2]!.matchAll(/\[(\d+)\]/g)) out.push(x[1]!);
  });
  return out;
}

/** `['nats', 'pub', 'allow', '0']` → `nats.pub.allow[0]`, the spelling every message uses. */
function show(s: readonly string[]): string {
  return s.map((x, i) => (i === 0 ? x : /^\d+$/.test(x) ? `[${x}]` : `.${x}`)).join('');
}

const isIndex = (s: string): boolean => /^(0|[1-9]\d*)$/.test(s);

function isObject(v: Json): v is Record<string, Json> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** The own property `s` of `v` (never an inherited one: `constructor` is not a field). */
function own(v: Json, s: string): Json {
  return v !== null && typeof v === 'object' && Object.prototype.hasOwnProperty.call(v, s) ? (v as Record<string, Json>)[s] : undefined;
}

/**
 * The schema of the claims as a field (a struct), when they are a NATS token: only then does
 * sigchain know which fields the token can hold. Other tokens (wascap) are plain JSON here.
 */
function rootShape(claims: Json): FieldShape | undefined {
  return isObject(claims) && isObject(claims.nats) ? { t: T.Struct, schema: CLAIMS_SHAPE } : undefined;
}

/** The struct `nats` is for this token's `nats.type` (Go's GenericClaims for any other type). */
function natsShape(claims: Json): Shape {
  const type = own(own(claims, 'nats'), 'type');
  return (typeof type === 'string' ? NATS_SHAPES.get(type) : undefined) ?? GENERIC_SHAPE;
}

/**
 * What step `s` inside a field of shape `f` is by the schema: a named field of a struct, an
 * element of a list, a value of a map; undefined when the schema has no such step.
 */
function child(f: FieldShape | undefined, s: string, claims: Json): FieldShape | undefined {
  if (!f) return undefined;
  switch (f.t) {
    case T.Struct:
    case T.Ptr: {
      const c = f.schema!.fields.get(s);
      // A v2 token never has the top-level `type` (Go's v1 marker): it is no field to look for.
      if (c?.t === T.V1Type) return undefined;
      return c?.t === T.Nats ? { t: T.Struct, schema: natsShape(claims) } : c;
    }
    case T.Structs:
      return isIndex(s) ? { t: T.Struct, schema: f.schema! } : undefined;
    case T.SigningKeys:
      // An element is a public key or a user_scope object.
      return isIndex(s) ? { t: T.Struct, schema: USER_SCOPE_SHAPE } : undefined;
    case T.Strs:
    case T.Cidrs:
      return isIndex(s) ? { t: T.Str } : undefined;
    case T.IntMap:
      return { t: T.Int };
    case T.StructMap:
      return { t: T.Struct, schema: f.schema! };
    case T.StructsMap:
      return { t: T.Structs, schema: f.schema! };
    default:
      return undefined;
  }
}

const isMap = (f: FieldShape | undefined): boolean => f?.t === T.IntMap || f?.t === T.StructMap || f?.t === T.StructsMap;

/** Why a path is not in the claims, as far as the schema and the data tell. */
type Miss =
  /** `steps[0..at]` names a field this kind of token can hold (the rest of the path too), absent here. */
  | { kind: 'unset'; at: number }
  /** `steps[at]` is an index past the end of the list at `steps[0..at-1]`. */
  | { kind: 'range'; at: number; length: number }
  /** Nothing known: a typo, a map key that is not there, a step into a string… */
  | { kind: 'unknown' };

/** The value at `want`, or why there is none. */
function walk(claims: Json, want: readonly string[]): { value: Json } | Miss {
  let at: Json = claims;
  let f = rootShape(claims);
  for (let i = 0; i < want.length; i++) {
    const s = want[i]!;
    const next = own(at, s);
    const fs = child(f, s, claims);
    if (next !== undefined) {
      at = next;
      f = fs;
      continue;
    }
    if (Array.isArray(at)) return isIndex(s) ? { kind: 'range', at: i, length: at.length } : { kind: 'unknown' };
    // A map's keys are data, not schema: a key that is not there is a typo to correct, not an
    // unset field. A step into a string (an unscoped signing key's `.role`) is no field either.
    if (fs && !isMap(f) && (isObject(at) || at === null) && fits(fs, want.slice(i + 1), claims)) return { kind: 'unset', at: i };
    return { kind: 'unknown' };
  }
  return { value: at };
}

/** True when the schema has every step of `rest` below a field of shape `f`. */
function fits(f: FieldShape, rest: readonly string[], claims: Json): boolean {
  let at: FieldShape | undefined = f;
  for (const s of rest) if (!(at = child(at, s, claims))) return false;
  return true;
}

/**
 * `want` with each name in the case the token (or, for a field it does not hold, the schema)
 * spells it; undefined when some name matches nothing, even ignoring case.
 */
function exactCase(claims: Json, want: readonly string[]): string[] | undefined {
  let at: Json = claims;
  let f = rootShape(claims);
  const out: string[] = [];
  for (const s of want) {
    let name = s;
    if (own(at, s) === undefined && !child(f, s, claims) && !isIndex(s)) {
      const fields = f && (f.t === T.Struct || f.t === T.Ptr) ? [...f.schema!.fields.keys()].filter((n) => child(f, n, claims)) : [];
      const names = new Set([...(isObject(at) ? Object.keys(at) : []), ...fields]);
      const same = [...names].filter((n) => n.toLowerCase() === s.toLowerCase());
      // Two keys of one spelling (only possible in a token Go's decoder would refuse): no guess.
      if (same.length !== 1) return undefined;
      name = same[0]!;
    }
    out.push(name);
    f = child(f, name, claims);
    at = own(at, name);
  }
  return out;
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

/**
 * The named fields the schema gives this token, through structs only (lists and maps need an
 * index or a key from the data): the paths a typo of an unset field should be matched against.
 */
function schemaPaths(claims: Json, f: FieldShape | undefined = rootShape(claims), prefix = '', out: string[] = []): string[] {
  if (!f || (f.t !== T.Struct && f.t !== T.Ptr)) return out;
  for (const name of f.schema!.fields.keys()) {
    const c = child(f, name, claims);
    if (!c) continue;
    const p = prefix ? `${prefix}.${name}` : name;
    out.push(p);
    schemaPaths(claims, c, p, out);
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

/** "this operator token", or "this token" when it names no type. */
function thisToken(claims: Json): string {
  const type = own(own(claims, 'nats'), 'type');
  return typeof type === 'string' && /^[a-z_]{1,20}$/.test(type) ? `this ${type} token` : 'this token';
}

/** The sentence saying why `want` is not there, for a miss the schema or the data explains. */
function why(claims: Json, want: readonly string[], miss: Miss): string | undefined {
  if (miss.kind === 'unset') {
    const field = show(want.slice(0, miss.at + 1));
    return field === show(want) ? `"${field}" is not set in ${thisToken(claims)}: ${OMITTED}, so there is no value to print.` : `"${show(want)}" is not in ${thisToken(claims)}: "${field}" is not set (${OMITTED}).`;
  }
  if (miss.kind === 'range') {
    const list = show(want.slice(0, miss.at));
    const entries = miss.length === 0 ? 'is an empty list' : miss.length === 1 ? 'has 1 entry, [0]' : `has ${miss.length} entries, [0] to [${miss.length - 1}]`;
    return `"${show(want)}" is not in ${thisToken(claims)}: "${list}" ${entries}.`;
  }
  return undefined;
}

/**
 * The value at `path` in `claims`, or `FIELD_NOT_FOUND` saying why there is none: the field is
 * one this kind of token can hold but is not set (NATS JWTs omit empty lists and zero values),
 * an index is past the end of its list, the path matches one only when case is ignored (JSON
 * keys are case-sensitive, so the exact-case path is suggested, not used), or else the closest
 * path. A path with an empty name or a malformed index is `USAGE`. Own properties only:
 * `constructor` or `__proto__` are not fields.
 *
 * An unset field is an error rather than `null` on purpose: `null` is also what a field set to
 * null prints, and a typo would print it too; the message, and `details.unset` with `--json`,
 * tell a script exactly which case it met.
 *
 * @example
 * ```ts
 * claimField({ nats: { signing_keys: ['A…'] } }, 'nats.signing_keys'); // ['A…']
 * claimField({ nats: { signing_keys: [] } }, 'nats.signing_key'); // throws FIELD_NOT_FOUND: closest "nats.signing_keys"
 * claimField({ nats: { type: 'operator' } }, 'nats.signing_keys'); // throws FIELD_NOT_FOUND: not set in this operator token
 * ```
 */
export function claimField(claims: Json, path: string): Json {
  const want = steps(path);
  const found = walk(claims, want);
  if ('value' in found) return found.value;
  const normal = show(want);
  const reason = why(claims, want, found);
  if (found.kind === 'unset') throw new SigchainError('FIELD_NOT_FOUND', reason!, { field: normal, unset: show(want.slice(0, found.at + 1)) });
  if (found.kind === 'range') throw new SigchainError('FIELD_NOT_FOUND', reason!, { field: normal, length: found.length });
  // Suggested, never used: JSON keys are case-sensitive and a script should spell them right.
  const cased = exactCase(claims, want);
  if (cased && cased.some((s, i) => s !== want[i])) {
    const exact = show(cased);
    const there = walk(claims, cased);
    const then = 'value' in there ? undefined : why(claims, cased, there);
    throw new SigchainError('FIELD_NOT_FOUND', `The token has no field "${normal}": field names are case-sensitive, and the exact-case path is "${exact}".${then ? ` ${then}` : ''}`, { field: normal, closest: exact });
  }
  // Paths in the token first (they win ties), then the fields it could hold but does not set.
  const present = allPaths(claims);
  const candidates = [...new Set([...present, ...schemaPaths(claims)])];
  // A bare name (`signing_keys`) most likely left out its parents: prefer a path ending with it.
  let best = candidates.find((p) => p.toLowerCase().endsWith(`.${normal.toLowerCase()}`));
  if (!best) {
    let bestD = Infinity;
    for (const p of candidates) {
      const d = editDistance(normal, p);
      if (d < bestD) (best = p), (bestD = d);
    }
  }
  // A schema path not in the token is one it could hold: say so, or the suggestion fails too.
  const hint = best && !present.includes(best) ? ` It is not set in ${thisToken(claims)} (${OMITTED}).` : ' Run the same describe with --json to see every field.';
  throw new SigchainError('FIELD_NOT_FOUND', `The token has no field "${normal}".${best ? ` The closest is "${best}".` : ''}${hint}`, { field: normal, ...(best ? { closest: best } : {}) });
}

/** The value as nsc prints a field: JSON, indented by one space. */
export function formatField(value: Json): string {
  return JSON.stringify(value, null, 1);
}
