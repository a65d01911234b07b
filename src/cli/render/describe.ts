import type { AccountClaims, OperatorClaims, Permission, UserClaims, UserScope } from '../../claims/nats/types.js';
import { type TableSection, renderTable } from '../output/table.js';
import { formatBool, formatBytes, formatCount, formatDuration, formatExpiry, formatTime } from './format.js';

type Rows = TableSection['rows'];

function standard(kind: string, c: { name?: string; sub: string; iss?: string; iat?: number; exp?: number; nbf?: number; nats: { tags?: string[] } }): Rows {
  const rows: Rows = [
    ['Name', c.name ?? ''],
    [`${kind} ID`, c.sub],
    ['Issuer ID', c.iss ?? ''],
  ];
  const issuerAccount = (c.nats as { issuer_account?: string }).issuer_account;
  if (issuerAccount) rows.push(['Issuer Account', issuerAccount]);
  rows.push(['Issued', formatTime(c.iat)]);
  if (c.nbf) rows.push(['Not Before', formatTime(c.nbf)]);
  rows.push(['Expires', formatExpiry(c.exp)]);
  if (c.nats.tags?.length) rows.push(['Tags', c.nats.tags.join(', ')]);
  return rows;
}

/** Names for public keys the store knows, so tables can say `ACDX… / A`. */
export type KeyNames = Map<string, string>;

function withName(key: string, names?: KeyNames): string {
  const n = names?.get(key);
  return n ? `${key} / ${n}` : key;
}

/**
 * The `describe operator` table.
 *
 * @example
 * ```ts
 * console.log(describeOperatorTable(decodeOperator(jwt)));
 * ```
 */
export function describeOperatorTable(c: OperatorClaims, names?: KeyNames): string {
  const n = c.nats;
  const main = standard('Operator', c);
  if (n.account_server_url) main.push(['Account JWT Server', n.account_server_url]);
  if (n.operator_service_urls?.length) main.push(['Operator Service URLs', n.operator_service_urls]);
  if (n.system_account) main.push(['System Account', withName(n.system_account, names)]);
  if (n.assert_server_version) main.push(['Server Version', n.assert_server_version]);
  main.push(['Require Signing Keys', formatBool(n.strict_signing_key_usage)]);
  const sections: TableSection[] = [{ rows: main }];
  if (n.signing_keys?.length) sections.push({ rows: [['Signing Keys', n.signing_keys]] });
  return renderTable('Operator Details', sections);
}

function scopeLabel(sk: string | UserScope): string {
  return typeof sk === 'string' ? sk : `${sk.key} (scoped: role ${sk.role})`;
}

/** The `describe account` table. */
export function describeAccountTable(c: AccountClaims, names?: KeyNames): string {
  const n = c.nats;
  const l = n.limits ?? {};
  const main = standard('Account', c);
  if (names && c.iss && names.has(c.iss)) main[2] = ['Issuer ID', withName(c.iss, names)];
  if (n.description) main.push(['Description', n.description]);
  if (n.info_url) main.push(['Info Url', n.info_url]);
  const sections: TableSection[] = [{ rows: main }];
  if (n.signing_keys?.length) sections.push({ rows: [['Signing Keys', n.signing_keys.map(scopeLabel)]] });
  const limits: Rows = [
    ['Max Connections', formatCount(l.conn)],
    ['Max Leaf Node Connections', l.leaf === 0 ? 'Not Allowed' : formatCount(l.leaf)],
    ['Max Data', formatBytes(l.data)],
    ['Max Exports', formatCount(l.exports)],
    ['Max Imports', formatCount(l.imports)],
    ['Max Msg Payload', formatBytes(l.payload)],
    ['Max Subscriptions', formatCount(l.subs)],
    ['Exports Allows Wildcards', formatBool(l.wildcards)],
    ['Disallow Bearer Token', formatBool(l.disallow_bearer)],
  ];
  const js = !!(l.mem_storage || l.disk_storage || (l.tiered_limits && Object.keys(l.tiered_limits).length));
  limits.push(['JetStream', js ? 'Enabled' : 'Disabled']);
  if (js && !l.tiered_limits) {
    limits.push(['Max Memory Storage', formatBytes(l.mem_storage)], ['Max Disk Storage', formatBytes(l.disk_storage)], ['Max Streams', formatCount(l.streams)], ['Max Consumers', formatCount(l.consumer)]);
  }
  sections.push({ rows: limits });
  const dp = n.default_permissions;
  if (dp && (dp.pub?.allow || dp.pub?.deny || dp.sub?.allow || dp.sub?.deny)) sections.push({ rows: permissionRows(dp.pub, dp.sub, 'Default ') });
  const revoked = Object.keys(n.revocations ?? {}).length;
  sections.push({
    rows: [
      ['Revocations', String(revoked)],
      ['Imports', n.imports?.length ? n.imports.map((i) => `${i.type} ${i.local_subject ?? i.subject} ← ${withName(i.account, names)}`) : 'None'],
      ['Exports', n.exports?.length ? n.exports.map((e) => `${e.type} ${e.subject}${e.token_req ? ' (private)' : ' (public)'}`) : 'None'],
    ],
  });
  return renderTable('Account Details', sections);
}

function permissionRows(pub: Permission | undefined, sub: Permission | undefined, prefix = ''): Rows {
  const rows: Rows = [];
  if (pub?.allow?.length) rows.push([`${prefix}Pub Allow`, pub.allow]);
  if (pub?.deny?.length) rows.push([`${prefix}Pub Deny`, pub.deny]);
  if (sub?.allow?.length) rows.push([`${prefix}Sub Allow`, sub.allow]);
  if (sub?.deny?.length) rows.push([`${prefix}Sub Deny`, sub.deny]);
  return rows;
}

/** The `describe user` table; `scope` is the signing key scope that issued it, if any. */
export function describeUserTable(c: UserClaims, opts: { scope?: UserScope; names?: KeyNames } = {}): string {
  const n = c.nats;
  const main = standard('User', c);
  if (opts.names && n.issuer_account) main[3] = ['Issuer Account', withName(n.issuer_account, opts.names)];
  if (opts.scope) main.push(['Issuer Scoped', `Yes (role ${opts.scope.role})`]);
  if (n.bearer_token) main.push(['Bearer Token', 'Yes']);
  const sections: TableSection[] = [{ rows: main }];
  // A scoped user carries no permissions of its own: show the template the server applies.
  const eff = opts.scope ? opts.scope.template : n;
  const perms = permissionRows(eff.pub, eff.sub);
  perms.push(['Response Permissions', eff.resp ? `max ${eff.resp.max}${eff.resp.ttl ? `, ttl ${formatDuration(eff.resp.ttl)}` : ''}` : 'Not Set']);
  sections.push({ rows: perms });
  sections.push({
    rows: [
      ['Max Msg Payload', formatBytes(eff.payload)],
      ['Max Data', formatBytes(eff.data)],
      ['Max Subs', formatCount(eff.subs)],
      ['Network Src', eff.src?.length ? eff.src : 'Any'],
      ['Time', eff.times?.length ? eff.times.map((t) => `${t.start}-${t.end}${eff.times_location ? ` ${eff.times_location}` : ''}`) : 'Any'],
      ...(eff.allowed_connection_types?.length ? ([['Allowed Connection Types', eff.allowed_connection_types]] as Rows) : []),
    ],
  });
  return renderTable('User', sections);
}
