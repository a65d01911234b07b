/**
 * The JSON shape of NATS JWT v2 claims, field for field as Go's nats-io/jwt v2 declares its
 * structs (2.3.0, what nats-server 2.9 decodes with, plus the fields later versions added:
 * those are typed as the later Go types them, which is stricter than 2.3.0 ignoring them).
 * check-shape.ts walks a payload against these tables. Every Go type a field can have is one
 * {@link T} value; embedded Go structs (Permissions, Limits, Info, GenericFields…) are flattened
 * into their parent, as encoding/json promotes their fields.
 */

/** How Go's decoder reads one field (its Go type), and so which JSON it accepts. */
export const enum T {
  /** string (and string types: Subject, ResponseType, ClaimType…). */
  Str,
  /** int, int64, time.Duration: a whole-number literal (no fraction, no exponent). */
  Int,
  /** uint: as Int, and not negative (not even -0). */
  Uint,
  /** uint8: 0..255. */
  Uint8,
  /** bool. */
  Bool,
  /** StringList, TagList: an array of strings. */
  Strs,
  /** CIDRList: an array of strings, or one comma-separated string. */
  Cidrs,
  /** ExportType: exactly "stream" or "service" (its UnmarshalJSON refuses anything else, null too). */
  ExportType,
  /** SamplingRate: an integer, or "headers" in any case, written without escapes (Go compares the raw bytes). */
  Sampling,
  /** A struct: an object walked with the field's schema. */
  Struct,
  /** A pointer to a struct (omitempty): an object, or null. */
  Ptr,
  /** A slice of structs or of pointers to structs: an array of objects. */
  Structs,
  /** RevocationList (map[string]int64): an object of integers. */
  IntMap,
  /** map[string]struct (JetStreamTieredLimits): an object of objects. */
  StructMap,
  /** map[Subject][]struct (Mapping): an object of arrays of objects. */
  StructsMap,
  /** SigningKeys: an array of public keys and `user_scope` objects (a Go map keyed by key). */
  SigningKeys,
  /** The top-level `type` (Go's v1 marker: a non-empty one makes Go read the token as v1). */
  V1Type,
  /** The `nats` object: its schema is chosen by `nats.type`. */
  Nats,
}

/** One field: its Go type and, for structured types, the schema of the struct inside. */
export interface FieldShape {
  readonly t: T;
  readonly schema?: Shape;
}

/** A Go struct: its JSON field names (exact, as Go's tags spell them) and their shapes. */
export interface Shape {
  readonly fields: ReadonlyMap<string, FieldShape>;
}

type Entry = [name: string, t: T, schema?: Shape];

function shape(...groups: Entry[][]): Shape {
  const fields = new Map<string, FieldShape>();
  for (const group of groups) for (const [name, t, s] of group) fields.set(name, s ? { t, schema: s } : { t });
  return { fields };
}

const named = (t: T, ...names: string[]): Entry[] => names.map((n) => [n, t]);

// Go GenericFields, embedded last in every nats struct.
const GENERIC_FIELDS: Entry[] = [['tags', T.Strs], ['type', T.Str], ['version', T.Int]];
// Go Info, embedded in Account and Export.
const INFO: Entry[] = named(T.Str, 'description', 'info_url');

const PERMISSION = shape(named(T.Strs, 'allow', 'deny'));
const RESPONSE_PERMISSION = shape(named(T.Int, 'max', 'ttl'));
const TIME_RANGE = shape(named(T.Str, 'start', 'end'));

// Go Permissions {pub, sub, resp}.
const PERMISSIONS: Entry[] = [['pub', T.Struct, PERMISSION], ['sub', T.Struct, PERMISSION], ['resp', T.Ptr, RESPONSE_PERMISSION]];
// Go NatsLimits.
const NATS_LIMITS: Entry[] = named(T.Int, 'subs', 'data', 'payload');
// Go UserPermissionLimits: Permissions, Limits {UserLimits, NatsLimits}, the user flags.
const USER_PERMISSION_LIMITS: Entry[] = [
  ...PERMISSIONS,
  ['src', T.Cidrs],
  ['times', T.Structs, TIME_RANGE],
  ['times_location', T.Str],
  ...NATS_LIMITS,
  ['bearer_token', T.Bool],
  ['proxy_required', T.Bool], // jwt ≥ 2.7
  ['allowed_connection_types', T.Strs],
];

/** Go `User` (the `nats` of a user token). */
const USER_SHAPE = shape(USER_PERMISSION_LIMITS, [['issuer_account', T.Str]], GENERIC_FIELDS);

/** Go `UserScope` (a scoped account signing key). */
export const USER_SCOPE_SHAPE = shape([
  ['kind', T.Str], // its ScopeType value is checked where signing keys are read
  ['key', T.Str],
  ['role', T.Str],
  ['template', T.Struct, shape(USER_PERMISSION_LIMITS)],
  ['description', T.Str], // jwt ≥ 2.5
]);

const JETSTREAM_LIMITS: Entry[] = [
  ...named(T.Int, 'mem_storage', 'disk_storage', 'streams', 'consumer', 'max_ack_pending', 'mem_max_stream_bytes', 'disk_max_stream_bytes'),
  ['max_bytes_required', T.Bool],
];
const OPERATOR_LIMITS = shape(
  NATS_LIMITS,
  named(T.Int, 'imports', 'exports'),
  [['wildcards', T.Bool], ['disallow_bearer', T.Bool]],
  named(T.Int, 'conn', 'leaf'),
  JETSTREAM_LIMITS,
  [['tiered_limits', T.StructMap, shape(JETSTREAM_LIMITS)]],
);

const SERVICE_LATENCY = shape([['sampling', T.Sampling], ['results', T.Str]]);
const EXPORT = shape(
  [
    ['name', T.Str],
    ['subject', T.Str],
    ['type', T.ExportType],
    ['token_req', T.Bool],
    ['revocations', T.IntMap],
    ['response_type', T.Str],
    ['response_threshold', T.Int],
    ['service_latency', T.Ptr, SERVICE_LATENCY],
    ['account_token_position', T.Uint],
    ['advertise', T.Bool],
    ['allow_trace', T.Bool], // jwt ≥ 2.5
  ],
  INFO,
);
const IMPORT = shape([
  ...named(T.Str, 'name', 'subject', 'account', 'token', 'to', 'local_subject'),
  ['type', T.ExportType],
  ['share', T.Bool],
  ['allow_trace', T.Bool], // jwt ≥ 2.5
]);
const WEIGHTED_MAPPING = shape([['subject', T.Str], ['weight', T.Uint8], ['cluster', T.Str]]);
const EXTERNAL_AUTHORIZATION = shape(named(T.Strs, 'auth_users', 'allowed_accounts'), [['xkey', T.Str]]); // jwt ≥ 2.4
const MSG_TRACE = shape([['dest', T.Str], ['sampling', T.Int]]); // jwt ≥ 2.5

/** Go `Account`. */
const ACCOUNT_SHAPE = shape(
  [
    ['imports', T.Structs, IMPORT],
    ['exports', T.Structs, EXPORT],
    ['limits', T.Struct, OPERATOR_LIMITS],
    ['signing_keys', T.SigningKeys, USER_SCOPE_SHAPE],
    ['revocations', T.IntMap],
    ['default_permissions', T.Struct, shape(PERMISSIONS)],
    ['mappings', T.StructsMap, WEIGHTED_MAPPING],
    ['authorization', T.Struct, EXTERNAL_AUTHORIZATION],
    ['trace', T.Ptr, MSG_TRACE],
    ['cluster_traffic', T.Str],
  ],
  INFO,
  GENERIC_FIELDS,
);

/** Go `Operator`. */
const OPERATOR_SHAPE = shape(
  [
    ['signing_keys', T.Strs],
    ['account_server_url', T.Str],
    ['operator_service_urls', T.Strs],
    ['system_account', T.Str],
    ['assert_server_version', T.Str],
    ['strict_signing_key_usage', T.Bool],
  ],
  GENERIC_FIELDS,
);

/** Go `Activation`. */
const ACTIVATION_SHAPE = shape([['subject', T.Str], ['kind', T.ExportType], ['issuer_account', T.Str]], GENERIC_FIELDS);

/** Any other `nats.type` (Go's GenericClaims): only GenericFields are typed; the rest is free JSON. */
export const GENERIC_SHAPE = shape(GENERIC_FIELDS);

/**
 * The payload: Go `ClaimsData`, the `nats` object, and the top-level `type` Go's `identifier`
 * reads to tell v1 tokens from v2.
 */
export const CLAIMS_SHAPE = shape(named(T.Str, 'aud'), [['exp', T.Int], ['jti', T.Str], ['iat', T.Int]], named(T.Str, 'iss', 'name'), [
  ['nbf', T.Int],
  ['sub', T.Str],
  ['type', T.V1Type],
  ['nats', T.Nats],
]);

/** The shape of `nats` for each claim type (a Map: a type such as "__proto__" finds nothing). */
export const NATS_SHAPES: ReadonlyMap<string, Shape> = new Map([
  ['user', USER_SHAPE],
  ['account', ACCOUNT_SHAPE],
  ['operator', OPERATOR_SHAPE],
  ['activation', ACTIVATION_SHAPE],
]);
