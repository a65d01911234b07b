/**
 * What the audit log records about one use of a private key, and the one thing a signer needs
 * of the log: somewhere to append. Types (and one list of values): the log on disk is `src/store/audit/`, the
 * wrapper that records every signature is `src/custody/audited.ts`.
 */
import type { KeyBackend, SignKind } from './signer.js';
import type { KeyUsage } from './usage.js';

/**
 * Who asked for the signature: a CLI command (`"sign"`, `"add user"`), or a peer of the key
 * agent, by the uid and pid its socket reported.
 */
export type AuditCaller = string | { readonly uid: number; readonly pid: number };

/**
 * How the use ended: `ok` (a signature was made), `refused` (a check said no before the key was
 * touched: usage, retirement, an agent constraint, a nonce), `error` (the backend failed).
 */
export type AuditResult = 'ok' | 'refused' | 'error';

/** Every {@link AuditResult}. */
export const AUDIT_RESULTS: readonly AuditResult[] = ['ok', 'refused', 'error'];

/**
 * One private-key use, as the signer reports it. The log adds `seq` and `prev` (its hash chain).
 * It never holds a secret nor the bytes signed: only their SHA-256.
 */
export interface AuditRecordInput {
  /** ISO 8601 time of the use. */
  readonly time: string;
  /** Public key of the key used. */
  readonly key: string;
  readonly backend: KeyBackend;
  readonly usage: KeyUsage;
  readonly kind: SignKind;
  /** What the signature speaks about (a JWT's `sub`, a contract id, a context name), if anything. */
  readonly subject?: string;
  /** Lowercase hex SHA-256 of the bytes signed (or refused). */
  readonly sha256: string;
  readonly caller: AuditCaller;
  readonly result: AuditResult;
  /** The SigchainError code of a refusal or failure (absent when `ok`). */
  readonly code?: string;
}

/** A record as stored: the input plus its place in the hash chain. */
export interface AuditRecord extends AuditRecordInput {
  /** 1-based position in the log. */
  readonly seq: number;
  /** Lowercase hex SHA-256 of the previous record's line (64 zeros for the first). */
  readonly prev: string;
}

/**
 * Where audit records go. `append` resolves only once the record is durable (on disk and
 * fdatasynced); a signer returns no signature before that.
 *
 * @example
 * ```ts
 * const sink: AuditSink = { async append(r) { records.push(r); } }; // a test sink
 * const signer = audited(inner, sink, 'sign');
 * ```
 */
export interface AuditSink {
  append(record: AuditRecordInput): Promise<void>;
}
