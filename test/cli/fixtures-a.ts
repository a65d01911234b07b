// Fixtures for the add/generate/list/select/env CLI tests: homes prepared through the library
// (fast, real files), and small readers for what the CLI wrote.
import { readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Workspace, addAccount, addOperator, editAccount, editOperator } from '../../src/workspace/index.js';
import { tempHome } from '../helpers/cli.js';

/** A fresh SIGCHAIN_HOME removed when the test ends. */
export function home(t: { after(fn: () => void): void }): string {
  const dir = tempHome('sigchain-cli-a-');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The workspace the CLI sees for `home` (same env as test/helpers/cli.ts gives it). */
export function wsOf(home: string): Workspace {
  return Workspace.open({ env: { SIGCHAIN_KEYRING_BACKEND: 'file', HOME: home, SIGCHAIN_HOME: home } });
}

/** The decoded payload of a JWT (no verification: the tests check fields). */
export function payload(jwt: string): Record<string, any> {
  return JSON.parse(Buffer.from(jwt.trim().split('.')[1]!, 'base64url').toString('utf8')) as Record<string, any>;
}

/** Permission bits of a path. */
export function mode(path: string): number {
  return statSync(path).mode & 0o777;
}

/** Every file under `root` with its content (relative path → text): compares a store before and after. */
export function snapshot(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string): void => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      // Locks come and go (the audit lock is kept a few ms after a write, as a dangling symlink).
      if (e.name.endsWith('.lock') || e.name.endsWith('.lock.want')) continue;
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else out.set(relative(root, p), readFileSync(p, 'utf8'));
    }
  };
  walk(root);
  return out;
}

/** Store JWT paths in `home`. */
export const paths = {
  operatorJwt: (home: string, op: string) => join(home, 'stores', op, `${op}.jwt`),
  accountJwt: (home: string, op: string, a: string) => join(home, 'stores', op, 'accounts', a, `${a}.jwt`),
  userJwt: (home: string, op: string, a: string, u: string) => join(home, 'stores', op, 'accounts', a, 'users', `${u}.jwt`),
  creds: (home: string, op: string, a: string, u: string) => join(home, 'creds', op, a, `${u}.creds`),
};

/**
 * The walkthrough's state before users: operator O2 (with SYS) and an operator signing key,
 * account A signed by it with an account signing key. Seeds of both signing keys are stored.
 */
export async function signingKeyTree(home: string): Promise<{ ws: Workspace; opSk: string; opSkPath: string; acct: string; acctSk: string; acctSkPath: string }> {
  const ws = wsOf(home);
  await addOperator(ws, 'O2');
  const op = await editOperator(ws, { addSigningKeys: ['generate'] });
  const opSk = op.added[0]!;
  const opSigner = await ws.keys.getKey(opSk.publicKey);
  const a = await addAccount(ws, 'A', { signer: opSigner });
  const edited = await editAccount(ws, { account: 'A', addSigningKeys: ['generate'], signer: opSigner });
  const acctSk = edited.added[0]!;
  return { ws, opSk: opSk.publicKey, opSkPath: opSk.storedAt!, acct: a.account.publicKey, acctSk: acctSk.publicKey, acctSkPath: acctSk.storedAt! };
}

/** Parses stdout of a `--json` run. */
export function json(stdout: string): Record<string, any> {
  return JSON.parse(stdout) as Record<string, any>;
}
