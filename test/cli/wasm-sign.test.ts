// `sigchain add operator|account --format wascap`, `wasm sign` and `describe` of wascap tokens,
// run as separate processes on real files.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { decodeWascap } from '../../src/claims/wascap/index.js';
import { computeModuleHash, readEmbeddedToken } from '../../src/wasm/index.js';
import { WASCAP_FIXTURES_DIR, WASCAP_SEEDS } from '../nkeys/wascap-fixtures.js';
import { cli, runCli, tempHome } from '../helpers/cli.js';

function home(t: { after(fn: () => void): void }): string {
  const h = tempHome('sigchain-wsign-');
  t.after(() => rmSync(h, { recursive: true, force: true }));
  return h;
}

it('the seed-001 workflow from the CLI: wascap operator, account, signed module, describe', async (t) => {
  const h = home(t);
  const op = JSON.parse((await cli(h, ['add', 'operator', 'W', '--format', 'wascap', '--generate-signing-key', '--json'])).stdout);
  assert.equal(op.format, 'wascap');
  const acct = JSON.parse((await cli(h, ['add', 'account', 'team', '--format', 'wascap', '--generate-signing-key', '-K', op.signing_key.public_key, '--json'])).stdout);
  assert.equal(acct.account.signed_by, 'signing-key');
  const out = join(h, 'echo_s.wasm');
  const input = join(WASCAP_FIXTURES_DIR, 'echo_unpriv_s.wasm');
  const original = readFileSync(input);
  const r = JSON.parse((await cli(h, ['wasm', 'sign', input, '-o', out, '-K', acct.signing_key.public_key, '--name', 'echo', '--tag', 'a', '--rev', '2', '--ver', '1.0.0', '--json'])).stdout);
  const signed = readFileSync(out);
  const token = readEmbeddedToken(signed)!;
  assert.equal(token.section, 'wasmcloud_jwt');
  const claims = decodeWascap(token.token, { expect: 'actor' }).claims;
  assert.equal(claims.iss, acct.signing_key.public_key);
  assert.equal(claims.sub, r.generated_subject.public_key);
  assert.equal(claims.wascap.hash, computeModuleHash(signed));
  assert.equal(computeModuleHash(original), claims.wascap.hash);
  assert.equal(r.replaced, 'jwt');

  const dAcct = (await cli(h, ['describe', 'account', 'team'])).stdout;
  assert.match(dAcct, /Account Details \(wascap\)/);
  assert.match(dAcct, new RegExp(`Valid Signers +│ ${acct.signing_key.public_key} / signing key of account team`));
  assert.match(dAcct, new RegExp(`Issuer ID +│ ${op.signing_key.public_key} / signing key of operator W`));
  const dJwt = (await cli(h, ['describe', 'jwt', join(h, 'stores', 'W', 'W.jwt')])).stdout;
  assert.match(dJwt, /Operator Details \(wascap\)/);
  assert.match(dJwt, /wascap Revision +│ 3/);
  const json = JSON.parse((await cli(h, ['describe', 'operator', '--json'])).stdout);
  assert.deepEqual(json.wascap.valid_signers, [op.signing_key.public_key]);

  const u = await runCli(h, ['add', 'user', 'U']);
  assert.equal(u.code, 1);
  assert.match(u.stderr, /wasmCloud \(wascap\) operator[\s\S]*WRONG_CLAIM_TYPE/);
  const keys = (await cli(h, ['keys', 'list', '--json'])).stdout;
  assert.ok(keys.includes(r.generated_subject.public_key), 'the module key is in the key store');
});

it('wasm sign with a fixture seed file; wrong-role -K, malformed input and identity-key accounts refused', async (t) => {
  const h = home(t);
  const seedFile = join(h, 'account.nk');
  const s = WASCAP_SEEDS.find((x) => x.file === 'kvcounter_unpriv.account.nk')!;
  writeFileSync(seedFile, `${s.seed}\n`);
  chmodSync(seedFile, 0o600);
  const mod = WASCAP_SEEDS.find((x) => x.file === 'kvcounter_unpriv.module.nk')!;
  const out = join(h, 'kv.wasm');
  await cli(h, ['wasm', 'sign', join(WASCAP_FIXTURES_DIR, 'kvcounter_unpriv_s.wasm'), '-o', out, '-K', seedFile, '--subject', mod.publicKey]);
  const c = decodeWascap(readEmbeddedToken(readFileSync(out))!.token, { expect: 'actor' }).claims;
  assert.equal(c.iss, s.publicKey);
  assert.equal(c.sub, mod.publicKey);
  assert.equal(c.wascap.name, 'kvcounter_unpriv_s');

  const bad = join(h, 'bad.wasm');
  const notWasm = join(h, 'not.wasm');
  writeFileSync(notWasm, 'not wasm at all');
  const m = await runCli(h, ['wasm', 'sign', notWasm, '-o', bad, '-K', seedFile]);
  assert.equal(m.code, 1);
  assert.match(m.stderr, /MALFORMED_WASM/);
  assert.ok(!existsSync(bad), 'nothing written');
  const w = await runCli(h, ['wasm', 'sign', join(WASCAP_FIXTURES_DIR, 'loop.wasm'), '-o', bad, '-K', mod.seed]);
  assert.equal(w.code, 1);
  assert.match(w.stderr, /WRONG_KEY_ROLE/);
  assert.ok(!existsSync(bad));
  const io = await runCli(h, ['wasm', 'sign', join(h, 'missing.wasm'), '-o', bad, '-K', seedFile]);
  assert.match(io.stderr, /IO_ERROR/);

  await cli(h, ['add', 'operator', 'W', '--format', 'wascap']);
  const refused = await runCli(h, ['add', 'account', 'A', '--format', 'wascap']);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /NO_APPROPRIATE_SIGNING_KEY/);
  const allowed = await cli(h, ['add', 'account', 'A', '--format', 'wascap', '--allow-identity-key']);
  assert.match(allowed.stderr, /\[WARN\] Account "A" is signed by operator "W"'s identity key\. Gantry rejects/);
});
