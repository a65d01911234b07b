/**
 * `add export` and `delete export`: an account offers (or stops offering) a stream or a service
 * to other accounts. Exports live in the ACCOUNT JWT, so an operator key re-signs it.
 */
import type { SignerLike } from '../signing/signer-like.js';
import type { Export } from '../../claims/nats/types.js';
import { issueAccount } from '../signing/issue.js';
import { readAccountInStore } from '../read.js';
import { type ExportSpec, exportFromSpec, importersOf, insertExport, removeExport } from '../edits/export-edit.js';
import { readAccountSet } from './account-set.js';
import type { Workspace } from '../workspace.js';

/** The account an export or import operation re-signed. */
export interface ResignedAccountInfo {
  name: string;
  publicKey: string;
  /** The operator key that signed the new account JWT. */
  issuer: string;
  signedBy: 'identity' | 'signing-key';
}

/** Options of {@link addExport}. */
export interface AddExportOptions extends ExportSpec {
  operator?: string;
  /** The exporting account; default the current one. */
  account?: string;
  /** The operator key that re-signs the account (`-K`). */
  signer?: SignerLike;
}

/** What {@link addExport} did. */
export interface AddExportResult {
  operator: string;
  account: ResignedAccountInfo;
  export: Export;
  warnings: string[];
}

/**
 * Adds an export to an account and re-signs it with an operator key. The export is checked as
 * Go's jwt library checks it when the account is signed (`INVALID_CLAIMS`: a subject that
 * overlaps another export of the same kind, a token position that is not a `*`, …).
 *
 * @example
 * ```ts
 * await addExport(ws, { account: 'A', subject: 'help.>', type: 'service', private: true });
 * ```
 */
export async function addExport(ws: Workspace, opts: AddExportOptions): Promise<AddExportResult> {
  return ws.store.locked(async () => {
    const { op, operator, name, account } = await readAccountInStore(ws, opts.operator, opts.account);
    const previous = structuredClone(account.claims);
    const e = exportFromSpec(opts);
    insertExport(account.claims, e);
    const issued = await issueAccount(ws, operator, account.claims, opts.signer, { previous });
    await op.writeAccountJwt(name, issued.token);
    return {
      operator: op.name,
      account: { name, publicKey: account.claims.sub, issuer: issued.signer.key.publicKey, signedBy: issued.signer.as },
      export: e,
      warnings: issued.warnings,
    };
  });
}

/** Options of {@link deleteExport}. */
export interface DeleteExportOptions {
  operator?: string;
  account?: string;
  /** The exported subject, exactly as exported; may be left out when the account has one export. */
  subject?: string;
  signer?: SignerLike;
}

/** What {@link deleteExport} did. */
export interface DeleteExportResult {
  operator: string;
  account: ResignedAccountInfo;
  removed: Export;
  /** Accounts whose imports the export served: they no longer receive anything. */
  importers: Array<{ name: string; subjects: string[] }>;
  warnings: string[];
}

/**
 * Removes an export and re-signs the account. Accounts that imported it are named in a warning
 * (their imports stay, and serve nothing until the export is back).
 *
 * @example
 * ```ts
 * const r = await deleteExport(ws, { account: 'A', subject: 'orders.>' });
 * r.importers; // [{ name: 'B', subjects: ['orders.>'] }]
 * ```
 */
export async function deleteExport(ws: Workspace, opts: DeleteExportOptions): Promise<DeleteExportResult> {
  return ws.store.locked(async () => {
    const { op, operator, name, account } = await readAccountInStore(ws, opts.operator, opts.account);
    const previous = structuredClone(account.claims);
    const removed = removeExport(account.claims, opts.subject);
    const issued = await issueAccount(ws, operator, account.claims, opts.signer, { previous });
    await op.writeAccountJwt(name, issued.token);
    const importers = importersOf((await readAccountSet(op)).accounts, account.claims.sub, removed);
    const warnings = [...issued.warnings];
    if (importers.length) {
      warnings.push(
        `Account(s) ${importers.map((i) => `"${i.name}" (${i.subjects.join(', ')})`).join(', ')} import ${removed.type} ${JSON.stringify(removed.subject)} from "${name}": their imports now serve nothing. ` +
          `Remove them with \`sigchain delete import -a ACCOUNT -s SUBJECT\`, or add the export back.`,
      );
    }
    return { operator: op.name, account: { name, publicKey: account.claims.sub, issuer: issued.signer.key.publicKey, signedBy: issued.signer.as }, removed, importers, warnings };
  });
}
