import type { AccountClaims, ActivationClaims, NatsClaims, OperatorClaims, Permission, UserClaims, UserScope } from '../../claims/nats/types.js';
import { formatRestriction, readRestrictions } from '../../keys/restrictions.js';
import { type TableSection, renderTable } from '../output/table.js';
import { formatBool, formatBytes, formatCount, formatDuration, formatExpiry, formatTime } from './format.js';
import { exportsTable, importsTable } from './exports-imports.js';

type Rows = TableSection['rows'];

/** Names for public keys the store knows, so tables can say `ACDX… / A`. */
export type KeyNames = Map<string, string>;

/** What the describe tables may add to the bare claims. */
export interface DescribeOptions {
  /** Public key → name (entities, and signing keys labelled with their owner). */
  names?: KeyNames;
  /** For users: the scope of the signing key that issued it (its template is what applies). */
  scope?: UserScope;
  /**
   * Set when the token's signature did NOT verify: the reason is shown in a `Signature` row at
   * the top and the title says so, because nothing in such a table can be trusted.
   */
  unverified?: string;
}

function withName(key: string, names?: KeyNames): string {
  const n = names?.get(key);
  return n ? `${key} / ${n}` : key;
}

function title(base: string, opts: DescribeOptions): string {
  return opts.unverified ? `${base} — NOT VERIFIED, DO NOT TRUST` : base;
}

function standard(kind: string, c: { name?: string; sub: string; iss?: string; iat?: number; exp?: number; nbf?: number; nats: { tags?: string[] } }, opts: DescribeOptions): Rows {
  const rows: Rows = [];
  if (opts.unverified) rows.push(['Signature', `INVALID: ${opts.unverified}`]);
  rows.push(['Name', c.name ?? ''], [`${kind} ID`, c.sub]);
  // The issuer is worth naming only when it is another key (a self-signed token names itself).
  rows.push(['Issuer ID', c.iss && c.iss !== c.sub ? withName(c.iss, opts.names) : (c.iss ?? '')]);
  const issuerAccount = (c.nats as { issuer_account?: string }).issuer_account;
  if (issuerAccount) rows.push(['Issuer Account', withName(issuerAccount, opts.names)]);
  rows.push(['Issued', formatTime(c.iat)]);
  if (c.nbf) rows.push(['Not Before', formatTime(c.nbf)]);
  rows.push(['Expires', formatExpiry(c.exp)]);
  if (c.nats.tags?.length) rows.push(['Tags', c.nats.tags.join(', ')]);
  return rows;
}

/**
 * The `describe operator` table, as `nsc describe operator` prints it.
 *
 * @example
 * ```ts
 * console.log(describeOperatorTable(decodeOperator(jwt), { names: await keyNames(op) }));
 * ```
 */
export function describeOperatorTable(c: OperatorClaims, opts: DescribeOptions = {}): string {
  const n = c.nats;
  const main = standard('Operator', c, opts);
  if (n.account_server_url) main.push(['Account JWT Server', n.account_server_url]);
  if (n.operator_service_urls?.length) main.push(['Operator Service URLs', n.operator_service_urls]);
  if (n.system_account) main.push(['System Account', withName(n.system_account, opts.names)]);
  if (n.assert_server_version) main.push(['Server Version', n.assert_server_version]);
  main.push(['Require Signing Keys', formatBool(n.strict_signing_key_usage)]);
  const sections: TableSection[] = [{ rows: main }];
  if (n.signing_keys?.length) sections.push({ rows: [['Signing Keys', withRestrictions(n, n.signing_keys)]] });
  return renderTable(title('Operator Details', opts), sections);
}

/** Each signing key's line, with its delegation restriction when it has one. */
function withRestrictions(nats: object, lines: string[], keys: string[] = lines): string[] {
  const r = readRestrictions(nats);
  return lines.map((line, i) => (r.has(keys[i]!) ? `${line} [may sign: ${formatRestriction(r.get(keys[i]!))}]` : line));
}

function scopeLabel(sk: string | UserScope): string {
  return typeof sk === 'string' ? sk : `${sk.key} (scoped: role ${sk.role})`;
}

/** The `describe account` table, as `nsc describe account` prints it. */
export function describeAccountTable(c: AccountClaims, opts: DescribeOptions = {}): string {
  const n = c.nats;
  const l = n.limits ?? {};
  const main = standard('Account', c, opts);
  if (n.description) main.push(['Description', n.description]);
  if (n.info_url) main.push(['Info Url', n.info_url]);
  const sections: TableSection[] = [{ rows: main }];
  if (n.signing_keys?.length) sections.push({ rows: [['Signing Keys', withRestrictions(n, n.signing_keys.map(scopeLabel), n.signing_keys.map((k) => (typeof k === 'string' ? k : k.key)))]] });
  // Each scoped key's template: what every user it signs is allowed, whatever the user token says.
  for (const sk of n.signing_keys ?? []) if (typeof sk !== 'string') sections.push({ rows: scopeRows(sk) });
  // An absent limit is Go's zero value (the encoder leaves zeros out), not "unlimited" (-1).
  const limits: Rows = [
    ['Max Connections', formatCount(l.conn ?? 0)],
    ['Max Leaf Node Connections', !l.leaf ? 'Not Allowed' : formatCount(l.leaf)],
    ['Max Data', formatBytes(l.data ?? 0)],
    ['Max Exports', formatCount(l.exports ?? 0)],
    ['Max Imports', formatCount(l.imports ?? 0)],
    ['Max Msg Payload', formatBytes(l.payload ?? 0)],
    ['Max Subscriptions', formatCount(l.subs ?? 0)],
    ['Exports Allows Wildcards', formatBool(l.wildcards)],
    ['Disallow Bearer Token', formatBool(l.disallow_bearer)],
  ];
  const js = !!(l.mem_storage || l.disk_storage || (l.tiered_limits && Object.keys(l.tiered_limits).length));
  limits.push(['JetStream', js ? 'Enabled' : 'Disabled']);
  if (js && !l.tiered_limits) {
    limits.push(['Max Memory Storage', formatBytes(l.mem_storage ?? 0)], ['Max Disk Storage', formatBytes(l.disk_storage ?? 0)], ['Max Streams', formatCount(l.streams ?? 0)], ['Max Consumers', formatCount(l.consumer ?? 0)]);
  }
  for (const [tier, t] of Object.entries(l.tiered_limits ?? {})) {
    limits.push([`JetStream ${tier}`, `memory ${formatBytes(t.mem_storage ?? 0)}, disk ${formatBytes(t.disk_storage ?? 0)}, streams ${formatCount(t.streams ?? 0)}, consumers ${formatCount(t.consumer ?? 0)}`]);
  }
  sections.push({ rows: limits });
  const dp = n.default_permissions;
  if (dp && (dp.pub?.allow || dp.pub?.deny || dp.sub?.allow || dp.sub?.deny)) sections.push({ rows: permissionRows(dp.pub, dp.sub, 'Default ') });
  const revoked = Object.keys(n.revocations ?? {}).length;
  sections.push({
    rows: [
      ['Revocations', String(revoked)],
      // As nsc: counts here, the Exports and Imports tables below.
      ['Imports', n.imports?.length ? String(n.imports.length) : 'None'],
      ['Exports', n.exports?.length ? String(n.exports.length) : 'None'],
    ],
  });
  const tables = [renderTable(title('Account Details', opts), sections)];
  if (n.exports?.length) tables.push(exportsTable(n.exports));
  if (n.imports?.length) tables.push(importsTable(n.imports, (k) => opts.names?.get(k)));
  return tables.join('\n\n');
}

/** A scoped signing key and its template, as `nsc describe account` lists scoped keys. */
function scopeRows(sk: UserScope): Rows {
  const t = sk.template ?? {};
  const rows: Rows = [['Scoped Signing Key', sk.key], ['Role', sk.role]];
  if (sk.description) rows.push(['Description', sk.description]);
  rows.push(...permissionRows(t.pub, t.sub, 'Template '));
  rows.push(['Response Permissions', t.resp ? `max ${t.resp.max}${t.resp.ttl ? `, ttl ${formatDuration(t.resp.ttl)}` : ''}` : 'Not Set']);
  rows.push(['Max Msg Payload', formatBytes(t.payload ?? 0)], ['Max Data', formatBytes(t.data ?? 0)], ['Max Subs', formatCount(t.subs ?? 0)]);
  rows.push(['Network Src', t.src?.length ? t.src : 'Any']);
  rows.push(['Time', t.times?.length ? t.times.map((x) => `${x.start}-${x.end}${t.times_location ? ` ${t.times_location}` : ''}`) : 'Any']);
  if (t.allowed_connection_types?.length) rows.push(['Allowed Connection Types', t.allowed_connection_types]);
  if (t.bearer_token) rows.push(['Bearer Token', 'Yes']);
  return rows;
}

function permissionRows(pub: Permission | undefined, sub: Permission | undefined, prefix = ''): Rows {
  const rows: Rows = [];
  if (pub?.allow?.length) rows.push([`${prefix}Pub Allow`, pub.allow]);
  if (pub?.deny?.length) rows.push([`${prefix}Pub Deny`, pub.deny]);
  if (sub?.allow?.length) rows.push([`${prefix}Sub Allow`, sub.allow]);
  if (sub?.deny?.length) rows.push([`${prefix}Sub Deny`, sub.deny]);
  return rows;
}

/**
 * The `describe user` table, as `nsc describe user` prints it. For a user issued by a scoped
 * signing key (`opts.scope`) the permission rows show the scope's template, since that is
 * what nats-server applies: the user token itself carries none.
 */
export function describeUserTable(c: UserClaims, opts: DescribeOptions = {}): string {
  const n = c.nats;
  const main = standard('User', c, opts);
  if (opts.scope) {
    main.push(['Issuer Scoped', `Yes (role ${opts.scope.role})`]);
    if (opts.scope.description) main.push(['Scope Description', opts.scope.description]);
  }
  if (n.bearer_token) main.push(['Bearer Token', 'Yes']);
  const sections: TableSection[] = [{ rows: main }];
  const eff = opts.scope ? opts.scope.template : n;
  const perms = permissionRows(eff.pub, eff.sub, opts.scope ? 'Template ' : '');
  perms.push(['Response Permissions', eff.resp ? `max ${eff.resp.max}${eff.resp.ttl ? `, ttl ${formatDuration(eff.resp.ttl)}` : ''}` : 'Not Set']);
  sections.push({ rows: perms });
  sections.push({
    rows: [
      ['Max Msg Payload', formatBytes(eff.payload ?? 0)],
      ['Max Data', formatBytes(eff.data ?? 0)],
      ['Max Subs', formatCount(eff.subs ?? 0)],
      ['Network Src', eff.src?.length ? eff.src : 'Any'],
      ['Time', eff.times?.length ? eff.times.map((t) => `${t.start}-${t.end}${eff.times_location ? ` ${eff.times_location}` : ''}`) : 'Any'],
      ...(eff.allowed_connection_types?.length ? ([['Allowed Connection Types', eff.allowed_connection_types]] as Rows) : []),
    ],
  });
  return renderTable(title('User', opts), sections);
}

/** The table of an activation token (an account's permission to import a private export). */
export function describeActivationTable(c: ActivationClaims, opts: DescribeOptions = {}): string {
  const main = standard('Activation', c, opts);
  main[main.findIndex(([l]) => l === 'Activation ID')] = ['Importing Account', withName(c.sub, opts.names)];
  const rows: Rows = [
    ['Import Subject', c.nats.subject ?? ''],
    ['Import Type', c.nats.kind ?? ''],
  ];
  return renderTable(title('Activation', opts), [{ rows: main }, { rows }]);
}

/** Any other token (e.g. a generic or unknown type): its claims as JSON lines. */
export function describeGenericTable(c: Record<string, unknown>, opts: DescribeOptions = {}): string {
  const rows: Rows = [];
  if (opts.unverified) rows.push(['Signature', `INVALID: ${opts.unverified}`]);
  for (const [k, v] of Object.entries(c)) rows.push([k, typeof v === 'string' ? v : JSON.stringify(v, null, 1).split('\n').map((l) => l.trim())]);
  const type = (c.nats as { type?: unknown } | undefined)?.type;
  return renderTable(title(typeof type === 'string' ? `Token (${type})` : 'Token', opts), [{ rows }]);
}

/**
 * The table for any NATS claims, chosen by `nats.type`. Claims that do not have the shape
 * their type promises (possible only for unverified tokens) fall back to the generic table.
 */
export function describeClaimsTable(c: NatsClaims | Record<string, unknown>, opts: DescribeOptions = {}): string {
  const nats = (c as { nats?: unknown }).nats;
  const type = typeof nats === 'object' && nats !== null ? (nats as { type?: unknown }).type : undefined;
  try {
    if (typeof (c as { sub?: unknown }).sub === 'string') {
      if (type === 'operator') return describeOperatorTable(c as OperatorClaims, opts);
      if (type === 'account') return describeAccountTable(c as AccountClaims, opts);
      if (type === 'user') return describeUserTable(c as UserClaims, opts);
      if (type === 'activation') return describeActivationTable(c as ActivationClaims, opts);
    }
  } catch {
    // A forged token can hold anything (a string where a list belongs): show it raw instead.
  }
  return describeGenericTable(c as Record<string, unknown>, opts);
}
