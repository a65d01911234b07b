/**
 * wascap claims as wasmCloud's `wascap` crate writes them (wasmCloud/wascap 0.11 `src/jwt.rs`,
 * wasmCloud/wasmCloud `crates/wascap` 0.16): the standard claims in the Rust struct's field
 * order, a `wascap` object per kind of entity, and `wascap_revision`. Optional fields the crate
 * skips when absent are optional here; `Option` fields it writes as `null` (an account's `name`,
 * `valid_signers`, …) are `T | null`.
 */

/** The kinds of wascap token. `actor` is also wasmCloud 1.x's "component" (same fields, no `caps`). */
export type WascapKind = 'operator' | 'account' | 'actor' | 'provider' | 'cluster' | 'host' | 'invocation';

/** Every wascap kind, leaf-most entities last. */
export const WASCAP_KINDS: readonly WascapKind[] = Object.freeze(['operator', 'account', 'cluster', 'host', 'actor', 'provider', 'invocation']);

/** The revision wascap writes into new tokens (module hash revision 3). */
export const WASCAP_REVISION = 3;

/** Actor (≤ 0.13) / component (≥ 0.14) metadata: `name?, hash, tags?, caps?, rev?, ver?, call_alias?, prov`. */
export interface ActorMetadata {
  name?: string;
  /** The module hash (upper-case hex SHA-256); `""` until the claims are embedded. */
  hash: string;
  tags?: string[];
  /** Capability contract ids (actors up to wascap 0.13; components have none). */
  caps?: string[];
  rev?: number;
  ver?: string;
  call_alias?: string;
  /** Whether the module is a capability provider; `false` when absent. */
  prov: boolean;
}

/** Capability provider metadata: `name, capid?, vendor, rev?, ver?, target_hashes, config_schema?`. */
export interface ProviderMetadata {
  name: string | null;
  /** The contract id (wascap up to 0.13 always wrote it; later versions have none). */
  capid?: string;
  vendor: string;
  rev?: number;
  ver?: string;
  /** Target triple (e.g. `x86_64-linux`) → SHA-256 of the provider binary, upper-case hex. */
  target_hashes: Record<string, string>;
  config_schema?: unknown;
}

/** Operator, account and cluster metadata: `name, valid_signers` (written as `null` when absent). */
export interface SignersMetadata {
  name: string | null;
  /** Public keys (of the subject's role) that may sign on the entity's behalf. */
  valid_signers: string[] | null;
}

/** Host metadata (wascap 0.15+): `name, labels?`. */
export interface HostMetadata {
  name: string | null;
  labels?: Record<string, string>;
}

/** Invocation metadata: `target_url, origin_url, hash` (the invocation hash, upper-case hex). */
export interface InvocationMetadata {
  target_url: string;
  origin_url: string;
  hash: string;
}

/** The metadata (`wascap` object) of each kind. */
export interface WascapMetadataOf {
  operator: SignersMetadata;
  account: SignersMetadata;
  cluster: SignersMetadata;
  actor: ActorMetadata;
  provider: ProviderMetadata;
  host: HostMetadata;
  invocation: InvocationMetadata;
}

/**
 * The claims of a wascap token in wascap's field order: `exp?, jti, iat, iss, sub, nbf?,
 * wascap, wascap_revision?`. `sub` is a public key of the entity, or an invocation's id.
 */
export interface WascapClaims<M = WascapMetadataOf[WascapKind]> {
  exp?: number;
  /** A NATS NUID: 22 characters of `0-9A-Za-z`. */
  jti: string;
  iat: number;
  iss: string;
  sub: string;
  nbf?: number;
  wascap: M;
  /** Absent on tokens older than wascap 0.9; 3 on current ones. */
  wascap_revision?: number;
}

export type OperatorWascapClaims = WascapClaims<SignersMetadata>;
export type AccountWascapClaims = WascapClaims<SignersMetadata>;
export type ClusterWascapClaims = WascapClaims<SignersMetadata>;
export type ActorClaims = WascapClaims<ActorMetadata>;
export type ProviderClaims = WascapClaims<ProviderMetadata>;
export type HostClaims = WascapClaims<HostMetadata>;
export type InvocationClaims = WascapClaims<InvocationMetadata>;

/** A verified wascap token of kind `K`: its kind (from the roles of `sub` and `iss`), claims and text. */
export interface WascapTokenOf<K extends WascapKind> {
  readonly kind: K;
  readonly claims: WascapClaims<WascapMetadataOf[K]>;
  /** The token as given (trimmed). */
  readonly token: string;
}

/** A verified wascap token of any kind; narrow on `kind`. */
export type WascapToken = { [K in WascapKind]: WascapTokenOf<K> }[WascapKind];

/** Claims not yet signed: `iss` (and `jti`, `iat`) are filled in by the encoder. */
export type UnsignedWascapClaims<C extends WascapClaims = WascapClaims> = Omit<C, 'iss' | 'jti' | 'iat'> & { iss?: string; jti?: string; iat?: number };
