// Shared test fixtures: fresh temp folders, real signed tokens, and child processes.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { signJwt } from '../../../src/jwt/index.js';
import { KeyPair } from '../../../src/nkeys/index.js';

/** A fresh empty folder under the OS temp folder, removed when the test ends. */
export function tempDir(t: { after(fn: () => void): void }, prefix = 'sigchain-store-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A signed NATS-shaped token, enough for the store (which only reads sub/name/type). */
export function token(kind: 'operator' | 'account' | 'user', subject: KeyPair, name: string, issuer: KeyPair = subject): string {
  const iat = Math.floor(Date.now() / 1000);
  return signJwt({ jti: `${kind}-${name}-${iat}`, iat, iss: issuer.publicKey, name, sub: subject.publicKey, nats: { type: kind, version: 2 } }, issuer);
}

/** An operator, account and user with their tokens. */
export function chain(op = 'ACME', acct = 'billing', user = 'svc') {
  const okp = KeyPair.create('operator');
  const akp = KeyPair.create('account');
  const ukp = KeyPair.create('user');
  return {
    okp,
    akp,
    ukp,
    op,
    acct,
    user,
    opJwt: token('operator', okp, op),
    acctJwt: token('account', akp, acct, okp),
    userJwt: token('user', ukp, user, akp),
  };
}

/** Permission bits of a path. */
export function mode(path: string): number {
  return statSync(path).mode & 0o777;
}

/** Every file and folder under `root`, relative, sorted (folders end with /). */
export function tree(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) {
        out.push(`${relative(root, p)}/`);
        walk(p);
      } else out.push(relative(root, p));
    }
  };
  walk(root);
  return out.sort();
}

export interface NodeRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Path of a compiled helper script next to this file. */
export function helperScript(name: string): string {
  return new URL(`./${name}.js`, import.meta.url).pathname;
}

/** Runs `node script ...args` to completion. */
export function runNode(script: string, args: string[], wrap?: (argv: string[]) => string[]): Promise<NodeRun> {
  const argv = [process.execPath, script, ...args];
  const [cmd, ...rest] = wrap ? wrap(argv) : argv;
  return new Promise((resolve, reject) => {
    const child = spawn(cmd!, rest, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}
