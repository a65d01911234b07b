/**
 * The record that makes `keys compromised --apply` safe to run again after an interruption
 * (a kill, a crash, a power cut):
 *
 * ```
 * <stores>/<Op>/.compromise-<PUB>.json   the compromised key, each parent's replacement key, the phase
 * <stores>/<Op>/.compromise-<PUB>.old    the user tokens about to be replaced (one JSON object a line)
 * ```
 * The journal is written (fsynced) after the replacement key's seed is stored and before any
 * token changes, so a re-run picks up the same replacement. The backup is written (fsynced)
 * before user files are rewritten without per-file fsync: after a power cut a user file may hold
 * stale bytes, and the backup is where its claims come back from. Both go once the filesystem
 * has been synced at the end. Hidden names: store listings skip them.
 */
import { readTextIfPresent } from '../../store/bulk-read.js';
import { join } from 'node:path';
import type { UserScope } from '../../claims/nats/types.js';
import { SigchainError } from '../../errors.js';
import { SECRET_FILE_MODE, removeFile, writeFileAtomic } from '../../store/atomic.js';
import type { OperatorStore } from '../../store/operator-store.js';

/** Where a compromise stands. */
export type CompromisePhase =
  /** Replacement keys chosen and stored; parents may or may not be re-signed yet. */
  | 'parents'
  /** Parents re-signed and the backup written: children are being re-issued. */
  | 'children';

/** A parent entity and the key that replaces the compromised one in its token. */
export interface JournalParent {
  kind: 'operator' | 'account';
  /** Entity name (the operator's or the account's folder name). */
  name: string;
  /** The entity's identity key. */
  publicKey: string;
  /** The replacement signing key (its seed is in the key store). */
  replacement: string;
  /** For account signing keys: the scope the compromised key had, given to the replacement. */
  scope: UserScope | null;
}

/** The journal of one compromised key in one operator's store. */
export interface CompromiseJournal {
  version: 1;
  /** The compromised signing key. */
  key: string;
  operator: string;
  phase: CompromisePhase;
  /** ISO time the first run started. */
  started: string;
  parents: JournalParent[];
}

/** One user token saved before its file is rewritten. */
export interface BackupEntry {
  account: string;
  user: string;
  token: string;
}

/** `<stores>/<Op>/.compromise-<PUB>.json`. */
function journalPath(op: OperatorStore, key: string): string {
  return join(op.dir, `.compromise-${key}.json`);
}

/** `<stores>/<Op>/.compromise-<PUB>.old`. */
function backupPath(op: OperatorStore, key: string): string {
  return join(op.dir, `.compromise-${key}.old`);
}

function corrupt(path: string, why: string): SigchainError {
  return new SigchainError(
    'STORE_CORRUPT',
    `${path} (the record of an interrupted \`keys compromised\`) ${why}. Restore it from a backup; if the compromise was finished by hand, delete it and run \`sigchain keys compromised\` again to see what is left.`,
    { path },
  );
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readTextIfPresent(path);
  } catch (e) {
    throw corrupt(path, `cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

/**
 * The journal of `key` in `op`, or undefined when no compromise of it is in progress there.
 *
 * @example
 * ```ts
 * const j = await readJournal(op, 'ADUQ…'); // j?.parents[0].replacement
 * ```
 */
export async function readJournal(op: OperatorStore, key: string): Promise<CompromiseJournal | undefined> {
  const path = journalPath(op, key);
  const text = await readText(path);
  if (text === undefined) return undefined;
  let j: Partial<CompromiseJournal>;
  try {
    j = JSON.parse(text) as Partial<CompromiseJournal>;
  } catch {
    throw corrupt(path, 'is not JSON');
  }
  const parentsOk =
    Array.isArray(j.parents) &&
    j.parents.every((p) => p && (p.kind === 'operator' || p.kind === 'account') && typeof p.name === 'string' && typeof p.publicKey === 'string' && typeof p.replacement === 'string');
  if (j.version !== 1 || j.key !== key || (j.phase !== 'parents' && j.phase !== 'children') || !parentsOk) throw corrupt(path, 'does not have the expected fields');
  return j as CompromiseJournal;
}

/** Writes the journal atomically and durably (fsynced, folder too). */
export async function writeJournal(op: OperatorStore, journal: CompromiseJournal): Promise<void> {
  await writeFileAtomic(journalPath(op, journal.key), `${JSON.stringify(journal, null, 2)}\n`, { mode: SECRET_FILE_MODE });
}

/** Writes the backup of the tokens about to be replaced, durably. */
export async function writeBackup(op: OperatorStore, key: string, entries: readonly BackupEntry[]): Promise<void> {
  const text = entries.map((e) => JSON.stringify({ account: e.account, user: e.user, token: e.token })).join('\n');
  await writeFileAtomic(backupPath(op, key), text ? `${text}\n` : '', { mode: SECRET_FILE_MODE });
}

/** The backup as `account/user` → token; empty when there is none. */
export async function readBackup(op: OperatorStore, key: string): Promise<Map<string, string>> {
  const path = backupPath(op, key);
  const text = await readText(path);
  const out = new Map<string, string>();
  if (text === undefined) return out;
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    let e: Partial<BackupEntry>;
    try {
      e = JSON.parse(line) as Partial<BackupEntry>;
    } catch {
      throw corrupt(path, 'holds a line that is not JSON');
    }
    if (typeof e.account !== 'string' || typeof e.user !== 'string' || typeof e.token !== 'string') throw corrupt(path, 'holds a line without account, user and token');
    out.set(backupKey(e.account, e.user), e.token);
  }
  return out;
}

/** The key of a user in {@link readBackup}'s map. */
export function backupKey(account: string, user: string): string {
  return `${account}/${user}`;
}

/** Removes the backup, then the journal (in that order: a journal without backup is still a valid state). */
export async function removeJournal(op: OperatorStore, key: string): Promise<void> {
  await removeFile(backupPath(op, key));
  await removeFile(journalPath(op, key));
}
