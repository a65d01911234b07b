// The NATS "Signing Keys" walkthrough (nsc's signing-keys guide), every step through the CLI as a user types it:
// add operator, generate nkey --operator --store, edit operator --sk, add account -K <file>,
// generate nkey --account --store, edit account --sk -K, add user -K <file>.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { it } from 'node:test';
import { formatCreds } from '../../src/claims/nats/creds.js';
import { decodeAccount, decodeOperator, decodeUser } from '../../src/claims/nats/decode.js';
import { cli } from '../helpers/cli.js';
import { home, json, mode, paths } from './fixtures-a.js';

it('the signing-keys walkthrough: user signed by the account SK, account signed by the operator SK, creds as Go writes them', async (t) => {
  const h = home(t);
  const op = await cli(h, ['add', 'operator', 'O2']);
  const opId = /generated and stored operator key "(O[A-Z2-7]{55})"/.exec(op.stderr)![1]!;

  const opSk = await cli(h, ['generate', 'nkey', '--operator', '--store']);
  const [opSkPub, opSkLine] = opSk.stdout.split('\n');
  const opSkPath = opSkLine!.replace(/^operator key stored /, '');
  assert.equal(opSkPath, join(h, 'keys', 'O', opSkPub!.slice(1, 3), `${opSkPub}.nk`));
  await cli(h, ['edit', 'operator', '--sk', opSkPub!]);

  const acct = await cli(h, ['add', 'account', 'A', '-K', opSkPath]);
  assert.match(acct.stderr, /^\[ OK \] added account "A"$/m);

  const acctSk = json((await cli(h, ['generate', 'nkey', '--account', '--store', '--json'])).stdout);
  await cli(h, ['edit', 'account', '--sk', acctSk.public_key, '-K', opSkPath]);

  const user = await cli(h, ['add', 'user', 'U', '-K', acctSk.path]);
  const credsPath = paths.creds(h, 'O2', 'A', 'U');
  assert.equal(credsPath, join(h, 'creds', 'O2', 'A', 'U.creds'));
  assert.match(user.stderr, /^\[ OK \] generated and stored user key "U[A-Z2-7]{55}"$/m);
  assert.ok(user.stderr.includes(`[ OK ] generated user creds file "${credsPath}"`));
  assert.match(user.stderr, /^\[ OK \] added user "U" to account "A"$/m);

  // The chain, verified signature by signature.
  const o = decodeOperator(readFileSync(paths.operatorJwt(h, 'O2'), 'utf8'));
  assert.equal(o.sub, opId);
  assert.deepEqual(o.nats.signing_keys, [opSkPub]);
  const a = decodeAccount(readFileSync(paths.accountJwt(h, 'O2', 'A'), 'utf8'));
  assert.equal(a.iss, opSkPub, "the account's issuer is the operator signing key");
  assert.deepEqual(a.nats.signing_keys, [acctSk.public_key]);
  const userJwt = readFileSync(paths.userJwt(h, 'O2', 'A', 'U'), 'utf8');
  const u = decodeUser(userJwt);
  assert.equal(u.iss, acctSk.public_key, "the user's issuer is the account signing key");
  assert.equal(u.nats.issuer_account, a.sub, 'issuer_account names account A');

  const userSeedPath = join(h, 'keys', 'U', u.sub.slice(1, 3), `${u.sub}.nk`);
  const userSeed = readFileSync(userSeedPath, 'utf8');
  assert.equal(readFileSync(credsPath, 'utf8'), formatCreds(userJwt, userSeed), "exactly Go's FormatUserConfig");
  assert.equal(mode(credsPath), 0o600);
  for (const seedFile of [opSkPath, acctSk.path, userSeedPath]) {
    assert.equal(mode(seedFile), 0o600, seedFile);
    assert.equal(mode(dirname(seedFile)), 0o700, dirname(seedFile));
  }
  assert.equal(mode(join(h, 'keys')), 0o700);
  assert.equal(mode(dirname(credsPath)), 0o700);
});
