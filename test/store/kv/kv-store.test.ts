// The KV store against a real nats-server with JetStream: its key layout, the bucket's shape,
// compare-and-set under a conflict storm, entries checked when read, and the failures a
// shared store meets (no bucket, a foreign bucket, no server, a server that never answers).
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isSigchainError } from '../../../src/errors.js';
import { withSign } from '../../../src/keys/signer.js';
import { KV_HISTORY, KV_LAYOUT, KvStore, kvKeys, kvSegment, parseKvKey } from '../../../src/store/kv/kv-store.js';
import { Workspace, addAccount, addOperator, addUser, addUsers, validateStore } from '../../../src/workspace/index.js';
import { rawPut, startJetStream } from '../../helpers/jetstream.js';
import { freePort, type RunningServer } from '../../helpers/nats-server.js';

let server: RunningServer;
const homes: string[] = [];
const stores: KvStore[] = [];

function store(bucket: string, retries?: number): KvStore {
  const s = KvStore.fromUrl(`${server.url}/${bucket}`, retries === undefined ? {} : { retries });
  stores.push(s);
  return s;
}

function workspace(bucket: string): Workspace {
  const home = mkdtempSync(join(tmpdir(), 'sigchain-kvws-'));
  homes.push(home);
  const ws = Workspace.open({ env: { SIGCHAIN_KEYRING_BACKEND: 'file', SIGCHAIN_HOME: home, HOME: home }, store: `${server.url}/${bucket}`, custody: { noAudit: true } });
  stores.push(ws.store as KvStore);
  return ws;
}

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (isSigchainError(e)) return e.code;
    throw e;
  }
  return 'no error';
}

before(async () => {
  server = await startJetStream();
});
after(async () => {
  for (const s of stores) await s.close();
  await server.stop();
  for (const h of homes) rmSync(h, { recursive: true, force: true });
});

describe('KV store layout', () => {
  it('gives every name the store accepts exactly one key, and reads it back', () => {
    for (const name of ['ACME', 'service-1', 'a_b', 'a.b', 'dépôt', 'two words', '=', '*>']) {
      const key = kvKeys.user('O', 'A', name);
      assert.match(key, /^[-_=.A-Za-z0-9]+$/);
      assert.deepEqual(parseKvKey(key), { kind: 'user', operator: 'O', account: 'A', user: name });
    }
    assert.equal(kvSegment('a.b'), 'a=2Eb');
    assert.equal(parseKvKey('acct.O.a=2eb'), undefined, 'one spelling per name: lower-case hex is not one');
    assert.equal(parseKvKey('other.thing'), undefined);
  });
});

describe('KV store on a real nats-server with JetStream', () => {
  it('reads fail with KV_BUCKET_MISSING until a write creates the bucket, with sigchain’s history and layout mark', async () => {
    const ws = workspace('fresh');
    assert.equal(await code(ws.store.listOperators()), 'KV_BUCKET_MISSING');
    assert.equal(await code(ws.store.openOperator('O')), 'KV_BUCKET_MISSING');
    await addOperator(ws, 'O');
    assert.deepEqual(await ws.store.listOperators(), ['O']);
    const { Kvm } = await import('@nats-io/kv');
    const { connect } = await import('@nats-io/transport-node');
    const nc = await connect({ servers: server.url });
    const status = await (await new Kvm(nc).open('fresh')).status();
    await nc.close();
    assert.equal(status.history, KV_HISTORY);
    assert.equal(status.description, KV_LAYOUT);
  });

  it('refuses a bucket of another history or without the layout mark (KV_BUCKET_SHAPE), for reads and writes, and leaves it as it was', async () => {
    await rawPut(server.url, 'short', 'nsc.O', '{}', { history: 1, description: KV_LAYOUT });
    await rawPut(server.url, 'foreign', 'app.setting', 'x', { history: KV_HISTORY });
    for (const bucket of ['short', 'foreign']) {
      const s = store(bucket);
      assert.equal(await code(s.listOperators()), 'KV_BUCKET_SHAPE', bucket);
      assert.equal(await code(s.locked(async () => undefined)), 'KV_BUCKET_SHAPE', bucket);
    }
  });

  it('STORE_UNREACHABLE, quickly, when nothing listens or when the server never answers', async () => {
    const closed = KvStore.fromUrl(`nats://127.0.0.1:${await freePort()}`);
    let t = Date.now();
    assert.equal(await code(closed.listOperators()), 'STORE_UNREACHABLE');
    assert.ok(Date.now() - t < 3000);
    // A socket that accepts and says nothing: the connect deadline ends it.
    const silent = createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as { port: number }).port;
    const mute = KvStore.fromUrl(`nats://127.0.0.1:${port}`, { connectTimeoutMs: 500 });
    t = Date.now();
    assert.equal(await code(mute.listOperators()), 'STORE_UNREACHABLE');
    assert.ok(Date.now() - t < 3000, `${Date.now() - t} ms`);
    await mute.close();
    silent.close();
    await closed.close();
  });

  it('an entry that does not verify is KV_ENTRY_INVALID for that entity only; the others stay readable', async () => {
    const ws = workspace('tamper');
    await addOperator(ws, 'O');
    await addAccount(ws, 'A');
    await addAccount(ws, 'B');
    await addUser(ws, 'U', { account: 'B' });
    const op = await ws.store.openOperator('O');
    const good = await op.readAccountJwt('A');
    // A claim changed after signing: the signature no longer verifies.
    const [h, p, sig] = good.split('.');
    const claims = JSON.parse(Buffer.from(p!, 'base64url').toString());
    claims.name = 'A-forged';
    await rawPut(server.url, 'tamper', kvKeys.account('O', 'A'), `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${sig}`);
    // A valid token of the wrong kind under an account key.
    await rawPut(server.url, 'tamper', kvKeys.account('O', 'C'), await op.readUserJwt('B', 'U'));
    assert.equal(await code(op.readAccountJwt('A')), 'KV_ENTRY_INVALID');
    assert.equal(await code(op.readAccountJwt('C')), 'KV_ENTRY_INVALID');
    assert.match(await op.readAccountJwt('B'), /^eyJ/);
    assert.deepEqual(await op.listAccounts(), ['A', 'B', 'C', 'SYS']);
    assert.equal(await code(op.findAccountByPublicKey('none')), 'KV_ENTRY_INVALID', 'a scan that must read every account says so');
  });

  it('reads many users at once, in name order, each bad entry its own error', async () => {
    const ws = workspace('many');
    await addOperator(ws, 'O');
    await addAccount(ws, 'A');
    // More users than reads in flight, so the readers take turns.
    const names = Array.from({ length: 80 }, (_, i) => `u${String(i).padStart(2, '0')}`);
    await addUsers(ws, names, { account: 'A' });
    const op = await ws.store.openOperator('O');
    const good = await op.readUserJwt('A', 'u07');
    const [h, p, sig] = good.split('.');
    const claims = JSON.parse(Buffer.from(p!, 'base64url').toString());
    claims.name = 'forged';
    await rawPut(server.url, 'many', kvKeys.user('O', 'A', 'u07'), `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${sig}`);
    await rawPut(server.url, 'many', kvKeys.user('O', 'A', 'u63'), await op.readAccountJwt('A'));
    const read = await op.readUsers('A', { tokens: true });
    assert.deepEqual(read.map((u) => u.name), names);
    assert.deepEqual(read.filter((u) => u.error).map((u) => [u.name, u.error!.code]), [['u07', 'KV_ENTRY_INVALID'], ['u63', 'KV_ENTRY_INVALID']]);
    for (const u of read.filter((x) => !x.error)) assert.equal(u.facts?.name, u.name);
    assert.equal(read.find((u) => u.name === 'u08')!.token, await op.readUserJwt('A', 'u08'));
    // For a caller that verifies each token itself: decoded and kind-checked, signature unchecked.
    const unverified = await op.readUsers('A', { tokens: true, skipSignatures: true });
    assert.deepEqual(unverified.filter((u) => u.error).map((u) => [u.name, u.error!.code]), [['u63', 'KV_ENTRY_INVALID']]);
    assert.equal(unverified.find((u) => u.name === 'u07')!.facts?.name, 'forged');
    // validate verifies each signature once (over the cores), and still names a forged entry as the store's.
    const report = await validateStore(ws, { allAccounts: true });
    assert.deepEqual(report.problems.map((p) => [p.entity, p.code]), [['user A/u07', 'KV_ENTRY_INVALID'], ['user A/u63', 'KV_ENTRY_INVALID']]);
    assert.match(report.problems[0]!.message, /many/);
  });

  it('adds many users at once, all or none: a name taken by another writer fails the whole batch', async () => {
    const ws = workspace('bulk');
    await addOperator(ws, 'O');
    await addAccount(ws, 'A');
    const op = await ws.store.openOperator('O');
    await addUser(ws, 'first', { account: 'A' });
    const token = await op.readUserJwt('A', 'first');
    const names = Array.from({ length: 80 }, (_, i) => `b${String(i).padStart(2, '0')}`);
    // Another writer's entry at b57: the creates in flight before it are deleted again.
    await rawPut(server.url, 'bulk', kvKeys.user('O', 'A', 'b57'), token);
    const err = await op.addUsers('A', names.map((name) => ({ name, token }))).catch((e: unknown) => e);
    assert.ok(isSigchainError(err) && err.code === 'STORE_EXISTS', String(err));
    assert.deepEqual(err.details?.names, ['b57']);
    assert.match(err.message, /b57 already exists .* none of the 80 users was added/);
    assert.deepEqual(await op.listUsers('A'), ['b57', 'first']);
    // A name whose entry was deleted is free again; a fresh batch is stored whole.
    assert.equal(await op.deleteUser('A', 'b57'), true);
    await op.addUsers('A', names.map((name) => ({ name, token })));
    assert.deepEqual(await op.listUsers('A'), [...names, 'first']);
    assert.equal(await code(op.addUsers('A', [{ name: 'x', token }, { name: 'x ', token }])), 'USAGE', 'a name given twice');
    assert.equal(await code(op.addUsers('Nope', [{ name: 'y', token }])), 'STORE_NOT_FOUND');
    assert.equal(await code(op.addUsers('A', [{ name: 'y', token: await op.readAccountJwt('A') }])), 'WRONG_CLAIM_TYPE');
  });

  it('addUsers on a KV store: another writer taking a name while the users are signed leaves nothing of the call (entries, keys, creds)', async () => {
    const ws = workspace('bulkrace');
    await addOperator(ws, 'O');
    const a = await addAccount(ws, 'A');
    await addUser(ws, 'first', { account: 'A' });
    const op = await ws.store.openOperator('O');
    const token = await op.readUserJwt('A', 'first');
    const keysBefore = (await ws.keys.listKeys()).map((k) => k.publicKey);
    const credsBefore = readdirSync(ws.keys.accountCredsDir('O', 'A')).sort();
    // The name is free when addUsers checks; the other writer takes it while the users are signed.
    const real = await ws.custody.signer(a.account.publicKey);
    let raced: Promise<void> | undefined;
    const signer = withSign(real, async (data, context) => {
      raced ??= rawPut(server.url, 'bulkrace', kvKeys.user('O', 'A', 'r41'), token);
      await raced;
      return real.sign(data, context);
    });
    const names = Array.from({ length: 80 }, (_, i) => `r${String(i).padStart(2, '0')}`);
    const err = await addUsers(ws, names, { account: 'A', signer }).catch((e: unknown) => e);
    assert.ok(isSigchainError(err) && err.code === 'STORE_EXISTS', String(err));
    assert.match(err.message, /r41/);
    assert.ok(raced, 'the other writer ran');
    assert.deepEqual(await op.listUsers('A'), ['first', 'r41']);
    assert.deepEqual((await ws.keys.listKeys()).map((k) => k.publicKey), keysBefore, 'no key of the call is left');
    assert.deepEqual(readdirSync(ws.keys.accountCredsDir('O', 'A')).sort(), credsBefore, 'no creds of the call are left');
    // Without the other writer the same names are added, all of them.
    await op.deleteUser('A', 'r41');
    const r = await addUsers(ws, names, { account: 'A' });
    assert.equal(r.users.length, 80);
    assert.deepEqual(await op.listUsers('A'), ['first', ...names]);
    assert.deepEqual((await validateStore(ws, { allAccounts: true })).problems, []);
  });

  it('a conflict storm: two writers, 1,000 read-modify-write edits of one entry, nothing lost', async () => {
    const ws = workspace('storm');
    await addOperator(ws, 'O');
    await addAccount(ws, 'A');
    const writers = [store('storm'), store('storm')];
    const edit = async (s: KvStore, item: string) =>
      s.locked(async () => {
        const op = await s.openOperator('O');
        const list = JSON.parse((await op.readRevokedJtisText('A'))?.text ?? '{"version":1,"account":"","jtis":{}}');
        list.jtis[item] = { at: 1 };
        await op.writeRevokedJtisText('A', JSON.stringify(list));
      });
    await Promise.all(
      writers.map(async (s, w) => {
        for (let i = 0; i < 500; i++) await edit(s, `w${w}-${i}`);
      }),
    );
    const final = JSON.parse((await (await ws.store.openOperator('O')).readRevokedJtisText('A'))!.text);
    assert.equal(Object.keys(final.jtis).length, 1000, 'every edit is there');
    const conflicts = writers[0]!.conflicts + writers[1]!.conflicts;
    assert.ok(conflicts > 0, 'the writers did collide (each collision re-ran the edit on the fresh entry)');
  });

  it('KV_CONFLICT only once the retries are exhausted', async () => {
    const ws = workspace('retries');
    await addOperator(ws, 'O');
    await addAccount(ws, 'A');
    const other = store('retries');
    // An edit whose entry another writer changes between its read and its write, `times` times.
    const interfered = (s: KvStore, times: number) => {
      let n = 0;
      return s.locked(async () => {
        const op = await s.openOperator('O');
        const before = (await op.readRevokedJtisText('A'))?.text ?? '';
        if (n++ < times) await other.locked(async () => (await other.openOperator('O')).writeRevokedJtisText('A', `{"n":${n}}`));
        await op.writeRevokedJtisText('A', `${before}x`);
        return n;
      });
    };
    assert.equal(await code(interfered(store('retries', 2), 3)), 'KV_CONFLICT', '3 losses with 2 retries');
    assert.equal(await interfered(store('retries', 2), 2), 3, 'won on the third run');
  });
});
