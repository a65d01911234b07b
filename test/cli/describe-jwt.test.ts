// `describe jwt` (and `describe … -f`): any token from a file, a creds file, stdin or the
// command line; broken tokens get coded refusals, a forged one is shown marked.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { parseCreds } from '../../src/input/creds.js';
import { decodeAccount, decodeUser } from '../../src/claims/nats/decode.js';
import { addOperator } from '../../src/workspace/index.js';
import type { Workspace } from '../../src/workspace/workspace.js';
import { cli, runCli } from '../helpers/cli.js';
import { freshHome, refused, row } from './fixtures-b.js';

/** The token with its payload changed (re-encoded canonically) but the old signature kept. */
function forge(token: string, edit: (claims: Record<string, any>) => void): string {
  const [h, p, s] = token.split('.');
  const claims = JSON.parse(Buffer.from(p!, 'base64url').toString('utf8')) as Record<string, any>;
  edit(claims);
  return [h, Buffer.from(JSON.stringify(claims)).toString('base64url'), s].join('.');
}

describe('describe jwt', () => {
  let home: string;
  let ws: Workspace;
  let account: string;
  let userCreds: string;
  let file: string;
  const at = (name: string, text: string) => {
    const p = join(home, name);
    writeFileSync(p, text);
    return p;
  };

  before(async () => {
    ({ home, ws } = freshHome());
    const r = await addOperator(ws, 'O');
    account = await (await ws.operator()).readAccountJwt('SYS');
    userCreds = r.systemUser!.credsPath;
    file = at('sys.jwt', `${account}\n`);
  });

  test('a .jwt file, stdin and the token itself give the same table and exit 0', async () => {
    const fromFile = await cli(home, ['describe', 'jwt', '-f', file]);
    assert.match(fromFile.stdout, /│ +Account Details +│/);
    assert.equal(row(fromFile.stdout, 'Account ID'), decodeAccount(account).sub);
    const fromStdin = await runCli(home, ['describe', 'jwt', '-f', '-'], {}, account);
    assert.equal(fromStdin.code, 0, fromStdin.stderr);
    assert.equal(fromStdin.stdout, fromFile.stdout);
    assert.equal((await cli(home, ['describe', 'jwt', account])).stdout, fromFile.stdout);
    assert.deepEqual(JSON.parse((await cli(home, ['describe', 'jwt', '-f', file, '--json'])).stdout), JSON.parse(JSON.stringify(decodeAccount(account))));
    // describe account -f reads the same file without a store.
    const empty = freshHome().home;
    assert.equal((await cli(empty, ['describe', 'account', '-f', file])).stdout, fromFile.stdout);
  });

  test('a creds file is described by its JWT and its seed is never printed', async () => {
    const r = await cli(home, ['describe', 'jwt', '-f', userCreds]);
    assert.match(r.stdout, /│ +User +│/);
    assert.doesNotMatch(r.stdout + r.stderr, /SU[A-Z2-7]{56}/);
    assert.ok(!(r.stdout + r.stderr).includes(parseCreds(readFileSync(userCreds, 'utf8')).seed.slice(2, 24)), 'no part of the seed');
    const j = JSON.parse((await cli(home, ['describe', 'user', '-f', userCreds, '--json'])).stdout) as { sub: string };
    assert.equal(j.sub, decodeUser(await (await ws.operator()).readUserJwt('SYS', 'sys')).sub);
    assert.equal((await cli(home, ['describe', 'jwt', '-f', userCreds, '--raw'])).stdout, `${await (await ws.operator()).readUserJwt('SYS', 'sys')}\n`);
  });

  test('the token is taken as verify takes it: a path (creds or .jwt) or - as the argument, like -f', async () => {
    assert.equal((await cli(home, ['describe', 'jwt', userCreds])).stdout, (await cli(home, ['describe', 'jwt', '-f', userCreds])).stdout);
    assert.equal((await cli(home, ['describe', 'jwt', file])).stdout, (await cli(home, ['describe', 'jwt', '-f', file])).stdout);
    const piped = await runCli(home, ['describe', 'jwt', '-'], {}, `${account}\n`);
    assert.equal(piped.code, 0, piped.stderr);
    assert.equal(piped.stdout, (await cli(home, ['describe', 'jwt', file])).stdout);
    // An inline near-token is a malformed token; a missing path is a missing file.
    await refused(home, ['describe', 'jwt', `${account}==`], 'MALFORMED_TOKEN');
    await refused(home, ['describe', 'jwt', join(home, 'missing.creds')], 'IO_ERROR');
  });

  test("a hostile token's name reaches the terminal escaped, never as control characters", async () => {
    const { newUserClaims } = await import('../../src/claims/nats/user.js');
    const { encodeUser } = await import('../../src/claims/nats/encode.js');
    const { KeyPair } = await import('../../src/nkeys/keypair.js');
    const issuer = KeyPair.create('account');
    const claims = newUserClaims('u', KeyPair.create('user').publicKey);
    claims.name = 'ok\u001b[2J\u001b]0;pwned\u0007\u009b31m\u202eevil\rname';
    const token = encodeUser(claims, issuer);
    const r = await cli(home, ['describe', 'jwt', token]);
    assert.doesNotMatch(r.stdout + r.stderr, /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e]/, 'no control character is printed');
    assert.match(r.stdout, /ok\\u\{1b\}\[2J\\u\{1b\}\]0;pwned\\u\{7\}\\u\{9b\}31m\\u\{202e\}evil\\u\{d\}name/);
    // --json is for programs: JSON carries the name exactly (escaped by JSON itself).
    assert.equal((JSON.parse((await cli(home, ['describe', 'jwt', token, '--json'])).stdout) as { name: string }).name, claims.name);
  });

  test('truncated, padded, re-encoded and garbage tokens are MALFORMED_TOKEN', async () => {
    const [h, p, s] = account.split('.') as [string, string, string];
    const cases = {
      'cut in the signature': account.slice(0, -10),
      'cut in the payload': account.slice(0, h.length + 1 + Math.floor(p.length / 2)),
      'padded signature': `${account}==`,
      // The header is 46 characters: standard base64 pads it with "==".
      'padded header': `${Buffer.from(h, 'base64url').toString('base64')}.${p}.${s}`,
      'standard base64 signature': `${h}.${p}.${Buffer.from(s, 'base64url').toString('base64')}`,
      garbage: 'hello world',
      'four parts': `${account}.${s}`,
    };
    assert.match(cases['padded header'], /^[^.]*=\./);
    for (const [what, token] of Object.entries(cases)) {
      assert.notEqual(token, account, what);
      await refused(home, ['describe', 'jwt', '-f', at('bad.jwt', token)], 'MALFORMED_TOKEN');
    }
    await refused(home, ['describe', 'jwt', '-f', '-'], 'MALFORMED_TOKEN', 1, '');
    await refused(home, ['describe', 'jwt', '-f', at('armor.txt', '-----BEGIN NATS USER JWT-----\n\n------END NATS USER JWT------\n')], 'MALFORMED_TOKEN');
  });

  test('an edited payload is shown, marked NOT VERIFIED, and exits with BAD_SIGNATURE', async () => {
    const forged = forge(account, (c) => {
      c.nats.limits.conn = 5;
    });
    const path = at('forged.jwt', forged);
    const r = await runCli(home, ['describe', 'jwt', '-f', path]);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /NOT VERIFIED, DO NOT TRUST/);
    assert.match(row(r.stdout, 'Signature'), /^INVALID/);
    assert.equal(row(r.stdout, 'Max Connections'), '5', 'what the forged token claims is shown');
    assert.match(r.stderr, /code BAD_SIGNATURE/);
    const j = await refused(home, ['describe', 'jwt', '-f', path], 'BAD_SIGNATURE');
    assert.equal((JSON.parse(j.stdout) as { error: { details: { claims: { nats: { limits: { conn: number } } } } } }).error.details.claims.nats.limits.conn, 5);
    // A forged token in the store is marked the same way.
    const op = await ws.directoryOperator();
    writeFileSync(op.accountJwtPath('SYS'), forged);
    const s = await runCli(home, ['describe', 'account', 'SYS']);
    assert.equal(s.code, 1);
    assert.match(s.stdout, /NOT VERIFIED/);
    assert.match(s.stderr, /code BAD_SIGNATURE/);
    writeFileSync(op.accountJwtPath('SYS'), account);
  });

  test('wrong use is refused: no input, a missing file, the wrong kind of token', async () => {
    await refused(home, ['describe', 'jwt'], 'USAGE');
    await refused(home, ['describe', 'jwt', account, '-f', file], 'USAGE');
    await refused(home, ['describe', 'jwt', '-f', join(home, 'missing.jwt')], 'IO_ERROR');
    assert.match((await refused(home, ['describe', 'user', '-f', file], 'WRONG_CLAIM_TYPE')).message, /describe jwt/);
  });
});
