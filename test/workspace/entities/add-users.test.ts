// addUsers: many users in one call, all or nothing. Each user is what addUser makes (a stored key
// with its usages, a JWT signed by the account signing key, a creds file), and a batch with one
// bad, taken or repeated name, or one user the signer refuses, writes nothing at all.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseCreds } from '../../../src/input/creds.js';
import { decodeUser } from '../../../src/claims/nats/decode.js';
import { defaultUsages } from '../../../src/keys/usage.js';
import { KeyPair } from '../../../src/nkeys/keypair.js';
import { Workspace, addUser, addUsers, editSigningKeyScope, readUser, validateStore } from '../../../src/workspace/index.js';
import { operatorWithAccount, rejectsCode, snapshot, tempWorkspace } from '../helpers.js';

/** Every hidden temp file under `dir` (what a failed or killed batch could leave). */
function temps(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) if (e.isFile() && e.name.startsWith('.') && e.name.endsWith('.tmp')) out.push(join(e.parentPath, e.name));
  return out;
}

describe('addUsers', () => {
  it('creates exactly the users named, each with its key, usages, JWT and creds', async (t) => {
    const { ws, home } = tempWorkspace(t);
    const { a, accountSk } = await operatorWithAccount(ws);
    // 70 users: past the point where the batch syncs the filesystem once instead of each file.
    const names = Array.from({ length: 70 }, (_, i) => `w${i}`);
    const seen: Array<[number, number]> = [];
    const r = await addUsers(ws, names, { account: 'A', tags: ['Bulk'], onProgress: (done, total) => seen.push([done, total]) });
    assert.deepEqual(r.users.map((u) => u.name), names);
    // Progress: never the total before every file is in place, then the total once.
    assert.deepEqual(seen.at(-1), [70, 70]);
    assert.ok(seen.slice(0, -1).every(([d, t], i) => t === 70 && d < 70 && (i === 0 || d >= seen[i - 1]![0])), JSON.stringify(seen));
    assert.ok(seen.length >= 2);
    const op = await ws.operator();
    assert.deepEqual((await op.listUsers('A')).sort(), [...names].sort(), 'exactly those users');
    for (const u of r.users) {
      const stored = await readUser(op, 'A', u.name);
      assert.equal(stored.claims.sub, u.publicKey);
      assert.equal(stored.claims.iss, accountSk.publicKey);
      assert.equal(stored.claims.nats.issuer_account, a.account.publicKey);
      assert.deepEqual(stored.claims.nats.tags, ['bulk']);
      const creds = parseCreds(readFileSync(u.credsPath, 'utf8'));
      assert.equal(creds.jwt, stored.token);
      assert.equal(KeyPair.fromSeed(creds.seed).publicKey, u.publicKey);
      assert.equal((await ws.keys.getKey(u.publicKey)).publicKey, u.publicKey);
      assert.deepEqual([...(await ws.keys.getKeyMeta(u.publicKey)).usages], [...defaultUsages('user')]);
    }
    assert.deepEqual((await validateStore(ws, { allAccounts: true })).problems, []);
    assert.deepEqual(temps(home), [], 'no temp file left');
  });

  it('makes users as addUser does (claims, files), in a small batch synced file by file', async (t) => {
    const { ws } = tempWorkspace(t);
    await operatorWithAccount(ws);
    const one = await addUser(ws, 'solo', { account: 'A', edit: { allowPub: ['a.>'] } });
    const two = await addUsers(ws, ['b1', 'b2'], { account: 'A', edit: { allowPub: ['a.>'] } });
    const op = await ws.operator();
    const solo = (await readUser(op, 'A', 'solo')).claims;
    for (const u of two.users) {
      const c = (await readUser(op, 'A', u.name)).claims;
      assert.deepEqual(c.nats, { ...solo.nats });
      assert.equal(c.iss, solo.iss);
      assert.equal(u.issuer, one.user.issuer);
      assert.equal(u.issuerAccount, one.user.issuerAccount);
      assert.equal(u.keyPath, ws.keys.keyPath(u.publicKey));
    }
  });

  it('refuses the whole batch, writing nothing, when one name is taken, bad or repeated', async (t) => {
    const { ws, home } = tempWorkspace(t);
    await operatorWithAccount(ws);
    await addUser(ws, 'taken', { account: 'A' });
    const before = snapshot(home);
    const e = await rejectsCode(addUsers(ws, ['n1', 'n2', 'taken', 'n3'], { account: 'A' }), 'STORE_EXISTS');
    assert.match(e.message, /User taken already exists in account A; no user was added/);
    assert.deepEqual(snapshot(home), before);
    await rejectsCode(addUsers(ws, ['n1', '../escape'], { account: 'A' }), 'INVALID_NAME');
    await rejectsCode(addUsers(ws, ['n1', '.hidden'], { account: 'A' }), 'INVALID_NAME');
    const twice = await rejectsCode(addUsers(ws, ['n1', 'n2', 'n1'], { account: 'A' }), 'USAGE');
    assert.match(twice.message, /named twice: n1/);
    await rejectsCode(addUsers(ws, [], { account: 'A' }), 'USAGE');
    await rejectsCode(addUsers(ws, ['n1'], { account: 'NOPE' }), 'STORE_NOT_FOUND');
    assert.deepEqual(snapshot(home), before, 'nothing written by any refused batch');
  });

  it('refuses the whole batch when the signer refuses a user (scoped key, own permissions)', async (t) => {
    const { ws, home } = tempWorkspace(t);
    const { accountSk } = await operatorWithAccount(ws);
    await editSigningKeyScope(ws, { account: 'A', key: accountSk.publicKey, role: 'svc', edit: { allowPub: ['svc.>'] } });
    const signer = await ws.keys.getKey(accountSk.publicKey);
    const before = snapshot(home);
    await rejectsCode(addUsers(ws, ['s1', 's2'], { account: 'A', signer, edit: { allowPub: ['x'] } }), 'SCOPED_USER_HAS_PERMISSIONS');
    assert.deepEqual(snapshot(home), before);
    // A big batch (writer threads, stages): its keys' files are being written when the signer
    // refuses; all of them go again (bulk-write.test.ts undoes a stage already in place).
    const many = Array.from({ length: 1500 }, (_, i) => `m${i}`);
    await rejectsCode(addUsers(ws, many, { account: 'A', signer, edit: { allowPub: ['x'] } }), 'SCOPED_USER_HAS_PERMISSIONS');
    assert.deepEqual(snapshot(home), before, 'no key of the refused batch is left');
    const r = await addUsers(ws, ['s1', 's2'], { account: 'A', signer });
    assert.ok(r.users.every((u) => u.scoped));
    await addUser(ws, 'single', { account: 'A', signer });
    const op = await ws.directoryOperator();
    assert.deepEqual(decodeUser(readFileSync(op.userJwtPath('A', 's2'), 'utf8')).nats, decodeUser(readFileSync(op.userJwtPath('A', 'single'), 'utf8')).nats, 'scoped as addUser makes it');
  });

  it('with a sealed key backend, each user key is stored as that backend stores it (no plain seed)', async (t) => {
    const home = mkdtempSync(join(tmpdir(), 'sigchain-ws-'));
    t.after(() => rmSync(home, { recursive: true, force: true }));
    const ws = Workspace.open({ env: { SIGCHAIN_KEYRING_BACKEND: 'encrypted', SIGCHAIN_PASSPHRASE: 'pw', SIGCHAIN_AGE_WORK_FACTOR: '10', SIGCHAIN_HOME: home, HOME: home } });
    await operatorWithAccount(ws);
    const r = await addUsers(ws, ['e1', 'e2'], { account: 'A' });
    for (const u of r.users) {
      assert.equal(u.keyPath, ws.keys.encryptedKeyPath(u.publicKey));
      assert.equal(await ws.keys.hasKey(u.publicKey), false, 'no plain seed');
      assert.equal(parseCreds(readFileSync(u.credsPath, 'utf8')).jwt, (await readUser(await ws.operator(), 'A', u.name)).token);
    }
  });
});
