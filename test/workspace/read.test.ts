// readOperator/readAccount/readUser verify what they read; keyNames maps keys to names.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { addUser, keyNames, readAccount, readUser } from '../../src/workspace/index.js';
import { operatorWithAccount, rejectsCode, tempWorkspace } from './helpers.js';

describe('read', () => {
  it('keyNames names the operator and its accounts', async (t) => {
    const { ws } = tempWorkspace(t);
    const { o, a } = await operatorWithAccount(ws);
    const names = await keyNames(await ws.operator());
    assert.equal(names.get(o.operator.publicKey), 'O');
    assert.equal(names.get(a.account.publicKey), 'A');
    assert.equal(names.get(o.systemAccount!.publicKey), 'SYS');
  });

  it('a stored token whose signature no longer verifies is refused when read', async (t) => {
    const { ws } = tempWorkspace(t);
    await operatorWithAccount(ws);
    await addUser(ws, 'U');
    const op = await ws.directoryOperator();
    const token = (await readUser(op, 'A', 'U')).token;
    const [h, p, s] = token.split('.') as [string, string, string];
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as { name: string };
    payload.name = 'V';
    const tampered = `${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${s}`;
    // Edited on disk behind sigchain's back.
    writeFileSync(op.userJwtPath('A', 'U'), tampered);
    await rejectsCode(readUser(op, 'A', 'U'), 'BAD_SIGNATURE');
    assert.equal((await readAccount(op, 'A')).name, 'A', 'other tokens still read');
  });
});
