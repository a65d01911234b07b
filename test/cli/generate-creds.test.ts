// `sigchain generate creds`: stdout (asked for), -o files (0600, no silent overwrite), and refusals.
import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { formatCreds } from '../../src/claims/nats/creds.js';
import { addUser } from '../../src/workspace/index.js';
import { cli, runCli } from '../helpers/cli.js';
import { home, json, mode, paths, signingKeyTree } from './fixtures-a.js';

async function withUser(h: string) {
  const tree = await signingKeyTree(h);
  const u = await addUser(tree.ws, 'U', { account: 'A' });
  const jwt = readFileSync(paths.userJwt(h, 'O2', 'A', 'U'), 'utf8');
  const expected = formatCreds(jwt, readFileSync(u.user.keyPath, 'utf8'));
  return { ...tree, expected };
}

it('generate creds U prints exactly the Go-format creds; -a A alone picks the only user', async (t) => {
  const h = home(t);
  const { expected } = await withUser(h);
  const r = await cli(h, ['generate', 'creds', 'U']);
  assert.equal(r.stdout, expected);
  assert.equal(r.stdout, readFileSync(paths.creds(h, 'O2', 'A', 'U'), 'utf8'), 'same as the file add user wrote');
  assert.equal((await cli(h, ['generate', 'creds', '-a', 'A'])).stdout, expected);
  const out = json((await cli(h, ['generate', 'creds', '-n', 'U', '--json'])).stdout);
  assert.deepEqual(out, { operator: 'O2', account: 'A', user: 'U', creds: expected });
});

it('generate creds -o writes 0600 atomically and will not replace a file without --force', async (t) => {
  const h = home(t);
  const { expected } = await withUser(h);
  const file = join(h, 'out', 'u.creds');
  const r = await cli(h, ['generate', 'creds', 'U', '-o', file]);
  assert.equal(r.stdout, '', 'the secret goes only to the file');
  assert.match(r.stderr, /^\[ OK \] wrote creds of user "U"/m);
  assert.equal(readFileSync(file, 'utf8'), expected);
  assert.equal(mode(file), 0o600);

  writeFileSync(file, 'keep me');
  const refused = await runCli(h, ['generate', 'creds', 'U', '-o', file, '--json']);
  assert.equal(refused.code, 1);
  assert.equal(json(refused.stdout).error.code, 'STORE_EXISTS');
  assert.equal(readFileSync(file, 'utf8'), 'keep me');

  const forced = json((await cli(h, ['generate', 'creds', 'U', '--output', file, '--force', '--json'])).stdout);
  assert.deepEqual(forced, { operator: 'O2', account: 'A', user: 'U', path: file });
  assert.equal(readFileSync(file, 'utf8'), expected);
  assert.equal(mode(file), 0o600);
  assert.ok(statSync(file).isFile());
});

it('generate creds refusals: unknown user, no seed in the key store, ambiguous user', async (t) => {
  const h = home(t);
  const tree = await withUser(h);
  const nope = await runCli(h, ['generate', 'creds', 'nobody', '--json']);
  assert.equal(json(nope.stdout).error.code, 'STORE_NOT_FOUND');
  const u2 = await addUser(tree.ws, 'U2', { account: 'A' });
  await tree.ws.keys.removeKey(u2.user.publicKey);
  const noSeed = await runCli(h, ['generate', 'creds', 'U2', '--json']);
  assert.equal(json(noSeed.stdout).error.code, 'STORE_NOT_FOUND');
  assert.match(json(noSeed.stdout).error.message, /seed/);
  const ambiguous = await runCli(h, ['generate', 'creds', '-a', 'A']);
  assert.equal(ambiguous.code, 2);
  assert.match(ambiguous.stderr, /U, U2/);
});
