/**
 * The bulk step of an account signing key's compromise: every user it signed, re-issued with
 * the replacement key, creds files rewritten, then one filesystem sync.
 *
 * Crash safety without 20,000 fsyncs: the tokens about to change are saved first in one fsynced
 * backup (and the journal moves to phase `children`); files are then replaced atomically but
 * not fsynced; the filesystems are synced once at the end, before the journal goes. After a
 * power cut, a re-run finds in the backup what any damaged file held.
 */
import { parseCreds } from '../../input/creds.js';
import { PRIVATE_DIR_MODE, ensureDir } from '../../store/atomic.js';
import { removeReplaceLeftovers } from '../../store/replace-files.js';
import { syncFileSystems } from '../../store/sync-fs.js';
import { type BackupEntry, backupKey, writeBackup } from './journal.js';
import type { OperatorWork } from './scan.js';
import { readTextSync } from '../../store/bulk-read.js';
import type { CompromiseProgress, CompromiseResult } from './types.js';
import type { Signer } from '../../keys/signer.js';
import type { BatchSigner } from './reissue-users.js';
import { UserWorkerPool, runUserJobs } from './reissue-pool.js';
import { type UserJob, UserReissuer } from './reissue-users.js';
import type { Workspace } from '../workspace.js';

/** What the user step needs besides the scan. */
export interface UserStepContext {
  ws: Workspace;
  key: string;
  iat: number;
  /** Replacement key pair by parent (account) identity key. */
  replacements: Map<string, Signer>;
  result: CompromiseResult;
  /** Moves the journal to phase `children` (durably). */
  markChildren: () => Promise<void>;
  onProgress?: (p: CompromiseProgress) => void;
  /** Threads for the re-issue (see `runUserJobs`). */
  workers?: number;
  /** Seconds spent re-issuing users and syncing are added here. */
  phases: { users: number; sync: number };
}

/** True when the creds file holds exactly `token` (the creds of a user an earlier run re-issued). */
function credsCurrent(path: string, token: string): boolean {
  try {
    const text = readTextSync(path);
    return text !== undefined && parseCreds(text).jwt === token;
  } catch {
    return false;
  }
}

/**
 * Re-issues the users of every parent account in `w`, and (after an interruption) rewrites
 * creds files an earlier run may have left stale.
 */
export async function applyUserSteps(c: UserStepContext, w: OperatorWork): Promise<void> {
  const accounts = [...w.userJobs.keys()];
  const total = accounts.reduce((n, a) => n + w.userJobs.get(a)!.length, 0);
  const recheck = accounts.reduce((n, a) => n + (w.doneUsers.get(a)?.length ?? 0), 0);
  if (!total && !recheck) return;
  const started = process.hrtime.bigint();
  const since = (t: bigint): number => Number(process.hrtime.bigint() - t) / 1e9;
  const dirs: string[] = [];
  for (const a of accounts) dirs.push(w.op.usersDir(a), c.ws.keys.accountCredsDir(w.op.name, a));
  // A killed run may have left held inodes behind (hidden temp files): they are garbage now.
  for (const d of dirs) removeReplaceLeftovers(d);

  // The threads load their code while the backup is written and synced.
  const pool = UserWorkerPool.startFor(Math.max(...accounts.map((a) => w.userJobs.get(a)!.length)), c.workers);
  try {
    await reissueUsers(c, w, accounts, total, pool);
  } finally {
    await pool?.close();
  }
  // Where the filesystem cannot be synced at once, every file written is fsynced instead.
  const written = accounts.flatMap((a) => [...w.userJobs.get(a)!, ...(w.doneUsers.get(a) ?? [])].flatMap((j) => [j.jwtPath, j.credsPath]));
  c.phases.users += since(started);
  const syncing = process.hrtime.bigint();
  await syncFileSystems(dirs, [...written, ...dirs]);
  c.phases.sync += since(syncing);
}

async function reissueUsers(c: UserStepContext, w: OperatorWork, accounts: readonly string[], total: number, pool: UserWorkerPool | undefined): Promise<void> {
  if (total) {
    // Keep the first backup of each user: after a power cut it is the only intact copy.
    const saved = w.backup;
    const entries: BackupEntry[] = [...saved].map(([k, token]) => ({ account: k.slice(0, k.indexOf('/')), user: k.slice(k.indexOf('/') + 1), token }));
    for (const a of accounts) for (const j of w.userJobs.get(a)!) if (!saved.has(backupKey(a, j.user))) entries.push({ account: a, user: j.user, token: j.token });
    await writeBackup(w.op, c.key, entries);
  }
  await c.markChildren();

  let base = 0;
  for (const account of accounts) {
    const jobs = w.userJobs.get(account)!;
    const parent = w.parents.find((p) => p.view.kind === 'account' && p.view.name === account)!;
    const signer = c.replacements.get(parent.view.publicKey)!;
    if (jobs.some((j) => j.seed !== 'none')) await ensureDir(c.ws.keys.accountCredsDir(w.op.name, account), PRIVATE_DIR_MODE);
    const settings = { signer: signer.publicKey, issuerAccount: parent.view.publicKey, compromised: c.key, iat: c.iat, tag: 'm' };
    const outcomes = await runUserJobs(jobs, settings, batchSigner(signer), {
      onChunk: (n) => c.onProgress?.({ phase: 'users', done: base + n, total }),
      ...(c.workers !== undefined ? { workers: c.workers } : {}),
      ...(pool ? { pool } : {}),
    });
    base += jobs.length;
    outcomes.forEach((o, i) => {
      const j = jobs[i]!;
      if (o.reissued) c.result.reissued.push({ kind: 'user', operator: w.op.name, account, name: j.user, publicKey: j.sub, creds: j.seed });
      if (o.creds) c.result.credsWritten++;
      if (o.note) c.result.cannot.push({ kind: o.reissued ? 'creds' : 'user', operator: w.op.name, account, name: j.user, reason: o.reissued ? `new JWT written, creds not: ${o.note}` : o.note });
    });
    await recheckCreds(c, w, account, settings);
  }
}

/** Users an interrupted run re-issued: their creds file must hold the new token too. */
async function recheckCreds(c: UserStepContext, w: OperatorWork, account: string, settings: ConstructorParameters<typeof UserReissuer>[0]): Promise<void> {
  const stale: UserJob[] = (w.doneUsers.get(account) ?? []).filter((j) => !credsCurrent(j.credsPath, j.token));
  if (!stale.length) return;
  const r = new UserReissuer({ ...settings, tag: 'c' });
  try {
    for (const j of stale) {
      if (r.writeCreds(j)) c.result.credsWritten++;
      else c.result.cannot.push({ kind: 'creds', operator: w.op.name, account, name: j.user, reason: 'its creds file is stale and its seed is not at hand to write a new one' });
    }
  } finally {
    await r.finish();
  }
}

/** The replacement key's custody signer, a batch of user tokens at a time. */
function batchSigner(signer: Signer): BatchSigner {
  return (inputs, subjects) => Promise.all(inputs.map((input, i) => signer.sign(Buffer.from(input, 'ascii'), { usage: 'issuing', kind: 'jwt', subject: subjects[i]! })));
}
