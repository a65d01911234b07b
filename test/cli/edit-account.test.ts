// `edit account`: signing-key rotation (orphaned users, re-issue with edit user), limits,
// and refusals.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, describe, test } from 'node:test';
import { parseCreds } from '../../src/input/creds.js';
import { decodeAccount, decodeUser } from '../../src/claims/nats/decode.js';
import { KeyPair } from '../../src/nkeys/keypair.js';
import { addAccount, addOperator, addUser, editAccount } from '../../src/workspace/index.js';
import type { Workspace } from '../../src/workspace/workspace.js';
import { cli, runCli } from '../helpers/cli.js';
import { freshHome, refused, row } from './fixtures-b.js';

describe('edit account', () => {
  let home: string;
  let ws: Workspace;
  let sk1: string;
  let sk2: string;
  let u1Creds: string;

  before(async () => {
    ({ home, ws } = freshHome());
    await addOperator(ws, 'O', { generateSigningKey: true });
    const a = await addAccount(ws, 'A');
    sk1 = (await editAccount(ws, { account: 'A', addSigningKeys: ['generate'] })).added[0]!.publicKey;
    const sk1Pair = await ws.keys.getKey(sk1);
    u1Creds = (await addUser(ws, 'U1', { account: 'A', signer: sk1Pair })).user.credsPath;
    await addUser(ws, 'U2', { account: 'A', signer: sk1Pair });
    await addUser(ws, 'U3', { account: 'A', signer: await ws.keys.getKey(a.account.publicKey) });
  });

  test('--rm-sk lists the users that key signed as orphaned (and only those)', async () => {
    const r = await runCli(home, ['edit', 'account', 'A', '--sk', 'generate', '--rm-sk', sk1, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { orphaned_users: string[]; added: Array<{ public_key: string }>; removed: string[]; warnings: string[] };
    assert.deepEqual(out.orphaned_users, ['U1', 'U2']);
    assert.deepEqual(out.removed, [sk1]);
    sk2 = out.added[0]!.public_key;
    assert.match(r.stderr, /\[WARN\] 2 user\(s\) of account "A" were signed by a removed signing key .*: U1, U2\./);
    assert.ok(out.warnings.some((w) => w.includes('U1, U2')));
    const acct = decodeAccount(await (await ws.operator()).readAccountJwt('A'));
    assert.deepEqual(acct.nats.signing_keys, [sk2]);
  });

  test('edit user -K <new signing key> re-issues an orphaned user and rewrites its creds file', async () => {
    const op = await ws.operator();
    const oldCreds = readFileSync(u1Creds, 'utf8');
    const r = await cli(home, ['edit', 'user', 'U1', '-a', 'A', '-K', sk2]);
    assert.match(r.stderr, new RegExp(`edited user "U1" \\(signed by account signing key ${sk2}\\)`));
    assert.match(r.stderr, /wrote creds file/);
    const token = await op.readUserJwt('A', 'U1');
    const u = decodeUser(token);
    assert.equal(u.iss, sk2);
    assert.equal(u.nats.issuer_account, decodeAccount(await op.readAccountJwt('A')).sub);
    const creds = readFileSync(u1Creds, 'utf8');
    assert.notEqual(creds, oldCreds);
    assert.equal(parseCreds(creds).jwt, token);
    assert.equal(KeyPair.fromSeed(parseCreds(creds).seed).publicKey, u.sub);
  });

  test('limits, JetStream, bearer and description flags land in the token and the table', async () => {
    await cli(home, [
      'edit', 'account', 'A', '--conns', '10', '--leaf-conns', '0', '--data', '1M', '--payload', '512K', '--subscriptions', '100',
      '--imports', '3', '--exports', '4', '--wildcard-exports', 'false', '--disallow-bearer',
      '--js-mem-storage', '1G', '--js-disk-storage=-1', '--js-streams', '5', '--js-consumer', '6',
      '--description', 'billing', '--info-url', 'https://example.com/a', '--tag', 'Prod,eu',
    ]);
    const c = decodeAccount(await (await ws.operator()).readAccountJwt('A'));
    assert.deepEqual(
      { ...c.nats.limits },
      // leaf 0 and wildcards false are Go's zero values: omitempty leaves them out, as Go writes them.
      { conn: 10, data: 1024 ** 2, payload: 512 * 1024, subs: 100, imports: 3, exports: 4, disallow_bearer: true, mem_storage: 1024 ** 3, disk_storage: -1, streams: 5, consumer: 6 },
    );
    assert.equal(c.nats.description, 'billing');
    assert.equal(c.nats.info_url, 'https://example.com/a');
    assert.deepEqual(c.nats.tags, ['prod', 'eu']);
    const t = (await cli(home, ['describe', 'account', 'A'])).stdout;
    assert.equal(row(t, 'Max Connections'), '10');
    assert.equal(row(t, 'Max Leaf Node Connections'), 'Not Allowed');
    assert.equal(row(t, 'Exports Allows Wildcards'), 'False');
    assert.equal(row(t, 'Disallow Bearer Token'), 'True');
    assert.equal(row(t, 'JetStream'), 'Enabled');
    assert.equal(row(t, 'Max Disk Storage'), 'Unlimited');
    assert.equal(row(t, 'Max Msg Payload'), '512 KiB (524288 bytes)');
    assert.equal(row(t, 'Description'), 'billing');

    await cli(home, ['edit', 'account', '-n', 'A', '--allow-bearer', '--description', '', '--rm-tag', 'prod']);
    const d = decodeAccount(await (await ws.operator()).readAccountJwt('A'));
    assert.equal(d.nats.limits?.disallow_bearer, undefined, 'false is left out, as Go writes it');
    assert.equal(d.nats.description, undefined);
    assert.deepEqual(d.nats.tags, ['eu']);
  });

  test('bad input is refused with a coded error and leaves the account as it was', async () => {
    const op = await ws.operator();
    const before = await op.readAccountJwt('A');
    await refused(home, ['edit', 'account', 'A', '--conns', 'many'], 'USAGE');
    await refused(home, ['edit', 'account', 'A', '--data', '1Q'], 'USAGE');
    await refused(home, ['edit', 'account', 'A', '--wildcard-exports', 'maybe'], 'USAGE');
    await refused(home, ['edit', 'account', 'A', '--disallow-bearer', '--allow-bearer'], 'USAGE');
    await refused(home, ['edit', 'account', 'A', '-n', 'B'], 'USAGE');
    await refused(home, ['edit', 'account', 'A', '--rm-sk', sk1], 'STORE_NOT_FOUND');
    await refused(home, ['edit', 'account', 'A', '-K', sk2], 'NO_APPROPRIATE_SIGNING_KEY'); // an account key cannot sign accounts
    assert.match((await refused(home, ['edit', 'account', 'Nope', '--conns', '1'], 'STORE_NOT_FOUND')).message, /Accounts: A, SYS/);
    assert.equal(await op.readAccountJwt('A'), before);
  });
});
