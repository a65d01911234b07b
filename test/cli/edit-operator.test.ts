// `edit operator`: signing keys, strict signing-key usage and its cascade (accounts, then users),
// and the rule that only the operator identity key signs the operator token.
import assert from 'node:assert/strict';
import { chmodSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { decodeAccount, decodeOperator } from '../../src/claims/nats/decode.js';
import { KeyPair } from '../../src/nkeys/keypair.js';
import { addOperator } from '../../src/workspace/index.js';
import type { Workspace } from '../../src/workspace/workspace.js';
import { cli, runCli } from '../helpers/cli.js';
import { freshHome, refused } from './fixtures-b.js';

describe('edit operator --require-signing-keys', () => {
  let home: string;
  let ws: Workspace;
  let identityPath: string;
  let sysIdentity: string;
  let sk: string;

  before(async () => {
    ({ home, ws } = freshHome());
    const r = await addOperator(ws, 'O');
    identityPath = r.operator.keyPath;
    sysIdentity = r.systemAccount!.publicKey;
  });

  test('without any signing key it is refused and the operator is left as it was', async () => {
    const op = await ws.operator();
    const before = await op.readOperatorJwt();
    assert.match((await refused(home, ['edit', 'operator', '--require-signing-keys'], 'NO_APPROPRIATE_SIGNING_KEY')).message, /--sk generate/);
    assert.equal(await op.readOperatorJwt(), before);
  });

  test('with a signing key, accounts signed by the identity key (SYS) are re-signed with it', async () => {
    const op = await ws.operator();
    assert.equal(decodeAccount(await op.readAccountJwt('SYS')).iss, decodeOperator(await op.readOperatorJwt()).sub, 'SYS starts identity-signed');
    const r = await cli(home, ['edit', 'operator', '--sk', 'generate', '--require-signing-keys']);
    const added = /added signing key "(O[A-Z2-7]{55})"/.exec(r.stderr);
    assert.ok(added, r.stderr);
    sk = added[1]!;
    assert.match(r.stderr, /\[ OK \] re-signed account "SYS" with signing key O/);
    const claims = decodeOperator(await op.readOperatorJwt());
    assert.equal(claims.nats.strict_signing_key_usage, true);
    assert.deepEqual(claims.nats.signing_keys, [sk]);
    assert.equal(decodeAccount(await op.readAccountJwt('SYS')).iss, sk);
  });

  test('afterwards the operator identity key may no longer sign an account (add account -K identity)', async () => {
    await refused(home, ['add', 'account', 'X', '-K', identityPath], 'NO_APPROPRIATE_SIGNING_KEY');
    assert.equal(await (await ws.operator()).hasAccount('X'), false, 'nothing was created');
  });

  test('and, as nats-server cascades strict mode, the account identity key may not sign users', async () => {
    const sysKeyPath = ws.keys.keyPath(sysIdentity);
    await refused(home, ['add', 'user', 'v', '-a', 'SYS', '-K', sysKeyPath], 'NO_APPROPRIATE_SIGNING_KEY');
    const op = await ws.operator();
    const before = await op.readUserJwt('SYS', 'sys');
    assert.match((await refused(home, ['edit', 'user', 'sys', '-a', 'SYS', '-K', sysKeyPath], 'NO_APPROPRIATE_SIGNING_KEY')).message, /requires signing keys/);
    assert.equal(await op.readUserJwt('SYS', 'sys'), before);
  });

  test('--no-require-signing-keys lifts it', async () => {
    await cli(home, ['edit', 'operator', '--no-require-signing-keys']);
    assert.equal(decodeOperator(await (await ws.operator()).readOperatorJwt()).nats.strict_signing_key_usage, undefined);
  });
});

describe('edit operator: who signs, and the other fields', () => {
  let home: string;
  let ws: Workspace;
  let identity: string;
  let identityPath: string;
  let skPath: string;

  before(async () => {
    ({ home, ws } = freshHome());
    const r = await addOperator(ws, 'O', { generateSigningKey: true });
    identity = r.operator.publicKey;
    identityPath = r.operator.keyPath;
    skPath = r.signingKey!.keyPath;
  });

  test('-K with a signing key is refused: operator tokens are self-signed by the identity key', async () => {
    const op = await ws.operator();
    const before = await op.readOperatorJwt();
    const r = await refused(home, ['edit', 'operator', '--tag', 'x', '-K', skPath], 'NO_APPROPRIATE_SIGNING_KEY');
    assert.match(r.message, /self-signed/);
    assert.match(r.message, new RegExp(identity));
    assert.equal(await op.readOperatorJwt(), before);
  });

  test('with the identity seed kept offline, the edit needs -K <identity>', async () => {
    const offline = join(home, 'offline-operator.nk');
    renameSync(identityPath, offline);
    await refused(home, ['edit', 'operator', '--tag', 'x'], 'NO_APPROPRIATE_SIGNING_KEY');
    const r = await cli(home, ['edit', 'operator', '--tag', 'Offline', '-K', offline]);
    assert.match(r.stderr, /edited operator "O"/);
    assert.deepEqual(decodeOperator(await (await ws.operator()).readOperatorJwt()).nats.tags, ['offline']);
    chmodSync(offline, 0o644);
    await refused(home, ['edit', 'operator', '--tag', 'y', '-K', offline], 'INSECURE_PERMISSIONS');
    chmodSync(offline, 0o600);
    renameSync(offline, identityPath);
  });

  test('URLs, system account, validity and signing-key removal land in the token; --json is one object', async () => {
    const op = await ws.operator();
    const sk1 = decodeOperator(await op.readOperatorJwt()).nats.signing_keys![0]!;
    const r = await runCli(home, [
      'edit', 'operator', '--json',
      '--service-url', 'nats://a:4222,nats://b:4222', '--account-jwt-server-url', 'nats://a:4222',
      '--system-account', 'SYS', '--expiry', '2099-01-01', '--start', '2020-01-01',
      '--sk', 'generate', '--rm-sk', sk1,
    ]);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { removed: string[]; added: Array<{ public_key: string; generated: boolean }> };
    assert.deepEqual(out.removed, [sk1]);
    assert.equal(out.added[0]!.generated, true);
    const c = decodeOperator(await op.readOperatorJwt());
    assert.deepEqual(c.nats.operator_service_urls, ['nats://a:4222', 'nats://b:4222']);
    assert.equal(c.nats.account_server_url, 'nats://a:4222');
    assert.equal(c.nats.system_account, decodeAccount(await op.readAccountJwt('SYS')).sub);
    assert.equal(c.exp, Date.UTC(2099, 0, 1) / 1000);
    assert.equal(c.nbf, Date.UTC(2020, 0, 1) / 1000);
    assert.deepEqual(c.nats.signing_keys, [out.added[0]!.public_key]);
    // SYS was signed by the removed key: the operator no longer trusts it, and says so.
    assert.match(r.stderr, /\[WARN\] Account "SYS" was signed by .* no longer a signing key/);

    await cli(home, ['edit', 'operator', '--rm-service-url', 'nats://a:4222', '--rm-account-jwt-server-url', '--expiry', '0']);
    const d = decodeOperator(await op.readOperatorJwt());
    assert.deepEqual(d.nats.operator_service_urls, ['nats://b:4222']);
    assert.equal(d.nats.account_server_url, undefined);
    assert.equal(d.exp, undefined);
  });

  test('bad input is refused with a coded error and changes nothing', async () => {
    const op = await ws.directoryOperator();
    const before = await op.readOperatorJwt();
    await refused(home, ['edit', 'operator', '--rm-sk', KeyPair.create('operator').publicKey], 'STORE_NOT_FOUND');
    await refused(home, ['edit', 'operator', '--sk', KeyPair.create('account').publicKey], 'NKEY_WRONG_ROLE');
    await refused(home, ['edit', 'operator', '--system-account', 'NOPE'], 'STORE_NOT_FOUND');
    await refused(home, ['edit', 'operator', '--require-signing-keys', '--no-require-signing-keys'], 'USAGE');
    await refused(home, ['edit', 'operator', '--expiry', 'soon'], 'USAGE');
    await refused(home, ['edit', 'operator', '--expiry', '2020-01-01', '--start', '2021-01-01'], 'USAGE');
    await refused(home, ['edit', 'operator', '--bogus'], 'USAGE');
    assert.equal(await op.readOperatorJwt(), before);
    assert.equal(readFileSync(join(op.dir, 'O.jwt'), 'utf8').trim(), before.trim());
  });
});
