/**
 * NATS JWT v2 claim shapes, field for field as github.com/nats-io/jwt/v2 writes them
 * (JSON names, snake_case). Optional fields mirror Go's `omitempty`; a decoded token may
 * also carry fields this file does not name (newer servers add some): they stay on the
 * object as plain extra properties and are written back by the encoder, so a decode →
 * re-encode round trip loses nothing.
 *
 * @example
 * ```ts
 * import { newUserClaims, type UserClaims } from 'sigchain/claims';
 * const u: UserClaims = newUserClaims('alice', userKey.publicKey);
 * u.nats.pub = { allow: ['orders.>'] };
 * ```
 */

/** The `nats.type` values of v2 tokens sigchain issues. */
export type NatsClaimType = 'operator' | 'account' | 'user' | 'activation';

/** The only token version sigchain reads and writes. */
export const NATS_JWT_VERSION = 2;

/** Go `GenericFields`: last in every `nats` object. */
export interface GenericFields<T extends string = string> {
  /** Lower-cased, trimmed, unique (see `addTags`). Written as stored. */
  tags?: string[];
  type: T;
  version: number;
}

/** Go `ClaimsData` plus the type-specific `nats` object. */
export interface NatsClaimsOf<N> {
  /** Audience. jwt.js always writes "NATS"; Go leaves it empty. */
  aud?: string;
  /** Expiry, Unix seconds. 0/absent = never. */
  exp?: number;
  /** Set by the encoder (Go's algorithm). */
  jti?: string;
  /** Issued-at, Unix seconds. Set by the encoder. */
  iat?: number;
  /** Issuer public key. Set by the encoder to the signer's key. */
  iss?: string;
  name?: string;
  /** Not-before, Unix seconds. */
  nbf?: number;
  /** Subject public key: who the token is about. */
  sub: string;
  nats: N;
}

/** One direction of subject permissions. Sub entries may be `"subject queue"`. */
export interface Permission {
  allow?: string[];
  deny?: string[];
}

/** Allows replying to received requests: `max` messages within `ttl` nanoseconds. */
export interface ResponsePermission {
  max: number;
  /** Go `time.Duration`: nanoseconds. */
  ttl: number;
}

/** Go `Permissions`. `pub`/`sub` are always written (as `{}` when empty). */
export interface Permissions {
  pub?: Permission;
  sub?: Permission;
  resp?: ResponsePermission;
}

/** A daily window in which a user may connect, `hh:mm:ss`. */
export interface TimeRange {
  start: string;
  end: string;
}

/** Go `UserLimits`. NB: the zone field is `times_location` (jwt.js wrongly writes `locale`). */
export interface UserLimits {
  /** CIDRs the user may connect from. */
  src?: string[];
  times?: TimeRange[];
  /** IANA time zone of `times`. */
  times_location?: string;
}

/** Go `NatsLimits`. -1 = unlimited; 0/absent = Go's zero value. */
export interface NatsLimits {
  subs?: number;
  data?: number;
  payload?: number;
}

/** Connection kinds a user may be restricted to. */
export type ConnectionType = 'STANDARD' | 'WEBSOCKET' | 'LEAFNODE' | 'LEAFNODE_WS' | 'MQTT' | 'MQTT_WS' | 'IN_PROCESS';

export const CONNECTION_TYPES: readonly ConnectionType[] = ['STANDARD', 'WEBSOCKET', 'LEAFNODE', 'LEAFNODE_WS', 'MQTT', 'MQTT_WS', 'IN_PROCESS'];

/** Go `UserPermissionLimits`: what a user may do; also the template of a scoped signing key. */
export interface UserPermissionLimits extends Permissions, UserLimits, NatsLimits {
  /** Skip the nonce signature at connect time. */
  bearer_token?: boolean;
  allowed_connection_types?: (ConnectionType | string)[];
}

/** `nats` of a user token. */
export interface User extends UserPermissionLimits, GenericFields<'user'> {
  /** The account, when the issuer is one of its signing keys (required then). */
  issuer_account?: string;
}

export type UserClaims = NatsClaimsOf<User>;

/** A signing key restricted to minting users with exactly `template`'s permissions. */
export interface UserScope {
  kind: 'user_scope';
  /** The account signing key (A…). */
  key: string;
  role: string;
  template: UserPermissionLimits;
  description?: string;
}

/** An account signing key: plain public key (unscoped) or a scope. */
export type AccountSigningKey = string | UserScope;

/** Go `AccountLimits`. */
export interface AccountLimits {
  imports?: number;
  exports?: number;
  /** Wildcard exports allowed. */
  wildcards?: boolean;
  /** Users of this account may not be bearer tokens. */
  disallow_bearer?: boolean;
  conn?: number;
  leaf?: number;
}

/** Go `JetStreamLimits`. JetStream is enabled iff mem_storage or disk_storage is non-zero. */
export interface JetStreamLimits {
  mem_storage?: number;
  disk_storage?: number;
  streams?: number;
  consumer?: number;
  max_ack_pending?: number;
  mem_max_stream_bytes?: number;
  disk_max_stream_bytes?: number;
  max_bytes_required?: boolean;
}

/** Go `OperatorLimits`: the limits an operator puts on an account. */
export interface OperatorLimits extends NatsLimits, AccountLimits, JetStreamLimits {
  /** Per-tier JetStream limits (e.g. R1, R3); exclusive with the flat JetStream ones. */
  tiered_limits?: Record<string, JetStreamLimits>;
}

export type ExportType = 'stream' | 'service';

/** Service export latency tracking: `sampling` 1..100 or "headers". */
export interface ServiceLatency {
  sampling?: number | 'headers';
  results: string;
}

/** Go `RevocationList`: public key (or "*") → Unix seconds; tokens issued at or before are revoked. */
export type RevocationList = Record<string, number>;

export interface Export {
  name?: string;
  subject: string;
  type: ExportType;
  /** Importers need an activation token. */
  token_req?: boolean;
  /** Revoked activations, keyed by importing account. */
  revocations?: RevocationList;
  response_type?: 'Singleton' | 'Stream' | 'Chunked';
  /** Nanoseconds. */
  response_threshold?: number;
  service_latency?: ServiceLatency;
  account_token_position?: number;
  advertise?: boolean;
  allow_trace?: boolean;
  description?: string;
  info_url?: string;
}

export interface Import {
  name?: string;
  subject: string;
  /** The exporting account. */
  account: string;
  /** Activation token (or URL) for private exports. */
  token?: string;
  /** Deprecated: use local_subject. */
  to?: string;
  local_subject?: string;
  type: ExportType;
  share?: boolean;
  allow_trace?: boolean;
}

/** One destination of a subject mapping. Weight 1..100, default 100. */
export interface WeightedMapping {
  subject: string;
  weight?: number;
  cluster?: string;
}

/** Auth callout (server ≥ 2.10). */
export interface ExternalAuthorization {
  auth_users?: string[] | null;
  allowed_accounts?: string[];
  xkey?: string;
}

/** Message tracing destination (newer servers). */
export interface MsgTrace {
  dest?: string;
  sampling?: number;
}

/** `nats` of an account token. */
export interface Account extends GenericFields<'account'> {
  imports?: Import[];
  exports?: Export[];
  /** Always written. Zero limits lock the account out: use {@link newAccountClaims}' defaults. */
  limits?: OperatorLimits;
  /** Sorted by key when written. */
  signing_keys?: AccountSigningKey[];
  revocations?: RevocationList;
  default_permissions?: Permissions;
  mappings?: Record<string, WeightedMapping[]>;
  authorization?: ExternalAuthorization;
  trace?: MsgTrace;
  cluster_traffic?: string;
  description?: string;
  info_url?: string;
}

export type AccountClaims = NatsClaimsOf<Account>;

/** `nats` of an operator token. */
export interface Operator extends GenericFields<'operator'> {
  /** Operator signing keys (O…), written in stored order. */
  signing_keys?: string[];
  account_server_url?: string;
  operator_service_urls?: string[];
  system_account?: string;
  /** "major.minor.patch": servers older than this refuse to start. */
  assert_server_version?: string;
  /** Only signing keys may sign accounts (and, cascading, users). */
  strict_signing_key_usage?: boolean;
}

export type OperatorClaims = NatsClaimsOf<Operator>;

/** `nats` of an activation token: lets `sub` (importing account) import `subject`. */
export interface Activation extends GenericFields<'activation'> {
  subject: string;
  kind: ExportType;
  issuer_account?: string;
}

export type ActivationClaims = NatsClaimsOf<Activation>;

/** `nats` of any other token (e.g. nsc's delete request). Written with sorted keys, as Go does. */
export interface Generic {
  type?: string;
  version?: number;
  [key: string]: unknown;
}

export type GenericClaims = NatsClaimsOf<Generic>;

/** Any NATS v2 claims; check `nats.type` with the `is…Claims` guards to narrow. */
export type NatsClaims = OperatorClaims | AccountClaims | UserClaims | ActivationClaims | GenericClaims;

/** Options every encoder takes. */
export interface EncodeOptions {
  /** Issued-at override (Unix seconds), for reproducible tokens; defaults to now. */
  iat?: number;
}

/**
 * True when the claims are a user token (narrows the type).
 *
 * @example
 * ```ts
 * const c = decodeNatsClaims(jwt);
 * if (isUserClaims(c)) c.nats.pub;
 * ```
 */
export function isUserClaims(c: NatsClaims): c is UserClaims {
  return c.nats?.type === 'user';
}
/** True when the claims are an account token. */
export function isAccountClaims(c: NatsClaims): c is AccountClaims {
  return c.nats?.type === 'account';
}
/** True when the claims are an operator token. */
export function isOperatorClaims(c: NatsClaims): c is OperatorClaims {
  return c.nats?.type === 'operator';
}
/** True when the claims are an activation token. */
export function isActivationClaims(c: NatsClaims): c is ActivationClaims {
  return c.nats?.type === 'activation';
}
