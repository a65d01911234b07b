import { SigchainError } from '../../errors.js';
import { type Command, str } from '../command.js';
import { openWorkspace } from './support.js';

const USAGE = 'audit verify [--audit-key PUBLIC_KEY] [--json]';

/** `sigchain audit verify`: the audit log's hash chain and signed head hold, or the first bad record. */
export const auditVerifyCommand: Command = {
  words: ['audit', 'verify'],
  summary: 'Check that the audit log was not edited, cut short or reordered (names the first bad record)',
  usage: USAGE,
  description: [
    'Reads $SIGCHAIN_HOME/audit/audit.log, one record per use of a private key, and checks its hash',
    'chain (each record holds its number and the SHA-256 of the line before it) and the head signed',
    'by the audit key after every command (audit/head.json). Exits 0 and prints the number of',
    'records when both hold; exits 1 naming the first bad record (1-based) when they do not:',
    '',
    '  - an edited record is named by its own number;',
    '  - a deleted or moved record: the first position that holds the wrong record;',
    '  - records cut off the end: the first one missing (the head says how many were sealed);',
    '  - a head that does not verify, or is signed by another key than the audit key (or than',
    '    --audit-key): record 1, since nothing is then vouched for.',
    '',
    'A torn last line (a writer killed mid-write) is not counted and is no error. Records written',
    'after the last seal are fine when their chain holds. The signed head stops anyone who cannot',
    'read audit/audit.nk; pin that key with --audit-key (noted when the log began: `audit verify',
    '--json` prints it) to catch a replaced key. To start over after damage, move audit.log and',
    'head.json aside together (keep them as evidence).',
  ].join('\n'),
  examples: ['sigchain audit verify', 'sigchain audit verify --json', 'sigchain audit verify --audit-key NBX…'],
  options: {
    'audit-key': { type: 'string', valueName: 'PUBLIC_KEY', description: 'The audit key (N…) the head must be signed by.' },
  },
  args: { min: 0, max: 0 },
  jsonRefusal: { ok: false },
  async run(ctx) {
    const { verifyAudit } = await import('../../workspace/audit.js');
    const pinned = str(ctx, 'audit-key');
    const v = await verifyAudit(openWorkspace(ctx), pinned !== undefined ? { auditKey: pinned.trim() } : {});
    if (v.ok) {
      ctx.printer.result(
        { ok: true, records: v.records, sealed: v.sealed, torn_last_line: v.torn, ...(v.auditKey ? { audit_key: v.auditKey } : {}) },
        `${v.records} records`,
      );
      ctx.printer.info(`${v.sealed} sealed by the audit key${v.auditKey ? ` ${v.auditKey}` : ''}${v.torn ? '; a torn last line (a crashed write) was not counted' : ''}.`);
      return;
    }
    ctx.printer.besideError({ first_bad: v.first_bad, records: v.records, reason: v.reason });
    throw new SigchainError('AUDIT_LOG_INVALID', `The audit log fails at record ${v.first_bad}: ${v.reason}. Keep the log as evidence; to start over, move audit.log and head.json aside together.`, { first_bad: v.first_bad });
  },
};
