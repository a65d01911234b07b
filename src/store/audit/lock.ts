/**
 * The audit log's own cross-process lock: held around "read the last record, append the next",
 * so two writers never chain onto the same record and the chain never forks.
 *
 * Why not `withStoreLock` (src/store/lock.ts): that lock is made durable (temp file fsynced,
 * renamed, folder fsynced) and sweeps temp files on every take, a few milliseconds each time; it
 * suits a command that rewrites a store once. The audit lock is taken once per signature batch,
 * so it must cost far less than the fdatasync it protects. A lock need not survive a power loss
 * (after a reboot every holder is dead), so this one is one symlink, made without fsync: its
 * target names the holder (`pid:token:host`), creating it fails if it exists, and it appears
 * with its content whole (one metadata operation to take, one to let go: each is journalled,
 * and the log's fdatasync commits the journal, so fewer is cheaper). Waits are short: 1 ms,
 * doubling to 20 ms. A lock left by a dead process on this host is broken, as withStoreLock does.
 */
import { randomBytes } from 'node:crypto';
import { readlinkSync, rmSync, symlinkSync, unlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { SigchainError } from '../../errors.js';

// Asked once: os.hostname() is a system call, and the lock is taken for every batch of records.
const HOST = hostname();
const PROCESS_TOKEN = randomBytes(4).toString('hex');
let takes = 0;

/** How long a writer waits for the audit lock before giving up (`AUDIT_WRITE_FAILED`). */
export const AUDIT_LOCK_TIMEOUT_MS = 10_000;

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

// The lock is taken for every batch of records: its few metadata calls are made synchronously
// (tens of microseconds each) rather than through the thread pool (a hop of ~100 µs per call).
async function remove(path: string): Promise<void> {
  try {
    unlinkSync(path);
  } catch (e) {
    if (errno(e) !== 'ENOENT') throw e;
  }
}

// The holder is the symlink's target, `pid:token:hostname` (short, so ext4 keeps it in the inode).
function holderText(token: string): string {
  return `${process.pid}:${token}:${HOST}`;
}

async function tryCreate(path: string, token: string): Promise<boolean> {
  try {
    symlinkSync(holderText(token), path);
    return true;
  } catch (e) {
    if (errno(e) === 'EEXIST') return false;
    throw e;
  }
}

async function readHolder(path: string): Promise<Holder | 'gone' | 'unreadable'> {
  let text: string;
  try {
    text = readlinkSync(path);
  } catch (e) {
    if (errno(e) === 'ENOENT') return 'gone';
    if (errno(e) === 'EINVAL') return 'unreadable'; // not a symlink: not a lock this code made
    throw e;
  }
  const m = /^(\d+):([0-9a-f]+):(.*)$/.exec(text);
  return m ? { pid: Number(m[1]), token: m[2]!, hostname: m[3]! } : 'unreadable';
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
  if (h.hostname !== HOST) return false;
  if (h.pid === process.pid) return held.get(path) !== h.token;
  return !alive(h.pid);
}

/**
 * Removes the lock if it still holds `token` (the dead owner's), under a second lock so two
 * breakers never remove a lock a live process took in between.
 */
async function breakStale(path: string, token: string, myToken: string): Promise<void> {
  const breaker = `${path}.break`;
  if (!(await tryCreate(breaker, myToken))) {
    const other = await readHolder(breaker);
    if (typeof other === 'object' && isStale(breaker, other)) await remove(breaker);
    return;
  }
  try {
    const again = await readHolder(path);
    if (typeof again === 'object' && again.token === token) await remove(path);
  } finally {
    await remove(breaker);
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
  // Unique per take within this process; with the pid in the holder text, unique across processes.
  const token = `${PROCESS_TOKEN}${(takes++).toString(16)}`;
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
    if (await tryCreate(path, token)) break;
    const h = await readHolder(path);
    if (h === 'gone') continue;
    if (typeof h === 'object' && isStale(path, h)) {
      await breakStale(path, h.token, token);
      continue;
    }
    const waited = Date.now() - started;
    if (waited >= timeoutMs) {
      const who = typeof h === 'object' ? `pid ${h.pid} on ${h.hostname}` : 'something that is not a sigchain lock';
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
    // A live holder's lock is never broken (isStale asks whether its pid runs), so the lock at
    // the path is still ours: no need to read it back before removing it.
    await remove(path);
  }
}
