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
 *
 * A busy writer (the agent, signing for 32 clients) may keep the lock between batches
 * (`keep`): taking and dropping it is two journalled metadata operations per batch, the largest
 * part of the log's cost. A kept lock is let go a few milliseconds after its last use, at exit,
 * and as soon as another writer asks for it: a waiter leaves a `.want` marker beside the lock
 * (while no other marker is there), the keeper sees it at its next use and lets go after that
 * batch, and its next take stands back while the marker is there (up to 100 ms); the waiter
 * removes its marker once it holds the lock. A marker of a dead process is removed.
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

/** How long a kept lock stays held after its last use when nobody asks for it. */
export const AUDIT_LOCK_KEEP_MS = 5;

interface Kept {
  token: string;
  busy: boolean;
  timer: NodeJS.Timeout | undefined;
  /** When the lock file and the `.want` marker were last looked at (performance.now()). */
  checked: number;
  /**
   * Who keeps it: only that writer may use it kept. A writer trusts a kept lock to mean "nobody
   * wrote since my last batch"; another writer of the same file in this process must take the
   * lock (the keeper then lets go) so that the first one reads the file again.
   */
  owner: object | undefined;
}

/**
 * How often a keeper looks at its lock file and for a `.want` marker while it keeps the lock
 * busy: each look is a system call, and a waiter polls every few milliseconds anyway.
 */
const KEEP_CHECK_MS = 4;
// Locks kept between uses (path → lease). A kept lock is also in `held`.
const kept = new Map<string, Kept>();

function wanted(path: string): boolean {
  try {
    readlinkSync(`${path}.want`);
    return true;
  } catch (e) {
    return errno(e) !== 'ENOENT';
  }
}

function letGo(path: string, token: string): void {
  const k = kept.get(path);
  if (k && k.token === token) {
    if (k.timer) clearTimeout(k.timer);
    kept.delete(path);
  }
  held.delete(path);
  // A live holder's lock is never broken (isStale asks whether its pid runs), so the lock at
  // the path is still ours: no need to read it back before removing it.
  try {
    unlinkSync(path);
  } catch (e) {
    if (errno(e) !== 'ENOENT') throw e;
  }
}

/** The kept lock at `path`, if `owner` keeps one that is idle and still its own. */
function idleKept(path: string, owner: object | undefined): Kept | undefined {
  const k = kept.get(path);
  if (!k || k.busy || k.owner !== owner) return undefined;
  if (performance.now() - k.checked < KEEP_CHECK_MS) return k;
  k.checked = performance.now();
  let text: string | undefined;
  try {
    text = readlinkSync(path);
  } catch {
    text = undefined;
  }
  if (text !== holderText(k.token)) {
    // Removed or replaced behind our back (by hand): forget it and take the lock anew.
    if (k.timer) clearTimeout(k.timer);
    kept.delete(path);
    if (held.get(path) === k.token) held.delete(path);
    return undefined;
  }
  return k;
}
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
 * Runs `fn` holding the audit lock file `path`. With `keep`, the lock stays held for a few
 * milliseconds afterwards so the next call takes it for free (see above); `fn` is told whether
 * the lock was kept since the previous call (then no other sigchain writer came in between). Not re-entrant:
 * callers in one process serialise themselves first (the log's write queue does); a second
 * caller while the lock is in use waits like any other writer.
 *
 * @example
 * ```ts
 * await withAuditLock(`${dir}/audit.lock`, async () => appendLines(...));
 * ```
 */
export async function withAuditLock<T>(path: string, fn: (how: { kept: boolean }) => Promise<T>, timeoutMs = AUDIT_LOCK_TIMEOUT_MS, options: { keep?: boolean; owner?: object } = {}): Promise<T> {
  if (!exitHook) {
    exitHook = true;
    // process.exit() in the middle of a write skips `finally`: release on the way out.
    process.on('exit', () => {
      for (const p of held.keys()) rmSync(p, { force: true });
    });
  }
  let k = idleKept(path, options.owner);
  const wasKept = k !== undefined;
  let token: string;
  if (k) {
    if (k.timer) clearTimeout(k.timer);
    k.timer = undefined;
    token = k.token;
  } else {
    // Unique per take within this process; with the pid in the holder text, unique across processes.
    token = `${PROCESS_TOKEN}${(takes++).toString(16)}`;
    await take(path, token, timeoutMs);
    held.set(path, token);
  }
  k ??= { token, busy: true, timer: undefined, checked: performance.now(), owner: options.owner };
  k.busy = true;
  let ok = false;
  try {
    const result = await fn({ kept: wasKept });
    ok = true;
    return result;
  } finally {
    afterUse(path, k, ok && options.keep === true);
  }
}

/**
 * After a use of the lock: kept a few milliseconds more (`keep`), unless another writer asks for
 * it, or let go.
 */
function afterUse(path: string, k: Kept, keep: boolean): void {
  k.busy = false;
  // A fresh take has just removed any marker; a kept lock looks again once KEEP_CHECK_MS passed.
  const look = performance.now() - k.checked >= KEEP_CHECK_MS;
  if (look) k.checked = performance.now();
  if (keep && !(look && wanted(path))) {
    kept.set(path, k);
    const lease = k;
    lease.timer = setTimeout(() => {
      if (!lease.busy && kept.get(path) === lease) letGo(path, lease.token);
    }, AUDIT_LOCK_KEEP_MS);
    lease.timer.unref();
  } else {
    letGo(path, k.token);
  }
}

/**
 * {@link withAuditLock} with `keep`, for the common case of a writer that comes back within a
 * few milliseconds: when this process keeps the lock at `path` idle, runs `fn` synchronously
 * under it (no promise, no turn of the event loop) and keeps it again as withAuditLock would.
 * Returns undefined without calling `fn` when the lock is not kept: then take it with
 * withAuditLock. `fn` must not wait for anything.
 *
 * @example
 * ```ts
 * const done = withKeptAuditLockSync(lockPath, () => writeSync(fd, lines));
 * if (!done) await withAuditLock(lockPath, async () => appendLines(), undefined, { keep: true });
 * ```
 */
export function withKeptAuditLockSync<T>(path: string, fn: () => T, owner?: object): { value: T } | undefined {
  const k = idleKept(path, owner);
  if (!k) return undefined;
  if (k.timer) clearTimeout(k.timer);
  k.timer = undefined;
  k.busy = true;
  let ok = false;
  try {
    const value = fn();
    ok = true;
    return { value };
  } finally {
    afterUse(path, k, ok);
  }
}

/** How long a taker stands back while another writer's `.want` marker asks for the lock. */
const YIELD_MS = 100;

/**
 * Whether another writer (another process, or another take in this one) is asking for the lock
 * through the `.want` marker. A marker left by a dead process on this host is removed.
 */
async function otherAsks(path: string, token: string): Promise<boolean> {
  const want = `${path}.want`;
  const h = await readHolder(want);
  if (typeof h !== 'object') return false;
  if (h.token === token) return false;
  if (h.hostname === HOST && h.pid !== process.pid && !alive(h.pid)) {
    await remove(want);
    return false;
  }
  return true;
}

/**
 * Takes the lock for `token`, waiting until it is free. While waiting it asks for it (the
 * `.want` marker, so a keeper lets go); a taker that finds someone else asking stands back for
 * a moment first, so a writer that keeps coming back cannot take the lock again and again
 * ahead of one that is waiting.
 */
async function take(path: string, token: string, timeoutMs: number): Promise<void> {
  const started = Date.now();
  let pause = 1;
  for (;;) {
    if (Date.now() - started < YIELD_MS && (await otherAsks(path, token))) {
      await sleep(1);
      continue;
    }
    if (await tryCreate(path, token)) break;
    const h = await readHolder(path);
    if (h === 'gone') continue;
    if (typeof h === 'object' && isStale(path, h)) {
      await breakStale(path, h.token, token);
      continue;
    }
    await tryCreate(`${path}.want`, token);
    const waited = Date.now() - started;
    if (waited >= timeoutMs) {
      await dropWant(path, token);
      const who = typeof h === 'object' ? `pid ${h.pid} on ${h.hostname}` : 'something that is not a sigchain lock';
      throw new SigchainError('STORE_LOCKED', `The audit log is held by ${who}; gave up after ${waited} ms. If no sigchain process is running, delete ${path}.`, { lockFile: path });
    }
    await sleep(pause * (1 + Math.random()));
    pause = Math.min(pause * 2, 10);
  }
  await dropWant(path, token);
}

/** Removes the `.want` marker if it is `token`'s (another waiter's stays: it is still asking). */
async function dropWant(path: string, token: string): Promise<void> {
  const want = `${path}.want`;
  const h = await readHolder(want);
  if (typeof h === 'object' && h.token === token) await remove(want);
}
