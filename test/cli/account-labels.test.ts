// `list accounts` labels the key that signed each account; `describe account` shows each scoped
// signing key with its template (what every user it signs is allowed).
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { cli } from '../helpers/cli.js';
import { home, json, signingKeyTree } from './fixtures-a.js';

it('list accounts: the signing key label, in the table and in --json', async (t) => {
  const h = home(t);
  const tree = await signingKeyTree(h);
  const out = json((await cli(h, ['list', 'accounts', '--json'])).stdout);
  const a = out.accounts.find((x: { name: string }) => x.name === 'A');
  assert.equal(a.issuer, tree.opSk);
  assert.equal(a.issuer_label, 'signing key of operator O2');
  const sys = out.accounts.find((x: { name: string }) => x.name === 'SYS');
  assert.match(sys.issuer_label, /operator O2/);
  const text = (await cli(h, ['list', 'accounts'])).stdout;
  assert.match(text, /│ Signing Key +│/);
  assert.match(text, /signing key of operator O2/);
});

it('describe account: a scoped key with its role and template', async (t) => {
  const h = home(t);
  const tree = await signingKeyTree(h);
  await cli(h, ['edit', 'signing-key', '-a', 'A', '--sk', tree.acctSk, '--role', 'svc', '--allow-pub', 'svc.{{name()}}.>', '--allow-sub', '_INBOX.>']);
  const text = (await cli(h, ['describe', 'account', 'A'])).stdout;
  assert.match(text, new RegExp(`│ Scoped Signing Key +│ ${tree.acctSk} +│`));
  assert.match(text, /│ Role +│ svc +│/);
  assert.match(text, /│ Template Pub Allow +│ svc\.\{\{name\(\)\}\}\.> +│/);
  assert.match(text, /│ Template Sub Allow +│ _INBOX\.> +│/);
});
