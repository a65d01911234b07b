// `edit user`: the permission flags reach the token (and come off again), the table shows them,
// and bad input is refused before anything is signed.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { decodeUser } from '../../src/claims/nats/decode.js';
import { addAccount, addOperator, addUser, editAccount } from '../../src/workspace/index.js';
import type { Workspace } from '../../src/workspace/workspace.js';
import { cli } from '../helpers/cli.js';
import { freshHome, refused, row, rowValues } from './fixtures-b.js';

describe('edit user', () => {
  let home: string;
  let ws: Workspace;

  before(async () => {
    ({ home, ws } = freshHome());
    await addOperator(ws, 'O', { generateSigningKey: true });
    await addAccount(ws, 'A');
    await editAccount(ws, { account: 'A', addSigningKeys: ['generate'] }); // users signed the recommended way
    await addUser(ws, 'U', { account: 'A' });
    await addUser(ws, 'V', { account: 'A' });
  });

  async function stored(name = 'U') {
    return decodeUser(await (await ws.operator()).readUserJwt('A', name));
  }

  test('permission, limit and window flags land in the token', async () => {
    await cli(home, [
      'edit', 'user', 'U', '-a', 'A',
      '--allow-pub', 'a.>,b', '--allow-sub', 'c', '--allow-pubsub', 'both.>', '--deny-pubsub', 'secret.>',
      '--allow-pub-response', '2', '--response-ttl', '5s', '--source-network', '10.0.0.0/8',
      '--subs', '10', '--data', '1M', '--payload', '1K', '--conn-type', 'standard,websocket',
      '--time', '08:00:00-17:00:00', '--locale', 'Europe/Berlin', '--bearer', '--tag', 'T1', '--expiry', '2099-01-01',
    ]);
    const u = await stored();
    assert.deepEqual(u.nats.pub, { allow: ['a.>', 'b', 'both.>'], deny: ['secret.>'] });
    assert.deepEqual(u.nats.sub, { allow: ['c', 'both.>'], deny: ['secret.>'] });
    assert.deepEqual(u.nats.resp, { max: 2, ttl: 5e9 });
    assert.deepEqual(u.nats.src, ['10.0.0.0/8']);
    assert.equal(u.nats.subs, 10);
    assert.equal(u.nats.data, 1024 ** 2);
    assert.equal(u.nats.payload, 1024);
    assert.deepEqual(u.nats.allowed_connection_types, ['STANDARD', 'WEBSOCKET']);
    assert.deepEqual(u.nats.times, [{ start: '08:00:00', end: '17:00:00' }]);
    assert.equal(u.nats.times_location, 'Europe/Berlin');
    assert.equal(u.nats.bearer_token, true);
    assert.deepEqual(u.nats.tags, ['t1']);
    assert.equal(u.exp, Date.UTC(2099, 0, 1) / 1000);

    const t = (await cli(home, ['describe', 'user', 'U', '-a', 'A'])).stdout;
    assert.deepEqual(rowValues(t, 'Pub Allow'), ['a.>', 'b', 'both.>']);
    assert.deepEqual(rowValues(t, 'Sub Deny'), ['secret.>']);
    assert.equal(row(t, 'Response Permissions'), 'max 2, ttl 5s');
    assert.equal(row(t, 'Bearer Token'), 'Yes');
    assert.equal(row(t, 'Network Src'), '10.0.0.0/8');
    assert.equal(row(t, 'Time'), '08:00:00-17:00:00 Europe/Berlin');
  });

  test('the --rm… flags take them off again; other users are untouched', async () => {
    const v = await (await ws.operator()).readUserJwt('A', 'V');
    await cli(home, [
      'edit', 'user', '-n', 'U', '--rm', 'b,secret.>', '--rm-conn-type', 'websocket', '--rm-source-network', '10.0.0.0/8',
      '--rm-time', '--no-bearer', '--rm-response-perms', '--rm-tag', 't1', '--expiry', '0',
    ]);
    const u = await stored();
    assert.deepEqual(u.nats.pub, { allow: ['a.>', 'both.>'] });
    assert.deepEqual(u.nats.sub, { allow: ['c', 'both.>'] });
    assert.equal(u.nats.resp, undefined);
    assert.equal(u.nats.src, undefined);
    assert.deepEqual(u.nats.allowed_connection_types, ['STANDARD']);
    assert.equal(u.nats.times, undefined);
    assert.equal(u.nats.bearer_token, undefined);
    assert.equal(u.nats.tags, undefined);
    assert.equal(u.exp, undefined);
    assert.equal(await (await ws.operator()).readUserJwt('A', 'V'), v);
  });

  test('bad input is refused with a coded error and leaves the user as it was', async () => {
    const op = await ws.operator();
    const before = await op.readUserJwt('A', 'U');
    const base = ['edit', 'user', 'U', '-a', 'A'];
    assert.match((await refused(home, [...base, '--time', '8-17'], 'USAGE')).message, /HH:MM:SS-HH:MM:SS/);
    assert.match((await refused(home, [...base, '--conn-type', 'pigeon'], 'USAGE')).message, /STANDARD/);
    await refused(home, [...base, '--bearer', '--no-bearer'], 'USAGE');
    await refused(home, [...base, '--response-ttl', '5'], 'USAGE');
    await refused(home, [...base, '--allow-pub-response', '0'], 'USAGE');
    await refused(home, [...base, '--subs', 'lots'], 'USAGE');
    await refused(home, [...base, '--allow-pub', 'foo..bar'], 'INVALID_CLAIMS');
    await refused(home, [...base, '--locale', 'Mars/Olympus'], 'INVALID_CLAIMS');
    assert.match((await refused(home, ['edit', 'user', 'W', '-a', 'A', '--subs', '1'], 'STORE_NOT_FOUND')).message, /Users: U, V/);
    assert.match((await refused(home, ['edit', 'user', '-a', 'A', '--subs', '1'], 'USAGE')).message, /U, V/);
    await refused(home, ['edit', 'user', 'U', '-a', 'Nope'], 'STORE_NOT_FOUND');
    assert.equal(await op.readUserJwt('A', 'U'), before);
  });
});

