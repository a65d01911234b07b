// The custody backends as a new user meets them through the CLI: sealed keys by default for
// operators and accounts, passphrases from a file, the environment or nowhere (refused, never a
// hang), the hot-wallet warning of plain files, moving keys between backends, config.json.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { memoryResolver, natsServerPolicy, verifyChain } from '../../src/trust/index.js';
import { parseCreds } from '../../src/input/creds.js';
import { cli, runCli } from '../helpers/cli.js';
import { home, json, snapshot } from './fixtures-a.js';

// The default backend (no SIGCHAIN_KEYRING_BACKEND), with a cheap scrypt so the suite stays fast.
const SEALED = { SIGCHAIN_KEYRING_BACKEND: '', SIGCHAIN_AGE_WORK_FACTOR: '10', SIGCHAIN_PASSPHRASE: 'correct horse battery' };

function keyFile(h: string, pub: string, ext: string): string {
  return join(h, 'keys', pub[0]!, pub.slice(1, 3), `${pub}${ext}`);
}

describe('custody through the CLI', () => {
  it('by default operator and account keys are sealed (.nk.age), users stay plain; the tree verifies; nothing warns', async (t) => {
    const h = home(t);
    const op = json((await cli(h, ['add', 'operator', 'O', '--generate-signing-key', '--json'], SEALED)).stdout);
    const acct = json((await cli(h, ['add', 'account', 'A', '--json'], SEALED)).stdout);
    const user = json((await cli(h, ['add', 'user', 'U', '--json'], SEALED)).stdout);
    for (const pub of [op.operator.public_key, op.signing_key.public_key, acct.account.public_key]) {
      assert.ok(existsSync(keyFile(h, pub, '.nk.age')), `${pub} sealed`);
      assert.equal(existsSync(keyFile(h, pub, '.nk')), false, `${pub} has no plain seed`);
    }
    assert.equal(op.operator.key_path, keyFile(h, op.operator.public_key, '.nk.age'));
    assert.ok(existsSync(keyFile(h, user.user.public_key, '.nk')), 'a user key is a plain .nk: its creds file holds the seed anyway');
    for (const out of [op, acct, user]) {
      const hot = ((out.warnings ?? []) as string[]).filter((w) => /hot wallet/.test(w));
      assert.deepEqual(hot, [], 'no hot-wallet warning: nothing signed from a plain file');
    }

    const listed = json((await cli(h, ['keys', 'list', '--json'])).stdout).keys as Array<{ public_key: string; backend: string }>;
    const backendOf = (pub: string) => listed.find((k) => k.public_key === pub)?.backend;
    assert.equal(backendOf(op.operator.public_key), 'encrypted');
    assert.equal(backendOf(acct.account.public_key), 'encrypted');
    assert.equal(backendOf(user.user.public_key), 'file');

    const creds = parseCreds(readFileSync(user.user.creds_path, 'utf8'));
    const operatorJwt = readFileSync(join(h, 'stores', 'O', 'O.jwt'), 'utf8');
    const accountJwt = readFileSync(join(h, 'stores', 'O', 'accounts', 'A', 'A.jwt'), 'utf8');
    const v = await verifyChain(creds.jwt, { policy: natsServerPolicy([operatorJwt]), resolver: memoryResolver([operatorJwt, accountJwt]) });
    assert.equal(v.valid, true, JSON.stringify(v));
  });

  it('no passphrase and no terminal: KEYRING_PASSPHRASE_REQUIRED at once, and nothing is written', async (t) => {
    const h = home(t);
    const before = snapshot(h);
    const started = Date.now();
    const r = await runCli(h, ['add', 'operator', 'O', '--json'], { SIGCHAIN_KEYRING_BACKEND: '' });
    assert.equal(r.code, 1, r.stderr);
    assert.equal(json(r.stdout).error.code, 'KEYRING_PASSPHRASE_REQUIRED');
    assert.ok(Date.now() - started < 20_000, 'refused, not hung on a prompt');
    assert.deepEqual([...snapshot(h).keys()].filter((k) => !k.startsWith('audit/')), [...before.keys()]);
  });

  it('a wrong passphrase is KEYRING_BAD_PASSPHRASE and changes nothing; --passphrase-file drops one trailing newline', async (t) => {
    const h = home(t);
    await cli(h, ['add', 'operator', 'O'], SEALED);
    const before = snapshot(join(h, 'stores'));
    const r = await runCli(h, ['add', 'account', 'B', '--json'], { ...SEALED, SIGCHAIN_PASSPHRASE: 'wrong' });
    assert.equal(json(r.stdout).error.code, 'KEYRING_BAD_PASSPHRASE', r.stdout);
    assert.doesNotMatch(r.stdout + r.stderr, /correct horse/);
    assert.deepEqual(snapshot(join(h, 'stores')), before, 'the store is as it was');
    const file = join(h, 'pass.txt');
    writeFileSync(file, 'correct horse battery\n', { mode: 0o600 });
    const { SIGCHAIN_PASSPHRASE: _, ...noEnv } = SEALED;
    const ok = await runCli(h, ['add', 'account', 'B', '--passphrase-file', file], noEnv);
    assert.equal(ok.code, 0, ok.stderr);
  });

  it('a plain operator key warns (hot wallet) every command that signs with it, until `keys move --to encrypted` seals it', async (t) => {
    const h = home(t);
    const op = json((await cli(h, ['add', 'operator', 'O', '--no-sys', '--json'], SEALED)).stdout);
    const pub = op.operator.public_key as string;
    const moved = json((await cli(h, ['keys', 'move', pub, '--to', 'file', '--json'], SEALED)).stdout);
    assert.deepEqual([moved.from, moved.to], ['encrypted', 'file']);
    assert.ok(existsSync(keyFile(h, pub, '.nk')) && !existsSync(keyFile(h, pub, '.nk.age')));
    assert.match(readFileSync(keyFile(h, pub, '.nk'), 'utf8'), /^SO[A-Z2-7]{56}$/, 'exactly what nsc writes');

    const hot = await cli(h, ['edit', 'operator', '--tag', 'x', '--json'], SEALED);
    const warnings = json(hot.stdout).warnings as string[];
    assert.equal(warnings.filter((w) => w.includes('hot wallet')).length, 1, 'one warning line');
    assert.match(warnings[0]!, new RegExp(`sigchain keys move ${pub} --to encrypted`));
    assert.match(hot.stderr, /^\[WARN\] The operator key O[A-Z2-7]{55} signed from a plain seed file: a hot wallet/m);

    await cli(h, ['keys', 'move', pub, '--to', 'encrypted'], SEALED);
    assert.ok(!existsSync(keyFile(h, pub, '.nk')) && existsSync(keyFile(h, pub, '.nk.age')));
    const cold = await cli(h, ['edit', 'operator', '--tag', 'y', '--json'], SEALED);
    assert.deepEqual(((json(cold.stdout).warnings ?? []) as string[]).filter((w) => w.includes('hot wallet')), [], 'sealed: no hot-wallet warning');
  });

  it('"keyring_backend" in config.json picks the backend; an unknown name is KEYRING_BACKEND_UNKNOWN', async (t) => {
    const h = home(t);
    writeFileSync(join(h, 'config.json'), JSON.stringify({ keyring_backend: 'file' }));
    const op = json((await cli(h, ['add', 'operator', 'O', '--no-sys', '--json'], { SIGCHAIN_KEYRING_BACKEND: '' })).stdout);
    assert.ok(existsSync(keyFile(h, op.operator.public_key, '.nk')), 'a plain key, no passphrase asked');
    const bad = await runCli(h, ['generate', 'nkey', '--account', '--store', '--keyring-backend', 'vault9', '--json']);
    assert.equal(json(bad.stdout).error.code, 'KEYRING_BACKEND_UNKNOWN');
  });

  it('keys import and export: a seed goes in sealed, comes out to a 0600 .nk, and the original stays', async (t) => {
    const h = home(t);
    const made = json((await cli(h, ['generate', 'nkey', '--account', '--json'])).stdout);
    const seedFile = join(h, 'in.nk');
    writeFileSync(seedFile, made.seed, { mode: 0o600 });
    const imported = json((await cli(h, ['keys', 'import', seedFile, '--to', 'encrypted', '--usage', 'IssuingOnly', '--json'], SEALED)).stdout);
    assert.deepEqual([imported.public_key, imported.backend, imported.usages], [made.public_key, 'encrypted', ['issuing']]);
    assert.doesNotMatch(JSON.stringify(imported), /"S[A-Z]/);
    const out = join(h, 'out.nk');
    await cli(h, ['keys', 'export', made.public_key, '--output', out], SEALED);
    assert.equal(readFileSync(out, 'utf8'), made.seed);
    assert.ok(existsSync(keyFile(h, made.public_key, '.nk.age')), 'the sealed original stays');
    const refused = await runCli(h, ['keys', 'export', made.public_key, '--output', out, '--json'], SEALED);
    assert.equal(json(refused.stdout).error.code, 'STORE_EXISTS');
  });
});
