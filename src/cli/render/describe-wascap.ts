/**
 * The `describe` table of a wasmCloud (wascap) token: name, subject, issuer, validity, the
 * revision, and per kind its metadata (valid_signers for operators, accounts and clusters; the
 * module hash, tags, revision and version for actors; …).
 */
import type { WascapKind } from '../../claims/wascap/types.js';
import { type TableSection, renderTable } from '../output/table.js';
import type { DescribeOptions } from './describe.js';
import { formatBool, formatExpiry, formatTime } from './format.js';

type Rows = TableSection['rows'];

const TITLES: Record<WascapKind, string> = {
  operator: 'Operator',
  account: 'Account',
  actor: 'Module',
  provider: 'Capability Provider',
  cluster: 'Cluster',
  host: 'Host',
  invocation: 'Invocation',
};

function named(key: string, names?: Map<string, string>): string {
  const n = names?.get(key);
  return n ? `${key} / ${n}` : key;
}

function text(v: unknown): string | string[] {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v, null, 1).split('\n').map((l) => l.trim());
}

/**
 * The table of a wascap token of `kind` (unknown: the kind could not be told from its keys).
 * Claims of a token that failed its signature can hold anything: every value is shown as text.
 *
 * @example
 * ```ts
 * console.log(describeWascapTable(decodeWascap(jwt).claims, 'account'));
 * ```
 */
export function describeWascapTable(c: Record<string, unknown>, kind: WascapKind | undefined, opts: DescribeOptions = {}): string {
  const meta = (typeof c.wascap === 'object' && c.wascap !== null ? c.wascap : {}) as Record<string, unknown>;
  const label = kind ? TITLES[kind] : 'wascap';
  const rows: Rows = [];
  if (opts.unverified) rows.push(['Signature', `INVALID: ${opts.unverified}`]);
  rows.push(['Format', 'wascap (wasmCloud)']);
  if (kind !== 'invocation') rows.push(['Name', meta.name === null || meta.name === undefined ? '' : text(meta.name)]);
  rows.push([kind === 'invocation' ? 'Invocation ID' : `${label} ID`, text(c.sub ?? '')]);
  const iss = typeof c.iss === 'string' ? c.iss : '';
  rows.push(['Issuer ID', iss && iss !== c.sub ? named(iss, opts.names) : iss]);
  rows.push(['Issued', typeof c.iat === 'number' ? formatTime(c.iat) : text(c.iat ?? '')]);
  if (typeof c.nbf === 'number') rows.push(['Not Before', formatTime(c.nbf)]);
  rows.push(['Expires', typeof c.exp === 'number' || c.exp === undefined ? formatExpiry(c.exp as number | undefined) : text(c.exp)]);
  rows.push(['wascap Revision', c.wascap_revision === undefined ? '(none: before wascap 0.9)' : text(c.wascap_revision)]);
  const sections: TableSection[] = [{ rows }];
  const more: Rows = [];
  switch (kind) {
    case 'operator':
    case 'account':
    case 'cluster': {
      const signers = Array.isArray(meta.valid_signers) ? meta.valid_signers.map((k) => named(String(k), opts.names)) : [];
      more.push(['Valid Signers', signers.length ? signers : '(none)']);
      break;
    }
    case 'actor':
      more.push(['Module Hash', text(meta.hash ?? '')]);
      if (Array.isArray(meta.tags) && meta.tags.length) more.push(['Tags', meta.tags.map(String).join(', ')]);
      if (Array.isArray(meta.caps)) more.push(['Capabilities', meta.caps.length ? meta.caps.map(String) : '(none)']);
      if (meta.rev !== undefined) more.push(['Revision', text(meta.rev)]);
      if (meta.ver !== undefined) more.push(['Version', text(meta.ver)]);
      if (meta.call_alias !== undefined) more.push(['Call Alias', text(meta.call_alias)]);
      more.push(['Capability Provider', typeof meta.prov === 'boolean' ? formatBool(meta.prov) : text(meta.prov ?? false)]);
      break;
    default:
      for (const [k, v] of Object.entries(meta)) if (k !== 'name') more.push([k, v === null ? '' : text(v)]);
  }
  if (more.length) sections.push({ rows: more });
  return renderTable(opts.unverified ? `${label} Details (wascap) — NOT VERIFIED, DO NOT TRUST` : `${label} Details (wascap)`, sections);
}
