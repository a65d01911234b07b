/**
 * The audit log on disk: `$SIGCHAIN_HOME/audit/audit.log`, JSON Lines, one record per use of a
 * private key, hash-chained (`seq`, `prev` = SHA-256 of the previous line's bytes) and sealed by
 * a signed head (head.ts).
 *
 * Writing. A record is in the file before its signature is returned: the lines of a batch go out
 * in ONE write on an O_APPEND descriptor. Written data is the kernel's once write() returns, so
 * the record survives a kill -9 of the writer; it reaches the disk (fdatasync) within
 * {@link SYNC_DELAY_MS}, and before every seal, so a power loss can drop at most the last few
 * unsealed records, never reorder or corrupt sealed ones. `SIGCHAIN_AUDIT_SYNC=always` fdatasyncs
 * every batch before returning, for those who want that per signature (about 1 ms each on this
 * disk: it would be most of the agent's cost). A kill -9 can cut that write short,
 * which leaves at most one torn line at the end (no `\n`); readers ignore it and the next
 * writer cuts it off before appending. Several processes append at once (CLI commands, the
 * agent), so "read the last record, append the next" runs under the audit lock (lock.ts); in
 * one process, appends queue and go out together (group commit: one fdatasync for all the
 * signatures that arrived meanwhile), which is what keeps the log's cost small under load.
 *
 * Verifying (`verify`): the records are read in order and the first bad one is named, 1-based:
 * - a line that is not a record, or whose `seq` is not its position, is bad itself (a record
 *   deleted or moved makes the record after it land in the wrong place);
 * - a record whose `prev` is not the hash of the line before it makes THAT line bad (it is not
 *   what was written when the chain was extended): an edited record is named by its own number;
 * - the head: fewer complete records than it sealed → the first missing one (records + 1) is
 *   bad (the tail was cut); the sealed record's line no longer hashing to `head_hash` → the
 *   last sealed record is bad (an edit of it, or a rewrite of the chain up to it); a head whose
 *   signature fails, or signed by another key than the audit key (or than `auditKey`) → 1.
 * - The last line, when it is torn (no `\n`) or unparsable, is not counted and is no error: a
 *   crash leaves that. Records appended after the last seal are fine if their chain holds.
 * - No head while the audit key exists and records are there → 1 (head.json was removed).
 */
import { type Stats, constants, fstatSync, statSync, writeSync } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { SigchainError } from '../../errors.js';

/** How soon written records reach the disk (fdatasync) when not synced per batch. */
export const SYNC_DELAY_MS = 50;
import type { AuditRecord, AuditRecordInput, AuditSink } from '../../keys/audit-record.js';
import type { SignKind } from '../../keys/signer.js';
import { ensureDir, ioError } from '../atomic.js';
import { AUDIT_LOCK_FILE, AUDIT_LOG_FILE, type AuditHead, auditPublicKey, readHead, writeHead } from './head.js';
import { GENESIS, MAX_LINE_BYTES, lineEndingAt, parseRecord, readLines, recordLine, sha256Hex } from './lines.js';
import { withAuditLock, withKeptAuditLockSync } from './lock.js';

/** The outcome of {@link AuditLog.verify}. */
export type AuditVerdict =
  | { readonly ok: true; readonly records: number; readonly sealed: number; readonly torn: boolean; readonly auditKey?: string }
  | { readonly ok: false; readonly first_bad: number; readonly reason: string; readonly records: number };

/** What {@link AuditLog.read} keeps. */
export interface AuditFilter {
  /** Records of this public key only. */
  key?: string;
  /** Records at or after this time. */
  since?: Date;
  kind?: SignKind;
}

/** The outcome of {@link AuditLog.seal}. */
export interface SealResult {
  /** True when the head now covers every complete record. */
  readonly sealed: boolean;
  readonly records: number;
  /** Why the head was left as it was (the log disagrees with it: run `audit verify`). */
  readonly problem?: string;
}

/** How long, under a kept lock, the log file is trusted to be the one this process last wrote. */
const LOOK_MS = 4;

/** Records written in one write at most. */
const MAX_BATCH = 512;

// The logs this process appended to since their last seal (resolved folder paths), on a global
// so the CLI can tell, without loading this module, whether there is anything to seal.
const UNSEALED = Symbol.for('sigchain.audit.unsealed');
function unsealedSet(): Set<string> {
  const g = globalThis as { [UNSEALED]?: Set<string> };
  return (g[UNSEALED] ??= new Set<string>());
}

interface Pending {
  record: AuditRecordInput;
  resolve(): void;
  reject(e: unknown): void;
}

function auditError(path: string, e: unknown): SigchainError {
  const why = e instanceof SigchainError ? e.message : ioError('append to', path, e).message;
  return new SigchainError('AUDIT_WRITE_FAILED', `The audit log ${path} could not be written, so no signature was returned. ${why}`, { path }, { cause: e });
}

/**
 * One audit log (a folder holding audit.log, head.json, audit.nk). Get it with
 * {@link openAuditLog}: one instance per folder per process, so appends share one queue.
 *
 * @example
 * ```ts
 * const log = openAuditLog(`${home}/audit`);
 * await log.append({ time: new Date().toISOString(), key: pub, backend: 'file', usage: 'authentication', kind: 'message', sha256, caller: 'sign', result: 'ok' });
 * await log.seal();
 * await log.verify(); // { ok: true, records: 1, sealed: 1, torn: false, auditKey: 'N…' }
 * ```
 */
export class AuditLog implements AuditSink {
  /** The audit folder. */
  readonly dir: string;
  /** The log file. */
  readonly path: string;
  readonly #lock: string;
  #queue: Pending[] = [];
  #syncTimer: NodeJS.Timeout | undefined;
  readonly #syncEach = process.env.SIGCHAIN_AUDIT_SYNC === 'always';
  #busy = false;
  #fh: FileHandle | undefined;
  // What this process last wrote: when the file is still that size, the tail need not be read.
  #tail: { ino: number; size: number; seq: number; hash: string } | undefined;
  // Where this process last sealed, and whether every record after it is one this process
  // wrote back to back (then the next seal need not read them again: the head commits to the
  // hash of the last line as written, so a later edit still fails `verify`).
  #sealedAt: { ino: number; bytes: number; seq: number; hash: string } | undefined;
  #contiguous = false;
  #lookedAt = 0;

  constructor(dir: string) {
    this.dir = resolve(dir);
    this.path = join(this.dir, AUDIT_LOG_FILE);
    this.#lock = join(this.dir, AUDIT_LOCK_FILE);
  }

  /**
   * Appends one record; resolves once it is in the file (see above for when it reaches the disk). Refuses with
   * `AUDIT_WRITE_FAILED` when it could not be written.
   */
  append(record: AuditRecordInput): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ record, resolve, reject });
      if (!this.#busy) {
        this.#busy = true;
        // One turn of the event loop first: the records of every request that arrived in this
        // turn (32 agent clients at once) go out in one batch, one lock, one write.
        setImmediate(() => void this.#drain());
      }
    });
  }

  async #drain(): Promise<void> {
    try {
      while (this.#queue.length) {
        const batch = this.#queue.splice(0, MAX_BATCH);
        const records = batch.map((p) => p.record);
        try {
          if (!this.#writeKept(records)) await this.#write(records);
          for (const p of batch) p.resolve();
        } catch (e) {
          const err = auditError(this.path, e);
          for (const p of batch) p.reject(err);
        }
      }
    } finally {
      // Set with no await after the loop's last check, so an append arriving now starts a new drain.
      this.#busy = false;
    }
  }

  async #write(records: AuditRecordInput[]): Promise<void> {
    unsealedSet().add(this.dir);
    // The lock lives in the folder; once a log is open the folder is there (if it was removed
    // since, this batch fails, the log is closed, and the next one makes the folder again).
    if (!this.#fh) await ensureDir(this.dir);
    await withAuditLock(this.#lock, async ({ kept }) => {
      try {
        // Under a lock kept since the last batch no other writer came, so the file is as this
        // process left it: the file is looked at (two system calls) once a millisecond at most.
        const tail = this.#tail;
        const trust = kept && tail !== undefined && this.#fh !== undefined && performance.now() - this.#lookedAt < LOOK_MS;
        const { fh, st } = trust ? { fh: this.#fh!, st: { ino: tail.ino, size: tail.size } } : await this.#handle();
        if (!trust) this.#lookedAt = performance.now();
        const cached = this.#tail;
        const ours = cached !== undefined && cached.ino === st.ino && cached.size === st.size;
        if (!ours) this.#contiguous = false;
        const { seq, hash } = ours ? cached : await this.#readTail(fh, st.size);
        if (!ours) await this.#noteSealed(st, seq, hash);
        this.#appendLines(fh, st, seq, hash, records);
        if (this.#syncEach) await fh.datasync();
        else this.#syncSoon(fh);
      } catch (e) {
        await this.close();
        throw e;
      }
    }, undefined, { keep: true, owner: this }); // kept between batches while signatures keep coming
  }

  /**
   * The common case of a busy signer: the lock kept since the last batch and the file as this
   * process left it (looked at less than LOOK_MS ago), so the batch is written as {@link #write}
   * would, without a promise or a turn of the event loop. False when that is not the case (then
   * {@link #write} takes the lock and looks at the file); a failure closes the log and throws.
   */
  #writeKept(records: AuditRecordInput[]): boolean {
    const fh = this.#fh;
    const tail = this.#tail;
    if (!fh || !tail || this.#syncEach || performance.now() - this.#lookedAt >= LOOK_MS) return false;
    unsealedSet().add(this.dir);
    try {
      const done = withKeptAuditLockSync(
        this.#lock,
        () => {
          this.#appendLines(fh, tail, tail.seq, tail.hash, records);
          this.#syncSoon(fh);
        },
        this,
      );
      return done !== undefined;
    } catch (e) {
      void this.close();
      throw e;
    }
  }

  /**
   * On this process's first look at the log (under the lock): when the head seals exactly the
   * records there are (or there are none and no head), the records this process appends from now
   * on are all that a seal must add, so {@link seal} need not read them back.
   */
  async #noteSealed(st: { ino: number; size: number }, seq: number, hash: string): Promise<void> {
    this.#sealedAt = undefined;
    const head = await readHead(this.dir).catch(() => 'unreadable');
    const sealed = head === undefined ? seq === 0 && st.size === 0 : typeof head === 'object' && head.records === seq && head.bytes === st.size && head.head_hash === hash;
    if (sealed) this.#sealedAt = { ino: st.ino, bytes: st.size, seq, hash };
    this.#contiguous = sealed;
  }

  /** Writes `records` after record `seq` (whose line hashes to `hash`) of the file `st` is: one write call. */
  #appendLines(fh: FileHandle, st: { ino: number; size: number }, seq: number, hash: string, records: AuditRecordInput[]): void {
    const lines: string[] = [];
    for (const r of records) {
      const line = recordLine(r, ++seq, hash);
      lines.push(line, '\n');
      hash = sha256Hex(line);
    }
    const buf = Buffer.from(lines.join(''), 'utf8');
    // One write call; a short write (a full disk) is finished by the next calls, and a
    // kill in between leaves one torn line, which the next writer cuts off.
    // Synchronously: a write of a few hundred bytes to the page cache takes microseconds.
    for (let off = 0; off < buf.length; ) off += writeSync(fh.fd, buf, off);
    this.#tail = { ino: st.ino, size: st.size + buf.length, seq, hash };
  }

  /**
   * The open log (O_APPEND), kept across batches: opening costs more than the write. Opened
   * again when the file at the path is not the one held (moved aside, removed).
   */
  async #handle(): Promise<{ fh: FileHandle; st: Pick<Stats, 'ino' | 'size'> }> {
    if (this.#fh) {
      const st = fstatSync(this.#fh.fd);
      const now = statSync(this.path, { throwIfNoEntry: false });
      if (now && now.ino === st.ino && now.dev === st.dev) return { fh: this.#fh, st };
      await this.close();
    }
    await ensureDir(this.dir);
    this.#fh = await open(this.path, constants.O_RDWR | constants.O_APPEND | constants.O_CREAT, 0o600);
    return { fh: this.#fh, st: await this.#fh.stat() };
  }

  // One fdatasync for everything written in the next few milliseconds; unref'd, so it never
  // keeps a process alive (the kernel writes the data back anyway).
  #syncSoon(fh: FileHandle): void {
    if (this.#syncTimer) return;
    this.#syncTimer = setTimeout(() => {
      this.#syncTimer = undefined;
      void fh.datasync().catch(() => undefined);
    }, SYNC_DELAY_MS);
    this.#syncTimer.unref();
  }

  /** Closes the log file this instance keeps open for appending (the next append opens it again). */
  async close(): Promise<void> {
    const fh = this.#fh;
    this.#fh = undefined;
    this.#tail = undefined;
    this.#contiguous = false;
    if (this.#syncTimer) clearTimeout(this.#syncTimer);
    this.#syncTimer = undefined;
    await fh?.datasync().catch(() => undefined);
    await fh?.close().catch(() => undefined);
  }

  /**
   * The last record's seq and line hash. A torn or unparsable last line (a crashed writer's) is
   * cut off first, so the next line starts clean and the chain goes on from the last record.
   */
  async #readTail(fh: FileHandle, size: number): Promise<{ seq: number; hash: string }> {
    if (size === 0) return { seq: 0, hash: GENESIS };
    const from = Math.max(0, size - 2 * MAX_LINE_BYTES);
    const buf = Buffer.alloc(size - from);
    const { bytesRead } = await fh.read(buf, 0, buf.length, from);
    if (bytesRead !== buf.length) throw new Error('the log changed while it was read');
    let end = buf.length; // keep [0, end) of the window
    if (buf[end - 1] !== 10) end = buf.lastIndexOf(10) + 1; // torn: no `\n` at the end
    let cuts = 0;
    for (;;) {
      if (end === 0) {
        if (from > 0) throw new Error(`its last ${buf.length} bytes hold no complete record; run \`sigchain audit verify\` and move the damaged log aside`);
        break;
      }
      const start = end >= 2 ? buf.lastIndexOf(10, end - 2) + 1 : 0;
      if (start === 0 && from > 0) throw new Error('its last line is longer than any record; run `sigchain audit verify` and move the damaged log aside');
      const line = buf.subarray(start, end - 1);
      const rec = parseRecord(line);
      if (typeof rec === 'object') {
        if (from + end < size) {
          await fh.truncate(from + end);
        }
        return { seq: rec.seq, hash: sha256Hex(line) };
      }
      // Only the last line can be a crash's leftover; a bad line before it is damage, not a crash.
      if (++cuts > 1) throw new Error(`the line before its last is not a record (${rec}); run \`sigchain audit verify\` and move the damaged log aside`);
      end = start;
    }
    await fh.truncate(0);
    return { seq: 0, hash: GENESIS };
  }

  /**
   * Checks the whole chain and the signed head. `auditKey` pins the key the head must be signed
   * by. The rules that decide `first_bad` are in this module's comment.
   */
  async verify(options: { auditKey?: string } = {}): Promise<AuditVerdict> {
    const head = await readHead(this.dir);
    const keyPub = await auditPublicKey(this.dir);
    const bad = (first_bad: number, reason: string, records: number): AuditVerdict => ({ ok: false, first_bad, reason, records });
    let headBad: { at: number; reason: string } | undefined;
    if (typeof head === 'string') headBad = { at: 1, reason: head };
    else if (head && keyPub && head.key !== keyPub) headBad = { at: 1, reason: `the head is signed by ${head.key}, not by the audit key ${keyPub}` };
    else if (head && options.auditKey && head.key !== options.auditKey) headBad = { at: 1, reason: `the head is signed by ${head.key}, not by the pinned audit key ${options.auditKey}` };
    const sealed = typeof head === 'object' ? head : undefined;

    let fh: FileHandle | undefined;
    try {
      fh = await open(this.path, 'r');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw ioError('read', this.path, e);
    }
    let count = 0;
    let torn = false;
    let prevHash = GENESIS;
    let sealedLine: { hash: string; end: number } | undefined;
    let chainBad: { at: number; reason: string } | undefined;
    try {
      if (fh) {
        // One line of look-ahead: an unparsable line is a crash's leftover only when it is the last.
        let pending: { bytes: Buffer; end: number; reason: string } | undefined;
        for await (const raw of readLines(fh)) {
          if (headBad && count + 1 >= headBad.at) break;
          if (pending) {
            chainBad = { at: count + 1, reason: `record ${count + 1} ${pending.reason}` };
            break;
          }
          if (!raw.terminated) {
            torn = true;
            break;
          }
          const rec = parseRecord(raw.bytes);
          if (typeof rec === 'string') {
            pending = { bytes: raw.bytes, end: raw.end, reason: rec };
            continue;
          }
          const i = count + 1;
          if (rec.seq !== i) {
            chainBad = { at: i, reason: `record ${i} says it is record ${rec.seq}: a record before it was removed, or records were moved` };
            break;
          }
          if (rec.prev !== prevHash) {
            chainBad = i === 1 ? { at: 1, reason: 'record 1 does not start the chain' } : { at: i - 1, reason: `record ${i - 1} is not the record that record ${i} was chained to: it was changed` };
            break;
          }
          prevHash = sha256Hex(raw.bytes);
          count = i;
          if (sealed && i === sealed.records) sealedLine = { hash: prevHash, end: raw.end };
        }
        if (pending && !chainBad) torn = true;
      }
    } finally {
      await fh?.close().catch(() => undefined);
    }
    if (!chainBad && !headBad && sealed) {
      if (count < sealed.records) headBad = { at: count + 1, reason: `the log holds ${count} records but ${sealed.records} were sealed: records ${count + 1}–${sealed.records} were cut off` };
      else if (sealed.records > 0 && (sealedLine?.hash !== sealed.head_hash || sealedLine.end !== sealed.bytes)) {
        headBad = { at: sealed.records, reason: `record ${sealed.records} is not the record the head sealed: it (or the chain up to it) was rewritten` };
      }
    }
    if (!chainBad && !headBad && !sealed && keyPub && count > 0) headBad = { at: 1, reason: 'the signed head (head.json) is missing while the audit key exists: it was removed' };
    const worst = [chainBad, headBad].filter((b): b is { at: number; reason: string } => b !== undefined).sort((a, b) => a.at - b.at)[0];
    if (worst) return bad(worst.at, worst.reason, count);
    return { ok: true, records: count, sealed: sealed?.records ?? 0, torn, ...(sealed ? { auditKey: sealed.key } : keyPub ? { auditKey: keyPub } : {}) };
  }

  /**
   * The records that match `filter`, in log order. Lines that are not records are skipped
   * (`verify` is what judges the log).
   */
  async read(filter: AuditFilter = {}): Promise<AuditRecord[]> {
    let fh: FileHandle;
    try {
      fh = await open(this.path, 'r');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw ioError('read', this.path, e);
    }
    const since = filter.since?.getTime();
    const out: AuditRecord[] = [];
    try {
      for await (const raw of readLines(fh)) {
        if (!raw.terminated) break;
        const rec = parseRecord(raw.bytes);
        if (typeof rec === 'string') continue;
        if (filter.key !== undefined && rec.key !== filter.key) continue;
        if (filter.kind !== undefined && rec.kind !== filter.kind) continue;
        if (since !== undefined && Date.parse(rec.time) < since) continue;
        out.push(rec);
      }
    } finally {
      await fh.close().catch(() => undefined);
    }
    return out;
  }

  /**
   * Signs a new head over every complete record, after checking that the records since the
   * last head extend it (right seq, chained to the sealed record, which is still there). A log
   * that disagrees with its head is never sealed over: the head stays, so `verify` keeps
   * naming the damage; the result says why. Cheap when nothing was appended: only the records
   * after the old head are read.
   */
  async seal(): Promise<SealResult> {
    // A folder removed since (the whole home, say) is not made again just to seal nothing in it.
    if (!statSync(this.dir, { throwIfNoEntry: false })?.isDirectory()) {
      const wrote = unsealedSet().delete(this.dir);
      await this.close();
      return wrote ? { sealed: false, records: 0, problem: `its folder ${this.dir} is gone (removed after this process wrote to it)` } : { sealed: true, records: 0 };
    }
    // What the head will cover is on the disk first.
    await this.#fh?.datasync().catch(() => undefined);
    const result = await withAuditLock(this.#lock, async (): Promise<SealResult> => {
      const old = await readHead(this.dir);
      if (typeof old === 'string') return { sealed: false, records: 0, problem: old };
      const keyPub = await auditPublicKey(this.dir);
      if (old && keyPub && old.key !== keyPub) return { sealed: false, records: old.records, problem: `the head is signed by ${old.key}, not by the audit key` };
      let fh: FileHandle | undefined;
      try {
        fh = await open(this.path, 'r');
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw ioError('read', this.path, e);
      }
      try {
        if (!fh) {
          if (old && old.records > 0) return { sealed: false, records: old.records, problem: `the log is gone but ${old.records} records were sealed` };
          return { sealed: true, records: 0 };
        }
        const st = await fh.stat();
        const at = this.#sealedAt;
        const tail = this.#tail;
        let r: SealResult & { bytes?: number; hash?: string };
        // A log with no head yet is sealed at its start (empty): then `at` must be that start.
        const headIsAt = at && (old ? old.records === at.seq && old.bytes === at.bytes && old.head_hash === at.hash : at.seq === 0 && at.bytes === 0);
        if (this.#contiguous && at && tail && headIsAt && tail.ino === at.ino && st.ino === at.ino && st.size === tail.size) {
          if (tail.seq !== at.seq) await writeHead(this.dir, tail.seq, tail.size, tail.hash);
          r = { sealed: true, records: tail.seq, bytes: tail.size, hash: tail.hash };
        } else {
          r = await this.#extend(fh, old);
        }
        if (r.sealed && r.bytes !== undefined && r.hash !== undefined) {
          this.#sealedAt = { ino: st.ino, bytes: r.bytes, seq: r.records, hash: r.hash };
          this.#contiguous = tail !== undefined && tail.ino === st.ino && tail.size === r.bytes;
        } else {
          this.#sealedAt = undefined;
          this.#contiguous = false;
        }
        return { sealed: r.sealed, records: r.records, ...(r.problem !== undefined ? { problem: r.problem } : {}) };
      } finally {
        await fh?.close().catch(() => undefined);
      }
    }, undefined, { owner: this });
    if (result.sealed) unsealedSet().delete(this.dir);
    return result;
  }

  async #extend(fh: FileHandle, old: AuditHead | undefined): Promise<SealResult & { bytes?: number; hash?: string }> {
    let seq = old?.records ?? 0;
    let hash = old?.head_hash ?? GENESIS;
    let end = old?.bytes ?? 0;
    if (old && old.records > 0) {
      const last = await lineEndingAt(fh, old.bytes);
      if (!last || sha256Hex(last.bytes) !== old.head_hash) return { sealed: false, records: old.records, problem: `record ${old.records}, the last sealed, is not what the head sealed` };
    }
    const startSeq = seq;
    let pending: string | undefined;
    for await (const raw of readLines(fh, end)) {
      if (!raw.terminated) break;
      if (pending) return { sealed: false, records: seq, problem: `record ${seq + 1} ${pending}` };
      const rec = parseRecord(raw.bytes);
      if (typeof rec === 'string') {
        pending = rec;
        continue;
      }
      if (rec.seq !== seq + 1 || rec.prev !== hash) return { sealed: false, records: seq, problem: `record ${seq + 1} does not extend the chain` };
      seq += 1;
      hash = sha256Hex(raw.bytes);
      end = raw.end;
    }
    if (seq === startSeq && old) return { sealed: true, records: seq, bytes: end, hash };
    await writeHead(this.dir, seq, end, hash);
    return { sealed: true, records: seq, bytes: end, hash };
  }
}

const logs = new Map<string, AuditLog>();

/**
 * The audit log kept in `dir` (made on the first append): one instance per folder per process.
 *
 * @example
 * ```ts
 * const log = openAuditLog(join(paths.home.path, 'audit'));
 * ```
 */
export function openAuditLog(dir: string): AuditLog {
  const key = resolve(dir);
  let log = logs.get(key);
  if (!log) logs.set(key, (log = new AuditLog(key)));
  return log;
}

/**
 * The audit folders this process appended to and has not sealed since. The CLI reads the same
 * set through `globalThis[Symbol.for('sigchain.audit.unsealed')]` without loading this module.
 */
export function unsealedAuditDirs(): string[] {
  return [...unsealedSet()];
}
