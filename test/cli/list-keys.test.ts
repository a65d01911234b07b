// `sigchain list keys`: identity and signing keys of the tree, which seeds are stored, and seeds only on request.
import assert from 'node:assert/strict';
import { chmodSync } from 'node:fs';
import { it } from 'node:test';
import { KeyPair } from '../../src/nkeys/index.js';
import { addUser, editAccount } from '../../src/workspace/index.js';
import { cli } from '../helpers/cli.js';
import { home, json, signingKeyTree } from './fixtures-a.js';

const SEED = /\bS[OAUC][A-Z2-7]{56}\b/;

it('list keys: operator, current account and its users, signing keys marked, stored seeds marked', async (t) => {
  const h = home(t);
  const tree = await signingKeyTree(h);
  const u = await addUser(tree.ws, 'U', { account: 'A' });
  // A signing key listed by A whose seed sigchain never had.
  const foreign = KeyPair.create('account').publicKey;
  await editAccount(tree.ws, { account: 'A', addSigningKeys: [foreign], signer: await tree.ws.keys.getKey(tree.opSk) });
  const r = await cli(h, ['list', 'keys']);
  const row = (entity: string, key: string, sk: string, stored: string) => new RegExp(`│ ${entity}\\s+│ ${key} │ ${sk}\\s+│ ${stored}\\s+│`);
  assert.match(r.stdout, row('O2 \\*', '[^ ]+', '', '\\*'));
  assert.match(r.stdout, row('O2', tree.opSk, '\\*', '\\*'));
  assert.match(r.stdout, row(' A \\*', tree.acct, '', '\\*'));
  assert.match(r.stdout, row(' A', tree.acctSk, '\\*', '\\*'));
  assert.match(r.stdout, row(' A', foreign, '\\*', ''));
  assert.match(r.stdout, row('  U', u.user.publicKey, '', '\\*'));
  // The SYS account's row, not any key that happens to contain the letters SYS.
  assert.doesNotMatch(r.stdout, /│ +SYS\b/, 'by default only the current account, as nsc');
  assert.doesNotMatch(r.stdout + r.stderr, SEED);

  const all = json((await cli(h, ['list', 'keys', '-A', '--json'])).stdout);
  const acctSk = all.keys.find((k: { public_key: string }) => k.public_key === tree.acctSk);
  assert.deepEqual(acctSk, { entity: 'A', kind: 'account', public_key: tree.acctSk, parent: all.keys[0].public_key, signing: true, curve: false, current: true, stored: true, path: tree.acctSkPath });
  assert.ok(all.keys.some((k: { entity: string }) => k.entity === 'SYS'), '-A includes every account');
  assert.ok(all.keys.every((k: { seed?: string }) => k.seed === undefined));

  const users = json((await cli(h, ['list', 'keys', '--users', '--json'])).stdout);
  assert.deepEqual(users.keys.map((k: { entity: string }) => k.entity).sort(), ['U', 'sys']);
});

it('list keys --show-seeds prints seeds only then; an unusable seed file is BAD with a warning; --not-referenced', async (t) => {
  const h = home(t);
  const tree = await signingKeyTree(h);
  const seeds = await cli(h, ['list', 'keys', '--accounts', '--account', 'A', '--show-seeds']);
  assert.match(seeds.stdout, /Seeds Keys/);
  assert.ok(seeds.stdout.includes((await tree.ws.keys.getKey(tree.acctSk)).seed), 'the account signing seed is shown when asked');
  assert.doesNotMatch(seeds.stdout, /│ O2/, '--accounts: only account keys');

  chmodSync(tree.acctSkPath, 0o644);
  const bad = await cli(h, ['list', 'keys']);
  assert.match(bad.stdout, new RegExp(`│ ${tree.acctSk} │ \\*\\s+│ BAD\\s+│`));
  assert.match(bad.stderr, /^\[WARN\] .*can be read or changed by other users/m);
  chmodSync(tree.acctSkPath, 0o600);

  const stray = KeyPair.create('user');
  await tree.ws.keys.storeKey(stray);
  const unref = json((await cli(h, ['list', 'keys', '--not-referenced', '--json'])).stdout);
  assert.deepEqual(unref.keys.map((k: { public_key: string }) => k.public_key), [stray.publicKey]);
  assert.equal(unref.keys[0].entity, '?');
  const filtered = json((await cli(h, ['list', 'keys', '-A', '-f', tree.acctSk.slice(20, 30).toLowerCase(), '--json'])).stdout);
  assert.deepEqual(filtered.keys.map((k: { public_key: string }) => k.public_key), [tree.acctSk]);
});
