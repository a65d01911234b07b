// `sigchain list users`: users of an account with the key that signed each.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { addUser } from '../../src/workspace/index.js';
import { cli } from '../helpers/cli.js';
import { home, json, signingKeyTree } from './fixtures-a.js';

it('list users -a A lists users and their signers; an empty account says how to add one', async (t) => {
  const h = home(t);
  const tree = await signingKeyTree(h);
  assert.match((await cli(h, ['list', 'users', '-a', 'A'])).stdout, /^Account A has no users\. Create one with `sigchain add user NAME -a A`\./);
  const u = await addUser(tree.ws, 'U', { account: 'A' });
  const text = (await cli(h, ['list', 'users'])).stdout;
  assert.match(text, new RegExp(`│ U\\s+│ ${u.user.publicKey} │ ${tree.acctSk} │`));
  const out = json((await cli(h, ['list', 'users', '--account', 'SYS', '--json'])).stdout);
  assert.equal(out.account, 'SYS');
  assert.deepEqual(out.users.map((x: { name: string }) => x.name), ['sys']);
});
