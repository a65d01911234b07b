import { withArticle } from '../../nkeys/roles.js';
import { isIP } from 'node:net';
import type { ErrorCode, Finding } from '../../errors.js';
import { goJson } from '../../jwt/go-json.js';
import { type Role } from '../../nkeys/roles.js';
import { describeKeyText, isPublicKey } from '../../nkeys/codec.js';
import { checkClaimsShape } from './check-shape.js';
import { isoSeconds, show } from './common.js';
import { decodeActivation } from './decode.js';
import { claimKind } from './kinds.js';
import { natsPayload } from './encode.js';
import { hasWildcards, isContainedIn, subjectProblem } from './subjects.js';
import {
  type Account,
  type AccountClaims,
  type ActivationClaims,
  CONNECTION_TYPES,
  type Export,
  type Import,
  type NatsClaims,
  type OperatorClaims,
  type OperatorLimits,
  type Permission,
  type Permissions,
  type UserClaims,
  type UserPermissionLimits,
  type UserScope,
} from './types.js';
import { hasEmptyPermissions, isUserScope } from './user.js';

/** One finding of {@link validateClaims}. */
export interface Issue extends Finding {
  /** An exp/nbf finding: Go calls these time checks; nats-server refuses such tokens. */
  timeCheck?: true;
}

/** Errors make nats-server (or Go's tools) refuse the token; warnings are likely mistakes. */
export interface ValidationResult {
  errors: Issue[];
  warnings: Issue[];
}

export interface ValidateOptions {
  /** The time to check exp/nbf against (Unix seconds or a Date); default now. */
  now?: number | Date;
  /** For a user: the scope of the signing key that issued it; adds {@link validateScopedSigner}'s findings. */
  scope?: UserScope;
  /**
   * For a user: the server's max_control_line to check the CONNECT size against (default 4096).
   * `Infinity` skips the estimate, which re-encodes the claims: for callers holding the signed
   * token, whose exact size {@link connectLineSize} gives.
   */
  maxControlLine?: number;
}

/** nats-server's default `max_control_line`. */
export const DEFAULT_MAX_CONTROL_LINE = 4096;

// Everything in a client CONNECT line besides the JWT: `CONNECT {…}\r\n` with the nonce
// signature (86 chars), name, lang, version and the boolean options nats.go / nats.js send.
const CONNECT_OVERHEAD = 320;
const JWT_HEADER_CHARS = 46; // b64url of {"typ":"JWT","alg":"ed25519-nkey"}
const JWT_SIGNATURE_CHARS = 86; // b64url of 64 bytes

/**
 * Estimated length of the `CONNECT` line a client sends with this user JWT. nats-server
 * drops the connection when it exceeds `max_control_line` (4 KiB by default), so very
 * large permission lists need a bigger server setting or a scoped signing key.
 *
 * @example
 * ```ts
 * if (connectLineSize(jwt) > 4096) console.warn('raise max_control_line');
 * ```
 */
export function connectLineSize(userJwt: string): number {
  return userJwt.length + CONNECT_OVERHEAD;
}

class Results implements ValidationResult {
  errors: Issue[] = [];
  warnings: Issue[] = [];
  error(message: string, field?: string, code: ErrorCode = 'INVALID_CLAIMS'): void {
    this.errors.push(field ? { code, message, field } : { code, message });
  }
  warn(message: string, field?: string, code: ErrorCode = 'CLAIMS_WARNING'): void {
    this.warnings.push(field ? { code, message, field } : { code, message });
  }
}

function keyCheck(r: Results, key: unknown, roles: Role[], field: string, what: string): void {
  if (!isPublicKey(key, roles)) r.error(`${what} ${typeof key === 'string' ? describeKeyText(key) : show(key)} is not ${roles.map((x) => `${/^[aeiou]/.test(x) ? 'an' : 'a'} ${x}`).join(' or ')} public key`, field, 'WRONG_KEY_ROLE');
}

function subject(r: Results, s: unknown, field: string): void {
  const p = subjectProblem(s);
  if (p) r.error(p, field);
}

function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

function permission(r: Results, p: Permission | undefined, field: string, permitQueue: boolean): void {
  for (const dir of ['allow', 'deny'] as const) {
    list(p?.[dir]).forEach((entry, i) => {
      const f = `${field}.${dir}[${i}]`;
      const parts = typeof entry === 'string' ? entry.split(' ') : [entry];
      if (parts.length > 2) return r.error(`permission subject ${show(entry)} contains too many spaces`, f);
      for (const part of parts) subject(r, part, f);
      if (parts.length === 2 && !permitQueue) r.error(`permission subject ${show(entry)} may not contain a queue (only subscribe permissions may)`, f);
    });
  }
}

function permissions(r: Results, p: Permissions | undefined, field: string): void {
  permission(r, p?.sub, `${field}.sub`, true);
  permission(r, p?.pub, `${field}.pub`, false);
}

function cidrOk(cidr: unknown): boolean {
  if (typeof cidr !== 'string') return false;
  const slash = cidr.indexOf('/');
  if (slash < 0 || cidr.includes('%')) return false;
  const family = isIP(cidr.slice(0, slash));
  const bits = cidr.slice(slash + 1);
  if (!family || !/^\d{1,3}$/.test(bits)) return false;
  return Number(bits) <= (family === 4 ? 32 : 128);
}

/**
 * A connect-time bound as Go's time.Parse("15:04:05") reads it (1–2 digit hour, 2-digit minute
 * and second, optional fraction), in whole seconds since midnight: nats-server keeps only hour,
 * minute and second. Undefined when Go would refuse it.
 *
 * @example
 * ```ts
 * clockSeconds('08:00:00.5'); // 28800
 * ```
 */
export function clockSeconds(t: unknown): number | undefined {
  const m = typeof t === 'string' ? /^(\d{1,2}):(\d{2}):(\d{2})(?:[.,]\d+)?$/.exec(t) : null;
  if (!m || Number(m[1]) >= 24 || Number(m[2]) >= 60 || Number(m[3]) >= 60) return undefined;
  return Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]);
}

function clockOk(t: unknown): boolean {
  return clockSeconds(t) !== undefined;
}

function zoneOk(zone: string): boolean {
  if (zone === 'UTC' || zone === 'Local') return true;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function userPermissionLimits(r: Results, u: UserPermissionLimits, field: string): void {
  permissions(r, u, field);
  list(u.src).forEach((c, i) => {
    if (!cidrOk(c)) r.error(`invalid CIDR ${show(c)} in user src limits`, `${field}.src[${i}]`);
  });
  list(u.times).forEach((t, i) => {
    const tr = (t ?? {}) as { start?: unknown; end?: unknown };
    for (const end of ['start', 'end'] as const) {
      const v = tr[end];
      if (!v) r.error(`time ranges must contain a ${end}`, `${field}.times[${i}].${end}`);
      else if (!clockOk(v)) r.error(`${end} in time range is invalid ${show(v)}: use hh:mm:ss`, `${field}.times[${i}].${end}`);
    }
  });
  if (u.times_location && !zoneOk(u.times_location)) r.error(`unknown IANA time zone ${show(u.times_location)}`, `${field}.times_location`);
  list(u.allowed_connection_types).forEach((t, i) => {
    if (!CONNECTION_TYPES.includes(t as never)) r.warn(`unknown connection type ${show(t)}; nats-server ignores it`, `${field}.allowed_connection_types[${i}]`);
  });
}

function urlOk(v: string, needHost: boolean): boolean {
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:/.test(v)) return false;
  try {
    const u = new URL(v);
    return !needHost || u.hostname !== '';
  } catch {
    return false;
  }
}

const MAX_INFO = 8 * 1024;

function info(r: Results, o: { description?: string; info_url?: string }, field: string): void {
  if (o.description && o.description.length > MAX_INFO) r.error('description is too long (8 KiB at most)', `${field}.description`);
  if (o.info_url) {
    if (o.info_url.length > MAX_INFO) r.error('info URL is too long (8 KiB at most)', `${field}.info_url`);
    if (!urlOk(o.info_url, true)) r.error(`info URL ${show(o.info_url)} needs a scheme and a host`, `${field}.info_url`);
  }
}

function timeChecks(r: Results, c: NatsClaims, now: number): void {
  if (c.exp && c.exp > 0 && now > c.exp) {
    r.errors.push({ code: 'TOKEN_EXPIRED', message: `claim is expired (exp ${isoSeconds(c.exp)})`, field: 'exp', timeCheck: true });
  }
  if (c.nbf && c.nbf > now) {
    r.errors.push({ code: 'TOKEN_NOT_YET_VALID', message: `claim is not yet valid (nbf ${isoSeconds(c.nbf)})`, field: 'nbf', timeCheck: true });
  }
}

// --- user ---

function validateUser(r: Results, c: UserClaims, opts: ValidateOptions): void {
  userPermissionLimits(r, c.nats, 'nats');
  if (c.nats.issuer_account) keyCheck(r, c.nats.issuer_account, ['account'], 'nats.issuer_account', 'issuer_account');
  if (opts.scope) r.errors.push(...validateScopedSigner(c, opts.scope));
  const max = opts.maxControlLine ?? DEFAULT_MAX_CONTROL_LINE;
  if (max === Number.POSITIVE_INFINITY) return;
  // Size as if signed now: header and signature have fixed lengths.
  const iss = c.iss ?? c.nats.issuer_account ?? 'A'.repeat(56);
  let jwtSize: number;
  try {
    const body = Buffer.byteLength(goJson(natsPayload(c, iss, c.iat ? { iat: c.iat } : undefined)));
    jwtSize = JWT_HEADER_CHARS + 1 + Math.ceil((body * 4) / 3) + 1 + JWT_SIGNATURE_CHARS;
  } catch {
    return; // claims that cannot be encoded have nothing to size
  }
  if (jwtSize + CONNECT_OVERHEAD > max) {
    r.warn(
      `the user JWT is about ${jwtSize} bytes: the client's CONNECT line would exceed nats-server's max_control_line (${max}) and the connection would be refused. Trim permissions, use a scoped signing key, or raise max_control_line`,
      undefined,
      'CONNECT_LINE_TOO_LONG',
    );
  }
}

/**
 * The findings Go's `UserScope.ValidateScopedSigner` (and so nats-server) reports for a
 * user issued by a scoped signing key: the user must be issued by the scope's key and carry
 * no permissions or limits at all (even the -1 defaults), since the scope's template
 * replaces them. Empty when the user is fine.
 *
 * @example
 * ```ts
 * validateScopedSigner(setScoped(user), scope); // []
 * ```
 */
export function validateScopedSigner(user: UserClaims, scope: UserScope): Issue[] {
  const out: Issue[] = [];
  if (user.nats?.type !== 'user') out.push({ code: 'WRONG_CLAIM_TYPE', message: 'a scoped signing key can only sign user tokens' });
  if (user.iss !== undefined && user.iss !== scope.key) {
    out.push({ code: 'WRONG_KEY_ROLE', message: `the user is issued by ${user.iss}, not by the scoped signing key ${scope.key}`, field: 'iss' });
  }
  if (user.nats && !hasEmptyPermissions(user)) {
    out.push({
      code: 'SCOPED_USER_HAS_PERMISSIONS',
      message: "scoped users carry no permissions or limits of their own (not even subs/data/payload -1): the signing key's scope template applies instead",
      field: 'nats',
    });
  }
  return out;
}

// --- account ---

function limitsCheck(r: Results, l: OperatorLimits | undefined, a: Account): void {
  const lim = l ?? {};
  const tiers = lim.tiered_limits;
  if (tiers && Object.keys(tiers).length > 0) {
    const flat = ['mem_storage', 'disk_storage', 'streams', 'consumer', 'max_ack_pending', 'mem_max_stream_bytes', 'disk_max_stream_bytes', 'max_bytes_required'] as const;
    if (flat.some((k) => lim[k])) r.error('JetStream limits and tiered JetStream limits are mutually exclusive', 'nats.limits.tiered_limits');
    if ('' in tiers) r.error('tiered JetStream limits cannot have a blank "" tier name', 'nats.limits.tiered_limits');
  }
  const imports = list(a.imports).length;
  const exports = list(a.exports);
  // As in Go, an absent limit is 0: only -1 means unlimited.
  const maxImports = lim.imports ?? 0;
  const maxExports = lim.exports ?? 0;
  if (maxImports !== -1 && imports > maxImports) r.error('the account has more imports than the operator allows', 'nats.imports');
  if (maxExports !== -1) {
    if (exports.length > maxExports) r.error('the account has more exports than the operator allows', 'nats.exports');
    if (!lim.wildcards) {
      exports.forEach((e, i) => {
        const s = (e as Export)?.subject;
        if (typeof s === 'string' && hasWildcards(s)) r.error('the account has wildcard exports, which the operator does not allow', `nats.exports[${i}].subject`);
      });
    }
  }
}

const RESPONSE_TYPES = ['Singleton', 'Stream', 'Chunked'];

function exportCheck(r: Results, e: Export, f: string): void {
  const svc = e.type === 'service';
  if (!svc && e.type !== 'stream') r.error(`invalid export type ${show(e.type)} (use "stream" or "service")`, `${f}.type`);
  if (svc && e.response_type && !RESPONSE_TYPES.includes(e.response_type)) r.error(`invalid response type for service ${show(e.response_type)}`, `${f}.response_type`);
  if (e.type === 'stream' && e.response_type) r.error('response types are only valid for services', `${f}.response_type`);
  if (e.service_latency) {
    if (!svc) r.error('latency tracking is only permitted for services', `${f}.service_latency`);
    const s = e.service_latency.sampling;
    if (s !== 'headers' && !(typeof s === 'number' && s >= 1 && s <= 100)) r.error('latency sampling must be 1..100 or "headers"', `${f}.service_latency.sampling`);
    subject(r, e.service_latency.results, `${f}.service_latency.results`);
    if (typeof e.service_latency.results === 'string' && hasWildcards(e.service_latency.results)) r.error('latency results subject cannot contain wildcards', `${f}.service_latency.results`);
  }
  if (e.response_threshold !== undefined && e.response_threshold < 0) r.error('a negative response threshold is invalid', `${f}.response_threshold`);
  if (e.response_threshold && e.response_threshold > 0 && !svc) r.error('response threshold is only valid for services', `${f}.response_threshold`);
  subject(r, e.subject, `${f}.subject`);
  const pos = e.account_token_position;
  if (pos && typeof e.subject === 'string') {
    const tokens = e.subject.split('.');
    if (!hasWildcards(e.subject)) r.error(`account token position can only be used with wildcard subjects: ${e.subject}`, `${f}.account_token_position`);
    else if (pos > tokens.length) r.error(`account token position ${pos} exceeds the length of subject ${e.subject}`, `${f}.account_token_position`);
    else if (tokens[pos - 1] !== '*') r.error(`account token position ${pos} matches "${tokens[pos - 1]}" but must match a * in ${e.subject}`, `${f}.account_token_position`);
  }
  list(Object.keys(e.revocations ?? {})).forEach((k) => {
    if (k !== '*' && !isPublicKey(k, ['account'])) r.error(`activation revocation key ${show(k)} is not an account public key`, `${f}.revocations`, 'WRONG_KEY_ROLE');
  });
  info(r, e, f);
}

// Go's rule: an export subject contained in another export of the same kind is an error,
// naming the first (in list order) that contains it. Compared pairwise that is quadratic: an
// account token of 2,000 exports took seconds. Only a subject with a wildcard can contain another
// subject than itself, so each subject is compared with its duplicates and with the wildcard
// subjects whose first token could match its own, each split once.
function overlapping(r: Results, kind: string, subjects: { s: string; i: number }[]): void {
  const tokens = subjects.map((x) => x.s.split('.'));
  const firstAt = new Map<string, number>(); // subject → its first position, for duplicates
  const secondAt = new Map<string, number>();
  const wildByFirst = new Map<string, number[]>(); // first token → wildcard subjects (positions)
  for (let p = 0; p < subjects.length; p++) {
    const s = subjects[p]!.s;
    if (!firstAt.has(s)) firstAt.set(s, p);
    else if (!secondAt.has(s)) secondAt.set(s, p);
    if (hasWildcards(s)) {
      const head = tokens[p]![0]!;
      const list = wildByFirst.get(head);
      if (list) list.push(p);
      else wildByFirst.set(head, [p]);
    }
  }
  const contains = (outer: string[], inner: string[]): boolean => {
    const last = outer.length - 1;
    if (inner.length > outer.length ? outer[last] !== '>' : inner.length < outer.length) return false;
    for (let k = 0; k <= last; k++) {
      if (k === last && outer[k] === '>') return true;
      if (outer[k] !== inner[k] && outer[k] !== '*') return false;
    }
    return true;
  };
  for (let p = 0; p < subjects.length; p++) {
    const a = subjects[p]!;
    const first = firstAt.get(a.s)!;
    let by = first !== p ? first : (secondAt.get(a.s) ?? -1);
    for (const head of [tokens[p]![0]!, '*', '>']) {
      for (const q of wildByFirst.get(head) ?? []) {
        if (by >= 0 && q >= by) break;
        if (q !== p && contains(tokens[q]!, tokens[p]!)) {
          by = q;
          break;
        }
      }
    }
    if (by >= 0) r.error(`${kind} export subject ${show(subjects[by]!.s)} already exports ${show(a.s)}`, `nats.exports[${a.i}].subject`);
  }
}

function importCheck(r: Results, im: Import, f: string, account: string, now: number): void {
  const svc = im.type === 'service';
  if (!svc && im.type !== 'stream') r.error(`invalid import type ${show(im.type)} (use "stream" or "service")`, `${f}.type`);
  if (!im.account) r.error('the account to import from is not specified', `${f}.account`);
  else keyCheck(r, im.account, ['account'], `${f}.account`, 'import account');
  if (im.to) r.warn('the field "to" is deprecated: use local_subject', `${f}.to`);
  subject(r, im.subject, `${f}.subject`);
  if (im.local_subject) {
    subject(r, im.local_subject, `${f}.local_subject`);
    const tail = (s: string): boolean => s === '>' || s.endsWith('.>');
    if (typeof im.subject === 'string' && tail(im.local_subject) !== tail(im.subject)) {
      r.error('local_subject and subject must both end in > or both not', `${f}.local_subject`);
    }
  }
  if (im.type === 'stream' && im.to && hasWildcards(im.to)) r.error(`streams cannot have a wildcard "to" subject: ${show(im.to)}`, `${f}.to`);
  if (im.share && !svc) r.error('share (latency tracking) is only valid for service imports', `${f}.share`);
  if (im.allow_trace && svc) r.error('allow_trace is only valid for stream imports', `${f}.allow_trace`);
  if (!im.token) return;
  let act: ActivationClaims;
  try {
    act = decodeActivation(im.token);
  } catch {
    // An error in Go (2.3.0 and later), URLs included: nats-server refuses such an account.
    r.error(`import ${show(im.subject)} contains an invalid activation token`, `${f}.token`);
    return;
  }
  if (act.iss !== im.account && act.nats.issuer_account !== im.account) r.error(`activation token does not come from account ${im.account}`, `${f}.token`);
  if (act.sub !== account) r.error(`activation token is for account ${act.sub}, not this account`, `${f}.token`);
  if (act.nats.kind !== im.type) r.error(`activation token is for ${withArticle(act.nats.kind)}, the import is ${withArticle(im.type)}`, `${f}.token`);
  const target = svc && im.to ? im.to : im.subject;
  if (typeof target === 'string' && typeof act.nats.subject === 'string' && !isContainedIn(target, act.nats.subject)) {
    r.error(`activation token subject ${show(act.nats.subject)} does not cover import ${show(im.subject)}`, `${f}.token`);
  }
  if (act.exp && now > act.exp) r.error('the activation token has expired', `${f}.token`, 'TOKEN_EXPIRED');
}

function validateAccount(r: Results, c: AccountClaims, now: number): void {
  const a = c.nats;
  const serviceLocals = new Map<string, number>();
  list(a.imports).forEach((raw, i) => {
    const f = `nats.imports[${i}]`;
    if (!raw || typeof raw !== 'object') return r.error('null import is not allowed', f);
    const im = raw as Import;
    if (im.type === 'service') {
      const local = `${im.account}\u0000${im.local_subject || im.to || im.subject}`;
      if (serviceLocals.has(local)) r.error(`duplicate service import of ${show(im.local_subject || im.to || im.subject)} from the same account`, f);
      serviceLocals.set(local, i);
    }
    importCheck(r, im, f, c.sub, now);
  });
  const byType: Record<string, { s: string; i: number }[]> = { service: [], stream: [] };
  list(a.exports).forEach((raw, i) => {
    const f = `nats.exports[${i}]`;
    if (!raw || typeof raw !== 'object') return r.error('null export is not allowed', f);
    const e = raw as Export;
    if (typeof e.subject === 'string') byType[e.type === 'service' ? 'service' : 'stream']!.push({ s: e.subject, i });
    exportCheck(r, e, f);
  });
  overlapping(r, 'service', byType.service!);
  overlapping(r, 'stream', byType.stream!);
  limitsCheck(r, a.limits, a);
  permissions(r, a.default_permissions, 'nats.default_permissions');
  for (const [from, targets] of Object.entries(a.mappings ?? {})) {
    const f = `nats.mappings[${show(from)}]`;
    subject(r, from, f);
    const totals = new Map<string, number>();
    list(targets).forEach((t, i) => {
      const m = (t ?? {}) as { subject?: unknown; weight?: number; cluster?: string };
      subject(r, m.subject, `${f}[${i}].subject`);
      const w = m.weight || 100;
      if (w > 100) r.error(`mapping weight ${w} exceeds 100`, `${f}[${i}].weight`);
      totals.set(m.cluster ?? '', (totals.get(m.cluster ?? '') ?? 0) + w);
    });
    for (const [cluster, total] of totals) {
      if (total > 100) r.error(`mapping ${show(from)}${cluster ? ` in cluster ${cluster}` : ''} exceeds 100% across its weighted destinations`, f);
    }
  }
  const auth = a.authorization;
  if (auth) {
    if (list(auth.allowed_accounts).length > 0 && list(auth.auth_users).length === 0) r.error('external authorization cannot have allowed accounts without auth users', 'nats.authorization');
    list(auth.auth_users).forEach((u, i) => keyCheck(r, u, ['user'], `nats.authorization.auth_users[${i}]`, 'auth user'));
    list(auth.allowed_accounts).forEach((x, i) => {
      if (x !== '*') keyCheck(r, x, ['account'], `nats.authorization.allowed_accounts[${i}]`, 'allowed account');
    });
    if (auth.xkey) keyCheck(r, auth.xkey, ['curve'], 'nats.authorization.xkey', 'xkey');
  }
  list(a.signing_keys).forEach((k, i) => {
    const f = `nats.signing_keys[${i}]`;
    if (typeof k === 'string') keyCheck(r, k, ['account'], f, 'account signing key');
    else if (isUserScope(k)) {
      keyCheck(r, k.key, ['account'], `${f}.key`, 'scoped signing key');
      userPermissionLimits(r, k.template ?? {}, `${f}.template`);
    } else r.error(`unknown signing key scope ${show((k as { kind?: unknown })?.kind)}`, f);
  });
  for (const k of Object.keys(a.revocations ?? {})) {
    if (k !== '*' && !isPublicKey(k, ['user'])) r.warn(`revocation key ${show(k)} is not a user public key; it revokes nothing`, 'nats.revocations');
  }
  info(r, a, 'nats');
  const l = a.limits;
  const limitsSet = !!l && Object.entries(l).some(([k, v]) => (k === 'tiered_limits' ? Object.keys((v as object) ?? {}).length > 0 : !!v));
  if (c.iss && c.iss.startsWith('A') && limitsSet) r.warn("self-signed account JWTs shouldn't contain operator limits", 'nats.limits');
}

// --- operator ---

// nats, tls, ws, wss only; no user info and no path (Go ValidateOperatorServiceURL).
function serviceUrlProblem(v: string): string | undefined {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)(.*)$/.exec(v);
  if (!m) return `operator service url ${show(v)} is not a URL`;
  if (!['nats', 'tls', 'ws', 'wss'].includes(m[1]!.toLowerCase())) return `operator service url ${show(v)}: protocol not supported (only nats, tls, ws, wss)`;
  if (m[2]!.includes('@')) return `operator service url ${show(v)}: credentials are not supported`;
  if (m[3] && m[3].startsWith('/')) return `operator service url ${show(v)}: paths are not supported`;
  return undefined;
}

function validateOperator(r: Results, c: OperatorClaims): void {
  const o = c.nats;
  if (o.account_server_url && !urlOk(o.account_server_url, false)) r.error(`account server url ${show(o.account_server_url)} requires a protocol`, 'nats.account_server_url');
  list(o.operator_service_urls).forEach((u, i) => {
    const p = typeof u === 'string' ? (u === '' ? undefined : serviceUrlProblem(u)) : 'operator service url must be a string';
    if (p) r.error(p, `nats.operator_service_urls[${i}]`);
  });
  list(o.signing_keys).forEach((k, i) => keyCheck(r, k, ['operator'], `nats.signing_keys[${i}]`, 'operator signing key'));
  if (o.system_account) keyCheck(r, o.system_account, ['account'], 'nats.system_account', 'system_account');
  if (o.assert_server_version && !/^v?\d+\.\d+\.\d+(?:-[\w.]+)?$/.test(o.assert_server_version)) {
    r.error(`assert_server_version ${show(o.assert_server_version)} must be major.minor.patch`, 'nats.assert_server_version');
  }
  if (o.strict_signing_key_usage && list(o.signing_keys).length === 0) {
    r.warn('strict_signing_key_usage is on but the operator has no signing keys: no account can be trusted', 'nats.strict_signing_key_usage');
  }
}

// --- activation ---

function validateActivation(r: Results, c: ActivationClaims): void {
  const a = c.nats;
  if (a.kind !== 'service' && a.kind !== 'stream') r.error(`invalid activation kind ${show(a.kind)} (use "stream" or "service")`, 'nats.kind');
  // No wildcard rule for service activations: that was jwt v1's; v2 (what nats-server 2.x links)
  // and nsc activate a private `svc.*` export as is, and servers serve imports under it.
  subject(r, a.subject, 'nats.subject');
  if (a.issuer_account) keyCheck(r, a.issuer_account, ['account'], 'nats.issuer_account', 'issuer_account');
}

/**
 * Checks claims as Go's `Validate` does (and so as nsc and nats-server judge them): subjects,
 * CIDRs, `hh:mm:ss` times, time zones, key roles of signing keys / system account /
 * issuer_account, import/export rules and limits, URLs, exp/nbf (as errors with codes
 * `TOKEN_EXPIRED` / `TOKEN_NOT_YET_VALID` and `timeCheck: true`, because nats-server refuses
 * them). For users it also warns when the JWT would overflow the server's CONNECT line limit,
 * and, given `opts.scope`, applies {@link validateScopedSigner}.
 *
 * @example
 * ```ts
 * const { errors, warnings } = validateClaims(decodeUser(jwt));
 * if (errors.length) throw new Error(errors.map((e) => e.message).join('; '));
 * ```
 */
export function validateClaims(claims: NatsClaims, opts: ValidateOptions = {}): ValidationResult {
  // Every rule below reads fields as Go types them: claims of another shape get that one finding.
  const shape = checkClaimsShape(claims);
  if (shape) {
    const r = new Results();
    r.error(`${shape.field ? `${shape.field}: ` : ''}${shape.why}`, shape.field || undefined, shape.code === 'MALFORMED_TOKEN' ? 'INVALID_CLAIMS' : shape.code);
    return { errors: r.errors, warnings: r.warnings };
  }
  return validateShapedClaims(claims, opts);
}

/**
 * {@link validateClaims} for claims whose shape was already checked against Go's structs
 * (`checkPayloadShape` when they were decoded): the verifier, which must not walk them twice.
 *
 * @example
 * ```ts
 * if (!checkPayloadShape(claims, notes, text)) findings = validateShapedClaims(claims);
 * ```
 */
export function validateShapedClaims(claims: NatsClaims, opts: ValidateOptions = {}): ValidationResult {
  const r = new Results();
  const now = opts.now === undefined ? Math.floor(Date.now() / 1000) : typeof opts.now === 'number' ? opts.now : Math.floor(opts.now.getTime() / 1000);
  timeChecks(r, claims, now);
  const type = claims.nats?.type;
  const kind = claimKind(type);
  if (kind && !isPublicKey(claims.sub, [kind.subject])) keyCheck(r, claims.sub, [kind.subject], 'sub', `the subject of ${type} claims`);
  switch (type) {
    case 'user':
      validateUser(r, claims as UserClaims, opts);
      break;
    case 'account':
      validateAccount(r, claims as AccountClaims, now);
      break;
    case 'operator':
      validateOperator(r, claims as OperatorClaims);
      break;
    case 'activation':
      validateActivation(r, claims as ActivationClaims);
      break;
  }
  return { errors: r.errors, warnings: r.warnings };
}
