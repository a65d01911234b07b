// `sigchain add operator`, run as a separate process on real files.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { it } from 'node:test';
import { cli, runCli, warningsBesidesHotWallet } from '../helpers/cli.js';
import { home, json, mode, paths, payload, snapshot } from './fixtures-a.js';

it('add operator O2 prints nsc-style lines, stores the key 0600 in 0700 folders, makes SYS/sys and selects O2', async (t) => {
  const h = home(t);
  const r = await cli(h, ['add', 'operator', 'O2']);
  assert.equal(r.stdout, '', 'status lines go to stderr; stdout stays empty without --json');
  const opKey = /^\[ OK \] generated and stored operator key "(O[A-Z2-7]{55})"$/m.exec(r.stderr)?.[1];
  assert.ok(opKey, r.stderr);
  assert.match(r.stderr, /^\[ OK \] added operator "O2"$/m);
  const sys = /^\[ OK \] created system_account: name:SYS id:(A[A-Z2-7]{55})$/m.exec(r.stderr)?.[1];
  assert.ok(sys, r.stderr);
  assert.match(r.stderr, /^\[ OK \] created system account user: name:sys id:U[A-Z2-7]{55}$/m);
  assert.match(r.stderr, /^\[WARN\] Operator "O2" has no signing keys/m, 'the identity-key risk is warned about');

  const claims = payload(readFileSync(paths.operatorJwt(h, 'O2'), 'utf8'));
  assert.equal(claims.sub, opKey);
  assert.equal(claims.iss, opKey);
  assert.equal(claims.nats.system_account, sys);
  const keyFile = join(h, 'keys', 'O', opKey!.slice(1, 3), `${opKey}.nk`);
  assert.match(readFileSync(keyFile, 'utf8'), /^SO[A-Z2-7]{56}$/);
  assert.equal(mode(keyFile), 0o600);
  assert.equal(mode(dirname(keyFile)), 0o700);
  assert.equal(mode(paths.creds(h, 'O2', 'SYS', 'sys')), 0o600);
  assert.equal(JSON.parse(readFileSync(join(h, 'config.json'), 'utf8')).operator, 'O2');
  // No seed reaches the terminal.
  assert.doesNotMatch(r.stderr + r.stdout, /\bS[OAU][A-Z2-7]{56}\b/);
});

it('add operator -n O3 --no-sys --generate-signing-key --expiry 1y --json: one JSON object, SK listed, no SYS', async (t) => {
  const h = home(t);
  const r = await cli(h, ['add', 'operator', '-n', 'O3', '--no-sys', '--generate-signing-key', '--expiry', '1y', '--json']);
  const out = json(r.stdout);
  assert.equal(out.operator.name, 'O3');
  assert.match(out.operator.public_key, /^O[A-Z2-7]{55}$/);
  assert.equal(out.operator.key_path, join(h, 'keys', 'O', out.operator.public_key.slice(1, 3), `${out.operator.public_key}.nk`));
  assert.match(out.signing_key.public_key, /^O[A-Z2-7]{55}$/);
  assert.equal(out.system_account, undefined);
  assert.deepEqual(warningsBesidesHotWallet(out.warnings), [], 'an operator with a signing key is not warned about');
  const claims = payload(readFileSync(paths.operatorJwt(h, 'O3'), 'utf8'));
  assert.deepEqual(claims.nats.signing_keys, [out.signing_key.public_key]);
  assert.equal(claims.nats.system_account, undefined);
  const year = 365 * 86400;
  assert.ok(Math.abs(claims.exp - (claims.iat + year)) < 2 * 86400, `exp about a year after iat: ${claims.exp - claims.iat}`);
  assert.equal(existsSync(join(h, 'stores', 'O3', 'accounts', 'SYS')), false);
});

it('add operator with an existing name: STORE_EXISTS, and neither store nor key store changes', async (t) => {
  const h = home(t);
  await cli(h, ['add', 'operator', 'O2']);
  const before = snapshot(h);
  const r = await runCli(h, ['add', 'operator', 'O2', '--json']);
  assert.equal(r.code, 1);
  assert.equal(json(r.stdout).error.code, 'STORE_EXISTS');
  assert.deepEqual(snapshot(h), before, 'no file added or changed (no orphan seed either)');
});

it('add operator refuses contradictions and misuse with USAGE (exit 2)', async (t) => {
  const h = home(t);
  for (const args of [
    ['add', 'operator', 'X', '--sys', '--no-sys'],
    ['add', 'operator', 'X', '-K', 'SOAEW6Z4HCCGSLZJYZQMGFQY2SY6ZKOPIAKUQ5VZY6CW23WWYRNHTQWVOA'],
    ['add', 'operator'],
    ['add', 'operator', 'X', '--name', 'Y'],
    ['add', 'operator', 'X', '--expiry', 'soon'],
  ]) {
    const r = await runCli(h, args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /\(code USAGE\)/);
    assert.doesNotMatch(r.stderr, /SOAEW6Z4/, 'a seed given to -K is never echoed');
  }
  assert.equal(existsSync(join(h, 'stores')), false, 'nothing was created');
});
