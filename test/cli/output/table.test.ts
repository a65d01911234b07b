// Tables fit the screen: $COLUMNS, else the terminal, else 120. The renderer on its own, then
// every command that prints a table, run as a user would at 80 and 120 columns on a store with
// long keys, scoped signing keys, revoked tokens and a failing chain.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addUser, editAccount } from '../../../src/workspace/index.js';
import { DEFAULT_WIDTH, outputWidth, renderGrid, renderTable, wrapCell, wrapText } from '../../../src/cli/output/table.js';
import { cli, runCli } from '../../helpers/cli.js';
import { home, paths, signingKeyTree } from '../fixtures-a.js';

const KEY = 'UA3C5ZSFMF2Z6XYR4WS7HNSJWLCF5HL6MLPJ2LNCRXHBZVIDBDJB7XZJ';

function widest(text: string): number {
  return Math.max(0, ...text.split('\n').map((l) => [...l].length));
}

describe('table renderer', () => {
  it('outputWidth: COLUMNS, else a terminal, else 120', () => {
    assert.equal(outputWidth({ COLUMNS: '80' }, { isTTY: true, columns: 200 }), 80);
    assert.equal(outputWidth({}, { isTTY: true, columns: 97 }), 97);
    assert.equal(outputWidth({ COLUMNS: 'wide' }, { isTTY: false }), DEFAULT_WIDTH);
    assert.equal(outputWidth({}, {}), 120);
  });

  it('a grid wider than the width wraps its widest cells and keeps every character', () => {
    const rows = [[KEY, 'user', KEY, 'signing key of account A (scoped, role svc)', 'ok']];
    const text = renderGrid('Chain of Trust', ['Key', 'Role', 'Signed By Key', 'Signed By', 'Status'], rows, 80);
    assert.ok(widest(text) <= 80, text);
    // The key split over lines is still all there, in order.
    const keyColumn = text.split('\n').slice(5, -1).map((l) => l.split('│')[1]!.trim()).join('');
    assert.equal(keyColumn, KEY);
    assert.match(text, /Status/);
  });

  it('a two-column table fits, wrapping values at spaces', () => {
    const text = renderTable('Account Details', [{ rows: [['Signing Keys', [`${KEY} (scoped: role svc) [may sign: user]`, KEY]]] }], 60);
    assert.ok(widest(text) <= 60, text);
    assert.match(text, /scoped: role/);
  });

  it('narrow tables are left as they are', () => {
    assert.equal(renderGrid('T', ['A'], [['x']], 80), renderGrid('T', ['A'], [['x']], 500));
  });

  it('wrapCell and wrapText', () => {
    assert.deepEqual(wrapCell('scoped: role svc', 10), ['scoped:', 'role svc']);
    assert.deepEqual(wrapCell('ABCDEFGHIJ', 4), ['ABCD', 'EFGH', 'IJ']);
    const t = wrapText(`  TOKEN_EXPIRED (user exp): ${'word '.repeat(40)}`, 50, 4);
    assert.ok(widest(t) <= 50);
    assert.ok(t.split('\n').slice(1).every((l) => l.startsWith('    ')));
  });
});

describe('commands fit 80 and 120 columns', () => {
  it('verify, keys list, list keys, revocations list-jtis, describe operator/account/user, list operators/accounts/users', async (t) => {
    const h = home(t);
    const tree = await signingKeyTree(h);
    await editAccount(tree.ws, { account: 'A', addSigningKeys: ['generate'] });
    const sk = await tree.ws.keys.getKey(tree.acctSk);
    await addUser(tree.ws, 'U', { account: 'A', signer: sk });
    await addUser(tree.ws, 'a-user-with-a-rather-long-name-to-widen-the-table', { account: 'A', signer: sk });
    await cli(h, ['edit', 'signing-key', '-a', 'A', '--sk', tree.acctSk, '--role', 'service-role', '--allow-pub', 'svc.{{name()}}.>,other.subject.that.is.long.>', '--allow-sub', '_INBOX.>']);
    await cli(h, ['revoke', 'jti', paths.userJwt(h, 'O2', 'A', 'U')]);
    const commands = [
      ['verify', paths.creds(h, 'O2', 'A', 'U')],
      ['keys', 'list'],
      ['list', 'keys'],
      ['revocations', 'list-jtis'],
      ['describe', 'operator'],
      ['describe', 'account', 'A'],
      ['describe', 'user', 'a-user-with-a-rather-long-name-to-widen-the-table', '-a', 'A'],
      ['list', 'operators'],
      ['list', 'accounts'],
      ['list', 'users', '-a', 'A'],
    ];
    for (const columns of [80, 120]) {
      for (const args of commands) {
        const r = await runCli(h, args, { COLUMNS: String(columns) });
        assert.ok(r.stdout.length > 0, `sigchain ${args.join(' ')} printed nothing: ${r.stderr}`);
        for (const line of r.stdout.split('\n')) assert.ok([...line].length <= columns, `sigchain ${args.join(' ')} at ${columns} columns printed ${[...line].length}:\n${line}`);
      }
    }
    // Without COLUMNS and not on a terminal: 120.
    const r = await runCli(h, ['verify', paths.creds(h, 'O2', 'A', 'U')], { COLUMNS: undefined });
    assert.ok(widest(r.stdout) <= 120 && widest(r.stdout) > 80, r.stdout);
  });
});
