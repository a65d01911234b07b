// Key restrictions hold on every path, typed as a user would: `edit signing-key` and
// `edit account --sk` are the same `signing-keys` statement (refused alike for an operator key
// restricted to `account`, and `verify` refuses the hand-made result); such a key may create
// accounts; a refused command leaves the store and key store byte-identical (hashed before and
// after), generated keys included; NO_APPROPRIATE_SIGNING_KEY never offers a key that lacks the
// issuing usage, and is the code when every key at hand is retired; `check coverage` wants ONE
// key for a signing-key change; `edit user -K ROLE` signs with the scoped key.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { addSigningKey, newUserScope, signingKeyScope } from '../../src/claims/nats/account.js';
import { decodeAccount, decodeOperator } from '../../src/claims/nats/decode.js';
import { encodeAccount, encodeOperator } from '../../src/claims/nats/encode.js';
import { cli, runCli } from '../helpers/cli.js';
import { refused } from './fixtures-b.js';
import { home, json, payload, snapshot, wsOf } from './fixtures-a.js';

/** One hash over every file of the store and the key store (both live under the home). */
function hashHome(h: string): string {
  const hash = createHash('sha256');
  for (const [path, content] of [...snapshot(h)].sort(([a], [b]) => (a < b ? -1 : 1))) hash.update(`${path}\0${content}\0`);
  return hash.digest('hex');
}

/** Runs a command that must be refused with `code`, and checks it wrote nothing. */
async function refusedUnchanged(h: string, args: string[], code: string): Promise<Record<string, any>> {
  const before = hashHome(h);
  const r = await refused(h, args, code);
  assert.equal(hashHome(h), before, `sigchain ${args.join(' ')} was refused (${code}) but changed the store or key store`);
  return json(r.stdout).error as Record<string, any>;
}

/** Operator O (SK1 unrestricted, SK2 restricted to `account`), account A with a signing key approved by SK1. */
async function tree(h: string): Promise<{ sk1: string; sk2: string; ask: string }> {
  const sk1 = json((await cli(h, ['add', 'operator', 'O', '--generate-signing-key', '--json'])).stdout).signing_key.public_key as string;
  await cli(h, ['add', 'account', 'A']);
  const ask = json((await cli(h, ['edit', 'account', 'A', '--sk', 'generate', '--json'])).stdout).added[0].public_key as string;
  const sk2 = json((await cli(h, ['edit', 'operator', '--sk', 'generate', '--json'])).stdout).added[0].public_key as string;
  await cli(h, ['edit', 'operator', '--restrict-sk', `${sk2}=account`]);
  return { sk1, sk2, ask };
}

describe('key restrictions through the CLI', () => {
  it('edit signing-key and edit account --sk with a key restricted to `account`: both KEY_RESTRICTION_VIOLATION, nothing written; verify refuses the hand-made result', async (t) => {
    const h = home(t);
    const { sk2, ask } = await tree(h);
    const e1 = await refusedUnchanged(h, ['edit', 'signing-key', '-a', 'A', '--sk', 'generate', '--role', 'svc', '-K', sk2], 'KEY_RESTRICTION_VIOLATION');
    assert.match(e1.message, /`signing-keys`/);
    await refusedUnchanged(h, ['edit', 'signing-key', '-a', 'A', '--sk', ask, '--role', 'svc', '-K', sk2], 'KEY_RESTRICTION_VIOLATION');
    await refusedUnchanged(h, ['edit', 'account', 'A', '--sk', 'generate', '-K', sk2], 'KEY_RESTRICTION_VIOLATION');
    await refusedUnchanged(h, ['edit', 'account', 'A', '--restrict-sk', `${ask}=user`, '-K', sk2], 'KEY_RESTRICTION_VIOLATION');

    // A plain re-issue is an `account` statement: allowed, and verify agrees.
    await cli(h, ['edit', 'account', 'A', '--description', 'orders', '-K', sk2]);
    const op = await wsOf(h).operator();
    const reissued = await op.readAccountJwt('A');
    assert.equal(payload(reissued).iss, sk2);
    assert.equal((await runCli(h, ['verify', reissued, '--json'])).code, 0);

    // What the leaky path used to write: a new scope, signed by the `account`-only key.
    const claims = decodeAccount(reissued);
    addSigningKey(claims, newUserScope(ask, 'svc'));
    assert.ok(signingKeyScope(claims, ask));
    const forged = encodeAccount(claims, await wsOf(h).keys.getKey(sk2));
    const v = await runCli(h, ['verify', forged, '--json']);
    assert.equal(v.code, 1, v.stdout);
    assert.equal(json(v.stdout).error.code, 'KEY_RESTRICTION_VIOLATION');
  });

  it('a key restricted to `account` creates accounts (no signing keys is no signing-keys change), and verify accepts them', async (t) => {
    const h = home(t);
    const { sk2 } = await tree(h);
    const b = json((await cli(h, ['add', 'account', 'B', '-K', sk2, '--json'])).stdout);
    assert.equal(b.account.issuer, sk2);
    assert.equal((await runCli(h, ['verify', await (await wsOf(h).operator()).readAccountJwt('B'), '--json'])).code, 0);
  });

  it('no refused signing command writes anything: generated keys stay in memory (every code, every signing command)', async (t) => {
    const h = home(t);
    const { sk1, sk2 } = await tree(h);
    await cli(h, ['add', 'user', 'U', '-a', 'A']);
    // A listed operator key without the issuing usage.
    const p = (await cli(h, ['generate', 'nkey', '--operator', '--store', '--usage', 'protocol'])).stdout.trim().split('\n')[0]!.trim();
    // `edit operator --sk` refuses such a key (issue 12); one listed by an older sigchain or by hand is still met.
    await refused(h, ['edit', 'operator', '--sk', p], 'KEY_USAGE_VIOLATION');
    const ws = wsOf(h);
    const op = await ws.operator();
    const oc = decodeOperator(await op.readOperatorJwt());
    oc.nats.signing_keys = [...(oc.nats.signing_keys ?? []), p];
    await op.writeOperatorJwt(encodeOperator(oc, await ws.keys.getKey(oc.sub)));
    await refusedUnchanged(h, ['edit', 'account', 'A', '--sk', 'generate', '-K', p], 'KEY_USAGE_VIOLATION');
    await refusedUnchanged(h, ['edit', 'signing-key', '-a', 'A', '--sk', 'generate', '--role', 'svc', '-K', p], 'KEY_USAGE_VIOLATION');
    await refusedUnchanged(h, ['add', 'account', 'C', '-K', p], 'KEY_USAGE_VIOLATION');
    await refusedUnchanged(h, ['add', 'user', 'V', '-a', 'A', '-K', sk2], 'NO_APPROPRIATE_SIGNING_KEY');
    await refusedUnchanged(h, ['edit', 'user', 'U', '-a', 'A', '-K', sk2], 'NO_APPROPRIATE_SIGNING_KEY');
    await refusedUnchanged(h, ['revocations', 'add-user', '-a', 'A', '-n', 'U', '-K', p], 'KEY_USAGE_VIOLATION');
    await refusedUnchanged(h, ['edit', 'operator', '--sk', 'generate', '--rm-sk', 'OBOGUSBOGUSBOGUSBOGUSBOGUSBOGUSBOGUSBOGUSBOGUSBOGUSBOGUSB'], 'STORE_NOT_FOUND');
    // Strict, and the only key allowed `signing-keys` restricted away from it: none at hand may.
    await cli(h, ['edit', 'operator', '--require-signing-keys', '--restrict-sk', `${sk1}=CanSignAllButSigningKeys`]);
    const none = await refusedUnchanged(h, ['edit', 'account', 'A', '--sk', 'generate'], 'NO_APPROPRIATE_SIGNING_KEY');
    assert.match(none.message, /`signing-keys`/);
    // The protocol-only key is never offered as one that can sign.
    assert.ok(!(none.details.allowed as string[]).includes(p), JSON.stringify(none.details));
    assert.equal(none.details.unfit[p], 'KEY_USAGE_VIOLATION');
    assert.doesNotMatch(none.message.split('Keys that can sign')[1]!.split('not ')[0]!, new RegExp(p));
    await refusedUnchanged(h, ['edit', 'signing-key', '-a', 'A', '--sk', 'generate', '--role', 'svc'], 'NO_APPROPRIATE_SIGNING_KEY');
  });

  it('every operator key retired: NO_APPROPRIATE_SIGNING_KEY naming why (and revocations keep their OPERATOR-key hint), not KEY_RETIRED', async (t) => {
    const h = home(t);
    const { sk1, sk2 } = await tree(h);
    await cli(h, ['add', 'user', 'U', '-a', 'A']);
    const identity = payload(await (await wsOf(h).operator()).readOperatorJwt()).sub as string;
    for (const k of [sk1, sk2, identity]) await cli(h, ['keys', 'retire', k, '--reason', 'rotated']);
    const e = await refusedUnchanged(h, ['add', 'account', 'C'], 'NO_APPROPRIATE_SIGNING_KEY');
    assert.match(e.message, /was retired/);
    assert.deepEqual(e.details.allowed, []);
    const r = await refusedUnchanged(h, ['revocations', 'add-user', '-a', 'A', '-n', 'U'], 'NO_APPROPRIATE_SIGNING_KEY');
    assert.match(r.message, /OPERATOR key/);
    // With -K the key given is what is judged: its own refusal.
    await refusedUnchanged(h, ['add', 'account', 'C', '-K', sk1], 'KEY_RETIRED');
  });

  it('check coverage: a key allowed only `account` and one allowed only `signing-keys` cover no signing-key change; warnings printed once', async (t) => {
    const h = home(t);
    const { sk1, sk2 } = await tree(h);
    await cli(h, ['edit', 'operator', '--require-signing-keys', '--restrict-sk', `${sk1}=signing-keys`]);
    const r = await cli(h, ['check', 'coverage']);
    assert.equal((r.stderr.match(/No key may sign `signing-keys` for operator "O"/g) ?? []).length, 1, r.stderr);
    const j = await runCli(h, ['check', 'coverage', '--json']);
    const body = json(j.stdout);
    const row = (body.rows as Array<{ entity: string; kind: string; signers: string[] }>).find((x) => x.entity === 'operator' && x.kind === 'signing-keys')!;
    assert.deepEqual(row.signers, []);
    assert.deepEqual((body.rows as Array<{ entity: string; kind: string; signers: string[] }>).find((x) => x.entity === 'operator' && x.kind === 'account')!.signers, [sk2]);
    assert.equal((body.warnings as string[]).filter((w) => w.includes('`signing-keys` for operator')).length, 1);
    assert.doesNotMatch(j.stderr, /\[WARN\]/, 'with --json the warnings are in the JSON only');
  });

  it('edit user -K ROLE re-issues the user under the scoped key with that role', async (t) => {
    const h = home(t);
    await tree(h);
    const scoped = json((await cli(h, ['edit', 'signing-key', '-a', 'A', '--sk', 'generate', '--role', 'svc', '--json'])).stdout).key.public_key as string;
    await cli(h, ['add', 'user', 'U', '-a', 'A']);
    const r = json((await cli(h, ['edit', 'user', 'U', '-a', 'A', '-K', 'svc', '--json'])).stdout);
    assert.equal(r.user.issuer, scoped);
    assert.equal(payload(await (await wsOf(h).operator()).readUserJwt('A', 'U')).iss, scoped);
    await refused(h, ['edit', 'user', 'U', '-a', 'A', '-K', 'nosuchrole'], 'USAGE');
  });
});
