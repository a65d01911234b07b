// Shared by the audit log tests: temp folders, records, and raw edits of the log file.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuditRecordInput } from '../../../src/keys/audit-record.js';

/** A fresh audit folder, removed when the test ends. */
export function auditDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'sigchain-audit-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'audit');
}

/** A record as a signer would report it; `n` makes it unique. */
export function rec(n: number, over: Partial<AuditRecordInput> = {}): AuditRecordInput {
  return {
    time: new Date().toISOString(),
    key: 'UDXU4RCSJNZOIQHZNWXHXORDPRTGNJAHAHFRGZNEEJCPQTT2M7NLCNF4',
    backend: 'memory',
    usage: 'authentication',
    kind: 'message',
    subject: `s${n}`,
    sha256: createHash('sha256').update(String(n)).digest('hex'),
    caller: 'test',
    result: 'ok',
    ...over,
  };
}

/** The log's lines (each without its `\n`) and whether the file ends with `\n`. */
export function logLines(dir: string): string[] {
  return readFileSync(join(dir, 'audit.log'), 'utf8').split('\n').slice(0, -1);
}

/** Rewrites the log as `lines`, each ended by `\n`, then `tail` as it is. */
export function writeLines(dir: string, lines: string[], tail = ''): void {
  writeFileSync(join(dir, 'audit.log'), lines.map((l) => `${l}\n`).join('') + tail);
}
