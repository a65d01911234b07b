// `sigchain check coverage`: warns when the restrictions in force leave a kind of statement no
// key at hand may sign (the Canton trap), and is quiet when every kind is covered.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { addOperator, addAccount, editAccount, editOperator } from '../../src/workspace/index.js';
import { cli } from '../helpers/cli.js';
import { home, wsOf } from './fixtures-a.js';

async function setup(h: string) {
  const ws = wsOf(h);
  const o = await addOperator(ws, 'O', { generateSigningKey: true });
  await addAccount(ws, 'A');
  await editAccount(ws, { account: 'A', addSigningKeys: ['generate'] });
  return { ws, sk: o.signingKey!.publicKey };
}

it('a full setup has no warnings; --json lists every kind with its signers', async (t) => {
  const h = home(t);
  await setup(h);
  const r = await cli(h, ['check', 'coverage']);
  assert.equal(r.stderr, '');
  assert.match(r.stdout, /signing-keys/);
  // The NONE cell, not a key that happens to contain the letters NONE.
  assert.doesNotMatch(r.stdout, /\bNONE\b/);
  const j = JSON.parse((await cli(h, ['check', 'coverage', '--json'])).stdout);
  assert.deepEqual(j.warnings, []);
  assert.deepEqual(j.rows.filter((x: { name: string }) => x.name === "A").map((x: { kind: string }) => x.kind), ['user', 'activation']);
});

it('warns, naming `signing-keys`, when no key may sign it (strict operator, its only SK restricted); exits 0', async (t) => {
  const h = home(t);
  const { ws, sk } = await setup(h);
  await editOperator(ws, { requireSigningKeys: true, restrictSigningKeys: { [sk]: 'CanSignAllButSigningKeys' } });
  const r = await cli(h, ['check', 'coverage', '--operator', 'O']);
  assert.match(r.stderr, /\[WARN\] No key may sign `signing-keys` for operator "O"/);
  assert.match(r.stderr, /rotating an account's signing keys would fail/);
  assert.equal(r.stderr.match(/\[WARN\]/g)!.length, 1, r.stderr);
  assert.match(r.stdout, /NONE/);
  const j = JSON.parse((await cli(h, ['check', 'coverage', '--json'])).stdout);
  assert.equal(j.warnings.length, 1);
  assert.deepEqual(j.rows.find((x: { kind: string }) => x.kind === 'signing-keys').signers, []);
  // describe shows the restriction next to the key.
  assert.match((await cli(h, ['describe', 'operator'])).stdout, /\[may sign: CanSignAllButSigningKeys\]/);
});

it('edit operator --restrict-sk takes a comma list as one value', async (t) => {
  const h = home(t);
  const { sk } = await setup(h);
  await cli(h, ['edit', 'operator', '--restrict-sk', `${sk}=account,signing-keys`]);
  assert.match((await cli(h, ['describe', 'operator'])).stdout, /\[may sign: account,signing-keys\]/);
});
