// Shared fixtures of the workspace tests: a fresh workspace in a temp folder, coded-refusal
// assertions, and snapshots of what is on disk (to prove a refusal left nothing behind).
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { type ErrorCode, SigchainError } from '../../src/errors.js';
import { Workspace, addAccount, addOperator, editAccount } from '../../src/workspace/index.js';

/** A workspace in a fresh temp folder (SIGCHAIN_HOME and HOME both point there), removed after the test. */
export function tempWorkspace(t: { after(fn: () => void): void }): { ws: Workspace; home: string } {
  const home = mkdtempSync(join(tmpdir(), 'sigchain-ws-'));
  t.after(() => rmSync(home, { recursive: true, force: true }));
  return { ws: Workspace.open({ env: { SIGCHAIN_KEYRING_BACKEND: 'file', SIGCHAIN_HOME: home, HOME: home } }), home };
}

/** Fails when any 8-character window of `secret` appears in the error's text (any case). */
export function assertNoSecret(err: SigchainError, secret: string): void {
  const s = secret.trim().toUpperCase();
  const haystack = `${err.message}\n${err.stack ?? ''}\n${JSON.stringify(err.toJSON())}`.toUpperCase();
  for (let i = 0; i + 8 <= s.length; i++) {
    assert.ok(!haystack.includes(s.slice(i, i + 8)), `error ${err.code} leaks secret text "${s.slice(i, i + 8)}…": ${err.message}`);
  }
}

function check(thrown: unknown, code: ErrorCode, secret?: string): SigchainError {
  assert.ok(thrown !== undefined, `expected ${code}, but nothing was thrown`);
  assert.ok(thrown instanceof SigchainError, `expected a SigchainError ${code}, got ${String((thrown as Error)?.stack ?? thrown)}`);
  assert.equal(thrown.code, code, `expected ${code}, got ${thrown.code}: ${thrown.message}`);
  assert.ok(thrown.message.length > 0);
  if (secret !== undefined) assertNoSecret(thrown, secret);
  return thrown;
}

/** Requires `fn` to throw a SigchainError with `code` (and not to leak `secret`); returns it. */
export function throwsCode(fn: () => unknown, code: ErrorCode, secret?: string): SigchainError {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  return check(thrown, code, secret);
}

/** Requires the promise to reject with a SigchainError with `code`; returns it. */
export async function rejectsCode(p: Promise<unknown>, code: ErrorCode, secret?: string): Promise<SigchainError> {
  let thrown: unknown;
  try {
    await p;
  } catch (e) {
    thrown = e;
  }
  return check(thrown, code, secret);
}

/** Every file under `root` with its content, relative paths sorted: a snapshot to compare. */
export function snapshot(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      // Locks come and go (the audit lock is kept a few ms after a write, as a dangling symlink).
      if (name.endsWith('.lock') || name.endsWith('.lock.want')) continue;
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(root, p), readFileSync(p, 'utf8'));
    }
  };
  walk(root);
  return out;
}

/** Public keys of the `.nk` files under the key store of `ws`. */
export async function storedKeys(ws: Workspace): Promise<string[]> {
  return (await ws.keys.listKeys()).map((k) => k.publicKey).sort();
}

/** Unix permission bits of a path. */
export function mode(path: string): number {
  return statSync(path).mode & 0o777;
}

/**
 * The seed walkthrough's shape: operator `O` with a signing key (which signs SYS and `A`),
 * and account `A` with one signing key whose seed is in the key store.
 */
export async function operatorWithAccount(ws: Workspace) {
  const o = await addOperator(ws, 'O', { generateSigningKey: true });
  const a = await addAccount(ws, 'A');
  const e = await editAccount(ws, { account: 'A', addSigningKeys: ['generate'] });
  const sk = e.added[0]!;
  return { o, a, accountSk: { publicKey: sk.publicKey, keyPath: sk.storedAt! } };
}
