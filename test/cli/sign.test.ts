// `sigchain sign` and `verify-signature` end to end, as scripts run them: every message source
// (-m, --file, stdin), base64url / --hex / --json, --context binding, nonce claims that must
// increase, KEY_USAGE_VIOLATION for a key without "authentication", and the audit log written
// (and sealed) with no seed in it.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { KeyPair, verifySignature } from '../../src/nkeys/keypair.js';
import { CLI_PATH, cli, runCli } from '../helpers/cli.js';
import { home, json, wsOf } from './fixtures-a.js';

async function authKey(h: string, usages: Array<'authentication' | 'issuing'> = ['authentication'], role: 'user' | 'account' = 'user'): Promise<KeyPair> {
  const kp = KeyPair.create(role);
  await wsOf(h).keys.storeKey(kp, { usages });
  return kp;
}

it('sign -m prints a base64url Ed25519 signature of the message bytes; --hex and --json; stdin and --file sign the same bytes', async (t) => {
  const h = home(t);
  const kp = await authKey(h);
  const sig = (await cli(h, ['sign', '-u', kp.publicKey, '-m', 'hello'])).stdout.trim();
  assert.match(sig, /^[A-Za-z0-9_-]{86}$/);
  assert.ok(verifySignature(kp.publicKey, Buffer.from('hello'), Buffer.from(sig, 'base64url')));
  // Ed25519 is deterministic: every source of the same bytes gives the same signature.
  const hex = (await cli(h, ['sign', '-u', kp.publicKey, '-m', 'hello', '--hex'])).stdout.trim();
  assert.equal(hex, Buffer.from(sig, 'base64url').toString('hex'));
  const viaStdin = await runCli(h, ['sign', '-u', kp.publicKey], {}, 'hello');
  assert.equal(viaStdin.code, 0, viaStdin.stderr);
  assert.equal(viaStdin.stdout.trim(), sig);
  const file = join(h, 'msg.bin');
  writeFileSync(file, 'hello');
  const out = json((await cli(h, ['sign', '-u', kp.publicKey, '--file', file, '--json'])).stdout);
  assert.deepEqual(out, { key: kp.publicKey, signature: sig });
  // Binary bytes go through untouched.
  const bin = Buffer.from([0, 255, 10, 13, 0x80, 0xc3]);
  writeFileSync(file, bin);
  const binSig = (await cli(h, ['sign', '-u', kp.publicKey, '--file', file])).stdout.trim();
  assert.ok(verifySignature(kp.publicKey, bin, Buffer.from(binSig, 'base64url')));
  const binStdin = await new Promise<string>((resolve, reject) => {
    import('node:child_process').then(({ spawn }) => {
      const c = spawn(process.execPath, [CLI_PATH, 'sign', '-u', kp.publicKey], { env: { PATH: process.env.PATH, HOME: h, SIGCHAIN_HOME: h } });
      let o = '';
      c.stdout.on('data', (d) => (o += d));
      c.on('error', reject);
      c.on('close', () => resolve(o.trim()));
      c.stdin.end(bin);
    }, reject);
  });
  assert.equal(binStdin, binSig);
  // -m and --file together: a usage error.
  assert.equal((await runCli(h, ['sign', '-u', kp.publicKey, '-m', 'x', '--file', file])).code, 2);
});

it('--context binds a purpose: the bytes signed are "sigchain-sign-v1\\0" + NAME + "\\0" + MESSAGE, and verify only under that name', async (t) => {
  const h = home(t);
  const kp = await authKey(h);
  const sig = (await cli(h, ['sign', '-u', kp.publicKey, '--context', 'login', '-m', 'challenge-1'])).stdout.trim();
  assert.ok(verifySignature(kp.publicKey, Buffer.from('sigchain-sign-v1\0login\0challenge-1'), Buffer.from(sig, 'base64url')));
  assert.ok(!verifySignature(kp.publicKey, Buffer.from('challenge-1'), Buffer.from(sig, 'base64url')));
  // `--signature=SIG`: a random base64url signature begins with '-' one time in 64, and after
  // `--signature ` that reads as a flag (a usage error, by design).
  const ok = await runCli(h, ['verify-signature', '-u', kp.publicKey, '--context', 'login', '-m', 'challenge-1', `--signature=${sig}`]);
  assert.equal(ok.code, 0, ok.stderr);
  for (const other of [['--context', 'payment'], []]) {
    const r = await runCli(h, ['verify-signature', '-u', kp.publicKey, ...other, '-m', 'challenge-1', `--signature=${sig}`, '--json']);
    assert.equal(r.code, 1);
    assert.equal(json(r.stdout).valid, false);
    assert.equal(json(r.stdout).error.code, 'SIGNATURE_INVALID');
  }
  // And a plain signature does not verify under a context.
  const plain = (await cli(h, ['sign', '-u', kp.publicKey, '-m', 'challenge-1'])).stdout.trim();
  assert.equal((await runCli(h, ['verify-signature', '-u', kp.publicKey, '--context', 'login', '-m', 'challenge-1', `--signature=${plain}`])).code, 1);
  assert.equal((await runCli(h, ['sign', '-u', kp.publicKey, '--context', '', '-m', 'x'])).code, 2, 'an empty context');
});

it('a key without the "authentication" usage is refused with KEY_USAGE_VIOLATION (and the refusal is audited); a seed for -u is refused without echo', async (t) => {
  const h = home(t);
  const issuing = await authKey(h, ['issuing'], 'account');
  const r = await runCli(h, ['sign', '-u', issuing.publicKey, '-m', 'x', '--json']);
  assert.equal(r.code, 1);
  assert.equal(json(r.stdout).error.code, 'KEY_USAGE_VIOLATION');
  assert.equal(r.stdout.includes('"signature"'), false);
  const n = await runCli(h, ['sign', '-u', issuing.publicKey, '--nonce-claim', '1:5:arkeo', '--json']);
  assert.equal(json(n.stdout).error.code, 'KEY_USAGE_VIOLATION');
  const shown = json((await cli(h, ['audit', 'show', '--json'])).stdout).records as Array<{ result: string; code: string; kind: string }>;
  assert.deepEqual(shown.map((x) => [x.kind, x.result, x.code]), [['message', 'refused', 'KEY_USAGE_VIOLATION'], ['nonce-claim', 'refused', 'KEY_USAGE_VIOLATION']]);
  // The refused key spent no nonce: a good key may still claim 5.
  const good = await authKey(h);
  await cli(h, ['sign', '-u', good.publicKey, '--nonce-claim', '1:5:arkeo']);
  const seed = await runCli(h, ['sign', '-u', issuing.seed, '-m', 'x']);
  assert.equal(seed.code, 2);
  assert.match(seed.stderr, /SEED_IN_ARGUMENT/);
  assert.equal((seed.stdout + seed.stderr).includes(issuing.seed), false);
  // A retired key signs nothing more; the refusal is audited too.
  const retired = await authKey(h);
  await wsOf(h).keys.retireKey(retired.publicKey, { reason: 'rotated' });
  const r2 = await runCli(h, ['sign', '-u', retired.publicKey, '-m', 'x', '--json']);
  assert.equal(json(r2.stdout).error.code, 'KEY_RETIRED');
  const last = (json((await cli(h, ['audit', 'show', '--key', retired.publicKey, '--json'])).stdout).records as Array<{ result: string; code: string }>).at(-1);
  assert.deepEqual([last?.result, last?.code], ['refused', 'KEY_RETIRED']);
  const missing = await runCli(h, ['sign', '-u', KeyPair.create('user').publicKey, '-m', 'x']);
  assert.match(missing.stderr, /STORE_NOT_FOUND/);
});

it('--nonce-claim signs exactly CONTRACT:NONCE:CHAIN and refuses a nonce not greater than the last for that contract, whatever the key', async (t) => {
  const h = home(t);
  const a = await authKey(h);
  const b = await authKey(h);
  const out = json((await cli(h, ['sign', '-u', a.publicKey, '--nonce-claim', '42:7:arkeo-main', '--json'])).stdout);
  assert.equal(out.claim, '42:7:arkeo-main');
  assert.ok(verifySignature(a.publicKey, Buffer.from('42:7:arkeo-main'), Buffer.from(out.signature, 'base64url')));
  // It verifies as a plain message.
  assert.equal((await runCli(h, ['verify-signature', '-u', a.publicKey, '-m', '42:7:arkeo-main', `--signature=${out.signature}`])).code, 0);
  for (const [key, claim] of [[a, '42:7:arkeo-main'], [b, '42:7:arkeo-main'], [b, '42:6:arkeo-main'], [a, '42:7:other-chain']] as const) {
    const r = await runCli(h, ['sign', '-u', key.publicKey, '--nonce-claim', claim, '--json']);
    assert.equal(r.code, 1, claim);
    assert.equal(json(r.stdout).error.code, 'NONCE_NOT_INCREASING');
    assert.equal(json(r.stdout).error.details.last, '7');
  }
  await cli(h, ['sign', '-u', b.publicKey, '--nonce-claim', '42:8:arkeo-main']);
  await cli(h, ['sign', '-u', b.publicKey, '--nonce-claim', '43:1:arkeo-main']); // another contract has its own counter
  for (const bad of ['42:07:arkeo', '42:0:arkeo', '42:8', ':8:arkeo', '42:18446744073709551616:arkeo', '42:x:arkeo']) {
    assert.equal((await runCli(h, ['sign', '-u', a.publicKey, '--nonce-claim', bad])).code, 2, bad);
  }
  assert.equal((await runCli(h, ['sign', '-u', a.publicKey, '--nonce-claim', '42:9:arkeo', '-m', 'x'])).code, 2);
  const state = JSON.parse(readFileSync(join(h, 'nonces', 'nonce-claims.json'), 'utf8'));
  assert.deepEqual(state.contracts, { 42: '8', 43: '1' });
  const claims = json((await cli(h, ['audit', 'show', '--kind', 'nonce-claim', '--json'])).stdout).records as Array<{ subject: string; result: string; sha256: string }>;
  assert.deepEqual(claims.map((c) => [c.subject, c.result]), [['42', 'ok'], ['42', 'refused'], ['42', 'refused'], ['42', 'refused'], ['42', 'refused'], ['42', 'ok'], ['43', 'ok']]);
  assert.equal(claims[0]!.sha256, createHash('sha256').update('42:7:arkeo-main').digest('hex'));
});

it('every signature is in the sealed audit log (key, kind, subject, caller, sha256), and no seed is', async (t) => {
  const h = home(t);
  const kp = await authKey(h);
  await cli(h, ['sign', '-u', kp.publicKey, '-m', 'one']);
  await cli(h, ['sign', '-u', kp.publicKey, '--context', 'login', '-m', 'two']);
  const text = readFileSync(join(h, 'audit', 'audit.log'), 'utf8');
  assert.equal(text.includes(kp.seed), false);
  assert.equal(text.includes('"one"') || text.includes('two'), false, 'no payload');
  const recs = text.trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(recs.map((r) => [r.seq, r.key, r.backend, r.usage, r.kind, r.subject, r.caller, r.result]), [
    [1, kp.publicKey, 'file', 'authentication', 'message', undefined, 'sign', 'ok'],
    [2, kp.publicKey, 'file', 'authentication', 'message', 'login', 'sign', 'ok'],
  ]);
  assert.equal(recs[0].sha256, createHash('sha256').update('one').digest('hex'));
  assert.equal(recs[1].sha256, createHash('sha256').update('sigchain-sign-v1\0login\0two').digest('hex'));
  assert.equal(JSON.parse(readFileSync(join(h, 'audit', 'head.json'), 'utf8')).records, 2, 'sealed after each command');
});
