/**
 * The workspace's audit log (`<home>/audit/`) and what the CLI does with it: verify, show, seal.
 * The log itself is `src/store/audit/`; signers reach it through `audited` (src/custody).
 */
import type { AuditRecord } from '../keys/audit-record.js';
import { type AuditFilter, type AuditLog, type AuditVerdict, type SealResult, openAuditLog, unsealedAuditDirs } from '../store/audit/log.js';
import type { Workspace } from './workspace.js';

/**
 * The audit log of `ws`: `$SIGCHAIN_HOME/audit/` (in nsc mode, `audit/` in nsc's data folder).
 *
 * @example
 * ```ts
 * const log = auditLogOf(ws); // an AuditSink for `audited(signer, log, 'sign')`
 * ```
 */
export function auditLogOf(ws: Workspace): AuditLog {
  return openAuditLog(ws.auditDir);
}

/**
 * Checks the hash chain and the signed head: `{ ok: true, records }` or `{ ok: false, first_bad, reason }`.
 *
 * @example
 * ```ts
 * const v = await verifyAudit(ws);
 * if (!v.ok) console.error(`record ${v.first_bad}: ${v.reason}`);
 * ```
 */
export function verifyAudit(ws: Workspace, options: { auditKey?: string } = {}): Promise<AuditVerdict> {
  return auditLogOf(ws).verify(options);
}

/**
 * The records matching `filter`, oldest first.
 *
 * @example
 * ```ts
 * await readAudit(ws, { kind: 'nonce-claim', since: new Date(Date.now() - 86_400_000) });
 * ```
 */
export function readAudit(ws: Workspace, filter: AuditFilter = {}): Promise<AuditRecord[]> {
  return auditLogOf(ws).read(filter);
}

/**
 * Signs the log's head over every record written so far (the CLI does it after every command
 * that signed). Never seals over a log that disagrees with its head: `problem` then says why.
 *
 * @example
 * ```ts
 * const s = await sealAudit(ws);
 * if (!s.sealed) printer.warn(`audit log not sealed: ${s.problem}`);
 * ```
 */
export function sealAudit(ws: Workspace): Promise<SealResult> {
  return auditLogOf(ws).seal();
}

/**
 * Seals every audit log this process appended to and has not sealed (the CLI calls it after
 * each command). Returns one sentence per log that could not be sealed; never throws.
 *
 * @example
 * ```ts
 * for (const problem of await sealUnsealedAudits()) printer.warn(problem);
 * ```
 */
export async function sealUnsealedAudits(): Promise<string[]> {
  const problems: string[] = [];
  for (const dir of unsealedAuditDirs()) {
    try {
      const r = await openAuditLog(dir).seal();
      if (!r.sealed) problems.push(`The audit log in ${dir} was not sealed: ${r.problem}. Run \`sigchain audit verify\`.`);
    } catch (e) {
      problems.push(`The audit log in ${dir} could not be sealed: ${(e as Error).message}`);
    }
  }
  return problems;
}
