// `sigchain audit verify|show` on logs written by real `sign` commands: the record count (text and
// --json), the first bad record named with exit 1 after an edit, a deletion, a reorder or a cut
// tail; a torn last line ignored; show filtered by key, kind and time.
import assert from 'node:assert/strict';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { KeyPair } from '../../src/nkeys/keypair.js';
import { cli, runCli } from '../helpers/cli.js';
import { home, json, wsOf } from './fixtures-a.js';

async function signed(h: string, n: number): Promise<KeyPair[]> {
  const keys = [KeyPair.create('user'), KeyPair.create('user')];
  for (const k of keys) await wsOf(h).keys.storeKey(k, { usages: ['authentication'] });
  for (let i = 0; i < n; i++) await cli(h, ['sign', '-u', keys[i % 2]!.publicKey, ...(i === n - 1 ? ['--nonce-claim', `9:${i + 1}:arkeo`] : ['-m', `m${i}`])]);
  return keys;
}

function lines(h: string): string[] {
  return readFileSync(join(h, 'audit', 'audit.log'), 'utf8').split('\n').slice(0, -1);
}

function put(h: string, ls: string[], tail = ''): void {
  writeFileSync(join(h, 'audit', 'audit.log'), ls.map((l) => `${l}\n`).join('') + tail);
}

async function firstBad(h: string): Promise<number> {
  const r = await runCli(h, ['audit', 'verify', '--json']);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  const out = json(r.stdout);
  assert.equal(out.ok, false);
  assert.equal(out.error.code, 'AUDIT_LOG_INVALID');
  const text = await runCli(h, ['audit', 'verify']);
  assert.equal(text.code, 1);
  assert.match(text.stderr, new RegExp(`fails at record ${out.first_bad}:`));
  return out.first_bad;
}

it('audit verify: "N records" and {"ok":true,"records":N}; each kind of tampering names its first bad record (exit 1)', async (t) => {
  const h = home(t);
  await signed(h, 5);
  const ok = await cli(h, ['audit', 'verify']);
  assert.equal(ok.stdout, '5 records\n');
  const j = json((await cli(h, ['audit', 'verify', '--json'])).stdout);
  assert.deepEqual([j.ok, j.records, j.sealed], [true, 5, 5]);
  assert.match(j.audit_key, /^N/);
  assert.equal((await runCli(h, ['audit', 'verify', '--audit-key', j.audit_key])).code, 0);
  assert.equal((await runCli(h, ['audit', 'verify', '--audit-key', KeyPair.create('server').publicKey])).code, 1);

  const original = lines(h);
  const edited = [...original];
  edited[1] = edited[1]!.replace('"result":"ok"', '"result":"refused"');
  put(h, edited);
  assert.equal(await firstBad(h), 2, 'edit');
  put(h, original.filter((_, i) => i !== 2));
  assert.equal(await firstBad(h), 3, 'delete');
  put(h, [original[0]!, original[2]!, original[1]!, ...original.slice(3)]);
  assert.equal(await firstBad(h), 2, 'reorder');
  put(h, original.slice(0, 3));
  assert.equal(await firstBad(h), 4, 'tail cut');
  put(h, original, original[4]!.slice(0, 25));
  assert.equal(json((await cli(h, ['audit', 'verify', '--json'])).stdout).records, 5, 'a torn last line is not counted and no error');
  put(h, original);
  // A sign after the torn line: cut off, the chain goes on.
  appendFileSync(join(h, 'audit', 'audit.log'), '{"seq":6,"ti');
  const [first] = await signed(h, 0);
  await cli(h, ['sign', '-u', first!.publicKey, '-m', 'after the crash']);
  assert.deepEqual(lines(h).map((l) => JSON.parse(l).seq), [1, 2, 3, 4, 5, 6]);
  assert.equal(json((await cli(h, ['audit', 'verify', '--json'])).stdout).records, 6);
});

it('audit show: every record, or those of one key, one kind, or since a time; --json gives the records', async (t) => {
  const h = home(t);
  const [a, b] = await signed(h, 5);
  const all = json((await cli(h, ['audit', 'show', '--json'])).stdout).records as Array<{ seq: number; key: string; kind: string }>;
  assert.deepEqual(all.map((r) => r.seq), [1, 2, 3, 4, 5]);
  assert.deepEqual(json((await cli(h, ['audit', 'show', '--key', b!.publicKey, '--json'])).stdout).records.map((r: { seq: number }) => r.seq), [2, 4]);
  assert.deepEqual(json((await cli(h, ['audit', 'show', '--kind', 'nonce-claim', '--json'])).stdout).records.map((r: { seq: number }) => r.seq), [5]);
  assert.equal(json((await cli(h, ['audit', 'show', '--since', '1h', '--json'])).stdout).records.length, 5);
  assert.equal(json((await cli(h, ['audit', 'show', '--since', '2999-01-01', '--json'])).stdout).records.length, 0);
  const table = (await cli(h, ['audit', 'show', '--key', a!.publicKey])).stdout;
  assert.match(table, /Audit log/);
  assert.match(table, new RegExp(a!.publicKey));
  assert.doesNotMatch(table, new RegExp(b!.publicKey));
  assert.equal((await runCli(h, ['audit', 'show', '--kind', 'bogus'])).code, 2);
});
