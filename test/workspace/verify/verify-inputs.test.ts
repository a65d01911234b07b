// verifyInputs (`sigchain verify` of several inputs): a folder of users judged together, each bad
// input refused with its own code while the others are judged, every verdict the one the verifier
// gives that token alone, and an inline token never echoed.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { encodeUser } from '../../../src/claims/nats/encode.js';
import { newUserClaims } from '../../../src/claims/nats/user.js';
import { KeyPair } from '../../../src/nkeys/keypair.js';
import { definePolicy } from '../../../src/trust/policy.js';
import { memoryResolver } from '../../../src/trust/resolver.js';
import { verifyChainSync } from '../../../src/trust/verify-chain.js';
import { addAccount, addOperator, addUser, addUsers, editAccount, readStoreTrust, revokeUser, verifyInputs } from '../../../src/workspace/index.js';
import { rejectsCode, tempWorkspace } from '../helpers.js';

describe('verifyInputs', () => {
  it('judges a folder of users together: forged, tampered, expired, revoked, unreadable and missing inputs each refused with its code, the rest valid', async (t) => {
    const { ws, home } = tempWorkspace(t);
    await addOperator(ws, 'O');
    const a = await addAccount(ws, 'A');
    await editAccount(ws, { account: 'A', addSigningKeys: ['generate'] });
    // More than the pool's threshold (64), so the signatures are checked on libuv's pool.
    const names = Array.from({ length: 120 }, (_, i) => `u${String(i).padStart(3, '0')}`);
    await addUsers(ws, names, { account: 'A' });
    await addUser(ws, 'OLD', { account: 'A', expiry: 1577836800 });
    await addUser(ws, 'GONE', { account: 'A' });
    await revokeUser(ws, { account: 'A', user: 'GONE' });
    const op = await ws.directoryOperator();
    const path = (u: string) => op.userJwtPath('A', u);
    // Forged: a user of A signed by an account key A does not list.
    const stranger = KeyPair.create('account');
    const claims = newUserClaims('FORGED', KeyPair.create('user').publicKey);
    claims.nats.issuer_account = a.account.publicKey;
    const forged = join(home, 'forged.jwt');
    writeFileSync(forged, encodeUser(claims, stranger));
    // Tampered: u007's payload changed after signing.
    const [h, p, sig] = readFileSync(path('u007'), 'utf8').trim().split('.');
    const changed = JSON.parse(Buffer.from(p!, 'base64url').toString());
    changed.nats.pub = { allow: ['>'] };
    const tampered = join(home, 'tampered.jwt');
    writeFileSync(tampered, `${h}.${Buffer.from(JSON.stringify(changed)).toString('base64url')}.${sig}`);
    const garbage = join(home, 'garbage.jwt');
    writeFileSync(garbage, 'not a token');
    const missing = join(home, 'missing.jwt');

    const inputs = [...names.map(path), forged, tampered, path('OLD'), path('GONE'), garbage, missing];
    const store = await readStoreTrust(ws);
    const policy = { trustedOperators: store.operators, revokedJtis: store.revokedJtis };
    const verdicts = await verifyInputs(inputs, { chain: store.tokens, policy });
    assert.deepEqual(verdicts.map((v) => v.input), inputs, 'one verdict per input, in order, named by path');
    assert.ok(verdicts.slice(0, names.length).every((v) => v.valid && v.errors.length === 0));
    const bad = verdicts.slice(names.length).map((v) => [v.valid, v.errors[0]?.code, v.errors[0]?.at]);
    assert.deepEqual(bad, [
      [false, 'SIGNING_KEY_NOT_LISTED', 'user'],
      [false, 'BAD_SIGNATURE', 'user'],
      [false, 'TOKEN_EXPIRED', 'user'],
      [false, 'TOKEN_REVOKED', 'user'],
      [false, 'MALFORMED_TOKEN', 'input'],
      [false, 'IO_ERROR', 'input'],
    ]);
    // Without libuv's pool (threads named): every input read first, then judged; the same verdicts.
    const codes = (vs: typeof verdicts) => vs.map((v) => [v.input, ...v.errors.map((r) => r.code), '|', ...v.warnings.map((r) => r.code)]);
    assert.deepEqual(codes(await verifyInputs(inputs, { chain: store.tokens, policy, workers: 2 })), codes(verdicts));
    // Each verdict is the one the verifier gives that token alone.
    const resolver = memoryResolver(store.tokens);
    const alone = definePolicy({ ...policy, now: Date.now() / 1000 });
    for (const [k, file] of inputs.slice(0, -2).entries()) {
      const v = verifyChainSync(readFileSync(file, 'utf8').trim(), { resolver, policy: alone });
      assert.deepEqual(verdicts[k]!.errors.map((r) => r.code), v.errors.map((r) => r.code), file);
      assert.deepEqual(verdicts[k]!.warnings.map((r) => r.code), v.warnings.map((r) => r.code), file);
    }
  });

  it('an operator that is not trusted makes every chain invalid; an inline token is named by its position, never echoed', async (t) => {
    const { ws } = tempWorkspace(t);
    await addOperator(ws, 'O');
    await addAccount(ws, 'A');
    await addUsers(ws, ['x', 'y'], { account: 'A' });
    const op = await ws.directoryOperator();
    const token = readFileSync(op.userJwtPath('A', 'y'), 'utf8').trim();
    const store = await readStoreTrust(ws);
    const trusted = await verifyInputs([op.userJwtPath('A', 'x'), token], { chain: store.tokens, policy: { trustedOperators: store.operators } });
    assert.deepEqual(trusted.map((v) => [v.input, v.valid]), [[op.userJwtPath('A', 'x'), true], ['argument 2', true]]);
    const other = KeyPair.create('operator').publicKey;
    const untrusted = await verifyInputs([op.userJwtPath('A', 'x'), token], { chain: store.tokens, policy: { trustedOperators: [other] } });
    assert.deepEqual(untrusted.map((v) => [v.valid, v.errors[0]?.code]), [[false, 'ISSUER_NOT_TRUSTED'], [false, 'ISSUER_NOT_TRUSTED']]);
    assert.ok(!JSON.stringify(untrusted).includes(token), 'the token is not repeated in its verdict');
  });

  it('a folder stands for its *.jwt and *.creds files, in name order, in its place; an inline token keeps its argument number', async (t) => {
    const { ws, home } = tempWorkspace(t);
    await addOperator(ws, 'O');
    await addAccount(ws, 'A');
    await addUsers(ws, ['b', 'a', 'c'], { account: 'A' });
    const op = await ws.directoryOperator();
    const users = dirname(op.userJwtPath('A', 'a'));
    writeFileSync(join(users, '.hidden.jwt'), 'not read');
    writeFileSync(join(users, 'notes.txt'), 'not read');
    const creds = dirname(ws.keys.credsPath('O', 'A', 'a'));
    const empty = join(home, 'empty');
    mkdirSync(empty);
    const token = readFileSync(op.userJwtPath('A', 'c'), 'utf8').trim();
    const store = await readStoreTrust(ws);
    const verdicts = await verifyInputs([users, token, `${creds}/`, empty], { chain: store.tokens, policy: { trustedOperators: store.operators } });
    assert.deepEqual(
      verdicts.map((v) => [v.input, v.valid]),
      [
        ...['a', 'b', 'c'].map((u) => [join(users, `${u}.jwt`), true]),
        ['argument 2', true],
        ...['a', 'b', 'c'].map((u) => [join(creds, `${u}.creds`), true]),
        [empty, false],
      ],
    );
    assert.equal(verdicts.at(-1)!.errors[0]!.at, 'input', 'a folder with no token is reported as an input that cannot be read');
  });

  it('refuses standard input among several inputs (USAGE)', async () => {
    await rejectsCode(verifyInputs(['a.jwt', '-'], { chain: [], policy: {} }), 'USAGE');
  });
});
