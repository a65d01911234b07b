// `sigchain invocation sign` / `invocation verify` as a user runs them: real files, one replay
// cache across the files of one run, one JSON line per invocation, exit codes 0/1/2, and the
// attacks a host sees (tampered msg, another invocation's token, unknown issuer, replay, expiry,
// age, host id, a NATS JWT as token, mistyped fields, over 16 MiB).
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { encodeUser, newUserClaims } from '../../src/claims/nats/index.js';
import { decodeInvocation, encodeInvocation, invocationToJson, signInvocationSync, actorEntity } from '../../src/invocation/index.js';
import { KeyPair } from '../../src/nkeys/keypair.js';
import { ACTOR, HOST, PROVIDER } from '../invocation/fixtures.js';
import { runCli, tempHome } from '../helpers/cli.js';

const cluster = KeyPair.create('cluster');
const TARGET = 'MB2ZQB6ROOMAYBO4ZCTFYWN7YIVBWA3MTKZYAQKJMTIHE2ELLRW2E3ZW';
const home = tempHome('sigchain-inv-');
const f = (name: string) => join(home, name);

async function sign(out: string, extra: string[] = [], env: NodeJS.ProcessEnv = {}) {
  return runCli(home, ['invocation', 'sign', '--origin', ACTOR, '--target', TARGET, '--operation', 'wasmcloud:bus/Echo.Echo', '--msg', 'hello', '-o', out, ...extra], env);
}

async function verify(files: string[], extra: string[] = [], env: NodeJS.ProcessEnv = {}) {
  const r = await runCli(home, ['invocation', 'verify', ...files, '--json', ...extra], env);
  const lines = r.code === 2 || r.stdout.trim() === '' ? [] : r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { id: string | null; valid: boolean; error?: { code: string; message: string } });
  return { ...r, lines, codes: lines.map((l) => (l.valid ? 'ok' : l.error!.code)) };
}

function rewrite(from: string, to: string, change: (req: ReturnType<typeof decodeInvocation>) => ReturnType<typeof decodeInvocation>): void {
  writeFileSync(to, encodeInvocation(change(decodeInvocation(readFileSync(from)))));
}

test('sign then verify: valid once, REPLAY the second time in the same run, each run its own cache', async () => {
  const s = await sign(f('a.msgpack'), ['--cluster-seed', cluster.seed, '--json']);
  assert.equal(s.code, 0, s.stderr);
  const out = JSON.parse(s.stdout);
  assert.equal(out.issuer, cluster.publicKey);
  assert.equal(out.operation, 'Echo.Echo');
  // The seed is never printed, whole or in part (a shorter pattern would match inside public keys).
  assert.doesNotMatch(s.stdout + s.stderr, /SC[A-Z2-7]{56}/);
  assert.ok(!(s.stdout + s.stderr).includes(cluster.seed.slice(2, 24)));
  const req = decodeInvocation(readFileSync(f('a.msgpack')));
  assert.equal(req.operation, 'Echo.Echo');
  assert.equal(new TextDecoder().decode(req.msg), 'hello');
  const v = await verify([f('a.msgpack'), f('a.msgpack')], ['--issuers', cluster.publicKey]);
  assert.equal(v.code, 1);
  assert.deepEqual(v.lines[0], { id: req.id, valid: true });
  assert.equal(v.lines[1]!.id, req.id);
  assert.deepEqual(v.codes, ['ok', 'REPLAY']);
  const again = await verify([f('a.msgpack')], [], { WASMCLOUD_CLUSTER_ISSUERS: `${KeyPair.create('cluster').publicKey},${cluster.publicKey}` });
  assert.equal(again.code, 0, again.stderr);
  assert.deepEqual(again.codes, ['ok']);
});

test('a provider target, --msg-file, the JSON form, and a seed from the environment or --config', async () => {
  writeFileSync(f('body.bin'), Uint8Array.of(0, 1, 2, 255));
  const s = await runCli(home, ['invocation', 'sign', '--origin', ACTOR, '--target', PROVIDER, '--target-contract', 'wasmcloud:keyvalue', '--target-link', 'default', '--operation', 'KeyValue.Get', '--msg-file', f('body.bin'), '-o', f('p.msgpack')], { WASMCLOUD_CLUSTER_SEED: cluster.seed });
  assert.equal(s.code, 0, s.stderr);
  assert.doesNotMatch(s.stderr, /WARNING/);
  const req = decodeInvocation(readFileSync(f('p.msgpack')));
  assert.deepEqual([...req.msg], [0, 1, 2, 255]);
  assert.deepEqual(req.target, { public_key: PROVIDER, link_name: 'default', contract_id: 'wasmcloud:keyvalue' });
  writeFileSync(f('p.json'), invocationToJson(req));
  writeFileSync(f('host.json'), JSON.stringify({ cluster_seed: cluster.seed }), { mode: 0o600 });
  const c = await sign(f('c.msgpack'), ['--config', f('host.json')]);
  assert.equal(c.code, 0, c.stderr);
  const v = await verify([f('p.json'), f('c.msgpack')], ['--issuers', cluster.publicKey]);
  assert.deepEqual(v.codes, ['ok', 'ok']);
  assert.equal(v.code, 0);
});

test('with no seed, an ad hoc key signs, is stored, and the warning names it but never its seed', async () => {
  const s = await sign(f('adhoc.msgpack'), ['--json']);
  assert.equal(s.code, 0, s.stderr);
  const out = JSON.parse(s.stdout);
  assert.equal(out.adhoc, true);
  assert.match(s.stderr, /ad hoc cluster key/);
  assert.ok(s.stderr.includes(out.issuer));
  assert.doesNotMatch(s.stderr + s.stdout, /SC[A-Z2-7]{56}/);
  const exported = await runCli(home, ['keys', 'export', out.issuer, '--output', f('cluster.nk')]);
  assert.equal(exported.code, 0, exported.stderr);
  assert.equal(KeyPair.fromSeed(readFileSync(f('cluster.nk'), 'utf8').trim()).publicKey, out.issuer);
  assert.deepEqual((await verify([f('adhoc.msgpack')], ['--issuers', out.issuer])).codes, ['ok']);
  assert.deepEqual((await verify([f('adhoc.msgpack')], ['--issuers', cluster.publicKey])).codes, ['ISSUER_NOT_TRUSTED']);
});

test('attacks, each with its code, judged in order in one run', async () => {
  const base = f('base.msgpack');
  assert.equal((await sign(base, ['--cluster-seed', cluster.seed, '--id', 'inv-base'])).code, 0);
  assert.equal((await sign(f('other.msgpack'), ['--cluster-seed', cluster.seed, '--id', 'inv-other'])).code, 0);
  const other = decodeInvocation(readFileSync(f('other.msgpack')));
  rewrite(base, f('tampered.msgpack'), (r) => ({ ...r, msg: new TextEncoder().encode('hellO') }));
  rewrite(base, f('swapped.msgpack'), (r) => ({ ...r, encoded_claims: other.encoded_claims }));
  rewrite(base, f('hostid.msgpack'), (r) => ({ ...r, host_id: 'NOTAHOSTID' }));
  rewrite(base, f('origin.msgpack'), (r) => ({ ...r, origin: actorEntity(TARGET) }));
  rewrite(base, f('nats.msgpack'), (r) => ({ ...r, encoded_claims: encodeUser(newUserClaims('u', KeyPair.create('user').publicKey), KeyPair.create('account')) }));
  const stranger = KeyPair.create('cluster');
  assert.equal((await sign(f('stranger.msgpack'), ['--cluster-seed', stranger.seed])).code, 0);
  const old = Math.floor(Date.now() / 1000) - 1000;
  const fields = { origin: actorEntity(ACTOR), target: actorEntity(TARGET), operation: 'Echo.Echo', msg: Uint8Array.of(1), host_id: HOST };
  writeFileSync(f('expired.msgpack'), encodeInvocation(signInvocationSync(fields, cluster, { iat: old, exp: old + 10 })));
  writeFileSync(f('stale.msgpack'), encodeInvocation(signInvocationSync(fields, cluster, { iat: old })));
  writeFileSync(f('future.msgpack'), encodeInvocation(signInvocationSync(fields, cluster, { iat: old + 5000 })));
  const files = ['tampered', 'swapped', 'stranger', 'expired', 'stale', 'future', 'hostid', 'origin', 'nats', 'base', 'base', 'other'].map((n) => f(`${n}.msgpack`));
  const v = await verify(files, ['--issuers', cluster.publicKey]);
  assert.equal(v.code, 1);
  assert.deepEqual(v.codes, ['HASH_MISMATCH', 'SUBJECT_MISMATCH', 'ISSUER_NOT_TRUSTED', 'TOKEN_EXPIRED', 'STALE', 'TOKEN_NOT_YET_VALID', 'INVALID_HOST_ID', 'ORIGIN_MISMATCH', 'WRONG_CLAIM_TYPE', 'ok', 'REPLAY', 'ok']);
  // Refused invocations took no place: the genuine one was still admitted after its tampered copy.
  assert.equal(v.lines[0]!.id, 'inv-base');
  // A longer --max-age accepts the stale one.
  assert.deepEqual((await verify([f('stale.msgpack')], ['--issuers', cluster.publicKey, '--max-age', '2000'])).codes, ['ok']);
});

test('files that do not parse: id null and MALFORMED_INVOCATION (mistyped, missing, not MessagePack, over 16 MiB)', async () => {
  assert.equal((await sign(f('m.msgpack'), ['--cluster-seed', cluster.seed])).code, 0);
  const json = JSON.parse(invocationToJson(decodeInvocation(readFileSync(f('m.msgpack'))))) as Record<string, unknown>;
  writeFileSync(f('mistyped.json'), JSON.stringify({ ...json, content_length: '5' }));
  const { host_id: _h, ...missing } = json;
  writeFileSync(f('missing.json'), JSON.stringify(missing));
  writeFileSync(f('garbage.bin'), Uint8Array.of(0xc1, 0xff, 0x00));
  writeFileSync(f('huge.bin'), new Uint8Array(23 * 1024 * 1024));
  const v = await verify([f('mistyped.json'), f('missing.json'), f('garbage.bin'), f('huge.bin'), f('m.msgpack')], ['--issuers', cluster.publicKey]);
  assert.equal(v.code, 1);
  assert.deepEqual(v.codes, ['MALFORMED_INVOCATION', 'MALFORMED_INVOCATION', 'MALFORMED_INVOCATION', 'MALFORMED_INVOCATION', 'ok']);
  assert.deepEqual(v.lines.slice(0, 4).map((l) => l.id), [null, null, null, null]);
  // A message over 16 MiB is refused when signing, too.
  writeFileSync(f('big.bin'), new Uint8Array(16 * 1024 * 1024 + 1));
  const big = await runCli(home, ['invocation', 'sign', '--origin', ACTOR, '--target', TARGET, '--operation', 'Echo.Echo', '--msg-file', f('big.bin'), '-o', f('big.msgpack'), '--cluster-seed', cluster.seed, '--json']);
  assert.equal(big.code, 1);
  assert.equal(JSON.parse(big.stdout).error.code, 'MALFORMED_INVOCATION');
});

test('bad command lines exit 2', async () => {
  assert.equal((await verify([f('a.msgpack')])).code, 2); // no issuers anywhere
  assert.equal((await verify([f('a.msgpack')], ['--issuers', KeyPair.create('account').publicKey])).code, 2);
  assert.equal((await verify([f('a.msgpack')], ['--issuers', cluster.publicKey, '--max-age', '0'])).code, 2);
  assert.equal((await verify([f('a.msgpack')], ['--issuers', cluster.publicKey, '--replay-cache-size', 'many'])).code, 2);
  assert.equal((await runCli(home, ['invocation', 'verify', '--issuers', cluster.publicKey])).code, 2);
  assert.equal((await sign(f('x.msgpack'), ['--msg-file', f('body.bin')])).code, 2); // --msg and --msg-file
  assert.equal((await runCli(home, ['invocation', 'sign', '--origin', ACTOR, '--target', TARGET, '--msg', 'x', '-o', f('x.msgpack')])).code, 2);
  assert.equal((await sign(f('x.msgpack'), ['--target-contract', 'wasmcloud:x'])).code, 2);
  // A seed of another role is refused (exit 1, the key's code).
  const wrong = await sign(f('x.msgpack'), ['--cluster-seed', KeyPair.create('account').seed, '--json']);
  assert.equal(wrong.code, 1);
  assert.match(JSON.parse(wrong.stdout).error.code, /^NKEY_/);
});
