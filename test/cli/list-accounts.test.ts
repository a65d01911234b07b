// `sigchain list accounts`: accounts of an operator with their signers.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { addAccount } from '../../src/workspace/index.js';
import { cli, runCli } from '../helpers/cli.js';
import { home, json, signingKeyTree } from './fixtures-a.js';

it('list accounts shows each account, who signed it, and the current one', async (t) => {
  const h = home(t);
  const tree = await signingKeyTree(h);
  const b = await addAccount(tree.ws, 'B');
  const text = (await cli(h, ['list', 'accounts'])).stdout;
  assert.match(text, /Accounts of O2/);
  assert.match(text, new RegExp(`│ A\\s+│ ${tree.acct} │ ${tree.opSk} │ signing key of operator O2\\s+│`));
  assert.match(text, new RegExp(`│ B \\*\\s+│ ${b.account.publicKey} │ ${tree.opSk} │ signing key of operator O2\\s+│`));
  const out = json((await cli(h, ['list', 'accounts', '--operator', 'O2', '--json'])).stdout);
  assert.equal(out.operator, 'O2');
  assert.deepEqual(out.accounts.map((a: { name: string }) => a.name), ['A', 'B', 'SYS']);
  assert.deepEqual(out.accounts[0], { name: 'A', public_key: tree.acct, issuer: tree.opSk, issuer_label: 'signing key of operator O2', current: false });
  const bad = await runCli(h, ['list', 'accounts', '--operator', 'nope', '--json']);
  assert.equal(json(bad.stdout).error.code, 'STORE_NOT_FOUND');
});
