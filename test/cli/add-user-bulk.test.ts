// `sigchain add user NAME NAME…`: several users in one command, all or nothing.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { it } from 'node:test';
import { decodeUser } from '../../src/claims/nats/decode.js';
import { parseCreds } from '../../src/input/creds.js';
import { cli, runCli } from '../helpers/cli.js';
import { home, json, paths, signingKeyTree, snapshot } from './fixtures-a.js';

it('add user a b c creates exactly those users with creds; --json lists them', async (t) => {
  const h = home(t);
  const tree = await signingKeyTree(h);
  const r = json((await cli(h, ['add', 'user', 'a', 'b', 'c', '-a', 'A', '--allow-pub', 'x.>', '--json'])).stdout);
  assert.equal(r.account, 'A');
  assert.deepEqual(r.users.map((u: { name: string }) => u.name), ['a', 'b', 'c']);
  for (const u of r.users as Array<{ name: string; public_key: string; issuer: string; creds_path: string }>) {
    const jwt = readFileSync(paths.userJwt(h, 'O2', 'A', u.name), 'utf8');
    const c = decodeUser(jwt);
    assert.equal(c.sub, u.public_key);
    assert.equal(c.iss, tree.acctSk);
    assert.deepEqual(c.nats.pub?.allow, ['x.>']);
    assert.equal(parseCreds(readFileSync(u.creds_path, 'utf8')).jwt, jwt);
  }
  const listed = json((await cli(h, ['list', 'users', '-a', 'A', '--json'])).stdout);
  assert.deepEqual(listed.users.map((u: { name: string }) => u.name), ['a', 'b', 'c']);
});

it('add user with one taken, bad or repeated name adds none (exit 1 or 2), naming the problem', async (t) => {
  const h = home(t);
  await signingKeyTree(h);
  await cli(h, ['add', 'user', 'taken', '-a', 'A']);
  const before = snapshot(h);
  const taken = await runCli(h, ['add', 'user', 'n1', 'taken', 'n2', '-a', 'A']);
  assert.equal(taken.code, 1);
  assert.match(taken.stderr, /User taken already exists in account A; no user was added/);
  const bad = await runCli(h, ['add', 'user', 'n1', '.hidden', '-a', 'A']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /INVALID_NAME/);
  const twice = await runCli(h, ['add', 'user', 'n1', 'n1', '-a', 'A']);
  assert.equal(twice.code, 2);
  assert.match(twice.stderr, /named twice: n1/);
  const both = await runCli(h, ['add', 'user', 'n1', 'n2', '--name', 'n3', '-a', 'A']);
  assert.equal(both.code, 2);
  assert.deepEqual(snapshot(h), before, 'nothing written');
});

it('add user with thousands of names shows its progress on stderr (not with --json), then each user', async (t) => {
  const h = home(t);
  await signingKeyTree(h);
  const names = Array.from({ length: 2000 }, (_, i) => `p${i}`);
  const r = await cli(h, ['add', 'user', ...names, '-a', 'A']);
  assert.match(r.stderr, /2,000\/2,000 users added \(100%/);
  assert.ok(r.stderr.indexOf('users added (100%') < r.stderr.indexOf('added user "p0"'), 'the progress ends before the users are listed');
  const j = await cli(h, ['add', 'user', ...names.map((n) => `j${n}`), '-a', 'A', '--json']);
  assert.doesNotMatch(j.stderr, /users added/);
  assert.equal(json(j.stdout).users.length, 2000);
});
