// The bulk listings (storedUsers, listKeyInfo, keyInventory) on a big store give the answer the
// per-file readers gave before: every user with its key and signer, every key with its record,
// every owner; a damaged file is still reported, with the same code, and hides nothing else.
import assert from 'node:assert/strict';
import { chmodSync, writeFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { isSigchainError } from '../../src/errors.js';
import { addUsers, readUser, storedUsers } from '../../src/workspace/index.js';
import { keyInventory } from '../../src/workspace/signing/key-inventory.js';
import { buildUserStore } from '../helpers/big-store.js';
import { tempWorkspace } from './helpers.js';

describe('bulk listings on a big store', () => {
  it('storedUsers, listKeyInfo and keyInventory answer as the per-file readers do', async (t) => {
    const { home } = tempWorkspace(t);
    const store = await buildUserStore(home, 600);
    const { ws } = store;
    // Users with usage records too (what addUser leaves), and damage of each kind.
    const added = await addUsers(ws, Array.from({ length: 40 }, (_, i) => `rec${i}`), { account: 'A' });
    const op = await ws.directoryOperator('O');
    writeFileSync(op.userJwtPath('A', 'broken'), 'not a jwt', { mode: 0o600 });
    writeFileSync(op.userJwtPath('A', 'account-token'), await op.readAccountJwt('A'), { mode: 0o600 });
    // Over the native read's size (16 KiB): read again the node:fs way, judged the same.
    writeFileSync(op.userJwtPath('A', 'huge'), `${await op.readAccountJwt('A')}${' '.repeat(20_000)}`, { mode: 0o600 });
    const damagedMeta = ws.keys.metaPath(added.users[3]!.publicKey);
    writeFileSync(damagedMeta, '{', { mode: 0o600 });
    const openMeta = ws.keys.metaPath(added.users[4]!.publicKey);
    chmodSync(openMeta, 0o666);

    // Users: as listUsers + readUser, one file at a time.
    const before: Array<{ name: string; sub?: string; iss?: string; code?: string }> = [];
    for (const name of await op.listUsers('A')) {
      try {
        const c = (await readUser(op, 'A', name)).claims;
        before.push({ name, sub: c.sub, iss: c.iss });
      } catch (e) {
        assert.ok(isSigchainError(e));
        before.push({ name, code: e.code });
      }
    }
    type Row = { name: string; sub?: string; iss?: string; code?: string };
    const now: Row[] = (await storedUsers(op, 'A')).map((u): Row => (u.error ? { name: u.name, code: u.error.code } : { name: u.name, sub: u.facts.sub, iss: u.facts.iss }));
    assert.equal(now.length, 643);
    // The account token in a user's place: unreadable both ways (the code may differ: the old reader refused its type).
    const norm = (l: Row[]) => l.map((u) => (u.code ? { name: u.name, code: 'unreadable' } : u)).sort((a, b) => (a.name < b.name ? -1 : 1));
    assert.deepEqual(norm(now), norm(before));
    assert.equal(now.find((u) => u.name === 'broken')!.code, 'STORE_CORRUPT');
    assert.equal(now.find((u) => u.name === 'huge')!.code, 'STORE_CORRUPT', 'an account token, read whole');

    // Keys: as listKeys + getKeyMeta, one record at a time.
    const keys = await ws.keys.listKeys();
    const expected = [];
    for (const k of keys) {
      try {
        expected.push({ publicKey: k.publicKey, usages: [...(await ws.keys.getKeyMeta(k.publicKey)).usages], path: k.path });
      } catch (e) {
        assert.ok(isSigchainError(e));
        expected.push({ publicKey: k.publicKey, code: e.code, path: k.path });
      }
    }
    const info = (await ws.keys.listKeyInfo()).map((k) => (k.problem ? { publicKey: k.publicKey, code: k.problem.code, path: k.path } : { publicKey: k.publicKey, usages: [...k.usages], path: k.path }));
    assert.deepEqual(info, expected);
    assert.equal(info.filter((k) => 'code' in k).length, 2, 'the damaged and the open record');

    // Owners: every user key names its user, as before.
    const inventory = new Map((await keyInventory(ws)).map((r) => [r.publicKey, r.entities]));
    for (const u of store.users.slice(0, 50)) assert.deepEqual(inventory.get(u.publicKey), [`user O/A/${u.name}`]);
    for (const u of added.users) assert.deepEqual(inventory.get(u.publicKey), [`user O/A/${u.name}`]);
    assert.deepEqual(inventory.get(store.signingKey), ['account O/A signing key']);
  });
});
