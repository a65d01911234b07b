/**
 * Reads a wascap payload as serde reads wascap's structs, strictly: a field of the wrong JSON
 * type, a number serde would not read into its integer field (`2.0`, `1e3`, negative, out of
 * range) or one JavaScript cannot hold exactly (over 2^53), a missing required field, or a key
 * that differs only in case from a field (serde ignores it, a case-insensitive reader would
 * not) is a coded error, never a TypeError. `null` in an `Option` field is absent, as serde
 * reads it; unknown fields are ignored, as serde does. Linear in the payload, never recursive
 * (`config_schema`, the one free-form value, is taken as it was parsed).
 */
import { withArticle } from '../../nkeys/roles.js';
import { SigchainError } from '../../errors.js';
import { FRACTION_MARK } from '../../jwt/strict-json.js';
import { isPublicKey } from '../../nkeys/codec.js';
import { roleOfKey } from '../../nkeys/roles.js';
import { WASCAP_KIND_RULES } from './kinds.js';
import type { WascapClaims, WascapKind, WascapMetadataOf } from './types.js';

type Json = Record<string, unknown>;

/**
 * How a field is read. `u64`/`u32`/`i32`: integers in range; `map`: an object of strings.
 * `opt`: an `Option` that wascap skips when absent; `null`: an `Option` it writes as `null`;
 * `req`: required; `false`: a bool defaulting to false.
 */
type Type = 'u64' | 'u32' | 'i32' | 'string' | 'strings' | 'bool' | 'map' | 'any';
type Presence = 'req' | 'opt' | 'null' | 'false';
type Field = readonly [key: string, type: Type, presence: Presence];

/** The standard claims, in wascap's order (`wascap` is read per kind). */
export const TOP_FIELDS: readonly Field[] = [
  ['exp', 'u64', 'opt'],
  ['jti', 'string', 'req'],
  ['iat', 'u64', 'req'],
  ['iss', 'string', 'req'],
  ['sub', 'string', 'req'],
  ['nbf', 'u64', 'opt'],
  ['wascap', 'any', 'req'],
  ['wascap_revision', 'u32', 'opt'],
];

const SIGNERS: readonly Field[] = [
  ['name', 'string', 'null'],
  ['valid_signers', 'strings', 'null'],
];

/** Each kind's `wascap` fields, in wascap's order. */
export const METADATA_FIELDS: Readonly<Record<WascapKind, readonly Field[]>> = {
  operator: SIGNERS,
  account: SIGNERS,
  cluster: SIGNERS,
  actor: [
    ['name', 'string', 'opt'],
    ['hash', 'string', 'req'],
    ['tags', 'strings', 'opt'],
    ['caps', 'strings', 'opt'],
    ['rev', 'i32', 'opt'],
    ['ver', 'string', 'opt'],
    ['call_alias', 'string', 'opt'],
    ['prov', 'bool', 'false'],
  ],
  provider: [
    ['name', 'string', 'null'],
    ['capid', 'string', 'opt'],
    ['vendor', 'string', 'req'],
    ['rev', 'i32', 'opt'],
    ['ver', 'string', 'opt'],
    ['target_hashes', 'map', 'req'],
    ['config_schema', 'any', 'opt'],
  ],
  host: [
    ['name', 'string', 'null'],
    ['labels', 'map', 'opt'],
  ],
  invocation: [
    ['target_url', 'string', 'req'],
    ['origin_url', 'string', 'req'],
    ['hash', 'string', 'req'],
  ],
};

function malformed(field: string, why: string): SigchainError {
  return new SigchainError('MALFORMED_TOKEN', `The token's claims are not what wascap reads at ${field}: ${why}. wasmCloud refuses such a token; re-issue it with sigchain or wash.`, { field });
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string' && v.startsWith(FRACTION_MARK)) return `the number ${v.slice(1)} (not a whole number)`;
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

const RANGES = { u64: [0, Number.MAX_SAFE_INTEGER], u32: [0, 0xffffffff], i32: [-0x80000000, 0x7fffffff] } as const;

function read(v: unknown, type: Type, field: string): unknown {
  switch (type) {
    case 'u64':
    case 'u32':
    case 'i32': {
      if (typeof v !== 'number' || !Number.isInteger(v)) throw malformed(field, `expected a whole number, got ${typeName(v)}`);
      const [lo, hi] = RANGES[type];
      if (v < lo || v > hi) throw malformed(field, `${v} is outside ${lo}…${hi}${type === 'u64' ? ' (sigchain reads numbers up to 2^53 exactly)' : ''}`);
      return v === 0 ? 0 : v; // -0 reads as 0
    }
    case 'string':
      if (typeof v !== 'string' || v.startsWith(FRACTION_MARK)) throw malformed(field, `expected a string, got ${typeName(v)}`);
      return v;
    case 'bool':
      if (typeof v !== 'boolean') throw malformed(field, `expected true or false, got ${typeName(v)}`);
      return v;
    case 'strings': {
      if (!Array.isArray(v)) throw malformed(field, `expected an array of strings, got ${typeName(v)}`);
      for (let i = 0; i < v.length; i++) if (typeof v[i] !== 'string' || (v[i] as string).startsWith(FRACTION_MARK)) throw malformed(`${field}[${i}]`, `expected a string, got ${typeName(v[i])}`);
      return [...(v as string[])];
    }
    case 'map': {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) throw malformed(field, `expected an object of strings, got ${typeName(v)}`);
      const out: Record<string, string> = {};
      for (const k in v as Json) {
        const x = (v as Json)[k];
        if (typeof x !== 'string' || x.startsWith(FRACTION_MARK)) throw malformed(`${field}.${k}`, `expected a string, got ${typeName(x)}`);
        out[k] = x;
      }
      return out;
    }
    case 'any':
      return v;
  }
}

// A key serde ignores but a case-insensitive reader would take for a field: refused.
function refuseCaseTwins(obj: Json, fields: readonly Field[], prefix: string): void {
  for (const k in obj) {
    if (fields.some((f) => f[0] === k)) continue;
    const lower = k.toLowerCase();
    const twin = fields.find((f) => f[0] === lower);
    if (twin) throw malformed(`${prefix}${k}`, `the key ${JSON.stringify(k)} differs from the field "${twin[0]}" only in case (serde ignores it, other readers would not)`);
  }
}

/** Reads `obj` by `fields` into a new object in field order; `plain` supplies `any` values as parsed. */
function readFields(obj: Json, plain: Json, fields: readonly Field[], prefix: string): Json {
  refuseCaseTwins(obj, fields, prefix);
  const out: Json = {};
  for (const [key, type, presence] of fields) {
    const v = Object.hasOwn(obj, key) ? obj[key] : undefined;
    const field = `${prefix}${key}`;
    if (v === undefined || (v === null && presence !== 'req' && presence !== 'false')) {
      if (presence === 'req') throw malformed(field, 'a required field is missing');
      if (presence === 'null') out[key] = null;
      else if (presence === 'false') out[key] = false;
      continue;
    }
    out[key] = type === 'any' ? plain[key] : read(v, type, field);
  }
  return out;
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The standard claims of a wascap payload, read strictly (`wascap` still raw). `marked` is the
 * payload parsed with fractions marked (see strict-json's `parseMarkingFractions`), or `claims`
 * itself when it has none.
 */
export function readTopLevel(claims: Json, marked: Json): Json {
  if (!isObject(claims)) throw malformed('(payload)', 'it is not a JSON object');
  const top = readFields(marked, claims, TOP_FIELDS, '');
  if (top.jti === '' || top.iss === '' || top.sub === '') throw malformed(top.iss === '' ? 'iss' : top.sub === '' ? 'sub' : 'jti', 'it is empty');
  return top;
}

/**
 * The `wascap` object of a `kind` token, read strictly into a new object in wascap's field
 * order; `valid_signers` must be public keys of the subject's role (`WRONG_KEY_ROLE`).
 */
export function readMetadata<K extends WascapKind>(kind: K, raw: unknown, plainRaw: unknown): WascapMetadataOf[K] {
  if (!isObject(raw) || !isObject(plainRaw)) throw malformed('wascap', `expected the ${kind} metadata object, got ${typeName(raw)}`);
  const out = readFields(raw, plainRaw, METADATA_FIELDS[kind], 'wascap.');
  const signers = WASCAP_KIND_RULES[kind].signers;
  if (signers && Array.isArray(out.valid_signers)) {
    (out.valid_signers as string[]).forEach((k, i) => {
      const field = `wascap.valid_signers[${i}]`;
      const role = roleOfKey(k);
      if (role !== signers) {
        throw new SigchainError('WRONG_KEY_ROLE', `The valid_signers of ${kind === 'account' ? 'an' : 'a'} ${kind} token must be ${signers} keys; entry ${i} is ${role ? `${withArticle(role)} key` : 'not a public key'}. Re-issue the token with ${signers} signing keys.`, { field });
      }
      if (!isPublicKey(k)) throw new SigchainError('INVALID_CLAIMS', `Entry ${i} of valid_signers is not a valid public key (bad checksum or characters). Re-issue the token.`, { field });
    });
  }
  return out as unknown as WascapMetadataOf[K];
}

/** Claims already read by {@link readTopLevel}, with their metadata read for `kind`. */
export function withMetadata<K extends WascapKind>(kind: K, top: Json, marked: Json, plain: Json): WascapClaims<WascapMetadataOf[K]> {
  const wascap = readMetadata(kind, marked.wascap, plain.wascap);
  const out: Json = {};
  for (const [key] of TOP_FIELDS) {
    if (key === 'wascap') out.wascap = wascap;
    else if (top[key] !== undefined) out[key] = top[key];
  }
  return out as unknown as WascapClaims<WascapMetadataOf[K]>;
}
