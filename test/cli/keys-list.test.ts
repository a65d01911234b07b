// `sigchain keys list|retire` and `generate nkey --usage`: usages shown and filtered, retired keys
// shown as retired, signing outside usages refused, and no seed in any output.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { it } from 'node:test';
import { KeyPair } from '../../src/nkeys/index.js';
import { addOperator } from '../../src/workspace/index.js';
import { type CliResult, cli, runCli } from '../helpers/cli.js';
import { home, json, paths, wsOf } from './fixtures-a.js';

const SEED = /S[OAUNCXMV][A-Z2-7]{56}/;

function noSeed(...results: CliResult[]): void {
  for (const r of results) assert.doesNotMatch(r.stdout + r.stderr, SEED, 'no seed in any output');
}

/** The table row of `pub`, split into its cells. */
function row(stdout: string, pub: string): string[] | undefined {
  const line = stdout.split('\n').find((l) => l.startsWith(`│ ${pub} `));
  return line?.split('│').slice(1, -1).map((c) => c.trim());
}

it('generate nkey --store records usages (default per role, or --usage); keys list shows and filters them', async (t) => {
  const h = home(t);
  const o = await addOperator(wsOf(h), 'O');
  const opSk = json((await cli(h, ['generate', 'nkey', '--operator', '--store', '--json'])).stdout).public_key as string;
  const userAuth = json((await cli(h, ['generate', 'nkey', '--user', '--store', '--json'])).stdout).public_key as string;
  const generated = await cli(h, ['generate', 'nkey', '--account', '--store', '--usage', 'issuing,AuthenticationOnly']);
  const acctMixed = generated.stdout.split('\n')[0]!;
  assert.match(generated.stderr, /usages: issuing,authentication \(fixed for the life of the key\)/);
  const cluster = json((await cli(h, ['generate', 'nkey', '--cluster', '--store', '--json'])).stdout).public_key as string;
  const curve = json((await cli(h, ['generate', 'nkey', '--curve', '--store', '--json'])).stdout).public_key as string;
  // A key nsc made: the .nk only.
  const legacy = KeyPair.create('account');
  const legacyPath = wsOf(h).keys.keyPath(legacy.publicKey);
  mkdirSync(dirname(legacyPath), { recursive: true, mode: 0o700 });
  writeFileSync(legacyPath, legacy.seed, { mode: 0o600 });

  const all = await cli(h, ['keys', 'list']);
  assert.deepEqual(row(all.stdout, o.operator.publicKey), [o.operator.publicKey, 'operator', 'identity,issuing', 'file', 'active', 'operator O']);
  assert.deepEqual(row(all.stdout, opSk), [opSk, 'operator', 'issuing', 'file', 'active', '']);
  assert.deepEqual(row(all.stdout, userAuth), [userAuth, 'user', 'authentication', 'file', 'active', '']);
  assert.deepEqual(row(all.stdout, acctMixed), [acctMixed, 'account', 'issuing,authentication', 'file', 'active', '']);
  assert.deepEqual(row(all.stdout, cluster), [cluster, 'cluster', 'protocol', 'file', 'active', '']);
  assert.deepEqual(row(all.stdout, curve), [curve, 'curve', 'none', 'file', 'active', '']);
  assert.deepEqual(row(all.stdout, legacy.publicKey), [legacy.publicKey, 'account', 'all (legacy)', 'file', 'active', '']);
  assert.deepEqual(row(all.stdout, o.systemUser!.publicKey), [o.systemUser!.publicKey, 'user', 'authentication', 'file', 'active', 'user O/SYS/sys']);
  assert.deepEqual(row(all.stdout, o.systemAccount!.signingKey)?.[5], 'account O/SYS signing key');

  // --usage: keys with at least one of the usages (legacy keys have all).
  const issuing = json((await cli(h, ['keys', 'list', '--usage', 'IssuingOnly', '--json'])).stdout).keys.map((k: { public_key: string }) => k.public_key);
  assert.deepEqual(
    [...issuing].sort(),
    [o.operator.publicKey, opSk, acctMixed, legacy.publicKey, o.systemAccount!.publicKey, o.systemAccount!.signingKey].sort(),
  );
  const auth = json((await cli(h, ['keys', 'list', '--usage', 'authentication', '--role', 'user', '--json'])).stdout).keys.map((k: { public_key: string }) => k.public_key);
  assert.deepEqual([...auth].sort(), [userAuth, o.systemUser!.publicKey].sort());

  // --fingerprint: public key prefix, any case; a whole key selects one.
  const one = json((await cli(h, ['keys', 'list', '--fingerprint', opSk.slice(0, 12).toLowerCase(), '--json'])).stdout);
  assert.deepEqual(one.keys.map((k: { public_key: string }) => k.public_key), [opSk]);
  assert.deepEqual(one.keys[0].usages, ['issuing']);
  assert.equal(one.keys[0].status, 'active');
  const byKey = await cli(h, ['keys', 'list', '-f', cluster]);
  assert.ok(row(byKey.stdout, cluster));
  assert.equal(byKey.stdout.split('\n').filter((l) => /^│ [A-Z2-7]{56} /.test(l)).length, 1);
  const users = json((await cli(h, ['keys', 'list', '-f', 'U', '--json'])).stdout).keys;
  assert.ok(users.length >= 2 && users.every((k: { role: string }) => k.role === 'user'));
  const none = await cli(h, ['keys', 'list', '--fingerprint', 'OAAAAAAAAAAAAAAA']);
  assert.match(none.stdout, /No stored key matched/);

  noSeed(all, byKey, none, generated);
  noSeed(await cli(h, ['keys', 'list', '--json']));
});

it('keys retire: shown as retired (with replacement), filtered by --retired/--active, and it signs nothing more', async (t) => {
  const h = home(t);
  await addOperator(wsOf(h), 'O', { systemAccount: false });
  const oldSk = json((await cli(h, ['generate', 'nkey', '--operator', '--store', '--json'])).stdout).public_key as string;
  const newSk = json((await cli(h, ['generate', 'nkey', '--operator', '--store', '--json'])).stdout).public_key as string;
  await cli(h, ['edit', 'operator', '--sk', oldSk, '--sk', newSk]);

  const retired = await cli(h, ['keys', 'retire', oldSk, '--reason', 'rotated', '--replaced-by', newSk]);
  assert.match(retired.stdout, new RegExp(`retired ${oldSk} \\(usages issuing\\), replaced by ${newSk}`));
  const list = await cli(h, ['keys', 'list']);
  const cells = row(list.stdout, oldSk)!;
  assert.equal(cells[2], 'issuing', 'retiring does not change the usages');
  assert.match(cells[4]!, new RegExp(`^retired \\d{4}-\\d{2}-\\d{2} → ${newSk.slice(0, 8)}…$`));
  assert.equal(row(list.stdout, newSk)![4], 'active');
  const j = json((await cli(h, ['keys', 'list', '--retired', '--json'])).stdout);
  assert.deepEqual(j.keys.map((k: { public_key: string }) => k.public_key), [oldSk]);
  assert.equal(j.keys[0].status, 'retired');
  assert.equal(j.keys[0].retired_reason, 'rotated');
  assert.equal(j.keys[0].replaced_by, newSk);
  const active = json((await cli(h, ['keys', 'list', '--active', '--json'])).stdout).keys.map((k: { public_key: string }) => k.public_key);
  assert.ok(active.includes(newSk) && !active.includes(oldSk));

  const refused = await runCli(h, ['add', 'account', 'A', '-K', oldSk, '--json']);
  assert.equal(refused.code, 1);
  assert.equal(json(refused.stdout).error.code, 'KEY_RETIRED');
  assert.equal(existsSync(paths.accountJwt(h, 'O', 'A')), false);
  const again = await runCli(h, ['keys', 'retire', oldSk, '--json']);
  assert.equal(json(again.stdout).error.code, 'KEY_RETIRED');
  const ok = json((await cli(h, ['add', 'account', 'A', '-K', newSk, '--json'])).stdout);
  assert.equal(ok.account.issuer, newSk);
  noSeed(retired, list, refused, again);
});

it('signing outside a key\'s usages is refused with KEY_USAGE_VIOLATION and nothing is written', async (t) => {
  const h = home(t);
  await addOperator(wsOf(h), 'O', { generateSigningKey: true });
  await cli(h, ['add', 'account', 'A']);
  const authOnly = json((await cli(h, ['generate', 'nkey', '--account', '--store', '--usage', 'AuthenticationOnly', '--json'])).stdout).public_key as string;
  // Refused as a signing key up front (it could never issue), and refused again if named with -K.
  const accountBefore = readFileSync(paths.accountJwt(h, 'O', 'A'), 'utf8');
  const sk = await runCli(h, ['edit', 'account', 'A', '--sk', authOnly, '--json']);
  assert.equal(sk.code, 1);
  assert.equal(json(sk.stdout).error.code, 'KEY_USAGE_VIOLATION');
  assert.equal(readFileSync(paths.accountJwt(h, 'O', 'A'), 'utf8'), accountBefore, 'the account is unchanged');
  const r = await runCli(h, ['add', 'user', 'U', '-a', 'A', '-K', authOnly, '--json']);
  assert.equal(r.code, 1);
  const err = json(r.stdout).error;
  // Not a signing key of the account (it was refused as one above), and it could not sign anyway.
  assert.equal(err.code, 'NO_APPROPRIATE_SIGNING_KEY');
  assert.ok(err.message.includes(authOnly));
  assert.doesNotMatch(err.message.split('\n').slice(1).join('\n'), new RegExp(authOnly), 'the key that cannot sign is not offered');
  assert.equal(existsSync(paths.userJwt(h, 'O', 'A', 'U')), false);
  assert.equal(existsSync(paths.creds(h, 'O', 'A', 'U')), false);
  noSeed(sk, r);
});

it('bad --usage / --fingerprint / keys retire input: coded refusals, and a pasted seed is never echoed', async (t) => {
  const h = home(t);
  const seed = KeyPair.create('operator').seed;
  const cases: Array<[string[], string, number]> = [
    [['generate', 'nkey', '--user', '--usage', 'AuthenticationOnly'], 'USAGE', 2],
    [['generate', 'nkey', '--user', '--store', '--usage', 'signing'], 'INVALID_KEY_USAGE', 1],
    [['generate', 'nkey', '--curve', '--store', '--usage', 'All'], 'INVALID_KEY_USAGE', 1],
    [['keys', 'list', '--usage', 'nope'], 'INVALID_KEY_USAGE', 1],
    [['keys', 'list', '--role', 'admin'], 'USAGE', 2],
    [['keys', 'list', '--retired', '--active'], 'USAGE', 2],
    [['keys', 'list', '--fingerprint', seed], 'SEED_IN_ARGUMENT', 2],
    [['keys', 'list', '--fingerprint', seed.slice(0, 20).toLowerCase()], 'NKEY_PUBLIC_EXPECTED', 1],
    [['keys', 'retire', seed], 'SEED_IN_ARGUMENT', 2],
    [['keys', 'retire', KeyPair.create('operator').publicKey], 'STORE_NOT_FOUND', 1],
  ];
  for (const [args, code, exit] of cases) {
    const r = await runCli(h, [...args, '--json']);
    assert.equal(r.code, exit, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
    assert.equal(json(r.stdout).error.code, code, args.join(' '));
    assert.ok(!(r.stdout + r.stderr).toUpperCase().includes(seed.slice(2, 20)), `${args[0]} ${args[1]} does not echo the seed`);
    noSeed(r);
  }
  assert.equal(existsSync(`${h}/keys/X`), false, 'the refused curve key was not stored');
});
