// The signing-keys walkthrough (nats docs "Signing Keys"): operator with a signing key, an
// account signed by it with its own signing key, a user signed by that; the describe tables
// must show the same rows nsc shows, and --json / --raw the stored token.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { addSigningKey, newUserScope } from '../../src/claims/nats/account.js';
import { decodeAccount, decodeOperator, decodeUser } from '../../src/claims/nats/decode.js';
import { encodeAccount } from '../../src/claims/nats/encode.js';
import { KeyPair } from '../../src/nkeys/keypair.js';
import { addAccount, addOperator, addUser } from '../../src/workspace/index.js';
import type { Workspace } from '../../src/workspace/workspace.js';
import { cli } from '../helpers/cli.js';
import { freshHome, refused, row, rowValues } from './fixtures-b.js';

describe('describe operator|account|user: the signing-keys walkthrough', () => {
  let home: string;
  let ws: Workspace;
  let operatorId: string;
  const opSk = KeyPair.create('operator');
  const acctSk = KeyPair.create('account');
  let opSkPath: string;
  let accountId: string;

  before(async () => {
    ({ home, ws } = freshHome());
    operatorId = (await addOperator(ws, 'O2')).operator.publicKey;
    opSkPath = await ws.keys.storeKey(opSk);
    await ws.keys.storeKey(acctSk);
  });

  test('edit operator --sk prints nsc\'s lines and describe operator shows the Signing Keys row', async () => {
    const r = await cli(home, ['edit', 'operator', '--sk', opSk.publicKey]);
    assert.match(r.stderr, new RegExp(`\\[ OK \\] added signing key "${opSk.publicKey}"`));
    assert.match(r.stderr, /\[ OK \] edited operator "O2"/);
    assert.match(r.stderr, /restart/, 'the nats-server restart note');
    assert.equal(r.stdout, '', 'status lines go to stderr only');
    const t = (await cli(home, ['describe', 'operator'])).stdout;
    assert.match(t, /│ +Operator Details +│/);
    assert.equal(row(t, 'Name'), 'O2');
    assert.equal(row(t, 'Operator ID'), operatorId);
    assert.equal(row(t, 'Issuer ID'), operatorId, 'operator tokens are self-signed');
    assert.deepEqual(rowValues(t, 'Signing Keys'), [opSk.publicKey]);
    assert.equal(row(t, 'Require Signing Keys'), 'False');
    assert.match(row(t, 'System Account'), / \/ SYS$/, 'keys are named');
  });

  test('an account signed with the operator signing key shows it as Issuer ID, with unlimited limits', async () => {
    accountId = (await addAccount(ws, 'A', { signer: await ws.resolveSigner(opSkPath) })).account.publicKey;
    const r = await cli(home, ['edit', 'account', '--sk', acctSk.publicKey, '-K', opSkPath]);
    assert.match(r.stderr, new RegExp(`\\[ OK \\] added signing key "${acctSk.publicKey}"`));
    assert.match(r.stderr, /\[ OK \] edited account "A"/);
    const t = (await cli(home, ['describe', 'account'])).stdout;
    assert.match(t, /│ +Account Details +│/);
    assert.equal(row(t, 'Name'), 'A');
    assert.equal(row(t, 'Account ID'), accountId);
    assert.equal(row(t, 'Issuer ID').split(' ')[0], opSk.publicKey);
    assert.match(row(t, 'Issuer ID'), /signing key of operator O2/);
    assert.deepEqual(rowValues(t, 'Signing Keys'), [acctSk.publicKey]);
    for (const label of ['Max Connections', 'Max Leaf Node Connections', 'Max Data', 'Max Exports', 'Max Imports', 'Max Msg Payload', 'Max Subscriptions']) {
      assert.equal(row(t, label), 'Unlimited', label);
    }
    assert.equal(row(t, 'Exports Allows Wildcards'), 'True');
    assert.equal(row(t, 'Imports'), 'None');
    assert.equal(row(t, 'Exports'), 'None');
  });

  test('a user signed with the account signing key shows it as Issuer ID and the account as Issuer Account', async () => {
    await addUser(ws, 'U', { account: 'A', signer: acctSk });
    const t = (await cli(home, ['describe', 'user', 'U', '-a', 'A'])).stdout;
    assert.match(t, /│ +User +│/);
    assert.equal(row(t, 'Issuer ID').split(' ')[0], acctSk.publicKey);
    assert.equal(row(t, 'Issuer Account'), `${accountId} / A`);
    assert.equal(row(t, 'Response Permissions'), 'Not Set');
    assert.equal(row(t, 'Max Msg Payload'), 'Unlimited');
    assert.equal(row(t, 'Network Src'), 'Any');
    assert.equal(row(t, 'Time'), 'Any');
    assert.throws(() => row(t, 'Issuer Scoped'), /no row/, 'an unscoped signer is not shown as scoped');
    // The account's only user is the default, as in nsc.
    assert.equal((await cli(home, ['describe', 'user', '-a', 'A'])).stdout, t);
  });

  test('--json prints the stored claims and --raw the exact stored JWT', async () => {
    const op = await ws.operator();
    const tokens = {
      operator: await op.readOperatorJwt(),
      account: await op.readAccountJwt('A'),
      user: await op.readUserJwt('A', 'U'),
    };
    const decoded = { operator: decodeOperator(tokens.operator), account: decodeAccount(tokens.account), user: decodeUser(tokens.user) };
    const args = { operator: ['describe', 'operator'], account: ['describe', 'account', 'A'], user: ['describe', 'user', 'U', '-a', 'A'] };
    for (const kind of ['operator', 'account', 'user'] as const) {
      const j = await cli(home, [...args[kind], '--json']);
      assert.deepEqual(JSON.parse(j.stdout), JSON.parse(JSON.stringify(decoded[kind])), kind);
      const raw = await cli(home, [...args[kind], '--raw']);
      assert.equal(raw.stdout, `${tokens[kind]}\n`, kind);
    }
  });

  test('a user of a scoped signing key shows "Issuer Scoped" and the scope\'s template', async () => {
    const scoped = KeyPair.create('account');
    const op = await ws.operator();
    const acct = decodeAccount(await op.readAccountJwt('A'));
    addSigningKey(acct, newUserScope(scoped.publicKey, 'svc', { pub: { allow: ['svc.{{name()}}.>'] } }));
    await op.writeAccountJwt('A', encodeAccount(acct, opSk));
    await addUser(ws, 'S', { account: 'A', signer: scoped });
    const t = (await cli(home, ['describe', 'user', 'S', '-a', 'A'])).stdout;
    assert.equal(row(t, 'Issuer ID').split(' ')[0], scoped.publicKey);
    assert.equal(row(t, 'Issuer Scoped'), 'Yes (role svc)');
    assert.deepEqual(rowValues(t, 'Template Pub Allow'), ['svc.{{name()}}.>']);
  });

  test('unknown names are refused with STORE_NOT_FOUND listing what exists; bad flags with USAGE', async () => {
    assert.match((await refused(home, ['describe', 'account', 'Nope'], 'STORE_NOT_FOUND')).message, /Accounts: A, SYS/);
    assert.match((await refused(home, ['describe', 'user', 'nope', '-a', 'A'], 'STORE_NOT_FOUND')).message, /Users: S, U/);
    assert.match((await refused(home, ['describe', 'operator', 'Nope'], 'STORE_NOT_FOUND')).message, /O2/);
    assert.match((await refused(home, ['describe', 'user', '-a', 'A'], 'USAGE')).message, /S, U/, 'several users and none named');
    await refused(home, ['describe', 'account', 'A', '--raw'], 'USAGE'); // --raw with --json
    await refused(home, ['describe', 'account', '--no-such-flag'], 'USAGE');
    await refused(home, ['describe', 'account', 'A', 'B'], 'USAGE');
  });
});
