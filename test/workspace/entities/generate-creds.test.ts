// generateCreds: the creds text of a stored user, identical to the file addUser wrote; refused
// (without a seed) when the user's seed is not in the key store.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { addUser, generateCreds } from '../../../src/workspace/index.js';
import { operatorWithAccount, rejectsCode, tempWorkspace } from '../helpers.js';

describe('generateCreds', () => {
  it('returns the same text addUser wrote, for the current or a named account', async (t) => {
    const { ws } = tempWorkspace(t);
    await operatorWithAccount(ws);
    const u = await addUser(ws, 'U');
    const r = await generateCreds(ws, { user: 'U' });
    assert.deepEqual({ operator: r.operator, account: r.account, user: r.user }, { operator: 'O', account: 'A', user: 'U' });
    assert.equal(r.text, readFileSync(u.user.credsPath, 'utf8'));
    const sys = await generateCreds(ws, { operator: 'O', account: 'SYS', user: 'sys' });
    assert.match(sys.text, /^-----BEGIN NATS USER JWT-----\n/);
  });

  it('is refused when the user seed is not in the key store', async (t) => {
    const { ws } = tempWorkspace(t);
    await operatorWithAccount(ws);
    const u = await addUser(ws, 'U');
    await ws.keys.removeKey(u.user.publicKey);
    const e = await rejectsCode(generateCreds(ws, { user: 'U' }), 'STORE_NOT_FOUND');
    assert.ok(e.message.includes(u.user.publicKey));
  });

  it('an unknown user is STORE_NOT_FOUND naming the users there are', async (t) => {
    const { ws } = tempWorkspace(t);
    await operatorWithAccount(ws);
    await addUser(ws, 'U');
    const e = await rejectsCode(generateCreds(ws, { user: 'ghost' }), 'STORE_NOT_FOUND');
    assert.match(e.message, /Users: U/);
  });
});
