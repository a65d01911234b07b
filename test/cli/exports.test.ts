// `add export|import`, `generate activation`, `delete export|import|user|account` and the
// Exports/Imports tables of `describe account`, run as a user would: what they write, what they
// print (--json and people), and their coded refusals with exit codes (2 for a bad command line).
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { decodeAccount, decodeActivation } from '../../src/claims/nats/decode.js';
import { addAccount, addUser } from '../../src/workspace/index.js';
import { cli, runCli } from '../helpers/cli.js';
import { home, json, paths, signingKeyTree, snapshot } from './fixtures-a.js';
import { refused } from './fixtures-b.js';

type T = { after(fn: () => void): void };

async function setup(t: T) {
  const h = home(t);
  const tree = await signingKeyTree(h);
  const opSigner = await tree.ws.keys.getKey(tree.opSk);
  const b = await addAccount(tree.ws, 'B', { signer: opSigner });
  const accountJwt = (name: string) => decodeAccount(readFileSync(paths.accountJwt(h, 'O2', name), 'utf8'));
  return { h, ...tree, b: b.account.publicKey, accountJwt };
}

describe('add export / add import / generate activation', () => {
  it('exports public and private, imports them (the private one with the activation file), and describe account shows both tables', async (t) => {
    const s = await setup(t);
    const e1 = json((await cli(s.h, ['add', 'export', '-a', 'A', '-s', 'orders.>', '--json'])).stdout);
    assert.deepEqual(e1.export, { name: 'orders.>', subject: 'orders.>', type: 'stream' });
    assert.equal(e1.account.issuer, s.opSk);
    const e2 = await cli(s.h, ['add', 'export', '-a', 'A', '-r', '-s', 'help', '-p', '-n', 'Help', '--response-type', 'chunked', '--latency', 'lat.help', '--sampling', 'header', '--response-threshold', '2s']);
    assert.match(e2.stderr, /\[ OK \] added private service export "Help" \(help\) to account "A"/);
    assert.deepEqual(s.accountJwt('A').nats.exports!.find((e) => e.name === 'Help'), { name: 'Help', subject: 'help', type: 'service', token_req: true, response_type: 'Chunked', response_threshold: 2e9, service_latency: { sampling: 'headers', results: 'lat.help' } });

    const file = join(s.h, 'help.act');
    const g = await cli(s.h, ['generate', 'activation', '-a', 'A', '-t', 'B', '-o', file]);
    assert.match(g.stderr, /generated activation of service "help" \(export "Help"\) for account "B" \(A\w{55}\), signed by signing key A\w{55}/);
    const decorated = readFileSync(file, 'utf8');
    const token = decorated.split('\n')[1]!;
    assert.deepEqual([decodeActivation(token).sub, decodeActivation(token).iss, decodeActivation(token).nats.issuer_account], [s.b, s.acctSk, s.acct]);
    await refused(s.h, ['generate', 'activation', '-a', 'A', '-t', 'B', '-o', file], 'STORE_EXISTS');
    // A path that cannot be written is refused before anything is signed.
    const nowhere = await refused(s.h, ['generate', 'activation', '-a', 'A', '-t', 'B', '-o', s.h], 'IO_ERROR');
    assert.match(nowhere.message, /is not a regular file/);
    assert.doesNotMatch(nowhere.stderr, /generated activation|\[WARN\]/);
    // Signed already expired, as asked, with a warning (add import then refuses it).
    const late = await cli(s.h, ['generate', 'activation', '-a', 'A', '-t', s.b, '-s', 'help', '--expiry', '2020-01-01']);
    assert.match(late.stderr, /^\[WARN\] The token of the activation of "help" for account A\w{55} is issued already expired/m);
    // Without -o: the decorated token on stdout, nothing else.
    const printed = await cli(s.h, ['generate', 'activation', '-a', 'A', '-t', s.b, '-s', 'help']);
    assert.match(printed.stdout, /^-----BEGIN NATS ACTIVATION JWT-----\n\S+\n------END NATS ACTIVATION JWT------\n/);

    const i1 = json((await cli(s.h, ['add', 'import', '-a', 'B', '--src-account', 'A', '--remote-subject', 'orders.eu.>', '-s', 'eu.>', '--json'])).stdout);
    assert.deepEqual(i1.import, { name: 'orders.eu.>', subject: 'orders.eu.>', account: s.acct, type: 'stream', local_subject: 'eu.>' });
    const i2 = await cli(s.h, ['add', 'import', '-a', 'B', '--token', file, '-s', 'a.help']);
    assert.match(i2.stderr, /\[ OK \] added private service import "help" \(help as a\.help\) from account "A" to account "B"/);
    // The token through standard input, as a pipe from generate activation gives it.
    await cli(s.h, ['delete', 'import', '-a', 'B', '-s', 'help']);
    const piped = await runCli(s.h, ['add', 'import', '-a', 'B', '--token', '-'], {}, printed.stdout);
    assert.equal(piped.code, 0, piped.stderr);
    assert.equal(s.accountJwt('B').nats.imports!.find((i) => i.type === 'service')!.local_subject, 'help');

    const d = await cli(s.h, ['describe', 'account', 'A'], { COLUMNS: '200' });
    assert.match(d.stdout, /│ Exports +│ 2 +│/);
    assert.match(d.stdout, /│ Name +│ Type +│ Subject +│ Public │ Revocations │ Tracking +│/);
    assert.match(d.stdout, /│ orders\.> +│ Stream +│ orders\.> +│ Yes +│ 0 +│ N\/A +│/);
    assert.match(d.stdout, /│ Help +│ Service \[Chunked\] │ help +│ No +│ 0 +│ lat\.help \(headers\) │/);
    const db = await cli(s.h, ['describe', 'account', 'B'], { COLUMNS: '200' });
    assert.match(db.stdout, /│ Name +│ Type +│ Remote +│ Local +│ Expires │ From Account +│ Public │/);
    assert.match(db.stdout, new RegExp(`│ orders\\.eu\\.> +│ Stream +│ orders\\.eu\\.> +│ eu\\.> +│ +│ ${s.acct} / A │ Yes +│`));
    assert.match(db.stdout, new RegExp(`│ help +│ Service +│ help +│ help +│ +│ ${s.acct} / A │ No +│`));
  });

  it('refuses bad input with its code and exit status, writing nothing', async (t) => {
    const s = await setup(t);
    await cli(s.h, ['add', 'export', '-a', 'A', '-s', 'orders.>']);
    await cli(s.h, ['add', 'export', '-a', 'A', '-r', '-s', 'help', '-p']);
    const c = await addAccount(s.ws, 'C', { signer: await s.ws.keys.getKey(s.opSk) });
    const forC = join(s.h, 'c.act');
    await cli(s.h, ['generate', 'activation', '-a', 'A', '-t', c.account.publicKey, '-o', forC]);
    const garbage = join(s.h, 'garbage.jwt');
    writeFileSync(garbage, 'this is not a token\n');
    const before = snapshot(s.h);
    const missing = await refused(s.h, ['add', 'import', '-a', 'B', '--src-account', 'GONE', '--remote-subject', 'orders.>'], 'IMPORT_SOURCE_MISSING');
    assert.match(missing.message, /GONE/);
    await refused(s.h, ['add', 'import', '-a', 'B', '--src-account', 'A', '--remote-subject', 'payments'], 'EXPORT_NOT_FOUND');
    await refused(s.h, ['add', 'import', '-a', 'B', '--src-account', 'A', '--remote-subject', 'help', '--service'], 'ACTIVATION_REQUIRED');
    const wrong = await refused(s.h, ['add', 'import', '-a', 'B', '--token', forC], 'ACTIVATION_WRONG_ACCOUNT');
    assert.match(wrong.message, /\("C"\)/);
    await refused(s.h, ['add', 'import', '-a', 'B', '--token', join(s.h, 'no-such.jwt')], 'IO_ERROR');
    await refused(s.h, ['add', 'import', '-a', 'B', '--token', garbage], 'MALFORMED_TOKEN');
    await refused(s.h, ['add', 'import', '-a', 'B', '--remote-subject', 'orders.>'], 'USAGE');
    await refused(s.h, ['add', 'export', '-a', 'A'], 'USAGE');
    await refused(s.h, ['add', 'export', '-a', 'A', '-s', 'x', '--sampling', '200', '--latency', 'l', '-r'], 'USAGE');
    await refused(s.h, ['add', 'export', '-a', 'A', '-s', 'x.*', '--account-token-position', '2', '-p'], 'USAGE');
    await refused(s.h, ['add', 'export', '-a', 'A', '-s', 'orders.eu'], 'INVALID_CLAIMS');
    await refused(s.h, ['generate', 'activation', '-a', 'A', '-t', 'B', '-s', 'orders.>'], 'EXPORT_NOT_FOUND');
    await refused(s.h, ['generate', 'activation', '-a', 'A'], 'USAGE');
    await refused(s.h, ['delete', 'export', '-a', 'A', '-s', 'nothing'], 'STORE_NOT_FOUND');
    await refused(s.h, ['delete', 'import', '-a', 'B', '-s', 'nothing'], 'STORE_NOT_FOUND');
    assert.deepEqual(snapshot(s.h), before);
  });
});

describe('edit account --rm-sk with activations out', () => {
  it('names the imports whose activation the removed key signed (nats-server stops honouring them)', async (t) => {
    const s = await setup(t);
    await cli(s.h, ['add', 'export', '-a', 'A', '-s', 'priv.>', '-p']);
    const act = join(s.h, 'priv.act');
    await cli(s.h, ['generate', 'activation', '-a', 'A', '-t', 'B', '-o', act]);
    await cli(s.h, ['add', 'import', '-a', 'B', '--token', act]);
    await cli(s.h, ['edit', 'account', 'A', '--sk', 'generate']);
    const r = await cli(s.h, ['edit', 'account', 'A', '--rm-sk', s.acctSk, '--json']);
    const warnings = json(r.stdout).warnings as string[];
    assert.ok(warnings.some((w) => /Activation tokens signed by the removed key are no longer honoured for the imports of "B" \(priv\.>\)/.test(w)), warnings.join('\n'));
    // validate agrees: the activation's signer is no longer listed.
    assert.ok((await runCli(s.h, ['validate', '--all-accounts'])).stdout.includes('SIGNING_KEY_NOT_LISTED'));
  });
});

describe('delete export / import / user / account', () => {
  it('delete export warns about the importers; delete account is refused while B imports from A, naming B', async (t) => {
    const s = await setup(t);
    await cli(s.h, ['add', 'export', '-a', 'A', '-s', 'orders.>']);
    await cli(s.h, ['add', 'export', '-a', 'A', '-s', 'logs.>']);
    await cli(s.h, ['add', 'import', '-a', 'B', '--src-account', 'A', '--remote-subject', 'orders.>']);
    const inUse = await refused(s.h, ['delete', 'account', 'A'], 'ACCOUNT_IN_USE');
    assert.match(inUse.message, /"B" imports orders\.>/);
    assert.ok(existsSync(paths.accountJwt(s.h, 'O2', 'A')));
    const de = await cli(s.h, ['delete', 'export', '-a', 'A', '-s', 'orders.>']);
    assert.match(de.stderr, /\[ OK \] deleted stream export "orders\.>" \(orders\.>\) from account "A"/);
    assert.match(de.stderr, /\[WARN\] Account\(s\) "B" \(orders\.>\) import stream "orders\.>" from "A"/);
    await cli(s.h, ['delete', 'import', '-a', 'B']);
    assert.equal(s.accountJwt('B').nats.imports, undefined);
    await refused(s.h, ['delete', 'account'], 'USAGE');
    await cli(s.h, ['add', 'user', 'gone', '-a', 'A', '-K', s.acctSk]);
    assert.ok(existsSync(paths.creds(s.h, 'O2', 'A', 'gone')));
    const da = json((await cli(s.h, ['delete', 'account', '-n', 'A', '-D', '-C', '--json'])).stdout);
    assert.deepEqual(da.removed_creds, ['gone']);
    assert.ok(!existsSync(dirname(paths.creds(s.h, 'O2', 'A', 'gone'))), 'no empty creds folder of the deleted account');
    assert.equal(da.account.name, 'A');
    assert.ok(da.removed_keys.includes(s.acct) && da.removed_keys.includes(s.acctSk));
    assert.ok(!existsSync(paths.accountJwt(s.h, 'O2', 'A')));
    await refused(s.h, ['delete', 'account', 'A'], 'STORE_NOT_FOUND');
  });

  it('delete user NAME | -n NAME: -R revokes first, -D and -C remove the seed and the creds; without -R it warns', async (t) => {
    const s = await setup(t);
    const sk = await s.ws.keys.getKey(s.acctSk);
    const u = await addUser(s.ws, 'U', { account: 'A', signer: sk });
    const v = await addUser(s.ws, 'V', { account: 'A', signer: sk });
    const plain = await cli(s.h, ['delete', 'user', 'V', '-a', 'A']);
    assert.match(plain.stderr, /\[ OK \] deleted user "V" from account "A"/);
    assert.match(plain.stderr, /\[WARN\] Deleting does not revoke: the creds of "V" still connect/);
    // The store no longer has V: the warning gives the command that still can revoke it, key and all.
    assert.ok(plain.stderr.replace(/\s+/g, ' ').includes(`sigchain revocations add-user -a A -u ${v.user.publicKey}`), plain.stderr);
    assert.ok(existsSync(v.user.credsPath), 'creds stay without -C');
    const r = json((await cli(s.h, ['delete', 'user', '-n', 'U', '-a', 'A', '-R', '-D', '-C', '--json'])).stdout);
    assert.deepEqual(r.users, [{ name: 'U', public_key: u.user.publicKey, revocation: 'revoked', key: 'removed', creds: 'removed' }]);
    assert.equal(r.resigned.issuer, s.opSk);
    assert.ok(s.accountJwt('A').nats.revocations![u.user.publicKey]! > 0);
    assert.ok(!existsSync(u.user.credsPath));
    assert.ok(!existsSync(u.user.keyPath));
    await refused(s.h, ['delete', 'user', 'U', '-a', 'A'], 'STORE_NOT_FOUND');
    await refused(s.h, ['delete', 'user', '-a', 'A'], 'USAGE');
  });
});
