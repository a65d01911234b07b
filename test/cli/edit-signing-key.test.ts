// `edit signing-key` (nsc's scoped signing keys) and `add user -K <role>`, through the CLI only:
// the scoped user carries no permissions; one asking for its own is refused; a hand-built user
// under the scoped key with its own permissions fails `verify` with SCOPE_VIOLATION.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { newUserClaims } from '../../src/claims/nats/user.js';
import { encodeUser } from '../../src/claims/nats/encode.js';
import { KeyPair } from '../../src/nkeys/keypair.js';
import { cli, runCli } from '../helpers/cli.js';
import { freshHome, refused, row } from './fixtures-b.js';
import { json, payload } from './fixtures-a.js';

describe('edit signing-key', () => {
  const { home, ws } = freshHome();
  let sk: string;
  let acct: string;

  before(async () => {
    await cli(home, ['add', 'operator', 'O', '--generate-signing-key']);
    acct = json((await cli(home, ['add', 'account', 'A', '--json'])).stdout).account.public_key as string;
    const r = await cli(home, ['edit', 'signing-key', '-a', 'A', '--sk', 'generate', '--role', 'svc', '--allow-pub', 'svc.{{name()}}.>', '--json']);
    const out = json(r.stdout);
    sk = out.key.public_key as string;
    assert.equal(out.change, 'created');
    assert.deepEqual(out.scope.template.pub, { allow: ['svc.{{name()}}.>'] });
  });

  test('the account JWT lists the key as a user_scope with the template', async () => {
    const a = payload(await (await ws.operator()).readAccountJwt('A'));
    const scope = (a.nats.signing_keys as Array<Record<string, any>>).find((k) => k.key === sk)!;
    assert.equal(scope.kind, 'user_scope');
    assert.equal(scope.role, 'svc');
    assert.deepEqual(scope.template.pub, { allow: ['svc.{{name()}}.>'] });
    assert.equal(scope.template.subs, -1);
  });

  test('add user -K <role> signs with the scoped key; the user carries no permissions', async () => {
    await cli(home, ['add', 'user', 'scoped', '-a', 'A', '-K', 'svc']);
    const u = payload(await (await ws.operator()).readUserJwt('A', 'scoped'));
    assert.equal(u.iss, sk);
    assert.equal(u.nats.issuer_account, acct);
    assert.deepEqual(u.nats.pub, {});
    assert.deepEqual(u.nats.sub, {});
    assert.equal(u.nats.subs, undefined);
    const d = await cli(home, ['describe', 'user', 'scoped', '-a', 'A']);
    assert.equal(row(d.stdout, 'Issuer Scoped'), 'Yes (role svc)');
  });

  test('add user without -K when the only signing key is scoped: signed by the identity key, and the warning says to ask for the role', async () => {
    const r = await cli(home, ['add', 'user', 'plain', '-a', 'A', '--json']);
    const warnings = json(r.stdout).warnings as string[];
    assert.ok(warnings.some((w) => /signing keys are scoped \(role "svc"\).*-K svc/.test(w)), warnings.join('\n'));
    assert.ok(!warnings.some((w) => /none of its signing keys has its private key here/.test(w)), warnings.join('\n'));
  });

  test('add user -K <role> with permission flags → SCOPED_USER_HAS_PERMISSIONS', async () => {
    await refused(home, ['add', 'user', 'bad', '-a', 'A', '-K', 'svc', '--allow-pub', 'x'], 'SCOPED_USER_HAS_PERMISSIONS');
  });

  test('an unknown role is neither a key nor a file: a USAGE refusal', async () => {
    await refused(home, ['add', 'user', 'nobody', '-a', 'A', '-K', 'nope'], 'USAGE');
  });

  test('verify: a user under the scoped key carrying its own permissions → SCOPE_VIOLATION', async () => {
    const key = KeyPair.create('user');
    const claims = newUserClaims('greedy', key.publicKey);
    claims.nats.pub = { allow: ['>'] };
    claims.nats.issuer_account = acct;
    const token = encodeUser(claims, await ws.keys.getKey(sk));
    const r = await runCli(home, ['verify', token, '--json']);
    assert.equal(r.code, 1, r.stderr);
    assert.equal(json(r.stdout).error.code, 'SCOPE_VIOLATION');
    const ok = await runCli(home, ['verify', await (await ws.operator()).readUserJwt('A', 'scoped'), '--json']);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  });

  test('re-editing updates the template and keeps the role; a second key may not take the role', async () => {
    const r = json((await cli(home, ['edit', 'signing-key', '-a', 'A', '--sk', sk, '--allow-sub', '_INBOX.>', '--json'])).stdout);
    assert.equal(r.change, 'updated');
    assert.equal(r.scope.role, 'svc');
    assert.deepEqual(r.scope.template.sub, { allow: ['_INBOX.>'] });
    await refused(home, ['edit', 'signing-key', '-a', 'A', '--sk', 'generate', '--role', 'svc'], 'USAGE');
    await refused(home, ['edit', 'signing-key', '-a', 'A', '--role', 'svc'], 'USAGE');
  });
});
