// UserWorkerPool: worker threads started before their jobs, serving several runs in turn (one
// per account), holding no key (every signature is asked of the main thread), and refusing to
// run again once a run failed or the pool was closed.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { decodeUser } from '../../../src/claims/nats/decode.js';
import { parseCreds } from '../../../src/input/creds.js';
import { verifyJwt } from '../../../src/jwt/decode.js';
import { KeyPair } from '../../../src/nkeys/keypair.js';
import { SigchainError } from '../../../src/errors.js';
import { UserWorkerPool, runUserJobs } from '../../../src/workspace/compromise/reissue-pool.js';
import type { BatchSigner, UserJob } from '../../../src/workspace/compromise/reissue-users.js';
import { type BigStore, buildUserStore } from '../../helpers/big-store.js';

async function store(t: { after(fn: () => void): void }, n: number): Promise<{ home: string; s: BigStore; jobs: UserJob[] }> {
  const home = mkdtempSync(join(tmpdir(), 'sigchain-pool-'));
  t.after(() => rmSync(home, { recursive: true, force: true }));
  const s = await buildUserStore(home, n);
  const op = await s.ws.directoryOperator('O');
  const jobs = s.users.map((u) => ({
    account: 'A',
    user: u.name,
    sub: u.publicKey,
    token: u.token,
    jwtPath: op.userJwtPath('A', u.name),
    credsPath: s.ws.keys.credsPath('O', 'A', u.name),
    seedPath: s.ws.keys.keyPath(u.publicKey),
    seed: 'key-store' as const,
  }));
  return { home, s, jobs };
}

describe('UserWorkerPool', () => {
  it('serves two runs in turn with the same threads; every user re-issued by the main thread’s key, creds rewritten', async (t) => {
    const { s, jobs } = await store(t, 300);
    const replacement = KeyPair.create('account');
    let signed = 0;
    const sign: BatchSigner = async (inputs) => {
      signed += inputs.length;
      return inputs.map((i) => replacement.sign(Buffer.from(i, 'ascii')));
    };
    const settings = { signer: replacement.publicKey, issuerAccount: s.accountKey, compromised: s.signingKey, iat: Math.floor(Date.now() / 1000), tag: 'm' };
    const pool = UserWorkerPool.start(2);
    assert.equal(pool.size, 2);
    try {
      const progress: number[] = [];
      const first = await pool.run(jobs.slice(0, 200), settings, sign, (n) => progress.push(n));
      // Through runUserJobs, as the compromise calls it for its next account.
      const second = await runUserJobs(jobs.slice(200), settings, sign, { pool });
      assert.equal(first.length, 200);
      assert.ok(first.every((o) => o.reissued && o.creds && !o.note), JSON.stringify(first.find((o) => !o.reissued || !o.creds)));
      assert.equal(progress.at(-1), 200);
      assert.equal(second.length, 100);
      assert.ok(second.every((o) => o.reissued && o.creds));
    } finally {
      await pool.close();
    }
    assert.equal(signed, 300, 'every signature asked of the main thread');
    for (const j of jobs) {
      const token = readFileSync(j.jwtPath, 'utf8');
      assert.equal(verifyJwt(token).claims.iss, replacement.publicKey, j.user);
      assert.equal(decodeUser(token).nats.issuer_account, s.accountKey);
      assert.equal(parseCreds(readFileSync(j.credsPath, 'utf8')).jwt, token, `${j.user}: creds hold the new token`);
    }
    await assert.rejects(pool.run(jobs, settings, sign, undefined), /stopped/);
  });

  it('a signer that refuses stops the run with its code, and the pool runs nothing after', async (t) => {
    const { s, jobs } = await store(t, 200);
    const refuse: BatchSigner = async () => {
      throw new SigchainError('KEY_USAGE_VIOLATION', 'not for issuing');
    };
    const settings = { signer: KeyPair.create('account').publicKey, issuerAccount: s.accountKey, compromised: s.signingKey, iat: 1, tag: 'm' };
    const pool = UserWorkerPool.start(2);
    try {
      await assert.rejects(pool.run(jobs, settings, refuse, undefined), (e: SigchainError) => e.code === 'KEY_USAGE_VIOLATION');
      await assert.rejects(pool.run(jobs, settings, refuse, undefined), /stopped by an earlier failure/);
    } finally {
      await pool.close();
    }
    for (const j of jobs.slice(0, 20)) assert.equal(readFileSync(j.jwtPath, 'utf8'), s.users.find((u) => u.name === j.user)!.token, 'nothing written');
  });
});
