/**
 * The Exports and Imports tables `nsc describe account` prints below the account's details,
 * with nsc's columns: Exports (Name, Type, Subject, Public, Revocations, Tracking), their
 * descriptions, and Imports (Name, Type, Remote, Local, Expires, From Account, Public).
 */
import { decodeActivation } from '../../claims/nats/decode.js';
import type { Export, Import } from '../../claims/nats/types.js';
import { isSigchainError } from '../../errors.js';
import { renderGrid } from '../output/table.js';
import { formatExpiry } from './format.js';

function title(s: string): string {
  return s ? s[0]!.toUpperCase() + s.slice(1) : s;
}

/**
 * The Exports table (and, when any export has one, the table of their descriptions).
 *
 * @example
 * ```ts
 * exportsTable(account.nats.exports ?? []);
 * ```
 */
export function exportsTable(exports: readonly Export[]): string {
  const rows = exports.map((e) => {
    const service = e.type === 'service';
    const kind = `${title(String(e.type))}${service && e.response_type && e.response_type !== 'Singleton' ? ` [${e.response_type}]` : ''}`;
    const latency = e.service_latency;
    const tracking = !service ? 'N/A' : latency ? `${latency.results} (${latency.sampling === 'headers' || !latency.sampling ? 'headers' : `${latency.sampling}%`})` : '-';
    const subject = e.account_token_position ? `${e.subject} (account token ${e.account_token_position})` : e.subject;
    return [e.name ?? '', kind, subject, e.token_req ? 'No' : 'Yes', String(Object.keys(e.revocations ?? {}).length), tracking];
  });
  const out = [renderGrid('Exports', ['Name', 'Type', 'Subject', 'Public', 'Revocations', 'Tracking'], rows)];
  const described = exports.filter((e) => e.description || e.info_url);
  if (described.length) out.push(renderGrid('Exports - Descriptions', ['Name', 'Description', 'Info Url'], described.map((e) => [e.name ?? '', (e.description ?? '').replace(/\n/g, ' '), e.info_url ?? ''])));
  return out.join('\n');
}

// When an activation expires, as nsc's Expires column shows it; a token that does not verify says so.
function activationExpiry(token: string): string {
  try {
    return formatExpiry(decodeActivation(token).exp);
  } catch (e) {
    if (!isSigchainError(e)) throw e;
    return `invalid activation (${e.code})`;
  }
}

/**
 * The Imports table. For a service imported under another name, Local is the name used in this
 * account and Remote the exporter's subject, as nsc shows them.
 *
 * @example
 * ```ts
 * importsTable(account.nats.imports ?? [], (key) => names.get(key));
 * ```
 */
export function importsTable(imports: readonly Import[], nameOf: (publicKey: string) => string | undefined = () => undefined): string {
  const rows = imports.map((i) => {
    const from = nameOf(i.account);
    return [
      i.name ?? '',
      title(String(i.type)),
      i.subject,
      i.local_subject ?? i.to ?? '',
      i.token ? activationExpiry(i.token) : '',
      from ? `${i.account} / ${from}` : i.account,
      i.token ? 'No' : 'Yes',
    ];
  });
  return renderGrid('Imports', ['Name', 'Type', 'Remote', 'Local', 'Expires', 'From Account', 'Public'], rows);
}
