/**
 * The audit log's own cross-process lock: held around "read the last record, append the next",
 * so two writers never chain onto the same record and the chain never forks.
 *
 * Why not `withStoreLock` (src/store/lock.ts): that lock is made durable (temp file fsynced,
 * renamed, folder fsynced) and sweeps temp files on every take, a few milliseconds each time; it
 * suits a command that rewrites a store once. The audit lock is taken once per signature batch,
 * so it must cost far less than the fdatasync it protects. A lock need not survive a power loss
 * (after a reboot every holder is dead), so this one is written without fsync: a temp file
 * hard-linked into place (the link fails if the lock exists, and the content is complete when
 * it appears). Waits are short: 1 ms, doubling to 20 ms. A lock left by a dead process on this
 * host is broken, as withStoreLock does; an unreadable lock (a power loss emptied it) is broken
 * once it is older than {@link UNREADABLE_STALE_MS}.
 */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { link, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { SigchainError } from '../../errors.js';
import { TEMP_SUFFIX } from '../atomic.js';

/** How long a writer waits for the audit lock before giving up (`AUDIT_WRITE_FAILED`). */
export const AUDIT_LOCK_TIMEOUT_MS = 10_000;
/** An audit lock file that cannot be read is taken as stale once it is this old. */
const UNREADABLE_STALE_MS = 5_000;

interface Holder {
  pid: number;
  hostname: string;
  token: string;
}

// Locks this process holds (path → token): a lock naming our pid is live only if we hold it.
const held = new Map<string, string>();
let exitHook = false;

function errno(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException | undefined)?.code;
}

async function tryCreate(path: string, content: string, token: string): Promise<boolean> {
  const tmp = `${path}.${token}${TEMP_SUFFIX}`;
  await writeFile(tmp, content, { mode: 0o600 });
  try {
    await link(tmp, path);
    return true;
  } catch (e) {
    if (errno(e) === 'EEXIST') return false;
    throw e;
  } finally {
    await rm(tmp, { force: true });
  }
}

async function readHolder(path: string): Promise<Holder | 'gone' | 'unreadable'> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if (errno(e) === 'ENOENT') return 'gone';
    throw e;
  }
  try {
    const v = JSON.parse(text) as Partial<Holder>;
    if (Number.isInteger(v.pid) && typeof v.hostname === 'string' && typeof v.token === 'string') return v as Holder;
  } catch {
    /* fall through */
  }
  return 'unreadable';
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return errno(e) === 'EPERM';
  }
}

function isStale(path: string, h: Holder): boolean {
  if (h.hostname !== hostname()) return false;
  if (h.pid === process.pid) return held.get(path) !== h.token;
  return !alive(h.pid);
}

/**
 * Removes the lock if it still holds `token` (the dead owner's), under a second lock so two
 * breakers never remove a lock a live process took in between.
 */
async function breakStale(path: string, token: string | undefined, mine: string, myToken: string): Promise<void> {
  const breaker = `${path}.break`;
  if (!(await tryCreate(breaker, mine, myToken))) {
    const other = await readHolder(breaker);
    if (other === 'unreadable' || (typeof other === 'object' && isStale(breaker, other))) await rm(breaker, { force: true });
    return;
  }
  try {
    const again = await readHolder(path);
    if (token === undefined ? again === 'unreadable' : typeof again === 'object' && again.token === token) await rm(path, { force: true });
  } finally {
    await rm(breaker, { force: true });
  }
}

async function olderThan(path: string, ms: number): Promise<boolean> {
  try {
    return Date.now() - (await stat(path)).mtimeMs > ms;
  } catch {
    return false;
  }
}

/**
 * Runs `fn` holding the audit lock file `path`. Not re-entrant: callers in one process
 * serialise themselves first (the log's write queue does).
 *
 * @example
 * ```ts
 * await withAuditLock(`${dir}/audit.lock`, async () => appendLines(...));
 * ```
 */
export async function withAuditLock<T>(path: string, fn: () => Promise<T>, timeoutMs = AUDIT_LOCK_TIMEOUT_MS): Promise<T> {
  const token = randomBytes(9).toString('hex');
  const mine = JSON.stringify({ pid: process.pid, hostname: hostname(), token, time: new Date().toISOString() });
  if (!exitHook) {
    exitHook = true;
    // process.exit() in the middle of a write skips `finally`: release on the way out.
    process.on('exit', () => {
      for (const p of held.keys()) rmSync(p, { force: true });
    });
  }
  const started = Date.now();
  let pause = 1;
  for (;;) {
    if (await tryCreate(path, mine, token)) break;
    const h = await readHolder(path);
    if (h === 'gone') continue;
    if (typeof h === 'object' && isStale(path, h)) {
      await breakStale(path, h.token, mine, token);
      continue;
    }
    if (h === 'unreadable' && (await olderThan(path, UNREADABLE_STALE_MS))) {
      await breakStale(path, undefined, mine, token);
      continue;
    }
    const waited = Date.now() - started;
    if (waited >= timeoutMs) {
      const who = typeof h === 'object' ? `pid ${h.pid} on ${h.hostname}` : 'a process that left no name';
      throw new SigchainError('STORE_LOCKED', `The audit log is held by ${who}; gave up after ${waited} ms. If no sigchain process is running, delete ${path}.`, { lockFile: path });
    }
    await sleep(pause * (1 + Math.random()));
    pause = Math.min(pause * 2, 20);
  }
  held.set(path, token);
  try {
    return await fn();
  } finally {
    held.delete(path);
    const h = await readHolder(path).catch(() => 'gone' as const);
    if (typeof h === 'object' && h.token === token) await rm(path, { force: true });
  }
}
