// A store holding NATS and wasmCloud (wascap) operators side by side, through the CLI as a user
// runs it: `verify` judges each format's chains against the store with no --chain/--trust and
// neither trips over the other; `keys list` names wascap keys; the NATS-only commands say what
// to do for a wascap operator; `select` works for both.
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { decodeWascap, encodeWascapSync, newWascapOperatorClaims } from '../../src/claims/wascap/index.js';
import { KeyPair } from '../../src/nkeys/index.js';
import { readEmbeddedToken } from '../../src/wasm/index.js';
import { WASCAP_FIXTURES_DIR } from '../nkeys/wascap-fixtures.js';
import { type CliResult, cli, runCli, tempHome } from '../helpers/cli.js';

function home(t: { after(fn: () => void): void }): string {
  const h = tempHome('sigchain-wstore-');
  t.after(() => rmSync(h, { recursive: true, force: true }));
  return h;
}

const json = (r: CliResult) => JSON.parse(r.stdout);

/** NATS operator N (account NA, user NU) and wascap operator O (account A) in one store; a module signed by A's signing key. */
async function mixedStore(h: string, env: NodeJS.ProcessEnv = {}) {
  await cli(h, ['add', 'operator', 'N', '--generate-signing-key'], env);
  await cli(h, ['add', 'account', 'NA'], env);
  await cli(h, ['add', 'user', 'NU'], env);
  const op = json(await cli(h, ['add', 'operator', 'O', '--format', 'wascap', '--generate-signing-key', '--json'], env));
  const acct = json(await cli(h, ['add', 'account', 'A', '--format', 'wascap', '--generate-signing-key', '--json'], env));
  const signed = join(h, 's.wasm');
  const sign = json(await cli(h, ['wasm', 'sign', join(WASCAP_FIXTURES_DIR, 'loop.wasm'), '-o', signed, '-K', acct.signing_key.public_key, '--name', 'loop', '--json'], env));
  return { op, acct, signed, module: sign.generated_subject.public_key as string };
}

it('a mixed store: verify judges wascap modules, actor tokens and NATS users against the store with no --chain or --trust', async (t) => {
  const h = home(t);
  const { op, acct, signed, module } = await mixedStore(h);

  // The seed-001 workflow: the module's chain is found in the store and ends at its wascap operator.
  const v = await runCli(h, ['verify', signed, '--json']);
  assert.equal(v.code, 0, v.stderr);
  const verdict = json(v);
  assert.equal(verdict.valid, true);
  assert.deepEqual(verdict.chain.map((l: { kind: string; sub: string }) => [l.kind, l.sub]), [['actor', module], ['account', acct.account.public_key], ['operator', op.operator.public_key]]);
  const human = await cli(h, ['verify', signed]);
  assert.match(human.stderr, /Trusting the 2 operators in the store/);
  assert.match(human.stdout, /VALID: the chain ends at a trusted operator\./);
  const inspect = await runCli(h, ['wasm', 'inspect', signed, '--json']);
  assert.equal(inspect.code, 0, inspect.stderr);
  assert.equal(json(inspect).valid, true);

  // The actor token alone, and the account token, judged the same way.
  const actorJwt = join(h, 'actor.jwt');
  writeFileSync(actorJwt, readEmbeddedToken(readFileSync(signed))!.token);
  assert.equal(json(await cli(h, ['verify', actorJwt, '--json'])).valid, true);
  assert.equal(json(await cli(h, ['verify', join(h, 'stores', 'O', 'accounts', 'A', 'A.jwt'), '--json'])).valid, true);

  // The NATS side of the same store is unaffected by the wascap operator beside it.
  const user = await runCli(h, ['verify', join(h, 'creds', 'N', 'NA', 'NU.creds'), '--json']);
  assert.equal(user.code, 0, user.stderr);
  assert.deepEqual(json(user).chain.map((l: { kind: string }) => l.kind), ['user', 'account', 'operator']);

  // Trusting only the NATS operator, the wascap chain has no trusted root.
  const natsOp = json(await cli(h, ['describe', 'operator', 'N', '--json'])).sub;
  const untrusted = await runCli(h, ['verify', signed, '--trust', natsOp, '--json']);
  assert.equal(untrusted.code, 1);
  assert.equal(json(untrusted).valid, false);
});

it('an account signed with --allow-identity-key: its modules verify as IDENTITY_KEY_MISUSE from the store', async (t) => {
  const h = home(t);
  const { op } = await mixedStore(h);
  const b = json(await cli(h, ['add', 'account', 'B', '--format', 'wascap', '--allow-identity-key', '-K', op.operator.public_key, '--generate-signing-key', '--json']));
  assert.equal(b.account.signed_by, 'identity');
  const out = join(h, 'b.wasm');
  await cli(h, ['wasm', 'sign', join(WASCAP_FIXTURES_DIR, 'loop.wasm'), '-o', out, '-K', b.signing_key.public_key, '--name', 'loopb']);
  const r = await runCli(h, ['verify', out, '--json']);
  assert.equal(r.code, 1);
  const v = json(r);
  assert.equal(v.valid, false);
  assert.equal(v.error.code, 'IDENTITY_KEY_MISUSE');
  assert.equal(v.errors[0].at, 'account');
  const human = await runCli(h, ['verify', out]);
  assert.equal(human.code, 1);
  assert.match(human.stderr, /IDENTITY_KEY_MISUSE at the account/);
  // wasm inspect judges the module alone (signature, hash, time): it stays valid.
  assert.equal((await runCli(h, ['wasm', 'inspect', out])).code, 0);
});

it('operator identity rotation keeps accounts valid: a new operator JWT listing the same signing keys, given with --trust', async (t) => {
  const h = home(t);
  const { op, signed } = await mixedStore(h);
  const newIdentity = KeyPair.create('operator');
  const rotated = encodeWascapSync(newWascapOperatorClaims('O', newIdentity.publicKey, { validSigners: [op.signing_key.public_key] }), newIdentity);
  const rotatedFile = join(h, 'O2.jwt');
  writeFileSync(rotatedFile, rotated);
  const r = await runCli(h, ['verify', signed, '--trust', rotatedFile, '--json']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const v = json(r);
  assert.equal(v.valid, true);
  assert.equal(v.chain.at(-1).sub, newIdentity.publicKey);
  // Banning the rotated-out identity changes nothing for accounts its signing key signed.
  assert.equal((await runCli(h, ['verify', signed, '--trust', rotatedFile, '--ban', op.operator.public_key])).code, 0);
  // A new operator that does not list the signing key is no parent of the account.
  const other = KeyPair.create('operator');
  const stranger = join(h, 'O3.jwt');
  writeFileSync(stranger, encodeWascapSync(newWascapOperatorClaims('O', other.publicKey, { validSigners: [KeyPair.create('operator').publicKey] }), other));
  const bad = await runCli(h, ['verify', signed, '--trust', stranger, '--json']);
  assert.equal(bad.code, 1);
  assert.equal(json(bad).valid, false);
});

it('keys list names wascap operator and account keys (identity and valid_signers) beside NATS ones; list keys shows the wascap tree', async (t) => {
  const h = home(t);
  const { op, acct } = await mixedStore(h);
  const rows: Array<{ public_key: string; entities: string[] }> = json(await cli(h, ['keys', 'list', '--json'])).keys;
  const of = (k: string) => rows.find((r) => r.public_key === k)?.entities;
  assert.deepEqual(of(op.operator.public_key), ['operator O']);
  assert.deepEqual(of(op.signing_key.public_key), ['operator O signing key']);
  assert.deepEqual(of(acct.account.public_key), ['account O/A']);
  assert.deepEqual(of(acct.signing_key.public_key), ['account O/A signing key']);
  assert.ok(rows.some((r) => r.entities.includes('user N/NA/NU')), 'NATS keys are still named');
  const table = (await cli(h, ['keys', 'list'])).stdout;
  assert.match(table, new RegExp(`${acct.signing_key.public_key} .*account O/A signing key`));

  await cli(h, ['select', 'operator', 'O']);
  const listed = (await cli(h, ['list', 'keys', '-A'])).stdout;
  for (const k of [op.operator.public_key, op.signing_key.public_key, acct.account.public_key, acct.signing_key.public_key]) assert.ok(listed.includes(k), `list keys shows ${k}`);
});

it('select works for wascap operators and accounts; edit, keys compromised and nats server-config say what to do instead', async (t) => {
  const h = home(t);
  const { op, acct } = await mixedStore(h);
  await cli(h, ['select', 'operator', 'N']);
  await cli(h, ['select', 'operator', 'O']);
  assert.deepEqual(json(await cli(h, ['select', 'account', 'A', '--json'])), { operator: 'O', account: 'A' });
  assert.equal(json(await cli(h, ['describe', 'account', '--json'])).sub, acct.account.public_key);
  assert.equal(json(await cli(h, ['describe', 'operator', '--json'])).sub, op.operator.public_key);

  const keysBefore = readKeysCount(await cli(h, ['keys', 'list', '--json']));
  for (const [args, advice] of [
    [['edit', 'operator', '--sk', 'generate'], /no edit for wascap tokens yet[\s\S]*add operator NAME --format wascap --generate-signing-key/],
    [['edit', 'account', 'A', '--sk', 'generate'], /no edit for wascap tokens yet[\s\S]*add account NAME --format wascap --operator O[\s\S]*wasm sign/],
    [['nats', 'server-config'], /nats-server configuration holds NATS[\s\S]*--operator NAME/],
    [['keys', 'compromised', op.signing_key.public_key], /lists it in valid_signers; it signed account "A"[\s\S]*cannot re-issue wascap tokens yet[\s\S]*--ban/],
    [['keys', 'compromised', acct.signing_key.public_key], /account "A" lists it in valid_signers[\s\S]*re-sign every module/],
  ] as const) {
    const r = await runCli(h, [...args, '--json']);
    assert.equal(r.code, 1, args.join(' '));
    const e = json(r).error;
    assert.equal(e.code, 'WRONG_CLAIM_TYPE', args.join(' '));
    assert.match(e.message, advice, args.join(' '));
  }
  const id = await runCli(h, ['keys', 'compromised', op.operator.public_key, '--json']);
  assert.equal(json(id).error.code, 'COMPROMISED_KEY_IS_IDENTITY');
  assert.equal(readKeysCount(await cli(h, ['keys', 'list', '--json'])), keysBefore, 'a refused edit generates no key');

  // A key no wascap entity uses: the NATS search runs and notes the wascap operator.
  await cli(h, ['select', 'operator', 'N']);
  const natsSk = json(await cli(h, ['describe', 'operator', '--json'])).nats.signing_keys[0];
  const plan = await runCli(h, ['keys', 'compromised', natsSk]);
  assert.match(plan.stdout + plan.stderr, /wasmCloud \(wascap\) operator; neither it nor its accounts list/);
  assert.equal((await runCli(h, ['nats', 'server-config'])).code, 0);
});

function readKeysCount(r: CliResult): number {
  return json(r).keys.length;
}

it('the seed-001 workflow with the default (sealed) key backend', async (t) => {
  const h = home(t);
  const env = { SIGCHAIN_KEYRING_BACKEND: '', SIGCHAIN_AGE_WORK_FACTOR: '10', SIGCHAIN_PASSPHRASE: 'correct horse battery' };
  const { acct, signed } = await mixedStore(h, env);
  assert.match(acct.signing_key.key_path, /\.nk\.age$/);
  const v = await runCli(h, ['verify', signed, '--json'], env);
  assert.equal(v.code, 0, v.stderr);
  assert.equal(json(v).valid, true);
  assert.equal(decodeWascap(readEmbeddedToken(readFileSync(signed))!.token, { expect: 'actor' }).claims.iss, acct.signing_key.public_key);
  const list: Array<{ public_key: string; entities: string[] }> = json(await cli(h, ['keys', 'list', '--json'], env)).keys;
  assert.deepEqual(list.find((r) => r.public_key === acct.signing_key.public_key)?.entities, ['account O/A signing key']);
});
