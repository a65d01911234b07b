// `sigchain add user`, run as separate processes on real files: signing keys, permission flags,
// creds files, bad input and concurrent writers.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { it } from 'node:test';
import { formatCreds } from '../../src/claims/nats/creds.js';
import { decodeUser } from '../../src/claims/nats/decode.js';
import { KeyPair } from '../../src/nkeys/index.js';
import { cli, runCli, warningsBesidesHotWallet, stderrBesidesHotWallet } from '../helpers/cli.js';
import { home, json, mode, paths, payload, signingKeyTree, snapshot } from './fixtures-a.js';

it('add user U -K <account signing key>: iss is the SK, issuer_account is A, creds exactly as Go writes them', async (t) => {
  const h = home(t);
  const tree = await signingKeyTree(h);
  const r = await cli(h, ['add', 'user', 'U', '-K', tree.acctSkPath]);
  const userKey = /^\[ OK \] generated and stored user key "(U[A-Z2-7]{55})"$/m.exec(r.stderr)?.[1];
  assert.ok(userKey, r.stderr);
  const credsPath = paths.creds(h, 'O2', 'A', 'U');
  assert.match(r.stderr, new RegExp(`^\\[ OK \\] generated user creds file "${credsPath}"$`, 'm'));
  assert.match(r.stderr, /^\[ OK \] added user "U" to account "A"$/m);

  const jwt = readFileSync(paths.userJwt(h, 'O2', 'A', 'U'), 'utf8');
  const claims = decodeUser(jwt); // verifies the signature
  assert.equal(claims.sub, userKey);
  assert.equal(claims.iss, tree.acctSk);
  assert.equal(claims.nats.issuer_account, tree.acct);
  const seedFile = join(h, 'keys', 'U', userKey!.slice(1, 3), `${userKey}.nk`);
  const seed = readFileSync(seedFile, 'utf8');
  assert.equal(readFileSync(credsPath, 'utf8'), formatCreds(jwt, seed));
  assert.equal(mode(credsPath), 0o600);
  assert.equal(mode(seedFile), 0o600);
  assert.equal(mode(dirname(seedFile)), 0o700);
  assert.equal(mode(dirname(credsPath)), 0o700);
  assert.ok(!(r.stdout + r.stderr).includes(seed), 'the user seed is only in the creds file');
});

it('add user maps every nsc permission flag into the JWT (repeatable and comma-separated) and --json shape', async (t) => {
  const h = home(t);
  const tree = await signingKeyTree(h);
  const r = await cli(h, [
    'add', 'user', '--name', 'svc', '-a', 'A', '--operator', 'O2', '-K', tree.acctSk,
    '--allow-pub', 'orders.>,billing.*', '--allow-pub', 'audit', '--allow-sub', '_INBOX.>', '--allow-pubsub', 'both.>',
    '--deny-pub', 'orders.admin', '--deny-sub', 'secret.>', '--deny-pubsub', 'never',
    '--allow-pub-response', '2', '--response-ttl', '1s', '--bearer', '--source-network', '10.0.0.0/8,192.0.2.0/24',
    '--subs', '10', '--data', '1M', '--payload', '512K', '--conn-type', 'websocket', '--conn-type', 'STANDARD',
    '--tag', 'Team:A', '--expiry', '30d', '--json',
  ]);
  const out = json(r.stdout);
  assert.deepEqual(Object.keys(out).filter((k) => k !== 'warnings').sort(), ['account', 'operator', 'user']);
  assert.deepEqual(warningsBesidesHotWallet(out.warnings), []);
  assert.equal(out.operator, 'O2');
  assert.equal(out.account, 'A');
  assert.equal(out.user.name, 'svc');
  assert.equal(out.user.issuer, tree.acctSk);
  assert.equal(out.user.issuer_account, tree.acct);
  assert.equal(out.user.scoped, false);
  assert.equal(out.user.creds_path, paths.creds(h, 'O2', 'A', 'svc'));
  assert.equal(stderrBesidesHotWallet(r.stderr), '', 'no status lines in JSON mode');

  const c = payload(readFileSync(paths.userJwt(h, 'O2', 'A', 'svc'), 'utf8'));
  assert.equal(c.sub, out.user.public_key);
  assert.deepEqual(c.nats.pub, { allow: ['orders.>', 'billing.*', 'audit', 'both.>'], deny: ['orders.admin', 'never'] });
  assert.deepEqual(c.nats.sub, { allow: ['_INBOX.>', 'both.>'], deny: ['secret.>', 'never'] });
  assert.deepEqual(c.nats.resp, { max: 2, ttl: 1e9 });
  assert.equal(c.nats.bearer_token, true);
  assert.deepEqual(c.nats.src, ['10.0.0.0/8', '192.0.2.0/24']);
  assert.equal(c.nats.subs, 10);
  assert.equal(c.nats.data, 1024 * 1024);
  assert.equal(c.nats.payload, 512 * 1024);
  assert.deepEqual(c.nats.allowed_connection_types, ['WEBSOCKET', 'STANDARD']);
  assert.deepEqual(c.nats.tags, ['team:a']);
  assert.ok(Math.abs(c.exp - (c.iat + 30 * 86400)) <= 2, 'expires in 30 days');
});

it('add user refuses bad input with coded errors and changes nothing', async (t) => {
  const h = home(t);
  const tree = await signingKeyTree(h);
  const strayAcct = KeyPair.create('account'); // a real account key, but not one A lists
  const strayPath = await tree.ws.keys.storeKey(strayAcct);
  const before = snapshot(h);
  const cases: Array<{ args: string[]; code: string; exit?: number; check?: (m: string) => void }> = [
    {
      args: ['-K', strayPath],
      code: 'NO_APPROPRIATE_SIGNING_KEY',
      check: (m) => assert.ok(m.includes(tree.acct) && m.includes(tree.acctSk) && m.includes(strayAcct.publicKey), m),
    },
    { args: ['-K', tree.opSkPath], code: 'NO_APPROPRIATE_SIGNING_KEY', check: (m) => assert.match(m, /operator key/) },
    { args: ['-a', 'nope'], code: 'STORE_NOT_FOUND' },
    { args: ['--subs', 'many'], code: 'USAGE', exit: 2 },
    { args: ['--allow-pub-response', '0'], code: 'USAGE', exit: 2 },
    { args: ['--response-ttl', '5 minutes'], code: 'USAGE', exit: 2 },
    { args: ['--source-network', 'not-a-cidr'], code: 'INVALID_CLAIMS' },
    { args: ['--unknown-flag'], code: 'USAGE', exit: 2 },
  ];
  for (const c of cases) {
    const r = await runCli(h, ['add', 'user', 'X', ...c.args, '--json']);
    assert.equal(r.code, c.exit ?? 1, `${c.args.join(' ')}: ${r.stdout}${r.stderr}`);
    const err = json(r.stdout).error;
    assert.equal(err.code, c.code, `${c.args.join(' ')}: ${err.message}`);
    c.check?.(err.message);
  }
  assert.deepEqual(snapshot(h), before, 'no key, JWT or creds file was written');

  await cli(h, ['add', 'user', 'U']);
  const withU = snapshot(h);
  const dup = await runCli(h, ['add', 'user', 'U', '--json']);
  assert.equal(json(dup.stdout).error.code, 'STORE_EXISTS');
  assert.deepEqual(snapshot(h), withU, 'the existing user, its seed and creds are untouched');
});

it('add user into an account whose JWT is corrupt: STORE_CORRUPT naming the file, which is left as it was', async (t) => {
  const h = home(t);
  await signingKeyTree(h);
  const file = paths.accountJwt(h, 'O2', 'A');
  writeFileSync(file, 'eyJ0eXAi.garbage\n');
  const before = snapshot(h);
  const r = await runCli(h, ['add', 'user', 'U', '-a', 'A']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /\(code STORE_CORRUPT\)/);
  assert.ok(r.stderr.includes(file), r.stderr);
  assert.doesNotMatch(r.stderr, /^\s+at /m, 'no stack trace');
  assert.deepEqual(snapshot(h), before);
});

it('ten concurrent add user processes: every user, seed and creds file exists, nothing half-written', async (t) => {
  const h = home(t);
  const tree = await signingKeyTree(h);
  const names = Array.from({ length: 10 }, (_, i) => `u${i}`);
  const results = await Promise.all(names.map((n) => runCli(h, ['add', 'user', n, '-a', 'A', '-K', tree.acctSkPath, '--json'])));
  for (const [i, r] of results.entries()) assert.equal(r.code, 0, `${names[i]}: ${r.stdout}${r.stderr}`);
  const usersDir = dirname(paths.userJwt(h, 'O2', 'A', 'x'));
  assert.deepEqual(readdirSync(usersDir).sort(), names.map((n) => `${n}.jwt`).sort(), 'all users, and no temp files');
  for (const [i, n] of names.entries()) {
    const out = json(results[i]!.stdout);
    const jwt = readFileSync(paths.userJwt(h, 'O2', 'A', n), 'utf8');
    const claims = decodeUser(jwt);
    assert.equal(claims.sub, out.user.public_key);
    assert.equal(claims.iss, tree.acctSk);
    const seed = readFileSync(out.user.key_path, 'utf8');
    assert.equal(readFileSync(paths.creds(h, 'O2', 'A', n), 'utf8'), formatCreds(jwt, seed));
  }
  const leftovers = [...snapshot(h).keys()].filter((p) => /\.tmp$|\.lock$/.test(p));
  assert.deepEqual(leftovers, [], 'no temp or lock file left behind');
  assert.ok(existsSync(paths.accountJwt(h, 'O2', 'A')));
});
