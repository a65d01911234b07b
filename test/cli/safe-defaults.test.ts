// Issue 12 item 2, "safe defaults where it silently does harm today": each case is the attack or
// the slip, run as a user would, with what sigchain must now say and refuse.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { decodeAccount, decodeUser } from '../../src/claims/nats/decode.js';
import { issueAccount, readAccount, readOperator } from '../../src/workspace/index.js';
import { cli, runCli } from '../helpers/cli.js';
import { home, json, wsOf } from './fixtures-a.js';
import { refused } from './fixtures-b.js';

async function store(t: { after(fn: () => void): void }): Promise<string> {
  const h = home(t);
  await cli(h, ['add', 'operator', 'O']);
  await cli(h, ['add', 'account', 'A']);
  return h;
}

test('edit user on a revoked user is refused (USER_REVOKED) unless --lift-revocation, which says it lifts it', async (t) => {
  const h = await store(t);
  await cli(h, ['edit', 'account', 'A', '--sk', 'generate']);
  await cli(h, ['add', 'user', 'mallory']);
  await cli(h, ['revocations', 'add-user', '-n', 'mallory']);
  const before = readFileSync(join(h, 'stores', 'O', 'accounts', 'A', 'users', 'mallory.jwt'), 'utf8');
  // The slip: "just add a permission" would re-admit a revoked user on every server.
  const r = await refused(h, ['edit', 'user', 'mallory', '--allow-pub', 'x'], 'USER_REVOKED');
  assert.match(r.message, /revoked by account A/);
  assert.match(r.message, /--lift-revocation/);
  assert.equal(readFileSync(join(h, 'stores', 'O', 'accounts', 'A', 'users', 'mallory.jwt'), 'utf8'), before, 'nothing written');
  const lifted = await runCli(h, ['edit', 'user', 'mallory', '--allow-pub', 'x', '--lift-revocation', '--json']);
  assert.equal(lifted.code, 0, lifted.stdout + lifted.stderr);
  assert.ok((json(lifted.stdout).warnings as string[]).some((w) => /was revoked .* servers accept it again/.test(w)));
  const after = decodeUser(readFileSync(join(h, 'stores', 'O', 'accounts', 'A', 'users', 'mallory.jwt'), 'utf8'));
  assert.deepEqual(after.nats.pub?.allow, ['x']);
  // Really let back in: dated after the revocation (which fell in the same second), so valid.
  const account = decodeAccount(readFileSync(join(h, 'stores', 'O', 'accounts', 'A', 'A.jwt'), 'utf8'));
  assert.ok(after.iat! > account.nats.revocations![after.sub]!, `iat ${after.iat} after the revocation ${account.nats.revocations![after.sub]}`);
  assert.equal((await runCli(h, ['validate'])).code, 0);
  // A revocation still ahead cannot be waited out: refused, naming how to remove it.
  await cli(h, ['revocations', 'add-user', '-n', 'mallory', '--at', '2h']);
  const ahead = await refused(h, ['edit', 'user', 'mallory', '--lift-revocation'], 'USER_REVOKED');
  assert.match(ahead.message, /still ahead/);
  assert.match(ahead.message, /revocations delete-user -a A -u U/);
});

test("revoke jti of an account's current JWT is refused unless --force, saying what it would do", async (t) => {
  const h = await store(t);
  await cli(h, ['add', 'user', 'u1']);
  await cli(h, ['add', 'user', 'u2']);
  const accountJwt = join(h, 'stores', 'O', 'accounts', 'A', 'A.jwt');
  const r = await refused(h, ['revoke', 'jti', accountJwt], 'REVOKES_CURRENT_ACCOUNT');
  assert.match(r.message, /current JWT of account "A"/);
  assert.match(r.message, /every one of its 2 stored users/);
  assert.match(r.message, /--force/);
  assert.equal(existsSync(join(h, 'stores', 'O', 'accounts', 'A', 'revocations.json')), false, 'nothing recorded');
  // The bare jti is caught too.
  const jti = JSON.parse(Buffer.from(readFileSync(accountJwt, 'utf8').split('.')[1]!, 'base64url').toString()).jti as string;
  await refused(h, ['revoke', 'jti', jti, '-a', 'A'], 'REVOKES_CURRENT_ACCOUNT');
  const forced = await runCli(h, ['revoke', 'jti', accountJwt, '--force', '--json']);
  assert.equal(forced.code, 0, forced.stdout + forced.stderr);
  assert.equal((await runCli(h, ['verify', join(h, 'creds', 'O', 'A', 'u1.creds')])).code, 1, 'as warned: users now fail verify');
});

test('a token issued already expired, and a user signed by the identity key for want of a signing key, print [WARN] (and warnings in --json)', async (t) => {
  const h = await store(t);
  const r = await runCli(h, ['add', 'user', 'late', '--expiry', '2020-01-01', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const warnings = json(r.stdout).warnings as string[];
  assert.ok(warnings.some((w) => /issued already expired/.test(w)), warnings.join('\n'));
  assert.ok(warnings.some((w) => /identity key: the account has no usable signing key \(it lists none\)/.test(w)), warnings.join('\n'));
  const text = await runCli(h, ['add', 'account', 'B', '--expiry', '2020-01-01']);
  assert.match(text.stderr, /^\[WARN\] The token of account "B" is issued already expired/m);
  // Operators too, added and edited.
  assert.match((await runCli(h, ['add', 'operator', 'O2', '--expiry', '2020-01-01'])).stderr, /^\[WARN\] The token of operator "O2" is issued already expired/m);
  const edited = await runCli(h, ['edit', 'operator', '--expiry', '2020-01-01', '--json']);
  assert.equal(edited.code, 0, edited.stderr);
  assert.ok((json(edited.stdout).warnings as string[]).some((w) => /operator "O2" is issued already expired/.test(w)), edited.stdout);
  await cli(h, ['edit', 'operator', '--expiry', '0']);
  await cli(h, ['select', 'operator', 'O']);
  await cli(h, ['select', 'account', 'A']);
  // With a signing key at hand: neither warning.
  await cli(h, ['edit', 'account', 'A', '--sk', 'generate']);
  const ok = json((await cli(h, ['add', 'user', 'fine', '-a', 'A', '--expiry', '30d', '--json'])).stdout).warnings as string[] | undefined;
  assert.ok(!(ok ?? []).some((w) => /expired|no usable signing key/.test(w)), (ok ?? []).join('\n'));
});

test('--sk refuses a key whose usages can never sign; automatic choice skips such a key and the refusal lists only keys that could sign', async (t) => {
  const h = await store(t);
  const auth = json((await cli(h, ['generate', 'nkey', '--account', '--store', '--usage', 'AuthenticationOnly', '--json'])).stdout).public_key as string;
  const r = await refused(h, ['edit', 'account', 'A', '--sk', auth], 'KEY_USAGE_VIOLATION');
  assert.match(r.message, /cannot be an account signing key: its usages \(authentication\) lack "issuing"/);
  const opAuth = json((await cli(h, ['generate', 'nkey', '--operator', '--store', '--usage', 'IdentityOnly', '--json'])).stdout).public_key as string;
  await refused(h, ['edit', 'operator', '--sk', opAuth], 'KEY_USAGE_VIOLATION');
  // Listed anyway (an older sigchain, or nsc): user signing skips it.
  const ws = wsOf(h);
  const op = await ws.operator('O');
  const a = await readAccount(op, 'A');
  a.claims.nats.signing_keys = [auth];
  await op.writeAccountJwt('A', (await issueAccount(ws, await readOperator(op), a.claims, undefined, { previous: a.claims })).token);
  const u = json((await cli(h, ['add', 'user', 'u', '--json'])).stdout);
  assert.equal(u.user.issuer, a.claims.sub, 'signed by the identity key, not the authentication-only key');
  // Under strict signing-key usage nothing can sign: the refusal offers no key that could not.
  await cli(h, ['edit', 'operator', '--require-signing-keys', '--sk', 'generate']);
  await cli(h, ['edit', 'account', 'A', '-K', json((await cli(h, ['describe', 'operator', '--json'])).stdout).nats.signing_keys[0]]);
  const none = await refused(h, ['add', 'user', 'v'], 'NO_APPROPRIATE_SIGNING_KEY');
  const couldSign = none.message.slice(none.message.indexOf('Keys that can sign'));
  assert.ok(!couldSign.includes(auth), none.message);
  assert.match(none.message.slice(0, none.message.indexOf('Keys that can sign')), /may be used for authentication only/, 'the why names the unusable key');
});

test('keys compromised that cannot read an account says the search is incomplete (SEARCH_INCOMPLETE, exit 1), also with --apply', async (t) => {
  const h = await store(t);
  await cli(h, ['edit', 'operator', '--sk', 'generate']);
  const sk = json((await cli(h, ['describe', 'operator', '--json'])).stdout).nats.signing_keys[0] as string;
  await cli(h, ['add', 'account', 'B', '-K', sk]);
  // The attacker's move, or a disk fault: the account the leaked key signed cannot be read.
  const bJwt = join(h, 'stores', 'O', 'accounts', 'B', 'B.jwt');
  writeFileSync(bJwt, 'garbage');
  const other = json((await cli(h, ['generate', 'nkey', '--operator', '--json'])).stdout).public_key as string;
  for (const key of [sk, other]) {
    const r = await refused(h, ['keys', 'compromised', key], 'SEARCH_INCOMPLETE');
    assert.match(r.message, /account "B" of operator "O" \(/);
    assert.doesNotMatch(r.stdout + r.stderr, /nothing to re-issue/);
    const text = await runCli(h, ['keys', 'compromised', key]);
    assert.equal(text.code, 1);
    assert.match(text.stderr, /SEARCH_INCOMPLETE/);
    assert.doesNotMatch(text.stdout + text.stderr, /nothing to re-issue/);
    // The dry run shows what it found, and no apply command as if it could run now.
    assert.doesNotMatch(text.stdout, /To apply:/);
    if (key === sk) assert.match(text.stdout, /search is incomplete .* once every account can be read/);
  }
  const before = readFileSync(join(h, 'stores', 'O', 'O.jwt'), 'utf8');
  await refused(h, ['keys', 'compromised', sk, '--apply'], 'SEARCH_INCOMPLETE');
  assert.equal(readFileSync(join(h, 'stores', 'O', 'O.jwt'), 'utf8'), before, '--apply changed nothing');
});

test('a blocked dry run prints the full apply command with -K naming the key it needs; a role name is not read as a seed', async (t) => {
  const h = await store(t);
  await cli(h, ['edit', 'account', 'A', '--sk', 'generate']);
  const ask = json((await cli(h, ['describe', 'account', 'A', '--json'])).stdout).nats.signing_keys[0] as string;
  const opKey = json((await cli(h, ['describe', 'operator', '--json'])).stdout).sub as string;
  // The operator key that must re-sign A is not here.
  await wsOf(h).keys.removeKey(opKey);
  const r = await runCli(h, ['keys', 'compromised', ask, '--json']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const plan = json(r.stdout);
  assert.ok(plan.parents[0].blocked);
  assert.equal(plan.apply_command, `sigchain keys compromised ${ask} --apply -K '<seed or .nk file of ${opKey}>'`);
  const role = await refused(h, ['keys', 'compromised', ask, '-K', 'svc'], 'USAGE');
  assert.match(role.message, /-K "svc" is neither a key nor a file/);
  assert.doesNotMatch(role.message, /no such file|must be a seed/);
  // Given as the key itself: the public key is asked for, and nothing calls it a seed.
  const positional = await refused(h, ['keys', 'compromised', 'svc'], 'NKEY_MALFORMED');
  assert.match(positional.message, /public key of the leaked key .* not a name, role or label/);
  assert.doesNotMatch(positional.message, /seed/);
});

test('nats server-config checks --listen and does not create missing folders for -o', async (t) => {
  const h = await store(t);
  for (const bad of ['127.0.0.1:4222\nauthorization { users = [] }', '0', '70000', 'host:', 'a b:4222', '"x":1', '[::1]:99999', '1.2.3.4.5:80', '256.1.1.1:4222', '1.2.3:4222']) {
    const r = await runCli(h, ['nats', 'server-config', '--listen', bad]);
    assert.equal(r.code, 2, `${JSON.stringify(bad)}: ${r.stdout}${r.stderr}`);
    assert.equal(r.stdout, '', 'no configuration printed');
  }
  for (const good of ['127.0.0.1:4222', '4222', ':4222', '0.0.0.0:4222', '[::1]:4222', 'nats.example.com:4222']) {
    const r = await runCli(h, ['nats', 'server-config', '--listen', good]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stdout.includes(`listen: ${good}`) || r.stdout.includes(`listen: "${good}"`) || r.stdout.includes(good), r.stdout.slice(0, 200));
  }
  const missing = join(h, 'no', 'such', 'dir', 'server.conf');
  const r = await refused(h, ['nats', 'server-config', '-o', missing], 'IO_ERROR');
  assert.match(r.message, /does not exist/);
  assert.equal(existsSync(join(h, 'no')), false, 'no folder was created');
  mkdirSync(join(h, 'conf'));
  await cli(h, ['nats', 'server-config', '-o', join(h, 'conf', 'server.conf')]);
  assert.ok(existsSync(join(h, 'conf', 'server.conf')));
});
