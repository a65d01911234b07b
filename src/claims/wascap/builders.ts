/**
 * Claims builders with wascap's defaults: a fresh `jti` and `iat`, `wascap_revision` 3, and
 * the metadata its constructors write (an account's `name` and `valid_signers` always set, an
 * actor's `hash` empty until embedded, `prov` false, `call_alias` normalised). `iss` is left
 * to the encoder, which takes it from the signer.
 */
import { wascapJti } from './codec.js';
import {
  type ActorClaims,
  type ActorMetadata,
  type ClusterWascapClaims,
  type HostClaims,
  type InvocationClaims,
  type InvocationMetadata,
  type OperatorWascapClaims,
  type AccountWascapClaims,
  type ProviderClaims,
  type ProviderMetadata,
  WASCAP_REVISION,
  type UnsignedWascapClaims,
  type WascapClaims,
  type WascapMetadataOf,
} from './types.js';

/** Times and ids every builder takes. */
export interface WascapBuildOptions {
  /** Expiry, Unix seconds. Default: never. */
  exp?: number;
  /** Not valid before, Unix seconds. Default: at once. */
  nbf?: number;
  /** Issued at, Unix seconds. Default: now. */
  iat?: number;
  /** Default: a fresh NUID. */
  jti?: string;
}


function base<M extends WascapMetadataOf[keyof WascapMetadataOf]>(sub: string, wascap: M, o: WascapBuildOptions): UnsignedWascapClaims<WascapClaims<M>> {
  const c: Record<string, unknown> = {};
  if (o.exp !== undefined) c.exp = o.exp;
  c.jti = o.jti ?? wascapJti();
  c.iat = o.iat ?? Math.floor(Date.now() / 1000);
  c.sub = sub;
  if (o.nbf !== undefined) c.nbf = o.nbf;
  c.wascap = wascap;
  c.wascap_revision = WASCAP_REVISION;
  return c as unknown as UnsignedWascapClaims<WascapClaims<M>>;
}

// Rust's char::is_whitespace (what str::trim removes): not quite JavaScript's \s.
const RUST_TRIM = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+|[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/g;

/**
 * A call alias as wascap normalises it: lower case, trimmed, non-ASCII characters dropped,
 * and space, `-` and `.` turned into `_`.
 *
 * @example
 * ```ts
 * normalizeCallAlias(' My-Echo.v1 '); // 'my_echo_v1'
 * ```
 */
export function normalizeCallAlias(alias: string): string {
  return alias.toLowerCase().replace(RUST_TRIM, '').replace(/[^\x00-\x7f]/g, '').replace(/[ .-]/g, '_');
}

/**
 * Operator claims (`wash claims token operator`): self-issued, so `sub` is the operator key
 * that signs; `validSigners` are its signing keys (O…).
 *
 * @example
 * ```ts
 * const jwt = encodeWascapSync(newWascapOperatorClaims('acme', op.publicKey, { validSigners: [opSk.publicKey] }), op);
 * ```
 */
export function newWascapOperatorClaims(name: string, subject: string, o: WascapBuildOptions & { validSigners?: string[] } = {}): UnsignedWascapClaims<OperatorWascapClaims> {
  return base(subject, { name, valid_signers: [...(o.validSigners ?? [])] }, o);
}

/**
 * Account claims, signed by an operator signing key; `validSigners` are the account's signing
 * keys (A…), which may issue its actors.
 *
 * @example
 * ```ts
 * const jwt = encodeWascapSync(newWascapAccountClaims('team', acct.publicKey, { validSigners: [acctSk.publicKey] }), opSk);
 * ```
 */
export function newWascapAccountClaims(name: string, subject: string, o: WascapBuildOptions & { validSigners?: string[] } = {}): UnsignedWascapClaims<AccountWascapClaims> {
  return base(subject, { name, valid_signers: [...(o.validSigners ?? [])] }, o);
}

/**
 * Cluster claims: `validSigners` are cluster keys (C…) that may issue hosts.
 *
 * @example
 * ```ts
 * const jwt = encodeWascapSync(newClusterClaims('lattice', cluster.publicKey), cluster);
 * ```
 */
export function newClusterClaims(name: string, subject: string, o: WascapBuildOptions & { validSigners?: string[] } = {}): UnsignedWascapClaims<ClusterWascapClaims> {
  return base(subject, { name, valid_signers: [...(o.validSigners ?? [])] }, o);
}

/** What an actor's (component's) metadata may carry besides its name. */
export interface ActorOptions extends WascapBuildOptions {
  /** The module hash; default `""` (set when the claims are embedded in a module). */
  hash?: string;
  tags?: string[];
  /** Capability contract ids (pre-1.0 actors); omitted by default, as components have none. */
  caps?: string[];
  /** Whether the module is a capability provider (default false). */
  provider?: boolean;
  rev?: number;
  ver?: string;
  /** Normalised as wascap does (see {@link normalizeCallAlias}). */
  callAlias?: string;
}

/**
 * Actor / component claims for the module key `subject`, as `Claims::<Actor>::new` writes them.
 *
 * @example
 * ```ts
 * const claims = newActorClaims('echo', moduleKey.publicKey, { hash, tags: [], rev: 1, ver: '0.1.0' });
 * const jwt = await encodeWascap(claims, accountKey);
 * ```
 */
export function newActorClaims(name: string, subject: string, o: ActorOptions = {}): UnsignedWascapClaims<ActorClaims> {
  const m: ActorMetadata = { name, hash: o.hash ?? '', prov: o.provider === true };
  // Field order is fixed by the encoder; only presence matters here.
  if (o.tags !== undefined) m.tags = [...o.tags];
  if (o.caps !== undefined) m.caps = [...o.caps];
  if (o.rev !== undefined) m.rev = o.rev;
  if (o.ver !== undefined) m.ver = o.ver;
  if (o.callAlias !== undefined) m.call_alias = normalizeCallAlias(o.callAlias);
  return base(subject, m, o);
}

/**
 * Capability provider claims for the service key `subject` (V…).
 *
 * @example
 * ```ts
 * const claims = newProviderClaims('httpserver', svc.publicKey, { vendor: 'acme', targetHashes: { 'x86_64-linux': hash } });
 * ```
 */
export function newProviderClaims(
  name: string,
  subject: string,
  o: WascapBuildOptions & { vendor: string; capid?: string; rev?: number; ver?: string; targetHashes?: Record<string, string>; configSchema?: unknown },
): UnsignedWascapClaims<ProviderClaims> {
  const m: ProviderMetadata = { name, vendor: o.vendor, target_hashes: { ...(o.targetHashes ?? {}) } };
  if (o.capid !== undefined) m.capid = o.capid;
  if (o.rev !== undefined) m.rev = o.rev;
  if (o.ver !== undefined) m.ver = o.ver;
  if (o.configSchema !== undefined) m.config_schema = o.configSchema;
  return base(subject, m, o);
}

/**
 * Host claims for the host key `subject` (N…); wasmCloud 1.x hosts self-issue one with the
 * labels `{"self_signed":"true"}`.
 *
 * @example
 * ```ts
 * const claims = newHostClaims('host-1', host.publicKey, { labels: { self_signed: 'true' } });
 * ```
 */
export function newHostClaims(name: string, subject: string, o: WascapBuildOptions & { labels?: Record<string, string> } = {}): UnsignedWascapClaims<HostClaims> {
  return base(subject, o.labels === undefined ? { name } : { name, labels: { ...o.labels } }, o);
}

/**
 * Invocation claims: `sub` is the invocation's id, the metadata its URLs and hash; no expiry
 * unless given (as the 0.82 host writes them).
 *
 * @example
 * ```ts
 * const jwt = encodeWascapSync(newInvocationClaims(id, { target_url, origin_url, hash }), clusterKey);
 * ```
 */
export function newInvocationClaims(id: string, invocation: InvocationMetadata, o: WascapBuildOptions = {}): UnsignedWascapClaims<InvocationClaims> {
  return base(id, { target_url: invocation.target_url, origin_url: invocation.origin_url, hash: invocation.hash }, o);
}
