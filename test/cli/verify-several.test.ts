// `sigchain verify` given several inputs (as a shell expands users/*.jwt): every input judged,
// the bad ones named with their codes, exit 1 if any is not valid, one --json shape.
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cli, runCli, tempHome } from '../helpers/cli.js';
import { embedToken, readEmbeddedToken } from '../../src/wasm/index.js';
import { WASCAP_FIXTURES_DIR } from '../nkeys/wascap-fixtures.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('sigchain verify with several inputs', () => {
  const home = tempHome('sigchain-cli-verify-several-');
  const users = join(home, 'stores', 'O', 'accounts', 'A', 'users');
  const files = ['u1', 'u2', 'u3'].map((u) => join(users, `${u}.jwt`));
  const tampered = join(home, 'tampered.jwt');
  const missing = join(home, 'missing.jwt');
  const homes = [home];
  after(() => homes.forEach((h) => rmSync(h, { recursive: true, force: true })));

  before(async () => {
    await cli(home, ['add', 'operator', 'O']);
    await cli(home, ['add', 'account', 'A']);
    await cli(home, ['add', 'user', 'u1', 'u2', 'u3']);
    const [h, p, s] = readFileSync(files[1]!, 'utf8').trim().split('.');
    const claims = JSON.parse(Buffer.from(p!, 'base64url').toString());
    claims.name = 'u2-forged';
    writeFileSync(tampered, `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${s}`);
  });

  it('all valid: exit 0 and a count', async () => {
    const r = await runCli(home, ['verify', ...files]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /All 3 inputs are valid/);
    const j = await runCli(home, ['verify', ...files, '--json']);
    assert.equal(j.code, 0, j.stderr);
    const out = JSON.parse(j.stdout) as Json;
    assert.deepEqual([out.valid, out.count, out.invalid], [true, 3, 0]);
    assert.deepEqual(out.results.map((v: Json) => [v.input, v.valid, v.errors.length]), files.map((f) => [f, true, 0]));
    assert.ok(out.results[0].warnings.some((w: Json) => w.code === 'NO_EXPIRY'), 'warnings are listed per input');
  });

  it('a tampered and a missing input: each named with its code, the others judged, exit 1', async () => {
    const r = await runCli(home, ['verify', files[0]!, tampered, missing, files[2]!]);
    assert.equal(r.code, 1, r.stdout);
    assert.match(r.stdout, new RegExp(`${tampered}: INVALID\\n  BAD_SIGNATURE \\(user\\)`));
    assert.match(r.stdout, new RegExp(`${missing}: INVALID\\n  IO_ERROR \\(input\\)`));
    assert.doesNotMatch(r.stdout, /u1\.jwt|u3\.jwt/, 'valid inputs are not listed');
    assert.match(r.stderr, /2 of 4 inputs are not valid; the first, .*tampered\.jwt, BAD_SIGNATURE/);
    const j = await runCli(home, ['verify', files[0]!, tampered, missing, files[2]!, '--json']);
    assert.equal(j.code, 1);
    const out = JSON.parse(j.stdout) as Json;
    assert.deepEqual([out.valid, out.count, out.invalid], [false, 4, 2]);
    assert.deepEqual(out.results.map((v: Json) => [v.valid, v.errors[0]?.code ?? null]), [[true, null], [false, 'BAD_SIGNATURE'], [false, 'IO_ERROR'], [true, null]]);
    assert.equal(out.error.code, 'BAD_SIGNATURE');
    assert.deepEqual(out.error.details, { input: tampered, invalid: 2, count: 4 });
  });

  it('a folder alone is its tokens: verify users/ judges every user file', async () => {
    const j = await runCli(home, ['verify', users, '--json']);
    assert.equal(j.code, 0, j.stderr);
    const out = JSON.parse(j.stdout) as Json;
    assert.deepEqual(out.results.map((v: Json) => v.input), files);
    const r = await runCli(home, ['verify', users]);
    assert.match(r.stderr, /All 3 inputs are valid/);
  });

  it('an inline token is named by its position and not echoed; standard input among several is USAGE', async () => {
    const token = readFileSync(files[0]!, 'utf8').trim();
    const j = await runCli(home, ['verify', files[1]!, token, '--json']);
    assert.equal(j.code, 0, j.stderr);
    assert.deepEqual((JSON.parse(j.stdout) as Json).results.map((v: Json) => v.input), [files[1], 'argument 2']);
    assert.ok(!j.stdout.includes(token));
    const u = await runCli(home, ['verify', files[0]!, '-', '--json']);
    assert.equal(u.code, 2, u.stdout);
    assert.equal((JSON.parse(u.stdout) as Json).error.code, 'USAGE');
  });

  it('signed modules among the inputs: each judged with its chain and its hash', async () => {
    const h = tempHome('sigchain-cli-verify-several-wasm-');
    homes.push(h);
    const op = JSON.parse((await cli(h, ['add', 'operator', 'W', '--format', 'wascap', '--generate-signing-key', '--json'])).stdout);
    const acct = JSON.parse((await cli(h, ['add', 'account', 'team', '--format', 'wascap', '--generate-signing-key', '-K', op.signing_key.public_key, '--json'])).stdout);
    const signed = join(h, 'echo_s.wasm');
    await cli(h, ['wasm', 'sign', join(WASCAP_FIXTURES_DIR, 'echo_unpriv_s.wasm'), '-o', signed, '-K', acct.signing_key.public_key, '--name', 'echo']);
    // The signed token moved onto another module: its recorded hash is not that module's.
    const changed = join(h, 'changed.wasm');
    writeFileSync(changed, embedToken(readFileSync(join(WASCAP_FIXTURES_DIR, 'kvcounter_unpriv_s.wasm')), readEmbeddedToken(readFileSync(signed))!.token));
    // The smallest module there is: all of its bytes ASCII, and no token in it.
    const bare = join(h, 'bare.wasm');
    writeFileSync(bare, Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
    const j = await runCli(h, ['verify', signed, changed, bare, '--json']);
    assert.equal(j.code, 1, j.stderr);
    const out = JSON.parse(j.stdout) as Json;
    assert.deepEqual(out.results.map((v: Json) => [v.input, v.valid, v.errors[0]?.code ?? null]), [[signed, true, null], [changed, false, 'HASH_MISMATCH'], [bare, false, 'NOT_SIGNED']]);
  });
});
