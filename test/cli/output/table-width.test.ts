// The tables of the commands a new user runs first, at the widths they meet: a pipe (120, where
// `sigchain keys list | grep PUB` must find the key's row), and terminals of 40, 60, 80 and 120
// columns. Keys that fit stay whole on one line, cells wrap at spaces and dots rather than inside
// a word, every line fits, and a grid too narrow for its headers turns into key/value blocks.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { addAccount, addUser } from '../../../src/workspace/index.js';
import { cli } from '../../helpers/cli.js';
import { home, json, paths, signingKeyTree } from '../fixtures-a.js';

/** A public key (nkeys: base32, 56 characters, starting with the role's prefix). */
const NKEY = /\b[OAUNCXVM][A-Z2-7]{55}\b/g;

/** Runs `sigchain …args` as in a pipe (no COLUMNS: the 120 default) or at `columns`. */
async function run(h: string, args: string[], columns?: number): Promise<string> {
  return (await cli(h, args, { COLUMNS: columns === undefined ? undefined : String(columns) })).stdout;
}

/** Lines longer than `columns` (in characters, as a terminal counts them), for the message. */
function overflow(text: string, columns: number): string[] {
  return text.split('\n').filter((l) => [...l].length > columns);
}

describe('tables at the widths users meet', () => {
  let h = '';
  let creds = '';
  const cleanup: Array<() => void> = [];
  after(() => cleanup.forEach((f) => f()));
  // One store for every test: operator O2 with a signing key; account A with a signing key, three
  // exports (a stream with a long name, a service with latency tracking, a private service) and
  // users; account B importing all three (one under a long local subject, one by activation); a
  // token revoked by jti.
  before(async () => {
    h = home({ after: (f) => cleanup.push(f) });
    const tree = await signingKeyTree(h);
    const opSigner = await tree.ws.keys.getKey(tree.opSk);
    await addAccount(tree.ws, 'B', { signer: opSigner });
    const sk = await tree.ws.keys.getKey(tree.acctSk);
    await addUser(tree.ws, 'u1', { account: 'A', signer: sk });
    await addUser(tree.ws, 'a-user-with-a-rather-long-name', { account: 'A', signer: sk });
    await cli(h, ['add', 'export', '-a', 'A', '-s', 'stream.events.>', '-n', 'events stream for everyone']);
    await cli(h, ['add', 'export', '-a', 'A', '-r', '-s', 'svc.req.*.status', '--latency', 'lat.svc.req.status', '--sampling', 'header']);
    await cli(h, ['add', 'export', '-a', 'A', '-r', '-s', 'help', '-p', '-n', 'Help']);
    const act = join(h, 'help.act');
    await cli(h, ['generate', 'activation', '-a', 'A', '-t', 'B', '-s', 'help', '--expiry', '2099-01-01', '-o', act]);
    await cli(h, ['add', 'import', '-a', 'B', '--src-account', 'A', '--remote-subject', 'stream.events.>', '-s', 'imported.events.from.a.>']);
    await cli(h, ['add', 'import', '-a', 'B', '--src-account', 'A', '--remote-subject', 'svc.req.*.status', '--service']);
    await cli(h, ['add', 'import', '-a', 'B', '--token', act, '-s', 'a.help']);
    await cli(h, ['revoke', 'jti', paths.userJwt(h, 'O2', 'A', 'a-user-with-a-rather-long-name')]);
    creds = paths.creds(h, 'O2', 'A', 'u1');
  });

  it('in a pipe, keys list, list accounts and list users show each listed key whole on one line (grep finds its row)', async () => {
    const keys = json(await run(h, ['keys', 'list', '--json'])).keys as Array<{ public_key: string; role: string }>;
    const accounts = json(await run(h, ['list', 'accounts', '--json'])).accounts as Array<{ name: string; public_key: string }>;
    const users = json(await run(h, ['list', 'users', '-a', 'A', '--json'])).users as Array<{ name: string; public_key: string }>;
    assert.ok(keys.length >= 6 && accounts.length === 3 && users.length === 2);
    const table = await run(h, ['keys', 'list']);
    assert.equal(overflow(table, 120).length, 0, table);
    for (const k of keys) {
      // What `sigchain keys list | grep PUB` prints: the key's own row, with its role.
      const hits = table.split('\n').filter((l) => l.includes(k.public_key));
      assert.equal(hits.length, 1, `${k.public_key} is not whole on one line:\n${table}`);
      assert.match(hits[0]!, new RegExp(`│ ${k.role} +│`));
    }
    const listed = await run(h, ['list', 'accounts']);
    assert.equal(overflow(listed, 120).length, 0, listed);
    // Each row's own key whole, beside its name; the signer's key on the same row may be cut, as
    // two keys, the names and the borders take more than 120 characters.
    for (const a of accounts) assert.match(listed, new RegExp(`^│ ${a.name}(?: \\*)? +│ ${a.public_key} +│`, 'm'), listed);
    const listedUsers = await run(h, ['list', 'users', '-a', 'A']);
    assert.equal(overflow(listedUsers, 120).length, 0, listedUsers);
    for (const u of users) assert.match(listedUsers, new RegExp(`^│ ${u.name} +│ ${u.public_key} +│`, 'm'), listedUsers);
    // Every stored key is found as a key of its own (bounded by the borders, not inside a longer token).
    const found = new Set([...table.matchAll(NKEY)].map((m) => m[0]));
    for (const k of keys) assert.ok(found.has(k.public_key), k.public_key);
  });

  it('every line of describe account (exports, imports), keys list, list users, list accounts, revocations list-jtis and verify fits 40, 60, 80 and 120 columns', async () => {
    const commands = [
      ['describe', 'account', 'A'],
      ['describe', 'account', 'B'],
      ['keys', 'list'],
      ['list', 'users', '-a', 'A'],
      ['list', 'accounts'],
      ['revocations', 'list-jtis'],
      ['verify', creds],
    ];
    for (const columns of [40, 60, 80, 120]) {
      for (const args of commands) {
        const out = await run(h, args, columns);
        assert.ok(out.includes('╭') || out.includes('│'), `sigchain ${args.join(' ')} at ${columns}: no table\n${out}`);
        assert.deepEqual(overflow(out, columns), [], `sigchain ${args.join(' ')} at ${columns} columns:\n${out}`);
      }
    }
  });

  it('cells wrap at spaces and at the dots of subjects, never inside a short word', async () => {
    // Words of the Exports and Imports tables (and their headers) a narrower table used to cut:
    // `(headers` / `)`, `req.*.statu` / `s`, `Revocati` / `ons`.
    const words = ['events', 'stream', 'everyone', 'Stream', 'Service', 'Revocations', 'Tracking', '(headers)', 'status', 'imported.', 'Expires', 'Public', 'Account'];
    for (const columns of [40, 60, 80, 120]) {
      const out = `${await run(h, ['describe', 'account', 'A'], columns)}\n${await run(h, ['describe', 'account', 'B'], columns)}`;
      for (const w of words) assert.ok(out.includes(w), `"${w}" is cut at ${columns} columns:\n${out}`);
      // A subject is cut only after one of its dots: a piece that ends a line ends with one.
      const whole = ['svc.req.*.status', 'lat.svc.req.status', 'stream.events.>', 'imported.events.from.a.>'];
      for (const m of out.matchAll(/│ ((?:svc|lat|stream|imported)\.\S*) /g)) assert.ok(whole.includes(m[1]!) || m[1]!.endsWith('.'), `${m[1]} cut inside a token at ${columns}:\n${out}`);
    }
  });

  it('at 40 columns the 7-column Imports table becomes a block per import; at 80 it is still a grid', async () => {
    const narrow = await run(h, ['describe', 'account', 'B'], 40);
    const imports = narrow.slice(narrow.indexOf('Imports  '));
    assert.match(imports, /│ +Imports +│/);
    for (const header of ['Name', 'Type', 'Remote', 'Local', 'Expires', 'From Account', 'Public']) assert.match(imports, new RegExp(`^│ ${header} +│ `, 'm'), imports);
    assert.match(imports, /^│ Local +│ imported\.events\.from\. +│$/m);
    assert.match(imports, /^│ Expires +│ 2099-01-01/m);
    const wide = await run(h, ['describe', 'account', 'B'], 80);
    assert.match(wide, /│ Name +│ Type +│ Remote +│ Local +│ Expires +│ From Account +│ Public │/);
  });
});
