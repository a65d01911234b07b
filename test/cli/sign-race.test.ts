// Of 16 processes racing to sign one nonce claim, exactly one wins; the others get
// NONCE_NOT_INCREASING. Then 16 processes each claiming a distinct nonce all win or lose by order,
// never two with one nonce, and the audit log keeps one chain through it all.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { KeyPair } from '../../src/nkeys/keypair.js';
import { cli, runCli } from '../helpers/cli.js';
import { home, json, wsOf } from './fixtures-a.js';

it('16 concurrent signers of one nonce: exactly one signature, 15 NONCE_NOT_INCREASING; the audit log holds one chain', async (t) => {
  const h = home(t);
  const keys = [KeyPair.create('user'), KeyPair.create('user')];
  for (const k of keys) await wsOf(h).keys.storeKey(k, { usages: ['authentication'] });
  const results = await Promise.all(Array.from({ length: 16 }, (_, i) => runCli(h, ['sign', '-u', keys[i % 2]!.publicKey, '--nonce-claim', '7:100:arkeo', '--json'])));
  const won = results.filter((r) => r.code === 0);
  const lost = results.filter((r) => r.code === 1 && json(r.stdout).error?.code === 'NONCE_NOT_INCREASING');
  assert.equal(won.length, 1, results.map((r) => r.stdout + r.stderr).join('\n'));
  assert.equal(lost.length, 15);

  // Distinct nonces in a race: each nonce signed at most once, and no nonce below one already signed after it.
  const racing = await Promise.all(Array.from({ length: 16 }, (_, i) => runCli(h, ['sign', '-u', keys[0]!.publicKey, '--nonce-claim', `7:${101 + i}:arkeo`, '--json'])));
  assert.ok(racing.every((r) => r.code === 0 || json(r.stdout).error.code === 'NONCE_NOT_INCREASING'));
  assert.ok(racing.some((r) => r.code === 0));

  const v = json((await cli(h, ['audit', 'verify', '--json'])).stdout);
  assert.equal(v.ok, true);
  assert.equal(v.records, 32, 'one record per attempt, refusals included');
  const shown = json((await cli(h, ['audit', 'show', '--kind', 'nonce-claim', '--json'])).stdout).records as Array<{ result: string }>;
  assert.equal(shown.filter((r) => r.result === 'ok').length, 1 + racing.filter((r) => r.code === 0).length);
});
