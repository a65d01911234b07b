// `revocations add-user / delete-user / list-users`, `revoke jti`, `revocations delete-jti /
// list-jtis`: what they write, what they print (--json and people), and their coded refusals.
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parseCreds } from '../../src/input/creds.js';
import { decodeAccount, decodeOperator, decodeUser } from '../../src/claims/nats/decode.js';
import { KeyPair } from '../../src/nkeys/keypair.js';
import { revokedJtisPath } from '../../src/store/revoked-jtis.js';
import { addUser } from '../../src/workspace/index.js';
import { cli, runCli } from '../helpers/cli.js';
import { home, json, paths, signingKeyTree } from './fixtures-a.js';
import { refused } from './fixtures-b.js';

type T = { after(fn: () => void): void };

async function setup(t: T) {
  const h = home(t);
  const tree = await signingKeyTree(h);
  const sk = await tree.ws.keys.getKey(tree.acctSk);
  const u = await addUser(tree.ws, 'U', { account: 'A', signer: sk });
  const v = await addUser(tree.ws, 'V', { account: 'A', signer: sk });
  const accountJwt = () => decodeAccount(readFileSync(paths.accountJwt(h, 'O2', 'A'), 'utf8'));
  return { h, ...tree, u, v, accountJwt };
}

describe('revocations add-user / delete-user / list-users', () => {
  it('add-user -n U revokes U as of now, re-signed by the operator signing key, and reminds to reload servers', async (t) => {
    const s = await setup(t);
    const before = Math.floor(Date.now() / 1000);
    const r = await cli(s.h, ['revocations', 'add-user', '-a', 'A', '-n', 'U', '--json']);
    const out = json(r.stdout);
    assert.equal(out.key, s.u.user.publicKey);
    assert.equal(out.user, 'U');
    assert.equal(out.changed, true);
    assert.ok(out.at >= before);
    assert.deepEqual(out.revoked_users.map((x: { name: string }) => x.name), ['U']);
    assert.equal(out.account.issuer, s.opSk);
    assert.ok(out.next_steps.some((x: string) => x.includes('sigchain nats server-config') && x.includes('SIGHUP')));
    assert.equal(s.accountJwt().nats.revocations![s.u.user.publicKey], out.at);
    const human = await cli(s.h, ['revocations', 'add-user', '-a', 'A', '-n', 'V']);
    assert.match(human.stderr, /\[ OK \] revoked user "V" \(U\w+\) of account "A" for tokens issued at or before \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \(account re-signed by operator signing key O\w+\)/);
    assert.match(human.stderr, /Servers still hold the old JWT of account "A"/);
  });

  it("-u '*' --at TIME (RFC 3339); list-users shows '*' first, names and the stored users each entry refuses", async (t) => {
    const s = await setup(t);
    await cli(s.h, ['revocations', 'add-user', '-a', 'A', '-u', '*', '--at', '2024-01-02T03:04:05Z']);
    const outsider = KeyPair.create('user').publicKey;
    await cli(s.h, ['revocations', 'add-user', '-a', 'A', '-u', outsider, '--at', '1800000000']);
    await cli(s.h, ['revocations', 'add-user', '-a', 'A', '-n', 'U']);
    assert.equal(s.accountJwt().nats.revocations!['*'], Date.parse('2024-01-02T03:04:05Z') / 1000);
    const list = json((await cli(s.h, ['revocations', 'list-users', '-a', 'A', '--json'])).stdout);
    assert.deepEqual(list.entries.map((e: { key: string; name?: string }) => [e.key, e.name]), [
      ['*', undefined],
      [s.u.user.publicKey, 'U'],
      [outsider, undefined],
    ]);
    assert.deepEqual(list.entries[1].revoked_users.map((x: { name: string }) => x.name), ['U']);
    assert.deepEqual(list.entries[2].revoked_users, []);
    const table = (await cli(s.h, ['revocations', 'list-users', '-a', 'A'])).stdout;
    assert.match(table, /Revoked Users for A/);
    assert.match(table, /\* \(every user\) .*2024-01-02 03:04:05 UTC/);
    assert.match(table, new RegExp(`${s.u.user.publicKey} │ U +│ .* │ U `));
    assert.match(table, /Account JWT: \d+ KiB of the 1024 KiB NATS limit\./);
  });

  it('an earlier --at keeps the later entry (forward only) with a warning; delete-user removes it; deleting again is NOT_REVOKED', async (t) => {
    const s = await setup(t);
    await cli(s.h, ['revocations', 'add-user', '-a', 'A', '-n', 'U']);
    const at = s.accountJwt().nats.revocations![s.u.user.publicKey]!;
    const again = await cli(s.h, ['revocations', 'add-user', '-a', 'A', '-n', 'U', '--at', '1700000000', '--json']);
    assert.equal(json(again.stdout).changed, false);
    assert.match(again.stderr, /\[WARN\] .*only moves forward/);
    assert.equal(s.accountJwt().nats.revocations![s.u.user.publicKey], at);
    const del = await cli(s.h, ['revocations', 'delete-user', '-a', 'A', '-n', 'U']);
    assert.match(del.stderr, /\[ OK \] removed user "U" \(U\w+\)'s revocation/);
    assert.match(del.stderr, /stored users accepted again: U/);
    assert.equal(s.accountJwt().nats.revocations, undefined);
    const r = await refused(s.h, ['revocations', 'delete-user', '-a', 'A', '-n', 'U'], 'NOT_REVOKED');
    assert.match(r.message, /has no revocation for user "U"/);
  });

  it('refuses bad invocations with coded errors', async (t) => {
    const s = await setup(t);
    await refused(s.h, ['revocations', 'add-user', '-a', 'A'], 'USAGE');
    await refused(s.h, ['revocations', 'add-user', '-a', 'A', '-n', 'U', '-u', '*'], 'USAGE');
    await refused(s.h, ['revocations', 'add-user', '-a', 'A', '-u', s.acct], 'NKEY_WRONG_ROLE');
    await refused(s.h, ['revocations', 'add-user', '-a', 'A', '-n', 'U', '--at', 'yesterday-ish'], 'USAGE');
    await refused(s.h, ['revocations', 'add-user', '-a', 'A', '-n', 'nobody'], 'STORE_NOT_FOUND');
  });

  it('says which key is needed: the account signing key is refused, and without operator seeds NO_APPROPRIATE_SIGNING_KEY names the operator keys', async (t) => {
    const s = await setup(t);
    const byAccount = await refused(s.h, ['revocations', 'add-user', '-a', 'A', '-n', 'U', '-K', s.acctSkPath], 'NO_APPROPRIATE_SIGNING_KEY');
    assert.match(byAccount.message, /needs an OPERATOR key/);
    assert.match(byAccount.message, /account's own identity and signing keys cannot sign its JWT/);
    assert.equal(s.accountJwt().iss, s.opSk, 'A is signed by the operator signing key');
    rmSync(s.opSkPath);
    const identity = decodeOperator(readFileSync(paths.operatorJwt(s.h, 'O2'), 'utf8')).sub;
    rmSync(s.ws.keys.keyPath(identity));
    const none = await refused(s.h, ['revocations', 'add-user', '-a', 'A', '-n', 'U'], 'NO_APPROPRIATE_SIGNING_KEY');
    assert.match(none.message, /Revocations live in account "A"'s JWT, and only operator "O2" signs that JWT/);
    assert.ok(none.message.includes(s.opSk), 'lists the operator signing key');
    assert.equal(s.accountJwt().nats.revocations, undefined, 'nothing written');
  });
});

describe('revoke jti / revocations delete-jti / list-jtis', () => {
  it('revoke jti CREDS_FILE records the jti, revokes the key at its iat, explains it; verify then refuses the creds', async (t) => {
    const s = await setup(t);
    const credsPath = paths.creds(s.h, 'O2', 'A', 'U');
    const token = parseCreds(readFileSync(credsPath, 'utf8')).jwt;
    const uc = decodeUser(token);
    const r = await cli(s.h, ['revoke', 'jti', credsPath, '--json']);
    const out = json(r.stdout);
    assert.equal(out.jti, uc.jti);
    assert.deepEqual(out.key_revocation, { key: uc.sub, at: uc.iat, changed: true });
    assert.equal(out.token.name, 'U');
    assert.ok(out.notes.some((n: string) => /any other token of that user issued at or before that second is refused too/.test(n)));
    assert.equal(s.accountJwt().nats.revocations![uc.sub], uc.iat);
    const file = JSON.parse(readFileSync(revokedJtisPath(await s.ws.directoryOperator(), 'A'), 'utf8'));
    assert.equal(file.jtis[uc.jti!].at, out.at);
    const verify = await refused(s.h, ['verify', credsPath], 'TOKEN_REVOKED');
    const fields = (JSON.parse(verify.stdout).errors as Array<{ field?: string }>).map((e) => e.field).sort();
    assert.deepEqual(fields, ['iat', 'jti'], 'refused by its jti and by the key revocation');
    // People see the explanation and the reminder.
    const human = await cli(s.h, ['revoke', 'jti', paths.creds(s.h, 'O2', 'A', 'V')]);
    assert.match(human.stderr, /\[ OK \] revoked jti \w+ \(user token "V" of U\w+, issued .* UTC\) in account "A"/);
    assert.match(human.stderr, /nats-server cannot revoke a single token/);
    assert.match(human.stderr, /Servers still hold the old JWT/);
  });

  it('a bare jti is found among the stored users; a token on stdin works; an unknown jti is recorded for verifiers only', async (t) => {
    const s = await setup(t);
    const vToken = readFileSync(paths.userJwt(s.h, 'O2', 'A', 'V'), 'utf8').trim();
    const vjti = decodeUser(vToken).jti!;
    const byJti = json((await cli(s.h, ['revoke', 'jti', vjti, '--json'])).stdout);
    assert.equal(byJti.token.source, 'store');
    assert.equal(byJti.key_revocation.key, s.v.user.publicKey);
    const uToken = readFileSync(paths.userJwt(s.h, 'O2', 'A', 'U'), 'utf8');
    const stdin = await runCli(s.h, ['revoke', 'jti', '-', '--jti-only', '--json'], {}, uToken);
    assert.equal(stdin.code, 0, stdin.stderr);
    assert.equal(json(stdin.stdout).key_revocation, undefined);
    assert.equal(s.accountJwt().nats.revocations![s.u.user.publicKey], undefined, '--jti-only leaves the account alone');
    const unknown = await cli(s.h, ['revoke', 'jti', 'SOMEJTIFROMELSEWHERE', '-a', 'A']);
    assert.match(unknown.stderr, /\[WARN\] No stored token has jti SOMEJTIFROMELSEWHERE, so only sigchain verifiers are told/);
    const list = json((await cli(s.h, ['revocations', 'list-jtis', '--json'])).stdout);
    const a = list.accounts.find((x: { name: string }) => x.name === 'A');
    assert.deepEqual(a.jtis.map((e: { jti: string }) => e.jti).sort(), [vjti, decodeUser(uToken).jti, 'SOMEJTIFROMELSEWHERE'].sort());
    const table = (await cli(s.h, ['revocations', 'list-jtis', '-a', 'A'])).stdout;
    assert.match(table, /Revoked Tokens \(operator O2\)/);
    assert.match(table, /no \(jti only\)/);
    assert.match(table, /key at \d{4}-/);
  });

  it('delete-jti removes the jti and the key revocation it made; verify accepts the creds again', async (t) => {
    const s = await setup(t);
    const credsPath = paths.creds(s.h, 'O2', 'A', 'U');
    const jti = json((await cli(s.h, ['revoke', 'jti', credsPath, '--json'])).stdout).jti as string;
    const del = await cli(s.h, ['revocations', 'delete-jti', jti]);
    assert.match(del.stderr, new RegExp(`\\[ OK \\] removed the revocation of jti ${jti} from account "A"`));
    assert.match(del.stderr, /removed the revocation of user key U\w+/);
    assert.equal(s.accountJwt().nats.revocations, undefined);
    const v = await runCli(s.h, ['verify', credsPath]);
    assert.equal(v.code, 0, v.stdout + v.stderr);
    await refused(s.h, ['revocations', 'delete-jti', jti], 'NOT_REVOKED');
  });

  it('refusals: a jti with spaces, a tampered token, and an operator key missing for the key revocation', async (t) => {
    const s = await setup(t);
    await refused(s.h, ['revoke', 'jti', 'has space'], 'USAGE');
    const [h, p] = readFileSync(paths.userJwt(s.h, 'O2', 'A', 'U'), 'utf8').trim().split('.');
    await refused(s.h, ['revoke', 'jti', `${h}.${p}.${'A'.repeat(86)}`], 'BAD_SIGNATURE');
    // The token is read as every command reads one: judged whole, never a substring.
    await refused(s.h, ['revoke', 'jti', `${h}.${p}.${'A'.repeat(86)}==`], 'MALFORMED_TOKEN');
    await refused(s.h, ['revoke', 'jti', `${h}.${p}.${'A'.repeat(86)}.extra`], 'MALFORMED_TOKEN');
    const e = await refused(s.h, ['revoke', 'jti', paths.creds(s.h, 'O2', 'A', 'U'), '-K', s.acctSkPath], 'NO_APPROPRIATE_SIGNING_KEY');
    assert.match(e.message, /OPERATOR key/);
  });
});
