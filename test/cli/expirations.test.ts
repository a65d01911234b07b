// `sigchain expirations` (issue 11 item 6) on a real store: the operator, accounts, users and
// activation tokens that expire inside the window or have expired, soonest first; exit 1 when
// anything is listed, 0 when nothing, 2 on a bad command line.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { newActivationClaims } from '../../src/claims/nats/activation.js';
import { encodeActivation } from '../../src/claims/nats/encode.js';
import { issueAccount, readAccount, readOperator } from '../../src/workspace/index.js';
import { cli, runCli } from '../helpers/cli.js';
import { home, json, wsOf } from './fixtures-a.js';
import { formatDistance } from '../../src/cli/render/format.js';

const DAY = 86400;
const now = () => Math.floor(Date.now() / 1000);

test('lists what expires inside the window and what has expired, soonest first, with the exit code monitoring needs', async (t) => {
  const h = home(t);
  await cli(h, ['add', 'operator', 'O', '--sys']);
  // Nothing expires yet: exit 0, and the sentence says so.
  const quiet = await runCli(h, ['expirations']);
  assert.equal(quiet.code, 0, quiet.stderr);
  assert.match(quiet.stdout, /No token of operator O has expired or expires before/);
  assert.deepEqual(json((await runCli(h, ['expirations', '--json'])).stdout), { expirations: [] });

  await cli(h, ['add', 'account', 'A', '--expiry', '10d']);
  await cli(h, ['add', 'account', 'B']);
  await cli(h, ['add', 'account', 'Far', '--expiry', '1y']);
  await cli(h, ['add', 'user', 'soon', '-a', 'A', '--expiry', '2d']);
  await cli(h, ['add', 'user', 'old', '-a', 'B', '--expiry', '2020-01-01']);
  await cli(h, ['add', 'user', 'older', '-a', 'B', '--expiry', '2019-06-01']);
  await cli(h, ['add', 'user', 'never', '-a', 'B']);
  await cli(h, ['add', 'user', 'late', '-a', 'B', '--expiry', '60d']);

  // An activation token in B's import of A's private service, expiring in 5 days.
  const ws = wsOf(h);
  const op = await ws.operator('O');
  const a = await readAccount(op, 'A');
  const b = await readAccount(op, 'B');
  const act = newActivationClaims('grant', b.claims.sub, 'svc.>', 'service');
  act.exp = now() + 5 * DAY;
  const signer = await ws.keys.getKey(a.claims.sub);
  const token = encodeActivation(act, signer);
  b.claims.nats.imports = [{ name: 'svc', subject: 'svc.>', account: a.claims.sub, type: 'service', token }];
  await op.writeAccountJwt('B', (await issueAccount(ws, await readOperator(op), b.claims, undefined, { previous: b.claims })).token);

  const r = await runCli(h, ['expirations', '--json']);
  assert.equal(r.code, 1, r.stderr);
  const list = json(r.stdout).expirations as Array<{ kind: string; name: string; public_key: string; account: string | null; expires: number; expired: boolean }>;
  assert.deepEqual(
    list.map((e) => [e.kind, e.name, e.account, e.expired]),
    [
      ['user', 'older', 'B', true],
      ['user', 'old', 'B', true],
      ['user', 'soon', 'A', false],
      ['activation', 'svc', 'B', false],
      ['account', 'A', null, false],
    ],
  );
  assert.equal(list[0]!.expires, Date.parse('2019-06-01T00:00:00Z') / 1000);
  assert.ok(Math.abs(list[2]!.expires - (now() + 2 * DAY)) < 120);
  assert.equal(list[3]!.public_key, a.claims.sub, "an activation names the exporter, who must issue a new one");
  assert.equal(list[4]!.public_key, a.claims.sub);
  for (const e of list) assert.deepEqual(Object.keys(e), ['kind', 'name', 'public_key', 'account', 'expires', 'expired']);

  // A wider window takes in the 60-day user; 0 lists only what has expired.
  const wide = json((await runCli(h, ['expirations', '--within', '90d', '--json'])).stdout).expirations as Array<{ name: string }>;
  assert.deepEqual(wide.map((e) => e.name), ['older', 'old', 'soon', 'svc', 'A', 'late']);
  const expiredOnly = json((await runCli(h, ['expirations', '--within', '0', '--json'])).stdout).expirations as Array<{ name: string }>;
  assert.deepEqual(expiredOnly.map((e) => e.name), ['older', 'old']);
  const byDate = json((await runCli(h, ['expirations', '-e', new Date((now() + 3 * DAY) * 1000).toISOString().slice(0, 10), '--json'])).stdout).expirations as Array<{ name: string }>;
  assert.deepEqual(byDate.map((e) => e.name), ['older', 'old', 'soon']);

  // The table, as nsc prints it: Expired Yes/Soon, resource as operator/account/user.
  const table = await runCli(h, ['expirations']);
  assert.equal(table.code, 1);
  assert.match(table.stdout, /Expiration Report/);
  assert.match(table.stdout, /│ Yes +│ user +│ O\/B\/older +│ 2019-06-01 00:00:00 UTC \(\d+ days ago\)/);
  assert.match(table.stdout, /│ Soon +│ activation +│ O\/B\/svc +│ .*\(in 5 days\)/);
  assert.ok(table.stdout.indexOf('older') < table.stdout.indexOf('soon'), 'soonest first');
  assert.ok(!table.stdout.includes('never') && !table.stdout.includes('Far'));

  // A bad command line is 2.
  for (const args of [['--within', 'soon'], ['--within'], ['extra'], ['--bogus']]) {
    const bad = await runCli(h, ['expirations', ...args]);
    assert.equal(bad.code, 2, `${args.join(' ')}: ${bad.stderr}`);
  }
});

test('a token that cannot be read is a warning naming it, and exits 1: its expiry is unknown', async (t) => {
  const h = home(t);
  await cli(h, ['add', 'operator', 'O']);
  await cli(h, ['add', 'account', 'A']);
  await cli(h, ['add', 'user', 'u', '-a', 'A']);
  writeFileSync(join(h, 'stores', 'O', 'accounts', 'A', 'users', 'u.jwt'), 'not a token');
  const r = await runCli(h, ['expirations', '--json']);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  const body = json(r.stdout);
  assert.deepEqual(body.expirations, []);
  assert.match(body.warnings.join('\n'), /user A\/u could not be read/);
  assert.match(r.stderr, /\[WARN\] The user A\/u could not be read/);
});

test('distances read as a person says them: seconds under a minute and a half, never "1 minute ago" for 2 s', () => {
  const now = 1_800_000_000;
  assert.equal(formatDistance(now - 2, now), '2 seconds ago');
  assert.equal(formatDistance(now, now), '1 second ago');
  assert.equal(formatDistance(now + 1, now), 'in 1 second');
  assert.equal(formatDistance(now - 89, now), '89 seconds ago');
  assert.equal(formatDistance(now - 90, now), '2 minutes ago');
  assert.equal(formatDistance(now + 3 * 3600, now), 'in 3 hours');
  assert.equal(formatDistance(now - 2 * 86400, now), '2 days ago');
});
