// `sigchain verify-signature`: exit 0 for a genuine signature (base64url, hex, padded base64; -m,
// --file or stdin), 1 for any other key, message or context (SIGNATURE_INVALID, "valid":false),
// 2 for a signature that is not one. It uses no private key, so it writes no audit record.
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { KeyPair } from '../../src/nkeys/keypair.js';
import { runCli } from '../helpers/cli.js';
import { home, json } from './fixtures-a.js';

it('verify-signature: genuine in every encoding and source; not genuine for another key, message or context; malformed is a usage error', async (t) => {
  const h = home(t);
  const msg = Buffer.from('pay 10 to bob');
  // A value after `--signature ` that starts with a dash is read as a flag (exit 2, "use
  // --signature=-XYZ"): one random signature in 64 begins with '-' in base64url, so take a key
  // whose signature does not, and the test never depends on the draw.
  let kp: KeyPair;
  do kp = KeyPair.create('user');
  while (Buffer.from(kp.sign(msg)).toString('base64url').startsWith('-'));
  const raw = Buffer.from(kp.sign(msg));
  const args = (sig: string, ...more: string[]) => ['verify-signature', '-u', kp.publicKey, '--signature', sig, ...more];
  for (const sig of [raw.toString('base64url'), raw.toString('hex'), raw.toString('hex').toUpperCase(), raw.toString('base64')]) {
    const r = await runCli(h, args(sig, '-m', msg.toString()));
    assert.equal(r.code, 0, `${sig}: ${r.stderr}`);
    assert.match(r.stdout, /^genuine: signed by U/);
  }
  const j = await runCli(h, args(raw.toString('base64url'), '-m', msg.toString(), '--json'));
  assert.deepEqual(json(j.stdout), { valid: true, key: kp.publicKey });
  const viaStdin = await runCli(h, args(raw.toString('base64url')), {}, msg.toString());
  assert.equal(viaStdin.code, 0, viaStdin.stderr);
  const file = join(h, 'm.txt');
  writeFileSync(file, msg);
  assert.equal((await runCli(h, args(raw.toString('base64url'), '--file', file))).code, 0);

  const other = KeyPair.create('user');
  const wrongKey = await runCli(h, ['verify-signature', '-u', other.publicKey, '--signature', raw.toString('base64url'), '-m', msg.toString(), '--json']);
  assert.equal(wrongKey.code, 1);
  assert.deepEqual([json(wrongKey.stdout).valid, json(wrongKey.stdout).error.code], [false, 'SIGNATURE_INVALID']);
  assert.equal((await runCli(h, args(raw.toString('base64url'), '-m', 'pay 11 to bob'))).code, 1);
  assert.equal((await runCli(h, args(raw.toString('base64url'), '-m', msg.toString(), '--context', 'x'))).code, 1);
  const flipped = Buffer.from(raw);
  flipped[10]! ^= 1;
  assert.equal((await runCli(h, args(flipped.toString('base64url'), '-m', msg.toString()))).code, 1);

  for (const bad of ['abc', raw.toString('hex').slice(2), `${raw.toString('base64url')}x`]) {
    const r = await runCli(h, args(bad, '-m', msg.toString()));
    assert.equal(r.code, 2, bad);
    assert.match(r.stderr, /--signature must be/);
  }
  assert.equal((await runCli(h, ['verify-signature', '-u', kp.publicKey, '-m', 'x'])).code, 2, '--signature is required');
  assert.match((await runCli(h, ['verify-signature', '-u', 'UNOTAKEY', '--signature', raw.toString('base64url'), '-m', 'x'])).stderr, /NKEY_MALFORMED/);
  assert.equal(existsSync(join(h, 'audit')), false, 'no private key used, no audit record');
});
