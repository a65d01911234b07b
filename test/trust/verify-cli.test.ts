// `sigchain verify` as a user runs it: a token, a creds file and stdin; the store as the chain
// and the roots; --chain and --trust for tokens made by the official @nats-io/jwt; the
// policy flags; exit 0 when valid, 1 when not.
import assert from 'node:assert/strict';
import { closeSync, ftruncateSync, mkdirSync, openSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import * as jwtjs from '@nats-io/jwt';
import * as nkeysjs from '@nats-io/nkeys';
import { cli, runCli, tempHome } from '../helpers/cli.js';
import { tamper } from './helpers.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const LIMITS = { subs: -1, data: -1, payload: -1, imports: -1, exports: -1, wildcards: true, conn: -1, leaf: -1 };

describe('sigchain verify', () => {
  const home = tempHome('sigchain-verify-');
  const credsPath = join(home, 'creds', 'O2', 'A', 'U.creds');
  let userJwt = '';
  let operatorKey = '';

  before(async () => {
    await cli(home, ['add', 'operator', 'O2', '--generate-signing-key']);
    await cli(home, ['add', 'account', 'A']);
    await cli(home, ['add', 'user', 'U']);
    const opJwt = readFileSync(join(home, 'stores', 'O2', 'O2.jwt'), 'utf8').trim();
    operatorKey = (JSON.parse(Buffer.from(opJwt.split('.')[1]!, 'base64url').toString('utf8')) as Json).sub;
    userJwt = readFileSync(join(home, 'stores', 'O2', 'accounts', 'A', 'users', 'U.jwt'), 'utf8').trim();
  });

  it('verifies a creds file against the store (its operators are the roots); exit 0', async () => {
    const r = await runCli(home, ['verify', credsPath]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Chain of Trust/);
    assert.match(r.stdout, /│ user +│ U +│/);
    assert.match(r.stdout, /│ account +│ A +│ .* │ signing key +│ ok/);
    assert.match(r.stdout, /NO_EXPIRY \(user exp\)/);
    assert.match(r.stdout, /^VALID/m);
    assert.match(r.stderr, /Trusting the 1 operator in the store/);
  });

  it('verifies a token given inline and on stdin, with --json', async () => {
    const inline = await runCli(home, ['verify', userJwt, '--json']);
    assert.equal(inline.code, 0, inline.stdout);
    const v = JSON.parse(inline.stdout) as Json;
    assert.equal(v.valid, true);
    assert.deepEqual(v.chain.map((l: Json) => [l.kind, l.name, l.signed_by]), [['user', 'U', 'identity'], ['account', 'A', 'signing-key'], ['operator', 'O2', 'identity']]);
    assert.deepEqual(v.errors, []);
    assert.deepEqual(v.warnings.map((w: Json) => w.code), ['NO_EXPIRY']);
    const piped = await runCli(home, ['verify', '-', '--json'], {}, `${userJwt}\n`);
    assert.equal(piped.code, 0, piped.stdout);
    const { checked_at: _a, ...fromStdin } = JSON.parse(piped.stdout) as Json;
    const { checked_at: _b, ...fromArg } = v;
    assert.deepEqual(fromStdin, fromArg, 'the same verdict either way');
  });

  it('refuses a tampered token from stdin with exit 1 and the code, in text and JSON', async () => {
    const forged = tamper(userJwt, (p) => ((p.nats as Json).pub = { allow: ['>'] }));
    const text = await runCli(home, ['verify', '-'], {}, forged);
    assert.equal(text.code, 1, text.stderr);
    assert.match(text.stdout, /BAD_SIGNATURE \(user\)/, text.stderr);
    assert.match(text.stdout, /│ user .* INVALID │/);
    assert.match(text.stdout, /^INVALID: 1 error\./m);
    assert.match(text.stderr, /\(code BAD_SIGNATURE\)/);
    const json = await runCli(home, ['verify', '-', '--json'], {}, forged);
    assert.equal(json.code, 1);
    const out = JSON.parse(json.stdout) as Json;
    assert.equal(out.error.code, 'BAD_SIGNATURE');
    assert.equal(out.valid, false);
    assert.deepEqual(out.errors.map((e: Json) => e.code), ['BAD_SIGNATURE']);
  });

  it('applies --require-signing-keys, --ban, --at and --clock-skew', async () => {
    // The store's SYS account was signed by the operator signing key, but an account added
    // without one is signed by the identity key: make one and judge it strictly.
    const h2 = tempHome('sigchain-verify-strict-');
    await cli(h2, ['add', 'operator', 'O']);
    await cli(h2, ['add', 'account', 'B']);
    const acct = join(h2, 'stores', 'O', 'accounts', 'B', 'B.jwt');
    assert.equal((await runCli(h2, ['verify', acct])).code, 0);
    const strict = await runCli(h2, ['verify', acct, '--require-signing-keys', '--json']);
    assert.equal(strict.code, 1);
    assert.equal((JSON.parse(strict.stdout) as Json).error.code, 'IDENTITY_KEY_MISUSE');
    const banned = await runCli(home, ['verify', credsPath, '--ban', operatorKey, '--json']);
    assert.equal(banned.code, 1);
    assert.ok((JSON.parse(banned.stdout) as Json).errors.some((e: Json) => e.code === 'KEY_BANNED' && e.at === 'operator'));
    // A user that expires in an hour: invalid as of two hours from now, valid with enough skew.
    await cli(home, ['add', 'user', 'short', '--expiry', '1h']);
    const shortCreds = join(home, 'creds', 'O2', 'A', 'short.creds');
    assert.equal((await runCli(home, ['verify', shortCreds])).code, 0);
    const later = await runCli(home, ['verify', shortCreds, '--at', '2h', '--json']);
    assert.equal(later.code, 1);
    assert.equal((JSON.parse(later.stdout) as Json).error.code, 'TOKEN_EXPIRED');
    assert.equal((await runCli(home, ['verify', shortCreds, '--at', '2h', '--clock-skew', '7200'])).code, 0);
  });

  it('takes the chain from an nsc-style store folder with --chain and a key with --trust', async () => {
    const empty = tempHome('sigchain-verify-empty-');
    const r = await runCli(empty, ['verify', credsPath, '--chain', join(home, 'stores', 'O2'), '--trust', operatorKey, '--json']);
    assert.equal(r.code, 0, r.stdout);
    assert.equal((JSON.parse(r.stdout) as Json).chain[2].source, 'resolver');
    // Without --trust, an empty store trusts nothing.
    const untrusted = await runCli(empty, ['verify', credsPath, '--chain', join(home, 'stores', 'O2'), '--json']);
    assert.equal(untrusted.code, 1);
    assert.equal((JSON.parse(untrusted.stdout) as Json).error.code, 'ISSUER_NOT_TRUSTED');
  });

  it('judges tokens made by @nats-io/jwt given with --chain and --trust', async () => {
    const dir = tempHome('sigchain-verify-jwtjs-');
    const op = nkeysjs.createOperator();
    const osk = nkeysjs.createOperator();
    const acct = nkeysjs.createAccount();
    const user = nkeysjs.createUser();
    const opJwt = await jwtjs.encodeOperator('jsop', op, { signing_keys: [osk.getPublicKey()] });
    const acctJwt = await jwtjs.encodeAccount('jsacct', acct, { limits: LIMITS }, { signer: osk });
    const uJwt = await jwtjs.encodeUser('jsuser', user, acct, {}, { exp: Math.floor(Date.now() / 1000) + 3600 });
    writeFileSync(join(dir, 'operator.jwt'), opJwt);
    writeFileSync(join(dir, 'account.jwt'), acctJwt);
    writeFileSync(join(dir, 'user.creds'), jwtjs.fmtCreds(uJwt, user));
    const ok = await runCli(dir, ['verify', join(dir, 'user.creds'), '--chain', join(dir, 'account.jwt'), '--trust', join(dir, 'operator.jwt'), '--require-signing-keys', '--json']);
    assert.equal(ok.code, 0, ok.stdout);
    const v = JSON.parse(ok.stdout) as Json;
    assert.deepEqual(v.chain.map((l: Json) => [l.name, l.source]), [['jsuser', 'token'], ['jsacct', 'resolver'], ['jsop', 'policy']]);
    assert.deepEqual(v.warnings, []);
    const byKey = await runCli(dir, ['verify', uJwt, '--chain', join(dir, 'operator.jwt'), '--chain', join(dir, 'account.jwt'), '--trust', op.getPublicKey()]);
    assert.equal(byKey.code, 0, byKey.stdout);

    // jwt.js's defaults: an account without limits (nats-server reads conn 0) signed by the
    // operator identity. Both are judged: the account admits no one; strictly, it is misissued.
    const bareAcct = nkeysjs.createAccount();
    writeFileSync(join(dir, 'bare.jwt'), await jwtjs.encodeAccount('bare', bareAcct, {}, { signer: op }));
    const bareUser = await jwtjs.encodeUser('u', nkeysjs.createUser(), bareAcct);
    const bad = await runCli(dir, ['verify', bareUser, '--chain', join(dir, 'bare.jwt'), '--trust', opJwt, '--require-signing-keys', '--json']);
    assert.equal(bad.code, 1);
    assert.deepEqual((JSON.parse(bad.stdout) as Json).errors.map((e: Json) => e.code).sort(), ['ACCOUNT_DISABLED', 'IDENTITY_KEY_MISUSE']);
  });

  it('refuses bad input with a coded error, never a stack trace', async () => {
    const missing = await runCli(home, ['verify', join(home, 'nope.creds')]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /no such file exists.*\n.*\(code IO_ERROR\)/);
    const wrongRoot = await runCli(home, ['verify', credsPath, '--trust', nkeysjs.createAccount().getPublicKey()]);
    assert.equal(wrongRoot.code, 1);
    assert.match(wrongRoot.stderr, /code NKEY_WRONG_ROLE/);
    const noArg = await runCli(home, ['verify']);
    assert.equal(noArg.code, 2);
    assert.doesNotMatch(`${missing.stderr}${wrongRoot.stderr}${noArg.stderr}`, /\n\s+at /);
  });

  it('judges exactly the bytes given: every way in goes through the one strict reader', async () => {
    const creds = readFileSync(credsPath, 'utf8');
    const acctJwt = readFileSync(join(home, 'stores', 'O2', 'accounts', 'A', 'A.jwt'), 'utf8').trim();
    await cli(home, ['add', 'user', 'U2']);
    const otherSeed = /^SU[A-Z2-7]+$/m.exec(readFileSync(join(home, 'creds', 'O2', 'A', 'U2.creds'), 'utf8'))![0];
    const seed = /^SU[A-Z2-7]+$/m.exec(creds)![0];
    const dir = join(home, 'attacks');
    mkdirSync(dir, { recursive: true });
    const at = (name: string, text: string) => {
      writeFileSync(join(dir, name), text);
      return join(dir, name);
    };
    const refused = async (args: string[], code: string, input?: string) => {
      const r = await runCli(home, args, {}, input);
      assert.equal(r.code, 1, `${args.join(' ').slice(0, 80)}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, new RegExp(`\\(code ${code}\\)`), args.join(' ').slice(0, 80));
      assert.ok(!`${r.stdout}${r.stderr}`.includes(seed.slice(2, 20)) && !`${r.stdout}${r.stderr}`.includes(otherSeed.slice(2, 20)), 'no seed text');
      assert.doesNotMatch(r.stderr, /\n\s+at /);
    };
    // A 4th segment or padding in a creds file was read as the valid token inside it.
    await refused(['verify', at('extra.creds', creds.replace(userJwt, `${userJwt}.extra`))], 'MALFORMED_TOKEN');
    await refused(['verify', at('pad.creds', creds.replace(userJwt, `${userJwt}==`))], 'MALFORMED_TOKEN');
    // The same tokens inline are malformed tokens, not missing files.
    await refused(['verify', `${userJwt}.extra`], 'MALFORMED_TOKEN');
    await refused(['verify', `${userJwt}==`], 'MALFORMED_TOKEN');
    await refused(['verify', '-'], 'MALFORMED_TOKEN', `${userJwt}==\n`);
    // A creds file is a user credential.
    await refused(['verify', at('acct.creds', creds.replace(userJwt, acctJwt))], 'WRONG_CLAIM_TYPE');
    await refused(['verify', at('mixed.creds', creds.replace(seed, otherSeed))], 'CREDS_KEY_MISMATCH');
    await refused(['verify', at('two.creds', creds.replace('-----BEGIN NATS USER JWT', `-----BEGIN NATS USER JWT-----\n${userJwt}\n------END NATS USER JWT------\n-----BEGIN NATS USER JWT`))], 'MALFORMED_CREDS');
    // ... also when given to --chain, and the same for describe jwt.
    await refused(['verify', userJwt, '--chain', join(dir, 'acct.creds')], 'WRONG_CLAIM_TYPE');
    await refused(['describe', 'jwt', join(dir, 'acct.creds')], 'WRONG_CLAIM_TYPE');
    await refused(['describe', 'jwt', '-f', join(dir, 'mixed.creds')], 'CREDS_KEY_MISMATCH');
    await refused(['describe', 'jwt', `${userJwt}.extra`], 'MALFORMED_TOKEN');
    // A server config with one bad token is refused, naming it.
    await refused(['verify', userJwt, '--chain', at('server.conf', `operator: ${acctJwt}==\n`)], 'MALFORMED_TOKEN');
    // A 100 MB (sparse) file is refused from its size, before reading.
    const huge = join(dir, 'huge.jwt');
    const fd = openSync(huge, 'w');
    ftruncateSync(fd, 100 * 1024 * 1024);
    closeSync(fd);
    const t0 = performance.now();
    await refused(['verify', huge], 'TOKEN_TOO_LARGE');
    await refused(['verify', userJwt, '--chain', huge], 'TOKEN_TOO_LARGE');
    assert.ok(performance.now() - t0 < 5000);
    // A --chain folder holding a symlink loop ends, and its tokens are read once.
    const loop = join(dir, 'loop');
    mkdirSync(join(loop, 'a'), { recursive: true });
    writeFileSync(join(loop, 'a', 'A.jwt'), acctJwt);
    writeFileSync(join(loop, 'O2.jwt'), readFileSync(join(home, 'stores', 'O2', 'O2.jwt')));
    symlinkSync(loop, join(loop, 'a', 'back'));
    const ok = await runCli(home, ['verify', credsPath, '--chain', loop, '--trust', operatorKey]);
    assert.equal(ok.code, 0, ok.stderr);
  });
});
