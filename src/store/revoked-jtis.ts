/**
 * The revoked-jti file of an account: `<stores>/<Op>/accounts/<Acct>/revocations.json`.
 *
 * NATS has no way to revoke one token by its `jti`; this file is sigchain's own list, which
 * sigchain verifiers read (`policy.revokedJtis`). nsc never looks at it (it only reads
 * `<Acct>.jwt` and `users/`), so a store stays usable by nsc. Writes are atomic; callers hold
 * the stores lock while they read, change and write it.
 */
import { SigchainError } from '../errors.js';
import type { OperatorStore } from './operator-store.js';
import type { OperatorEntities } from './store.js';

export { REVOKED_JTIS_FILE } from './operator-store.js';
/** Format version written in the file. */
export const REVOKED_JTIS_VERSION = 1;

/**
 * The key revocation made in the account JWT so that nats-server (which ignores jtis) also
 * refuses the token: the user's key revoked for tokens issued at or before `at` (the token's iat).
 */
export interface JtiKeyRevocation {
  /** The user public key revoked in the account JWT. */
  key: string;
  /** The revocation time set for it: the token's `iat`. */
  at: number;
  /** The key's revocation time before (absent when it had none), to undo it exactly. */
  previous?: number;
}

/** One revoked token. */
export interface RevokedJti {
  jti: string;
  /** Unix seconds from which verifiers refuse the token. */
  at: number;
  /** What is known of the token, when it was given or found in the store. */
  type?: string;
  subject?: string;
  name?: string;
  iat?: number;
  /** Set when the revocation was also expressed to servers as a key revocation. */
  keyRevocation?: JtiKeyRevocation;
}

/** The file's content. */
export interface RevokedJtiList {
  version: number;
  /** The account's public key (guards against a file copied into the wrong folder). */
  account: string;
  jtis: Record<string, Omit<RevokedJti, 'jti'>>;
}

/**
 * Where the revoked-jti file of `account` lives.
 *
 * @example
 * ```ts
 * revokedJtisPath(op, 'A'); // <stores>/O/accounts/A/revocations.json
 * ```
 */
export function revokedJtisPath(op: OperatorStore, account: string): string {
  return op.revokedJtisPath(account);
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

function checkEntry(v: unknown): boolean {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const e = v as Record<string, unknown>;
  if (!isCount(e.at)) return false;
  if (e.iat !== undefined && !isCount(e.iat)) return false;
  for (const k of ['type', 'subject', 'name'] as const) if (e[k] !== undefined && typeof e[k] !== 'string') return false;
  if (e.keyRevocation !== undefined) {
    const k = e.keyRevocation as Record<string, unknown> | null;
    if (typeof k !== 'object' || k === null || typeof k.key !== 'string' || !isCount(k.at) || (k.previous !== undefined && !isCount(k.previous))) return false;
  }
  return true;
}

/**
 * Reads the revoked jtis of an account: an empty list when the file does not exist,
 * `STORE_CORRUPT` when it cannot be read as this format or belongs to another account than
 * `accountPublicKey` (pass undefined only when the account's JWT itself cannot be read).
 *
 * @example
 * ```ts
 * const list = await readRevokedJtis(op, 'A', accountPublicKey);
 * Object.keys(list.jtis); // ['GT4NUNMEF7ZM…']
 * ```
 */
export async function readRevokedJtis(op: OperatorEntities, account: string, accountPublicKey: string | undefined): Promise<RevokedJtiList> {
  const stored = await op.readRevokedJtisText(account);
  if (!stored) return { version: REVOKED_JTIS_VERSION, account: accountPublicKey ?? '', jtis: {} };
  const { text, where: path } = stored;
  const corrupt = (why: string) =>
    new SigchainError('STORE_CORRUPT', `${path} ${why}, so the revoked tokens it lists cannot be read. Restore it from a backup. Do not just delete it: that would un-revoke every token listed there.`, { path });
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw corrupt('is not JSON');
  }
  const d = data as Partial<RevokedJtiList> | null;
  if (typeof d !== 'object' || d === null || d.version !== REVOKED_JTIS_VERSION || typeof d.account !== 'string' || typeof d.jtis !== 'object' || d.jtis === null || Array.isArray(d.jtis)) {
    throw corrupt(`is not a version ${REVOKED_JTIS_VERSION} revoked-jti list ({"version":1,"account":"A…","jtis":{…}})`);
  }
  if (accountPublicKey !== undefined && d.account !== accountPublicKey) throw corrupt(`belongs to account ${d.account}, not to ${accountPublicKey} whose folder holds it`);
  for (const [jti, entry] of Object.entries(d.jtis)) if (!checkEntry(entry)) throw corrupt(`has a malformed entry for jti ${jti}`);
  return d as RevokedJtiList;
}

/**
 * Writes the revoked jtis of an account atomically (mode 0600, as every store file), jtis
 * sorted so the file diffs well. Hold the stores lock around read-change-write.
 *
 * @example
 * ```ts
 * await ws.store.locked(async () => {
 *   const list = await readRevokedJtis(op, 'A', acct.sub);
 *   list.jtis[jti] = { at: now };
 *   await writeRevokedJtis(op, 'A', list);
 * });
 * ```
 */
export async function writeRevokedJtis(op: OperatorEntities, account: string, list: RevokedJtiList): Promise<void> {
  const jtis = Object.fromEntries(Object.keys(list.jtis).sort().map((k) => [k, list.jtis[k]]));
  await op.writeRevokedJtisText(account, `${JSON.stringify({ version: REVOKED_JTIS_VERSION, account: list.account, jtis }, null, 2)}\n`);
}

/**
 * The entries of a list as an array, sorted by jti.
 *
 * @example
 * ```ts
 * revokedJtiEntries(list).map((e) => e.jti);
 * ```
 */
export function revokedJtiEntries(list: RevokedJtiList): RevokedJti[] {
  return Object.keys(list.jtis)
    .sort()
    .map((jti) => ({ jti, ...list.jtis[jti]! }));
}
