/**
 * Walks NATS claims against the Go struct tables of schema.ts, refusing what Go's decoder
 * refuses (a field of the wrong JSON type, a number Go cannot read into the field's integer
 * type, an export type Go does not know) and what would make two readers disagree (a key that
 * differs only in case from a field: Go matches keys case-insensitively, last one wins).
 * Unknown fields are allowed, as Go ignores them.
 *
 * One pass, no allocation on the happy path; recursion only follows the schema (at most seven
 * structs deep), never the data, so hostile nesting cannot overflow the stack.
 */
import type { ErrorCode } from '../../errors.js';
import { FRACTION_MARK, JSON_ESCAPES, JSON_FRACTIONS, escapedStrings, goFold, parseMarkingFractions } from '../../jwt/strict-json.js';
import { CLAIMS_SHAPE, type FieldShape, GENERIC_SHAPE, NATS_SHAPES, type Shape, T } from './schema.js';

/** Why claims do not have the shape Go decodes. */
export interface ShapeProblem {
  readonly code: ErrorCode;
  /** Dotted path of the field, e.g. `nats.pub.allow[0]`. */
  readonly field: string;
  /** What is wrong, for a sentence. */
  readonly why: string;
}

type Json = Record<string, unknown>;

// A problem found deep in the walk; its path is filled in while the walk unwinds.
class Bad {
  readonly path: string[] = [];
  constructor(
    readonly why: string,
    readonly code: ErrorCode = 'MALFORMED_TOKEN',
  ) {}
  at(segment: string): this {
    this.path.push(segment);
    return this;
  }
}

// The walk's settings, set by each entry point (the walk is synchronous).
// Decode mode: the claims are a fresh parse, rewritten as Go reads them, and values Go's own
// UnmarshalJSON refuses (an export type "bogus") are refused. Otherwise (claims built in code)
// such values pass to validation, which names each; only JSON types are enforced.
let normalize = false;
let marked = false; // the value comes from parseMarkingFractions
let notes = 0;
let payloadText: (() => string) | undefined;

const MARK = FRACTION_MARK.charCodeAt(0);

function isMark(v: unknown): boolean {
  return marked && typeof v === 'string' && v.charCodeAt(0) === MARK;
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (isMark(v)) return `the number ${(v as string).slice(1)}`;
  switch (typeof v) {
    case 'string':
      return 'a string';
    case 'number':
      return `the number ${v}`;
    case 'boolean':
      return `${v}`;
    case 'object':
      return 'an object';
    default:
      return `a ${typeof v}`;
  }
}

function wrongType(v: unknown, want: string): Bad {
  return new Bad(`it is ${kindOf(v)}, where Go reads ${want}`);
}

// Go reads integer fields with strconv.ParseInt/ParseUint of the literal: no fraction, no
// exponent, within the type's range. sigchain also refuses whole numbers past 2^53, which a
// JavaScript number cannot hold exactly (so it would read another value than Go).
function intProblem(v: unknown, t: T): Bad | undefined {
  if (typeof v !== 'number') {
    if (isMark(v)) return new Bad(`it is the number ${(v as string).slice(1)}: Go reads only whole-number literals (no fraction or exponent) into this field`);
    return wrongType(v, 'a whole number');
  }
  if (!Number.isSafeInteger(v)) {
    return new Bad(Number.isInteger(v) || !Number.isFinite(v) ? `the number ${v} is out of the range sigchain reads exactly (±2^53)` : `the number ${v} is not a whole number`);
  }
  if (t === T.Int) return undefined;
  if (v < 0 || Object.is(v, -0)) return new Bad(`the number ${v} is negative, and Go reads this field as unsigned`);
  if (t === T.Uint8 && v > 255) return new Bad(`the number ${v} does not fit Go's uint8 (0..255)`);
  return undefined;
}

function stringsProblem(v: unknown): Bad | undefined {
  if (!Array.isArray(v)) return wrongType(v, 'a list of strings');
  for (let i = 0; i < v.length; i++) {
    const s: unknown = v[i];
    if (typeof s !== 'string' || isMark(s)) return wrongType(s, 'a string').at(`[${i}]`);
  }
  return undefined;
}

// Go's CIDRList also reads one comma-separated string: lower-cased, split, trimmed, de-duplicated.
function cidrList(text: string): string[] {
  const list: string[] = [];
  for (const part of text.toLowerCase().split(',')) {
    const v = part.trim();
    if (v && !list.includes(v)) list.push(v);
  }
  return list;
}

// Go's SamplingRate.UnmarshalJSON compares the raw bytes, lower-cased, with `"headers"`: an
// escaped spelling (h\u0065aders) is not headers to Go (and then not a number either).
function escapedHeaders(): boolean {
  if ((notes & JSON_ESCAPES) === 0 || !payloadText) return false;
  for (const s of escapedStrings(payloadText())) if (s.toLowerCase() === 'headers') return true;
  return false;
}

// Go decodes a scope into NewUserScope(), whose template limits start at -1 (unlimited): a
// template without subs, data or payload (or with null) has -1 there, not Go's usual zero.
function templateDefaults(scope: Json): void {
  let t = scope.template;
  if (t === undefined) t = scope.template = {};
  const template = t as Json;
  for (const name of NATS_LIMIT_NAMES) if (template[name] === undefined) template[name] = -1;
}

const NATS_LIMIT_NAMES = ['subs', 'data', 'payload'] as const;

// Go decodes signing keys (and generic claims) through interface{} first, so every number in
// them, unknown fields included, must fit a float64: 1e400 is refused there. Walked with an
// explicit stack: these values may nest as deep as the JSON reader allows.
const pending: unknown[] = [];
function overflowIn(value: unknown): Bad | undefined {
  pending.length = 0;
  pending.push(value);
  while (pending.length > 0) {
    const v = pending.pop();
    if (typeof v === 'number' ? !Number.isFinite(v) : isMark(v) && !Number.isFinite(Number((v as string).slice(1)))) {
      pending.length = 0;
      return new Bad(`it holds the number ${typeof v === 'number' ? v : (v as string).slice(1)}, which Go reads as a float64 and refuses (out of range)`);
    }
    if (typeof v === 'object' && v !== null) for (const k in v) pending.push((v as Json)[k]);
  }
  return undefined;
}

function signingKeysProblem(v: unknown, scope: Shape): Bad | undefined {
  if (!Array.isArray(v)) return wrongType(v, 'a list of signing keys');
  // Go keeps signing keys in a map, so a repeated key keeps only its last entry, while a reader
  // taking the first would see another scope (or none): refuse repeats.
  const seen = v.length > 1 ? new Set<string>() : undefined;
  for (let i = 0; i < v.length; i++) {
    const k: unknown = v[i];
    let id: unknown = k;
    if (isObject(k)) {
      if (k.kind !== 'user_scope') {
        if (!normalize) continue; // validation reports the unknown kind
        return new Bad(`a signing key scope has kind ${kindOf(k.kind)}; Go knows only "user_scope"`).at(`[${i}]`);
      }
      const bad = objectProblem(k, scope) ?? overflowIn(k);
      if (bad) return bad.at(`[${i}]`);
      if (normalize) templateDefaults(k);
      id = k.key;
    } else if (typeof k !== 'string' || isMark(k)) {
      return wrongType(k, 'a public key or a "user_scope" object').at(`[${i}]`);
    }
    if (seen && typeof id === 'string') {
      if (seen.has(id)) return new Bad(`the signing key ${id} is listed twice (Go keeps only the last entry)`).at(`[${i}]`);
      seen.add(id);
    }
  }
  return undefined;
}

function valueProblem(v: unknown, f: FieldShape, holder: Json, key: string): Bad | undefined {
  switch (f.t) {
    case T.Str:
      return typeof v === 'string' && !isMark(v) ? undefined : wrongType(v, 'a string');
    case T.Int:
    case T.Uint:
    case T.Uint8:
      return intProblem(v, f.t);
    case T.Bool:
      return typeof v === 'boolean' ? undefined : wrongType(v, 'true or false');
    case T.Strs:
      return stringsProblem(v);
    case T.Cidrs:
      if (typeof v === 'string' && !isMark(v)) {
        if (normalize) holder[key] = cidrList(v);
        return undefined;
      }
      return stringsProblem(v);
    case T.ExportType:
      if (!normalize && typeof v === 'string') return undefined; // validation names a bad type
      return v === 'stream' || v === 'service' ? undefined : new Bad(`it is ${typeof v === 'string' && !isMark(v) ? JSON.stringify(v) : kindOf(v)}; Go knows only "stream" and "service"`);
    case T.Sampling:
      if (typeof v === 'string' && !isMark(v)) {
        if (!normalize) return undefined; // validation names a bad sampling
        if (v.toLowerCase() !== 'headers' || escapedHeaders()) return new Bad(`it is ${JSON.stringify(v)}; Go reads a whole number or "headers" (written without escapes)`);
        if (normalize && v !== 'headers') holder[key] = 'headers';
        return undefined;
      }
      return intProblem(v, T.Int);
    case T.Struct:
    case T.Ptr:
      return isObject(v) ? objectProblem(v, f.schema!) : wrongType(v, 'an object');
    case T.Structs: {
      if (!Array.isArray(v)) return wrongType(v, 'a list of objects');
      for (let i = 0; i < v.length; i++) {
        const e: unknown = v[i];
        const bad = isObject(e) ? objectProblem(e, f.schema!) : wrongType(e, 'an object');
        if (bad) return bad.at(`[${i}]`);
      }
      return undefined;
    }
    case T.IntMap:
    case T.StructMap:
    case T.StructsMap: {
      if (!isObject(v)) return wrongType(v, 'an object');
      for (const k in v) {
        const e = v[k];
        let bad: Bad | undefined;
        if (f.t === T.IntMap) bad = intProblem(e, T.Int);
        else if (f.t === T.StructMap) bad = isObject(e) ? objectProblem(e, f.schema!) : wrongType(e, 'an object');
        else bad = valueProblem(e, { t: T.Structs, schema: f.schema! }, v, k);
        if (bad) return bad.at(`[${JSON.stringify(k)}]`);
      }
      return undefined;
    }
    case T.SigningKeys:
      return signingKeysProblem(v, f.schema!);
    case T.V1Type:
      if (typeof v !== 'string' || isMark(v)) return wrongType(v, 'a string');
      // Go's identifier: a top-level type marks a v1 token, verified over its payload alone.
      return v === '' ? undefined : new Bad(`a top-level type (${JSON.stringify(v)}) marks a NATS JWT v1 token, which nats-server 2.2+ does not read`, 'UNSUPPORTED_VERSION');
    case T.Nats: {
      if (!isObject(v)) return wrongType(v, 'an object');
      const type = v.type;
      const known = typeof type === 'string' ? NATS_SHAPES.get(type) : undefined;
      return known ? objectProblem(v, known) : (objectProblem(v, GENERIC_SHAPE) ?? overflowIn(v));
    }
  }
}

function objectProblem(o: Json, s: Shape): Bad | undefined {
  for (const k in o) {
    const f = s.fields.get(k);
    if (f === undefined) {
      // Go would read this key as a field of another spelling: the token means two things.
      const folded = goFold(k);
      if (folded !== k && s.fields.has(folded)) return new Bad(`the key ${JSON.stringify(k)} is read by Go as "${folded}" (Go matches field names regardless of case), so the token is ambiguous`).at(k);
      continue;
    }
    const v = o[k];
    if (v === undefined) continue; // only in objects built in code: JSON has no undefined
    if (v === null) {
      // Go leaves a field at its zero value for null, except where UnmarshalJSON refuses it.
      if (f.t === T.Nats || (normalize && f.t === T.ExportType)) return wrongType(v, f.t === T.Nats ? 'an object' : '"stream" or "service"').at(k);
      if (normalize) delete o[k];
      continue;
    }
    const bad = valueProblem(v, f, o, k);
    if (bad) return bad.at(k);
  }
  return undefined;
}

function problemOf(bad: Bad | undefined): ShapeProblem | undefined {
  if (!bad) return undefined;
  let field = '';
  for (let i = bad.path.length - 1; i >= 0; i--) {
    const seg = bad.path[i]!;
    field += seg.startsWith('[') || field === '' ? seg : `.${seg}`;
  }
  return { code: bad.code, field, why: bad.why };
}

function run(claims: Json, rewrite: boolean, fromMarked: boolean): ShapeProblem | undefined {
  normalize = rewrite;
  marked = fromMarked;
  try {
    return problemOf(objectProblem(claims, CLAIMS_SHAPE));
  } finally {
    normalize = false;
    marked = false;
  }
}

/**
 * Checks a freshly parsed token payload against Go's structs and rewrites it as Go reads it:
 * a null field is removed (Go leaves the zero value), a comma-separated `src` becomes a list,
 * `"HEADERS"` sampling becomes `"headers"`. `payloadNotes` are decodeJwt's notes of the text;
 * `text` gives the payload's JSON text, needed only when the notes say a number literal has a
 * fraction or exponent, or a string an escape. Returns the first problem, or undefined.
 *
 * @example
 * ```ts
 * const d = verifyJwt(token);
 * const p = checkPayloadShape(d.claims, d.payloadNotes, () => payloadTextOf(d));
 * if (p) throw new SigchainError(p.code, p.why);
 * ```
 */
export function checkPayloadShape(claims: Json, payloadNotes: number, text: () => string): ShapeProblem | undefined {
  notes = payloadNotes;
  payloadText = text;
  try {
    if ((payloadNotes & JSON_FRACTIONS) !== 0) {
      // Walk a copy in which such literals are marked, to refuse them in integer fields; the
      // claims themselves (plain numbers there) are then normalised by the second walk.
      const copy = parseMarkingFractions(text());
      const p = isObject(copy) ? run(copy, false, true) : undefined;
      if (p) return p;
    }
    return run(claims, true, false);
  } finally {
    notes = 0;
    payloadText = undefined;
  }
}

/**
 * Checks claims built in code (or decoded elsewhere) against Go's structs, changing nothing:
 * the guard that lets validation read any field without a `TypeError`. Null fields pass (Go
 * reads them as absent).
 *
 * @example
 * ```ts
 * checkClaimsShape({ sub: 'U…', nats: { type: 'user', version: 2, pub: 5 } })?.field; // 'nats.pub'
 * ```
 */
export function checkClaimsShape(claims: unknown): ShapeProblem | undefined {
  if (!isObject(claims)) return { code: 'INVALID_CLAIMS', field: '', why: `the claims are ${kindOf(claims)}, not an object` };
  notes = 0;
  payloadText = undefined;
  return run(claims, false, false);
}
