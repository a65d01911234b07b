/**
 * The audit log's lines as bytes: the hash chain is over the exact bytes written, so lines are
 * split on `\n` in the raw file, never re-encoded. Also the one place that turns a record into
 * its line (fixed field order) and checks that a parsed line is a record.
 */
import { hash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import type { AuditRecord, AuditRecordInput } from '../../keys/audit-record.js';
import { AUDIT_RESULTS } from '../../keys/audit-record.js';
import { KEY_BACKENDS, type SignKind } from '../../keys/signer.js';
import { KEY_USAGES } from '../../keys/usage.js';

/** `prev` of the first record. */
export const GENESIS = '0'.repeat(64);
/** Longest `subject` or `caller` text kept; longer ones are cut (with `…`). */
export const MAX_TEXT_FIELD = 256;
/** No line of the log is longer than this (fields are bounded); the tail is read in windows of it. */
export const MAX_LINE_BYTES = 16 * 1024;

const KINDS: readonly SignKind[] = ['jwt', 'nonce-claim', 'message', 'invocation'];
const HEX64 = /^[0-9a-f]{64}$/;
// A seed must never reach the log, even pasted by mistake into a subject or a command name.
const SEED_TEXT = /S[OAUNCXMVP][A-Z2-7]{56}/g;

/** Lowercase hex SHA-256 of `data`. */
export function sha256Hex(data: Uint8Array | string): string {
  // One-shot: a third of createHash's cost on a line, and the log hashes every line it writes.
  return hash('sha256', data, 'hex');
}

function boundedText(text: string): string {
  const clean = text.replace(SEED_TEXT, '[seed removed]');
  return clean.length > MAX_TEXT_FIELD ? `${clean.slice(0, MAX_TEXT_FIELD - 1)}…` : clean;
}

let lastTime = '';

/**
 * The line (without `\n`) of a record at `seq` chained to `prev`, fields in a fixed order.
 * Refuses (TypeError) a record that is not one: a bug in the caller, never user input.
 */
export function recordLine(r: AuditRecordInput, seq: number, prev: string): string {
  const bad = (field: string): never => {
    throw new TypeError(`audit record: invalid ${field}`);
  };
  // A busy signer writes the same time text many times a millisecond: parse each one once.
  if (r.time !== lastTime) {
    if (typeof r.time !== 'string' || Number.isNaN(Date.parse(r.time))) bad('time');
    lastTime = r.time;
  }
  if (typeof r.key !== 'string' || r.key.length === 0 || r.key.length > 128) bad('key');
  if (!KEY_BACKENDS.includes(r.backend)) bad('backend');
  if (!KEY_USAGES.includes(r.usage)) bad('usage');
  if (!KINDS.includes(r.kind)) bad('kind');
  if (!HEX64.test(r.sha256)) bad('sha256');
  if (!AUDIT_RESULTS.includes(r.result)) bad('result');
  // JSON.stringify's own bytes for both shapes (integers need no quoting).
  const caller =
    typeof r.caller === 'string'
      ? JSON.stringify(boundedText(r.caller))
      : Number.isInteger(r.caller?.uid) && Number.isInteger(r.caller?.pid)
        ? `{"uid":${r.caller.uid},"pid":${r.caller.pid}}`
        : bad('caller');
  // Written field by field rather than JSON.stringify of an object (the log writes a line per
  // signature): the same bytes, since the fields checked above need no escaping and the texts
  // that may are quoted by JSON.stringify itself.
  let line = `{"seq":${seq},"time":${JSON.stringify(r.time)},"key":${JSON.stringify(r.key)},"backend":"${r.backend}","usage":"${r.usage}","kind":"${r.kind}"`;
  if (r.subject !== undefined && r.subject !== '') line += `,"subject":${JSON.stringify(boundedText(String(r.subject)))}`;
  line += `,"sha256":"${r.sha256}","caller":${caller},"result":"${r.result}"`;
  if (r.result !== 'ok') line += `,"code":${JSON.stringify(boundedText(String(r.code ?? 'UNKNOWN')))}`;
  return `${line},"prev":"${prev}"}`;
}

/**
 * The record a line holds, or a sentence saying why it holds none. Checks every field's shape;
 * the chain (`seq`, `prev`) is the caller's to judge.
 */
export function parseRecord(line: Uint8Array): AuditRecord | string {
  let o: unknown;
  try {
    o = JSON.parse(Buffer.from(line.buffer, line.byteOffset, line.byteLength).toString('utf8'));
  } catch {
    return 'is not JSON';
  }
  if (o === null || typeof o !== 'object' || Array.isArray(o)) return 'is not a JSON object';
  const r = o as Record<string, unknown>;
  const str = (k: string): boolean => typeof r[k] === 'string';
  if (!Number.isSafeInteger(r.seq) || (r.seq as number) < 1) return 'has no valid seq';
  if (!str('time') || Number.isNaN(Date.parse(r.time as string))) return 'has no valid time';
  if (!str('key')) return 'has no key';
  if (!KEY_BACKENDS.includes(r.backend as never)) return 'has no valid backend';
  if (!KEY_USAGES.includes(r.usage as never)) return 'has no valid usage';
  if (!KINDS.includes(r.kind as never)) return 'has no valid kind';
  if (r.subject !== undefined && !str('subject')) return 'has a subject that is not text';
  if (!str('sha256') || !HEX64.test(r.sha256 as string)) return 'has no valid sha256';
  const c = r.caller as { uid?: unknown; pid?: unknown } | string | undefined;
  if (!(typeof c === 'string' || (c && typeof c === 'object' && Number.isInteger(c.uid) && Number.isInteger(c.pid)))) return 'has no valid caller';
  if (!AUDIT_RESULTS.includes(r.result as never)) return 'has no valid result';
  if (r.code !== undefined && !str('code')) return 'has a code that is not text';
  if (!str('prev') || !HEX64.test(r.prev as string)) return 'has no valid prev';
  return r as unknown as AuditRecord;
}

/** One line of the file: its bytes (without `\n`), where it ends (after `\n`), and whether the `\n` is there. */
export interface RawLine {
  readonly bytes: Buffer;
  /** Offset just past this line (past its `\n` when terminated). */
  readonly end: number;
  readonly terminated: boolean;
}

/**
 * Every line of the open file from byte `start`, streamed in 1 MiB reads. A last piece without
 * `\n` (a write cut short by a crash) comes out with `terminated: false`.
 */
export async function* readLines(fh: FileHandle, start = 0): AsyncGenerator<RawLine> {
  const chunk = Buffer.allocUnsafe(1 << 20);
  let carry = Buffer.alloc(0);
  let pos = start;
  for (;;) {
    const { bytesRead } = await fh.read(chunk, 0, chunk.length, pos);
    if (bytesRead === 0) break;
    const data = carry.length ? Buffer.concat([carry, chunk.subarray(0, bytesRead)]) : Buffer.from(chunk.subarray(0, bytesRead));
    const base = pos - carry.length;
    pos += bytesRead;
    let from = 0;
    for (let nl = data.indexOf(10, from); nl >= 0; nl = data.indexOf(10, from)) {
      yield { bytes: data.subarray(from, nl), end: base + nl + 1, terminated: true };
      from = nl + 1;
    }
    carry = data.subarray(from);
  }
  if (carry.length) yield { bytes: carry, end: pos, terminated: false };
}

/**
 * The last complete line ending at byte `end` of the file (which must be a `\n`), read backwards
 * in one window; undefined when `end` is 0 or no line ends there.
 */
export async function lineEndingAt(fh: FileHandle, end: number): Promise<{ bytes: Buffer; start: number } | undefined> {
  if (end <= 0) return undefined;
  const from = Math.max(0, end - MAX_LINE_BYTES);
  const buf = Buffer.alloc(end - from);
  const { bytesRead } = await fh.read(buf, 0, buf.length, from);
  if (bytesRead !== buf.length || buf[buf.length - 1] !== 10) return undefined;
  const prevNl = buf.length >= 2 ? buf.lastIndexOf(10, buf.length - 2) : -1;
  if (prevNl < 0 && from > 0) return undefined; // longer than any line we write
  const start = prevNl + 1;
  return { bytes: buf.subarray(start, buf.length - 1), start: from + start };
}
