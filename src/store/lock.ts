/**
 * A cross-process lock on a store folder, so two sigchain processes never interleave their
 * changes (a lost update in a store means a lost key or a lost revocation).
 *
 * The lock is a file created atomically with its content (written to a temp file, then
 * hard-linked into place, which fails if the lock exists). It holds the owner's pid, host and
 * start time. A waiter polls until the lock is free or the timeout passes. A lock left by a dead
 * process on this host is broken; one held from another host is never broken automatically.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
// node:fs/promises as fs.promises: loaded when first used, not by every command that imports
// this file (~1 ms of CLI start-up).
import { promises as fsp, readFileSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SigchainError } from '../errors.js';
import { TEMP_SUFFIX, ensureDir, ioError, writeFileAtomic } from './atomic.js';
import { sweepDeadTempFiles } from './temp-sweep.js';

/** Name of the lock file inside the locked folder. */
export const LOCK_FILE = '.sigchain.lock';
/** How long {@link withStoreLock} waits by default before failing with `STORE_LOCKED`. */
export const DEFAULT_LOCK_TIMEOUT_MS = 10_000;

/** Who holds a lock, as written in the lock file. */
export interface LockHolder {
  readonly pid: number;
  readonly hostname: string;
  /** ISO time the lock was taken. */
  readonly time: string;
  /** Random per-acquisition id, so an owner only ever removes its own lock. */
  readonly token: string;
}

/** Options of {@link withStoreLock}. */
export interface LockOptions {
  /** Give up after this long (default {@link DEFAULT_LOCK_TIMEOUT_MS}); 0 tries once. */
  timeoutMs?: number;
}

// Locks this process holds (path → token): lets a waiter tell "my own sibling task holds it" from
// "a dead process that happened to have my pid" (pid reuse is common in containers).
const heldByThisProcess = new Map<string, string>();
// Locks the current async call chain holds, so a locked function may call another that locks.
const heldInContext = new AsyncLocalStorage<ReadonlySet<string>>();
let exitHookInstalled = false;

function errno(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException | undefined)?.code;
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // process.exit() inside a locked function skips `finally`: release what we hold on the way out.
  process.on('exit', () => {
    for (const path of heldByThisProcess.keys()) rmSync(path, { force: true });
  });
}

/** Creates `path` with `content` only if it does not exist; the content is complete when it appears. */
async function createExclusive(path: string, content: string, token: string): Promise<boolean> {
  const tmp = `${path}.${token}${TEMP_SUFFIX}`;
  await writeFileAtomic(tmp, content, { mode: 0o600 });
  try {
    await fsp.link(tmp, path);
    return true;
  } catch (e) {
    if (errno(e) === 'EEXIST') return false;
    throw ioError('create the lock file', path, e);
  } finally {
    await fsp.rm(tmp, { force: true });
  }
}

type ReadResult = { state: 'gone' } | { state: 'unknown' } | { state: 'held'; holder: LockHolder };

async function readHolderFile(path: string): Promise<ReadResult> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8'); // sync: a few bytes (every command tidies after crashes)
  } catch (e) {
    if (errno(e) === 'ENOENT') return { state: 'gone' };
    throw ioError('read the lock file', path, e);
  }
  try {
    const v = JSON.parse(text) as Partial<LockHolder>;
    if (Number.isInteger(v.pid) && typeof v.hostname === 'string' && typeof v.token === 'string') {
      return { state: 'held', holder: { pid: v.pid!, hostname: v.hostname, time: String(v.time ?? ''), token: v.token } };
    }
  } catch {
    // fall through: not a lock this code wrote
  }
  return { state: 'unknown' };
}

/**
 * Who holds the lock on `dir`, or undefined when it is free (or not a sigchain lock file).
 *
 * @example
 * ```ts
 * const h = await readLockHolder(paths.storesDir.path);
 * if (h) console.log(`locked by pid ${h.pid} on ${h.hostname}`);
 * ```
 */
export async function readLockHolder(dir: string): Promise<LockHolder | undefined> {
  const r = await readHolderFile(join(dir, LOCK_FILE));
  return r.state === 'held' ? r.holder : undefined;
}

function pidAlive(pid: number): boolean {
  if (pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    return errno(e) === 'EPERM';
  }
}

/** True when the holder is certainly gone: same host, and its pid is dead (or is us, without holding it). */
function isStale(path: string, holder: LockHolder): boolean {
  if (holder.hostname !== hostname()) return false;
  if (holder.pid === process.pid) return heldByThisProcess.get(path) !== holder.token;
  return !pidAlive(holder.pid);
}

/**
 * Removes a stale lock without ever removing a live one. A second lock (`.break`) serializes
 * breakers; under it the lock is read again and removed only if it still holds the dead owner's token
 * (another breaker may have removed it and a live process taken it meanwhile).
 */
async function breakStale(path: string, stale: LockHolder, token: string): Promise<void> {
  const breaker = `${path}.break`;
  const mine = JSON.stringify({ pid: process.pid, hostname: hostname(), time: new Date().toISOString(), token });
  if (!(await createExclusive(breaker, mine, token))) {
    const other = await readHolderFile(breaker);
    // A breaker that died mid-break would block everyone: drop it once it is certainly dead.
    if (other.state === 'held' && isStale(breaker, other.holder)) await fsp.rm(breaker, { force: true });
    return;
  }
  try {
    const again = await readHolderFile(path);
    if (again.state === 'held' && again.holder.token === stale.token) await fsp.rm(path, { force: true });
  } finally {
    await fsp.rm(breaker, { force: true });
  }
}

function lockedError(dir: string, path: string, waitedMs: number, r: ReadResult): SigchainError {
  if (r.state === 'held') {
    const h = r.holder;
    const where = h.hostname === hostname() ? 'on this machine' : `on host ${h.hostname}`;
    return new SigchainError(
      'STORE_LOCKED',
      `The store at ${dir} is being changed by another sigchain process (pid ${h.pid} ${where}, since ${h.time || 'an unknown time'}); gave up after ${waitedMs} ms. ` +
        `Retry when it has finished. If no such process is running, delete ${path}.`,
      { pid: h.pid, hostname: h.hostname, since: h.time, lockFile: path },
    );
  }
  return new SigchainError('STORE_LOCKED', `The store at ${dir} is locked by ${path}, which does not say who holds it; gave up after ${waitedMs} ms. If no sigchain process is running, delete ${path}.`, { lockFile: path });
}

/**
 * Runs `fn` while holding the exclusive lock on `dir` (the file `dir/.sigchain.lock`).
 * Waits up to `timeoutMs` for another process to finish, then throws `STORE_LOCKED` naming
 * the holder's pid. Breaks a lock whose owner died on this host. Re-entrant: a function that
 * already holds the lock may call another that takes it. The lock is released when `fn`
 * settles, even if it throws.
 *
 * When one change spans several stores, take the locks in a fixed order (stores, then key store)
 * so two processes never wait on each other.
 *
 * @example
 * ```ts
 * await withStoreLock(paths.storesDir.path, async () => {
 *   const token = await op.readAccountJwt('A');
 *   await op.writeAccountJwt('A', reissue(token));
 * }, { timeoutMs: 5000 });
 * ```
 */
export async function withStoreLock<T>(dir: string, fn: () => Promise<T> | T, options: LockOptions = {}): Promise<T> {
  const path = join(dir, LOCK_FILE);
  const held = heldInContext.getStore();
  if (held?.has(path)) return fn();

  const timeoutMs = Math.max(0, options.timeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS);
  await ensureDir(dir);
  installExitHook();
  const token = randomBytes(12).toString('hex');
  const content = JSON.stringify({ pid: process.pid, hostname: hostname(), time: new Date().toISOString(), token } satisfies LockHolder);
  const started = Date.now();
  let pause = 5;
  let brokeStale = false;
  for (;;) {
    if (await createExclusive(path, content, token)) break;
    const r = await readHolderFile(path);
    if (r.state === 'gone') continue;
    if (r.state === 'held' && isStale(path, r.holder)) {
      await breakStale(path, r.holder, token);
      brokeStale = true;
      continue;
    }
    const waited = Date.now() - started;
    if (waited >= timeoutMs) throw lockedError(dir, path, waited, r);
    // Jitter keeps two waiters from retrying in lockstep.
    await sleep(Math.min(pause + Math.random() * pause, timeoutMs - waited));
    pause = Math.min(pause * 2, 100);
  }

  heldByThisProcess.set(path, token);
  // A dead holder may have been killed mid-write anywhere below `dir`; a process killed while
  // taking the lock leaves its lock records here. Either way, its temp files go now.
  sweepDeadTempFiles(dir, { deep: brokeStale });
  try {
    return await heldInContext.run(new Set([...(held ?? []), path]), fn);
  } finally {
    heldByThisProcess.delete(path);
    const r = await readHolderFile(path).catch(() => ({ state: 'unknown' }) as const);
    if (r.state === 'held' && r.holder.token === token) await fsp.rm(path, { force: true });
  }
}

/**
 * Tidies a locked folder after a crash, for commands that never take its lock (a read, a
 * describe): removes the lock records of a process killed while taking the lock, and when the
 * lock's holder is dead, takes the lock once, which breaks it and removes every temp file the
 * dead writer left below `dir`. A live holder is left alone; nothing here ever fails a command.
 *
 * @example
 * ```ts
 * await tidyAfterCrash(paths.storesDir.path); // after the command's own work
 * ```
 */
export async function tidyAfterCrash(dir: string): Promise<void> {
  try {
    sweepDeadTempFiles(dir);
    const path = join(dir, LOCK_FILE);
    const r = await readHolderFile(path);
    if (r.state === 'held' && isStale(path, r.holder)) await withStoreLock(dir, () => undefined, { timeoutMs: 0 });
  } catch {
    /* litter is not worth failing a command for */
  }
}
