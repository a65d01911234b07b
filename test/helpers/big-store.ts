// A store with many users under one account signing key, written straight to disk with the
// claims encoders (10,000 `addUser` calls would take minutes): the fixture of the 10k
// compromise test and of the `reissue.users_10k` bench figure.
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { newUserScope } from '../../src/claims/nats/account.js';
import { formatCreds } from '../../src/claims/nats/creds.js';
import { encodeUser } from '../../src/claims/nats/encode.js';
import { newUserClaims, setScoped } from '../../src/claims/nats/user.js';
import { encodePublicKey, encodeSeed } from '../../src/nkeys/codec.js';
import { Workspace, addAccount, addOperator, editAccount } from '../../src/workspace/index.js';
import { issueAccount } from '../../src/workspace/signing/issue.js';
import { readAccount, readOperator } from '../../src/workspace/read.js';

/** One generated user. */
export interface BigUser {
  name: string;
  publicKey: string;
  seed: string;
  /** Its JWT as first issued (signed by the account signing key). */
  token: string;
}

/** What {@link buildUserStore} made. */
export interface BigStore {
  ws: Workspace;
  operator: string;
  account: string;
  accountKey: string;
  /** The account signing key that signed every user. */
  signingKey: string;
  users: BigUser[];
}

/** A user key pair, fast: one native key generation, no PKCS#8 import (which costs ~4x more). */
function userKey(): { publicKey: string; seed: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519', { privateKeyEncoding: { format: 'der', type: 'pkcs8' }, publicKeyEncoding: { format: 'der', type: 'spki' } });
  return { seed: encodeSeed('user', privateKey.subarray(-32)), publicKey: encodePublicKey('user', publicKey.subarray(-32)) };
}

/** Writes files 32 at a time: creating a file waits on the filesystem journal more than on the CPU. */
async function writeAll(files: Array<[string, string]>): Promise<void> {
  for (const dir of new Set(files.map(([p]) => dirname(p)))) mkdirSync(dir, { recursive: true, mode: 0o700 });
  let next = 0;
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (next < files.length) {
        const [path, text] = files[next++]!;
        await writeFile(path, text, { mode: 0o600 });
      }
    }),
  );
}

/**
 * Operator `O` (with a signing key), account `A` with one signing key (scoped with role `svc`
 * when `scoped`), and `n` users `u00000…` signed by that key, each with its seed in the key
 * store and its creds file, as `addUser` would leave them.
 */
export async function buildUserStore(home: string, n: number, opts: { scoped?: boolean } = {}): Promise<BigStore> {
  const ws = Workspace.open({ env: { SIGCHAIN_KEYRING_BACKEND: 'file', SIGCHAIN_HOME: home, HOME: home } });
  await addOperator(ws, 'O', { generateSigningKey: true });
  const a = await addAccount(ws, 'A');
  const skPub = (await editAccount(ws, { account: 'A', addSigningKeys: ['generate'] })).added[0]!.publicKey;
  const op = await ws.directoryOperator('O');
  if (opts.scoped) {
    const acct = await readAccount(op, 'A');
    acct.claims.nats.signing_keys = [newUserScope(skPub, 'svc', { pub: { allow: ['svc.{{name()}}.>'] } })];
    await op.writeAccountJwt('A', (await issueAccount(ws, await readOperator(op), acct.claims, undefined, { previous: acct.claims })).token);
  }
  const sk = await ws.keys.getKey(skPub);
  const accountKey = a.account.publicKey;
  const users: BigUser[] = [];
  const files: Array<[string, string]> = [];
  let frame: [string, string, string] | undefined;
  const width = String(Math.max(n - 1, 0)).length;
  for (let i = 0; i < n; i++) {
    const name = `u${String(i).padStart(Math.max(5, width), '0')}`;
    const key = userKey();
    const claims = newUserClaims(name, key.publicKey);
    if (opts.scoped) setScoped(claims);
    claims.nats.issuer_account = accountKey;
    const token = encodeUser(claims, sk);
    // formatCreds checks the first one fully; the rest reuse its exact frame.
    let creds: string;
    if (!frame) {
      creds = formatCreds(token, key.seed);
      const j = creds.indexOf(token);
      const s = creds.indexOf(key.seed, j);
      frame = [creds.slice(0, j), creds.slice(j + token.length, s), creds.slice(s + key.seed.length)];
    } else creds = frame[0] + token + frame[1] + key.seed + frame[2];
    files.push([op.userJwtPath('A', name), token], [ws.keys.keyPath(key.publicKey), key.seed], [ws.keys.credsPath('O', 'A', name), creds]);
    users.push({ name, publicKey: key.publicKey, seed: key.seed, token });
  }
  await writeAll(files);
  return { ws, operator: 'O', account: 'A', accountKey, signingKey: skPub, users };
}
