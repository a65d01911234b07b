/**
 * Writes claim objects in the Go library's struct field order with Go's `omitempty`
 * rules, so `goJson` of the result is byte for byte what nats-io/jwt/v2 emits.
 *
 * Each Go struct is described once as a schema (field name + how Go treats it). The
 * walk builds the ordered copy in a single pass; fields a schema does not know (newer
 * servers add some) are kept, after the known ones and before Go's GenericFields.
 */

// How Go's encoding/json treats a field.
const enum K {
  /** Scalar or slice with omitempty: left out when "", 0, false, null or []. */
  Opt,
  /** Number without omitempty: always written, 0 when absent. */
  Num,
  /** String without omitempty: always written, "" when absent. */
  Str,
  /** Slice without omitempty: always written, null when absent. */
  List,
  /** Non-pointer struct: always written, `{}` when empty (omitempty never drops structs). */
  Struct,
  /** Pointer to struct with omitempty: left out when absent. */
  Ptr,
  /** Slice of structs with omitempty. */
  Structs,
  /** Slice of structs with omitempty, sorted by `subject` (Go sorts exports/imports on Encode). */
  SortedStructs,
  /** map[string]scalar with omitempty: keys sorted. */
  Map,
  /** map[string]struct with omitempty: keys sorted. */
  StructMap,
  /** map[string][]struct with omitempty: keys sorted. */
  StructsMap,
  /** Account signing keys: a map marshalled as an array sorted by key, plain keys as strings. */
  SigningKeys,
}

interface Field {
  readonly name: string;
  readonly kind: K;
  readonly schema?: Schema;
}

/** A Go struct: its fields in order, then the embedded GenericFields (`tail`). */
export interface Schema {
  readonly fields: readonly Field[];
  readonly tail: readonly Field[];
  readonly known: ReadonlySet<string>;
}

function schema(fields: Field[], tail: Field[] = []): Schema {
  return { fields, tail, known: new Set([...fields, ...tail].map((f) => f.name)) };
}
const opt = (...names: string[]): Field[] => names.map((name) => ({ name, kind: K.Opt }));
const f = (name: string, kind: K, s?: Schema): Field => (s ? { name, kind, schema: s } : { name, kind });

const GENERIC_TAIL = opt('tags', 'type', 'version');

const PERMISSION = schema(opt('allow', 'deny'));
const RESPONSE = schema([f('max', K.Num), f('ttl', K.Num)]);
const TIME_RANGE = schema(opt('start', 'end'));

// Permissions, then Limits{UserLimits, NatsLimits}, then the user-level flags.
const USER_PERMISSION_LIMIT_FIELDS: Field[] = [
  f('pub', K.Struct, PERMISSION),
  f('sub', K.Struct, PERMISSION),
  f('resp', K.Ptr, RESPONSE),
  f('src', K.Opt),
  f('times', K.Structs, TIME_RANGE),
  ...opt('times_location', 'subs', 'data', 'payload', 'bearer_token', 'allowed_connection_types'),
];

export const USER_PERMISSION_LIMITS = schema(USER_PERMISSION_LIMIT_FIELDS);
export const USER = schema([...USER_PERMISSION_LIMIT_FIELDS, ...opt('issuer_account')], GENERIC_TAIL);

const USER_SCOPE = schema([f('kind', K.Str), f('key', K.Str), f('role', K.Str), f('template', K.Struct, USER_PERMISSION_LIMITS), ...opt('description')]);

const JETSTREAM_LIMIT_NAMES = ['mem_storage', 'disk_storage', 'streams', 'consumer', 'max_ack_pending', 'mem_max_stream_bytes', 'disk_max_stream_bytes', 'max_bytes_required'];
const JETSTREAM_LIMITS = schema(opt(...JETSTREAM_LIMIT_NAMES));
const OPERATOR_LIMITS = schema([
  ...opt('subs', 'data', 'payload', 'imports', 'exports', 'wildcards', 'disallow_bearer', 'conn', 'leaf', ...JETSTREAM_LIMIT_NAMES),
  f('tiered_limits', K.StructMap, JETSTREAM_LIMITS),
]);

const LATENCY = schema([f('sampling', K.Opt), f('results', K.Str)]);
const EXPORT = schema([
  ...opt('name', 'subject', 'type', 'token_req'),
  f('revocations', K.Map),
  ...opt('response_type', 'response_threshold'),
  f('service_latency', K.Ptr, LATENCY),
  ...opt('account_token_position', 'advertise', 'allow_trace', 'description', 'info_url'),
]);
const IMPORT = schema(opt('name', 'subject', 'account', 'token', 'to', 'local_subject', 'type', 'share', 'allow_trace'));
const WEIGHTED_MAPPING = schema([f('subject', K.Str), ...opt('weight', 'cluster')]);
const AUTHORIZATION = schema([f('auth_users', K.List), ...opt('allowed_accounts', 'xkey')]);
const MSG_TRACE = schema(opt('dest', 'sampling'));
const PERMISSIONS = schema([f('pub', K.Struct, PERMISSION), f('sub', K.Struct, PERMISSION), f('resp', K.Ptr, RESPONSE)]);

export const ACCOUNT = schema(
  [
    f('imports', K.SortedStructs, IMPORT),
    f('exports', K.SortedStructs, EXPORT),
    f('limits', K.Struct, OPERATOR_LIMITS),
    f('signing_keys', K.SigningKeys, USER_SCOPE),
    f('revocations', K.Map),
    f('default_permissions', K.Struct, PERMISSIONS),
    f('mappings', K.StructsMap, WEIGHTED_MAPPING),
    // jwt v2.3.0 (nats-server 2.9.x) has no auth callout; newer Go always writes it. Writing it
    // only when present reproduces both: tokens that carry it keep it.
    f('authorization', K.Ptr, AUTHORIZATION),
    f('trace', K.Ptr, MSG_TRACE),
    ...opt('cluster_traffic', 'description', 'info_url'),
  ],
  GENERIC_TAIL,
);

export const OPERATOR = schema(
  opt('signing_keys', 'account_server_url', 'operator_service_urls', 'system_account', 'assert_server_version', 'strict_signing_key_usage'),
  GENERIC_TAIL,
);

export const ACTIVATION = schema(opt('subject', 'kind', 'issuer_account'), GENERIC_TAIL);

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isEmpty(v: unknown): boolean {
  return v === undefined || v === null || v === '' || v === 0 || v === false || (Array.isArray(v) && v.length === 0);
}

function structs(v: unknown[], s: Schema): unknown[] {
  const out = new Array<unknown>(v.length);
  for (let i = 0; i < v.length; i++) out[i] = ordered(v[i], s);
  return out;
}

function bySubject(a: unknown, b: unknown): number {
  const x = isObject(a) ? String(a.subject ?? '') : '';
  const y = isObject(b) ? String(b.subject ?? '') : '';
  return x < y ? -1 : x > y ? 1 : 0;
}

function signingKeyId(v: unknown): string {
  return typeof v === 'string' ? v : isObject(v) ? String(v.key ?? '') : '';
}

function signingKeys(v: unknown[], s: Schema): unknown[] {
  // A Go map: one entry per key (the last one read wins), marshalled sorted by key.
  const byKey = new Map<string, unknown>();
  for (const k of v) byKey.set(signingKeyId(k), k);
  const keys = [...byKey.keys()].sort();
  return keys.map((k) => {
    const e = byKey.get(k);
    return typeof e === 'string' ? e : ordered(e, s);
  });
}

function sortedMap(m: Record<string, unknown>, each?: (v: unknown) => unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(m).sort()) {
    const v = m[k];
    if (v !== undefined) out[k] = each ? each(v) : v;
  }
  return out;
}

function emit(out: Record<string, unknown>, field: Field, v: unknown): void {
  const s = field.schema;
  switch (field.kind) {
    case K.Opt:
      if (!isEmpty(v)) out[field.name] = v;
      return;
    case K.Num:
      out[field.name] = v ?? 0;
      return;
    case K.Str:
      out[field.name] = v ?? '';
      return;
    case K.List:
      out[field.name] = v ?? null;
      return;
    case K.Struct:
      out[field.name] = ordered(v, s!);
      return;
    case K.Ptr:
      if (v !== undefined && v !== null) out[field.name] = ordered(v, s!);
      return;
    case K.Structs:
      if (Array.isArray(v) && v.length > 0) out[field.name] = structs(v, s!);
      else if (!isEmpty(v)) out[field.name] = v;
      return;
    case K.SortedStructs:
      if (Array.isArray(v) && v.length > 0) out[field.name] = structs(v, s!).sort(bySubject);
      else if (!isEmpty(v)) out[field.name] = v;
      return;
    case K.SigningKeys:
      if (Array.isArray(v) && v.length > 0) out[field.name] = signingKeys(v, s!);
      else if (!isEmpty(v)) out[field.name] = v;
      return;
    case K.Map:
    case K.StructMap:
    case K.StructsMap:
      if (isObject(v)) {
        if (Object.keys(v).length === 0) return;
        out[field.name] =
          field.kind === K.Map
            ? sortedMap(v)
            : sortedMap(v, field.kind === K.StructMap ? (x) => ordered(x, s!) : (x) => (Array.isArray(x) ? structs(x, s!) : x));
      } else if (!isEmpty(v)) out[field.name] = v;
      return;
  }
}

/**
 * A copy of `src` with its keys in the Go struct order `s`, omitempty applied, and any
 * keys `s` does not know kept (before the GenericFields tail). `tail` overrides tail values
 * (the encoder forces `type` and `version`). Non-objects pass through.
 */
export function ordered(src: unknown, s: Schema, tail?: Readonly<Record<string, unknown>>): unknown {
  if (src === undefined || src === null) src = {};
  if (!isObject(src)) return src;
  const out: Record<string, unknown> = {};
  for (const field of s.fields) emit(out, field, src[field.name]);
  for (const k in src) {
    if (!s.known.has(k)) {
      const v = src[k];
      if (v !== undefined) out[k] = v;
    }
  }
  for (const field of s.tail) emit(out, field, tail && field.name in tail ? tail[field.name] : src[field.name]);
  return out;
}

/** Go marshals `map[string]interface{}` with sorted keys at every depth (generic claims). */
export function sortedDeep(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortedDeep);
  if (!isObject(v)) return v;
  return sortedMap(v, sortedDeep);
}
