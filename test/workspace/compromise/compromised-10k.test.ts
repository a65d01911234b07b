// The proof: a store of 10,000 users under one account signing key; after the leaked key
// is handled, every user's new creds verify against the new account JWT and every old one does not.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { accountDidSign } from '../../../src/claims/nats/account.js';
import { parseCreds } from '../../../src/input/creds.js';
import { decodeAccount, decodeOperator, decodeUser } from '../../../src/claims/nats/decode.js';
import { operatorDidSign } from '../../../src/claims/nats/operator.js';
import type { UserClaims } from '../../../src/claims/nats/types.js';
import { decodeJwt } from '../../../src/jwt/decode.js';
import { KeyPair } from '../../../src/nkeys/keypair.js';
import { applyCompromise } from '../../../src/workspace/compromise/compromised.js';
import { buildUserStore } from '../../helpers/big-store.js';

const N = 10_000;

it(`${N.toLocaleString('en-US')} users: every new creds file verifies, no old one does`, { timeout: 180_000 }, async (t) => {
  const home = mkdtempSync(join(tmpdir(), 'sigchain-10k-'));
  // Removing 40,000 files one by one takes seconds on some disks; the async rm overlaps them.
  t.after(() => rm(home, { recursive: true, force: true }));
  const s = await buildUserStore(home, N);
  const progress: number[] = [];
  const r = await applyCompromise(s.ws, s.signingKey, { onProgress: (p) => p.phase === 'users' && progress.push(p.done) });
  const ph = r.phases;
  t.diagnostic(`re-issued ${N} users in ${r.seconds.toFixed(2)} s (${Math.round(N / r.seconds)} users/s): scan ${ph.scan.toFixed(2)} s, users ${ph.users.toFixed(2)} s, sync ${ph.sync.toFixed(2)} s`);
  // The phases account for the run: each measured, none counted twice.
  for (const [name, v] of Object.entries(ph)) assert.ok(v >= 0 && v <= r.seconds, `${name} ${v} within ${r.seconds}`);
  assert.ok(ph.scan > 0 && ph.users > 0 && ph.sync > 0, 'every phase that ran was timed');
  assert.ok(ph.scan + ph.parents + ph.users + ph.sync <= r.seconds + 1e-3, 'phases do not overlap');

  assert.equal(r.status, 'done');
  assert.equal(r.reissued.length, N);
  assert.equal(r.credsWritten, N);
  assert.deepEqual(r.cannot, []);
  assert.equal(progress.at(-1), N, 'progress reached the end');
  assert.ok(progress.every((d, i) => i === 0 || d >= progress[i - 1]!), 'progress only moves forward');

  const op = await s.ws.operator('O');
  const fresh = r.replacements[0]!.publicKey;
  const operator = decodeOperator(await op.readOperatorJwt());
  const account = decodeAccount(await op.readAccountJwt('A'));
  assert.ok(operatorDidSign(operator, account), 'the new account JWT is signed by a key of the operator');
  const listed = (account.nats.signing_keys ?? []).map((k) => (typeof k === 'string' ? k : k.key));
  assert.ok(listed.includes(fresh) && !listed.includes(s.signingKey));

  const credsDir = join(home, 'creds', 'O', 'A');
  const usersDir = join(home, 'stores', 'O', 'accounts', 'A', 'users');
  for (const [i, u] of s.users.entries()) {
    const { jwt, seed } = parseCreds(readFileSync(join(credsDir, `${u.name}.creds`), 'utf8'));
    assert.equal(jwt, readFileSync(join(usersDir, `${u.name}.jwt`), 'utf8'), `${u.name}: creds and store agree`);
    assert.equal(seed, u.seed, `${u.name}: the user keeps its seed`);
    const now = decodeUser(jwt); // verifies the signature
    assert.equal(now.sub, u.publicKey);
    assert.equal(now.iss, fresh);
    assert.ok(accountDidSign(account, now), `${u.name}: new creds verify against the new account`);
    const old = decodeJwt<UserClaims>(u.token).claims;
    assert.ok(!accountDidSign(account, old), `${u.name}: old creds do not (their issuer is no longer listed)`);
    if (i % 500 === 0) {
      // On a sample (each costs ~1 ms): the seed really is the subject's, and the old token is
      // refused for its issuer alone: its signature still checks out.
      assert.equal(KeyPair.fromSeed(seed).publicKey, now.sub);
      assert.equal(decodeUser(u.token).iss, s.signingKey);
    }
  }
  assert.deepEqual(readdirSync(usersDir).filter((n) => n.startsWith('.')), [], 'no temp files left');
  assert.deepEqual(readdirSync(credsDir).filter((n) => n.startsWith('.')), []);
});
