// Tables fit the screen: $COLUMNS, else the terminal, else 120. The renderer on its own, then
// every command that prints a table, run as a user would at 80 and 120 columns on a store with
// long keys, scoped signing keys, revoked tokens and a failing chain.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
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

describe('words stay whole', () => {
  const OP = 'ODRV67AIFELFZ52O74XZZNC67SVPZQYFNXBMKUJNFQB6CMLK5LPKPJ7J';
  const ACCOUNT = 'ABRDPGCWF3BIUGR57AAOINFVITZ5QYWORMG7L6ISNJPQY6EUP2O3YPFJ';

  it('wrapCell cuts at spaces, then after the dots of a subject, and inside a word only when it is longer than the line', () => {
    assert.deepEqual(wrapCell('lat.svc.req.status (headers)', 12), ['lat.svc.req.', 'status', '(headers)']);
    assert.deepEqual(wrapCell('svc.req.*.status', 12), ['svc.req.*.', 'status']);
    assert.deepEqual(wrapCell('account O/SYS signing key', 13), ['account O/SYS', 'signing key']);
    assert.deepEqual(wrapCell('/tmp/home/config.json', 12), ['/tmp/home/', 'config.json']);
    // A word that fits a line goes whole to the next line rather than being cut to fill this one.
    assert.deepEqual(wrapCell(`key ${ACCOUNT}`, 56), ['key', ACCOUNT]);
    // Longer than the line: cut, every character kept, starting a line of its own.
    assert.deepEqual(wrapCell(`of ${ACCOUNT} / A`, 30), ['of', ACCOUNT.slice(0, 30), `${ACCOUNT.slice(30)} / A`]);
  });

  it('wrapCell never cuts a word that fits the width, and keeps every word in order (any words, any width)', () => {
    const word = fc.stringMatching(/^[A-Za-z0-9]{1,20}$/);
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 12 }), fc.integer({ min: 20, max: 80 }), (words, max) => {
        const lines = wrapCell(words.join(' '), max);
        assert.ok(lines.every((l) => l.length <= max));
        assert.deepEqual(lines.flatMap((l) => l.split(' ')), words);
      }),
      { numRuns: 500 },
    );
  });

  it('wrapText cuts a key at the line end without putting a space into it', () => {
    const t = wrapText(`  IDENTITY_KEY_MISUSE (account iss): signed by operator "O" (${OP}). It is accepted.`, 60, 4);
    assert.ok(widest(t) <= 60, t);
    assert.ok(t.replace(/\n {4}/g, '').includes(`(${OP}).`), t);
  });

  it('in a pipe (120) a listing keeps each key whole on one line, narrowing the other columns first', () => {
    const keys = renderGrid('Stored Keys', ['Key', 'Role', 'Usages', 'Backend', 'Status', 'Entity'], [
      [ACCOUNT, 'account', 'identity,issuing', 'file', 'active', 'account O/A'],
      [OP, 'operator', 'identity,issuing', 'file', 'active', 'operator O'],
      [KEY, 'user', 'authentication', 'file', 'active', 'user O/SYS/a-user-with-a-rather-long-name'],
    ], 120);
    assert.ok(widest(keys) <= 120, keys);
    for (const k of [ACCOUNT, OP, KEY]) assert.equal(keys.split('\n').filter((l) => l.includes(k)).length, 1, keys);
    // Two keys and the borders do not fit 120 beside each other: the row's own key (the first
    // column of the two) stays whole, the signer's is cut.
    const accounts = renderGrid('Accounts of O', ['Name', 'Public Key', 'Signed By', 'Signing Key'], [['A', ACCOUNT, OP, 'identity key of operator O']], 120);
    assert.ok(widest(accounts) <= 120, accounts);
    assert.match(accounts, new RegExp(`│ A +│ ${ACCOUNT} │`));
    assert.ok(!accounts.includes(OP), accounts);
  });

  it('a grid too narrow for its headers becomes a block per row; any table fits any width', () => {
    const headers = ['Name', 'Type', 'Remote', 'Local', 'Expires', 'From Account', 'Public'];
    const text = renderGrid('Imports', headers, [['stream.events.>', 'Stream', 'stream.events.>', 'imported.events.from.a.>', '', `${ACCOUNT} / A`, 'Yes']], 40);
    assert.ok(widest(text) <= 40, text);
    for (const h of headers) assert.match(text, new RegExp(`^│ ${h} +│`, 'm'), text);
    assert.match(text, /│ +Imports +│/);
    const piece = fc.constantFrom('A', 'Z', '7', ' ', '.', '/', ',', '\n', '😀', 'x'.repeat(30), KEY, 'word');
    const cell = fc.array(piece, { maxLength: 8 }).map((p) => p.join(''));
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }).chain((n) => fc.tuple(fc.array(cell, { minLength: n, maxLength: n }), fc.array(fc.array(cell, { minLength: n, maxLength: n }), { maxLength: 4 }), cell, fc.integer({ min: 1, max: 200 }))),
        ([headers, rows, title, max]) => {
          assert.ok(widest(renderGrid(title, headers, rows, max)) <= max);
          assert.ok(widest(renderTable(title, [{ rows: headers.map((h, i): [string, string] => [h, rows[0]?.[i] ?? '']) }], max)) <= max);
        },
      ),
      { numRuns: 1000 },
    );
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
