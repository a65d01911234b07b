import { SigchainError } from '../../errors.js';
import type { SignKind } from '../../keys/signer.js';
import { type Command, str } from '../command.js';
import { renderGrid } from '../output/table.js';
import { parseTimeFlag } from '../parse/time.js';
import { openWorkspace } from './support.js';

const USAGE = 'audit show [--key PUBLIC_KEY] [--since TIME] [--kind KIND] [--json]';
const KINDS: readonly SignKind[] = ['jwt', 'nonce-claim', 'message', 'invocation'];

/** `--since`: an offset counts back from now (`7d` = the last seven days), else a time as `--start` takes it. */
function sinceOf(value: string): Date {
  const now = new Date();
  const t = parseTimeFlag(value, 'since', now) * 1000;
  return /^\d+[mhdwMy]$/.test(value.trim()) ? new Date(2 * now.getTime() - t) : new Date(t);
}

/** `sigchain audit show`: the records of the audit log, filtered. */
export const auditShowCommand: Command = {
  words: ['audit', 'show'],
  summary: 'Show the audit log: every use of a private key, by key, time or kind',
  usage: USAGE,
  description: [
    'Lists the records of $SIGCHAIN_HOME/audit/audit.log, oldest first: when, which key (and the',
    'backend holding it), for what usage and kind (jwt, nonce-claim, message, invocation), about',
    'what (a JWT subject, a contract, a context), the SHA-256 of the bytes signed, who asked (the',
    'command, or the agent peer\'s uid/pid) and the result (ok, refused or error with its code).',
    'No record holds a secret or the bytes signed. Use `sigchain audit verify` to check that the',
    'log is whole; this command reads it as it is.',
  ].join('\n'),
  examples: ['sigchain audit show', 'sigchain audit show --key UDXU… --since 7d', 'sigchain audit show --kind nonce-claim --json'],
  options: {
    key: { type: 'string', valueName: 'PUBLIC_KEY', description: 'Records of this key only.' },
    since: { type: 'string', valueName: 'TIME', description: 'Records at or after TIME: an offset back from now (30m, 12h, 7d), a date 2027-01-31, RFC 3339, or Unix seconds.' },
    kind: { type: 'string', valueName: 'KIND', description: `Records of one kind: ${KINDS.join(', ')}.` },
  },
  args: { min: 0, max: 0 },
  async run(ctx) {
    const kind = str(ctx, 'kind');
    if (kind !== undefined && !KINDS.includes(kind as SignKind)) throw new SigchainError('USAGE', `--kind must be one of ${KINDS.join(', ')}, not "${kind}".`);
    const since = str(ctx, 'since');
    const key = str(ctx, 'key');
    const { readAudit } = await import('../../workspace/audit.js');
    const records = await readAudit(openWorkspace(ctx), {
      ...(key !== undefined ? { key: key.trim() } : {}),
      ...(since !== undefined ? { since: sinceOf(since) } : {}),
      ...(kind !== undefined ? { kind: kind as SignKind } : {}),
    });
    const caller = (c: (typeof records)[number]['caller']): string => (typeof c === 'string' ? c : `uid ${c.uid} pid ${c.pid}`);
    const text = records.length
      ? renderGrid(
          'Audit log',
          ['#', 'Time', 'Key', 'Backend', 'Usage', 'Kind', 'Subject', 'Caller', 'Result'],
          records.map((r) => [String(r.seq), r.time, r.key, r.backend, r.usage, r.kind, r.subject ?? '', caller(r.caller), r.result === 'ok' ? 'ok' : `${r.result} ${r.code ?? ''}`.trim()]),
        )
      : 'No records match.';
    ctx.printer.result({ records }, text);
  },
};
