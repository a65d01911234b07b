/**
 * Exports and imports of an account described as data, and applied to its claims in memory
 * before the account is re-signed: what `add export`, `add import`, `delete export` and
 * `delete import` change, with nsc's defaults (an export is named after its subject; a service
 * answers Singleton unless told otherwise). The rules of the format itself (subjects, response
 * types, token positions, overlaps) are the validator's, run when the account is signed.
 */
import type { AccountClaims, Export, ExportType, Import } from '../../claims/nats/types.js';
import { isContainedIn } from '../../claims/nats/subjects.js';
import { SigchainError } from '../../errors.js';

/** The response types a service export may declare (Go `ResponseType`). */
export const RESPONSE_TYPES = ['Singleton', 'Stream', 'Chunked'] as const;

/** An export to add, as nsc's `add export` flags describe it. */
export interface ExportSpec {
  subject: string;
  /** Default: the subject (as nsc). */
  name?: string;
  /** Default `stream`. */
  type?: ExportType;
  /** Importers need an activation token (`--private`). */
  private?: boolean;
  /** Services only; default Singleton. */
  responseType?: (typeof RESPONSE_TYPES)[number];
  /** Services only: nanoseconds. */
  responseThreshold?: number;
  /** Services only: where latency samples go (`--latency`). */
  latencySubject?: string;
  /** Services only: percent 1..100, or `headers` (`--sampling header`). */
  sampling?: number | 'headers';
  /** Public exports only: the 1-based subject token that must be the importer's account key. */
  accountTokenPosition?: number;
  allowTrace?: boolean;
  advertise?: boolean;
  description?: string;
  infoUrl?: string;
}

/**
 * The export `spec` describes, with nsc's defaults; `USAGE` for combinations nsc refuses
 * (service options on a stream, a token position on a private export, sampling without a
 * latency subject).
 *
 * @example
 * ```ts
 * exportFromSpec({ subject: 'help.>', type: 'service', private: true }); // { name: 'help.>', … token_req: true, response_type: 'Singleton' }
 * ```
 */
export function exportFromSpec(spec: ExportSpec): Export {
  const type = spec.type ?? 'stream';
  if (!spec.subject) throw new SigchainError('USAGE', 'An export needs a subject (--subject).');
  const service = type === 'service';
  const serviceOnly: Array<[string, unknown]> = [
    ['--response-type', spec.responseType],
    ['--response-threshold', spec.responseThreshold],
    ['--latency', spec.latencySubject],
    ['--sampling', spec.sampling],
  ];
  if (!service) {
    const given = serviceOnly.filter(([, v]) => v !== undefined).map(([n]) => n);
    if (given.length) throw new SigchainError('USAGE', `${given.join(', ')} only apply to service exports: add --service, or drop ${given.length > 1 ? 'them' : 'it'}.`);
  }
  if (spec.private && spec.accountTokenPosition) {
    throw new SigchainError('USAGE', 'An account token position is only valid for public exports: the activation token of a private export already names the importing account.');
  }
  if (spec.sampling !== undefined && !spec.latencySubject) throw new SigchainError('USAGE', '--sampling needs --latency SUBJECT: where the latency samples are published.');
  if (spec.latencySubject && spec.sampling === undefined) throw new SigchainError('USAGE', '--latency needs --sampling: a percentage 1-100, or header.');
  if (spec.responseType !== undefined && !RESPONSE_TYPES.includes(spec.responseType)) {
    throw new SigchainError('USAGE', `Unknown response type ${JSON.stringify(spec.responseType)}: use ${RESPONSE_TYPES.join(', ')}.`);
  }
  const e: Export = { name: spec.name || spec.subject, subject: spec.subject, type };
  if (spec.private) e.token_req = true;
  if (service) e.response_type = spec.responseType ?? 'Singleton';
  if (spec.responseThreshold) e.response_threshold = spec.responseThreshold;
  if (spec.latencySubject) e.service_latency = { sampling: spec.sampling ?? 'headers', results: spec.latencySubject };
  if (spec.accountTokenPosition) e.account_token_position = spec.accountTokenPosition;
  if (spec.advertise) e.advertise = true;
  if (spec.allowTrace) e.allow_trace = true;
  if (spec.description) e.description = spec.description;
  if (spec.infoUrl) e.info_url = spec.infoUrl;
  return e;
}

/**
 * Adds an export to the account's claims; `STORE_EXISTS` when it already exports exactly that
 * subject as that kind (the validator refuses overlaps when the account is signed).
 *
 * @example
 * ```ts
 * insertExport(account, exportFromSpec({ subject: 'orders.>' }));
 * ```
 */
export function insertExport(claims: AccountClaims, e: Export): AccountClaims {
  const list = (claims.nats.exports ??= []);
  const same = list.find((x) => x.subject === e.subject && x.type === e.type);
  if (same) {
    throw new SigchainError('STORE_EXISTS', `Account "${claims.name ?? claims.sub}" already exports ${e.type} ${JSON.stringify(e.subject)}${same.name && same.name !== e.subject ? ` (as "${same.name}")` : ''}. Delete it first (\`sigchain delete export -s ${e.subject}\`) to change it.`);
  }
  list.push(e);
  return claims;
}

/**
 * Removes the export of exactly `subject` (nsc's `delete export -s`); with no subject, the only
 * export. Returns the removed export. `STORE_NOT_FOUND` (naming the exports there are) otherwise.
 *
 * @example
 * ```ts
 * removeExport(account, 'orders.>');
 * ```
 */
export function removeExport(claims: AccountClaims, subject?: string): Export {
  const list = claims.nats.exports ?? [];
  const who = `Account "${claims.name ?? claims.sub}"`;
  if (!list.length) throw new SigchainError('STORE_NOT_FOUND', `${who} has no exports.`);
  let at = -1;
  if (subject === undefined) {
    if (list.length > 1) throw new SigchainError('USAGE', `${who} has ${list.length} exports; name the one to delete with -s SUBJECT: ${list.map((e) => e.subject).join(', ')}.`);
    at = 0;
  } else at = list.findIndex((e) => e.subject === subject);
  if (at < 0) throw new SigchainError('STORE_NOT_FOUND', `${who} has no export of ${JSON.stringify(subject)}. Its exports: ${list.map((e) => e.subject).join(', ')}.`);
  const [removed] = list.splice(at, 1);
  if (!list.length) delete claims.nats.exports;
  return removed!;
}

/** An import to add. */
export interface ImportSpec {
  /** The exporting account's public key. */
  account: string;
  /** The subject as the exporter exports it (or a part of it). */
  subject: string;
  type: ExportType;
  /** Default: the subject (nsc: the remote subject, or the activation's name). */
  name?: string;
  /** The subject in the importing account (`--local-subject`). */
  localSubject?: string;
  /** The activation token of a private export. */
  token?: string;
  /** Services only: share latency data with the exporter. */
  share?: boolean;
  /** Streams only. */
  allowTrace?: boolean;
}

/**
 * The import `spec` describes, in the field order Go writes. `USAGE` for `--share` on a stream.
 *
 * @example
 * ```ts
 * importFromSpec({ account: exporter.sub, subject: 'orders.>', type: 'stream' });
 * ```
 */
export function importFromSpec(spec: ImportSpec): Import {
  if (spec.share && spec.type !== 'service') throw new SigchainError('USAGE', '--share (latency data) only applies to service imports.');
  if (spec.allowTrace && spec.type !== 'stream') throw new SigchainError('USAGE', '--allow-trace only applies to stream imports.');
  const im: Import = { name: spec.name || spec.subject, subject: spec.subject, account: spec.account, type: spec.type };
  if (spec.token) im.token = spec.token;
  if (spec.localSubject) im.local_subject = spec.localSubject;
  if (spec.share) im.share = true;
  if (spec.allowTrace) im.allow_trace = true;
  return im;
}

/**
 * Adds an import; `STORE_EXISTS` when the account already imports that subject, of that kind,
 * from that account (as nsc refuses).
 *
 * @example
 * ```ts
 * insertImport(account, importFromSpec({ account: exporter.sub, subject: 'orders.>', type: 'stream' }));
 * ```
 */
export function insertImport(claims: AccountClaims, im: Import): AccountClaims {
  const list = (claims.nats.imports ??= []);
  if (list.some((x) => x.account === im.account && x.subject === im.subject && x.type === im.type)) {
    throw new SigchainError('STORE_EXISTS', `Account "${claims.name ?? claims.sub}" already imports ${im.type} ${JSON.stringify(im.subject)} from ${im.account}. Delete that import first (\`sigchain delete import -s ${im.subject}\`) to change it.`);
  }
  list.push(im);
  return claims;
}

/**
 * Removes the import of `subject` (from `fromAccount` when several accounts are imported from
 * on that subject, as nsc's `--src-account`); with no subject, the only import. Returns it.
 * `STORE_NOT_FOUND` or `AMBIGUOUS_NAME` (naming the candidates) otherwise.
 *
 * @example
 * ```ts
 * removeImport(account, 'orders.>');
 * ```
 */
export function removeImport(claims: AccountClaims, subject?: string, fromAccount?: string): Import {
  const list = claims.nats.imports ?? [];
  const who = `Account "${claims.name ?? claims.sub}"`;
  if (!list.length) throw new SigchainError('STORE_NOT_FOUND', `${who} has no imports.`);
  if (subject === undefined) {
    if (list.length > 1) throw new SigchainError('USAGE', `${who} has ${list.length} imports; name the one to delete with -s SUBJECT: ${list.map((i) => i.subject).join(', ')}.`);
    subject = list[0]!.subject;
  }
  const hits = list.map((im, i) => ({ im, i })).filter(({ im }) => im.subject === subject && (fromAccount === undefined || im.account === fromAccount));
  if (!hits.length) {
    throw new SigchainError('STORE_NOT_FOUND', `${who} has no import of ${JSON.stringify(subject)}${fromAccount ? ` from ${fromAccount}` : ''}. Its imports: ${list.map((i) => `${i.subject} (from ${i.account})`).join(', ')}.`);
  }
  if (hits.length > 1) {
    throw new SigchainError('AMBIGUOUS_NAME', `${who} imports ${JSON.stringify(subject)} from ${hits.length} accounts: ${hits.map(({ im }) => im.account).join(', ')}. Say which with --src-account.`);
  }
  const [removed] = list.splice(hits[0]!.i, 1);
  if (!list.length) delete claims.nats.imports;
  return removed!;
}

/**
 * The exports of `exporter` of kind `type` whose subject covers `subject` (Go
 * `IsContainedIn`), most specific first.
 *
 * @example
 * ```ts
 * exportsCovering(exporter, 'orders.eu', 'stream'); // [{ subject: 'orders.>', … }]
 * ```
 */
export function exportsCovering(exporter: AccountClaims, subject: string, type: ExportType): Export[] {
  return (exporter.nats.exports ?? []).filter((e) => e.type === type && isContainedIn(subject, e.subject)).sort((a, b) => b.subject.length - a.subject.length);
}

/**
 * The accounts (by name) among `accounts` that import from `exporter`: what must change before
 * the exporter can go. `subject`, when given, narrows it to imports an export of exactly that
 * subject serves.
 *
 * @example
 * ```ts
 * importersOf([{ name: 'B', claims: b }], a.sub); // [{ name: 'B', subjects: ['orders.>'] }]
 * ```
 */
export function importersOf(accounts: ReadonlyArray<{ name: string; claims: AccountClaims }>, exporter: string, exp?: Pick<Export, 'subject' | 'type'>): Array<{ name: string; subjects: string[] }> {
  const out: Array<{ name: string; subjects: string[] }> = [];
  for (const { name, claims } of accounts) {
    if (claims.sub === exporter) continue;
    const subjects = (claims.nats.imports ?? []).filter((im) => im.account === exporter && (!exp || (im.type === exp.type && isContainedIn(im.subject, exp.subject)))).map((im) => im.subject);
    if (subjects.length) out.push({ name, subjects });
  }
  return out;
}
