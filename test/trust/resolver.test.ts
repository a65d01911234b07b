// Where chains come from: memoryResolver (current token = newest genuine one), loadChainFiles
// (JWT files, creds, decorated JWTs, server configs, nsc-style folders; never seeds) and
// tokenFromText.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { formatCreds } from '../../src/claims/nats/index.js';
import { memoryResolverConfig } from '../../src/nats/server-config.js';
import { jwtsInText, loadChainFiles, memoryResolver, tokenFromText } from '../../src/trust/index.js';
import { makeAccount, makeOperator, makeSystemAccount, makeUser, now, tamper } from './helpers.js';

describe('memoryResolver', () => {
  it('files accounts and operators by subject, ignores users, and answers the current (newest) token', () => {
    const op = makeOperator();
    const old = makeAccount(op, { iat: now() - 100 });
    const cur = makeAccount(op, { id: old.id, iat: now() - 10 });
    const user = makeUser(cur);
    const r = memoryResolver([cur.jwt, old.jwt, user.jwt, op.jwt]);
    assert.equal(r.account(old.id.publicKey), cur.jwt);
    assert.equal(r.account(user.key.publicKey), undefined);
    assert.deepEqual(r.operators(), [op.jwt]);
    assert.equal(r.accountBySigningKey!(cur.sks[0]!.publicKey), cur.jwt);
  });

  it('never lets a forgery shadow a genuine token, whatever iat it claims', () => {
    const op = makeOperator();
    const acct = makeAccount(op, { iat: now() - 100 });
    const forged = tamper(acct.jwt, (p) => (p.iat = now() + 1000));
    assert.equal(memoryResolver([acct.jwt, forged]).account(acct.id.publicKey), acct.jwt);
    assert.equal(memoryResolver([forged, acct.jwt]).account(acct.id.publicKey), acct.jwt);
    // Alone, the forgery is returned so the verifier can say BAD_SIGNATURE.
    assert.equal(memoryResolver([forged]).account(acct.id.publicKey), forged);
  });

  it('skips text that is not a token instead of throwing', () => {
    assert.equal(memoryResolver(['garbage', '']).operators().length, 0);
  });
});

describe('loadChainFiles', () => {
  const op = makeOperator();
  const sys = makeSystemAccount(op);
  const acct = makeAccount(op);
  const user = makeUser(acct);
  const dir = mkdtempSync(join(tmpdir(), 'sigchain-chain-files-'));

  it('reads raw JWT files, creds files (the JWT only), decorated JWTs and server configs', async () => {
    writeFileSync(join(dir, 'op.jwt'), `${op.jwt}\n`);
    writeFileSync(join(dir, 'user.creds'), formatCreds(user.jwt, user.key.seed));
    writeFileSync(join(dir, 'acct.txt'), `-----BEGIN NATS ACCOUNT JWT-----\n${acct.jwt}\n------END NATS ACCOUNT JWT------\n`);
    writeFileSync(join(dir, 'server.conf'), memoryResolverConfig({ operatorJwt: op.jwt, accountJwts: [sys.jwt, acct.jwt] }));
    const tokens = await loadChainFiles(['op.jwt', 'user.creds', 'acct.txt', 'server.conf'].map((f) => join(dir, f)));
    // The config holds the operator, then its preloaded accounts by name (A, SYS).
    assert.deepEqual(tokens, [op.jwt, user.jwt, acct.jwt, op.jwt, acct.jwt, sys.jwt]);
    assert.ok(!tokens.some((t) => t.includes(user.key.seed)), 'no seed is ever read as a token');
    const r = memoryResolver(tokens);
    assert.equal(r.account(acct.id.publicKey), acct.jwt);
    assert.equal(r.account(sys.id.publicKey), sys.jwt);
  });

  it('walks an nsc-style store folder for *.jwt and *.creds, leaving *.nk seed files alone', async () => {
    const store = join(dir, 'stores', 'O');
    mkdirSync(join(store, 'accounts', 'A', 'users'), { recursive: true });
    writeFileSync(join(store, 'O.jwt'), op.jwt);
    writeFileSync(join(store, 'accounts', 'A', 'A.jwt'), acct.jwt);
    writeFileSync(join(store, 'accounts', 'A', 'users', 'U.jwt'), user.jwt);
    // A seed that happens to sit in the folder must never be opened as a token.
    writeFileSync(join(store, 'accounts', 'A', 'U.nk'), user.key.seed);
    writeFileSync(join(store, '.nsc'), '{"name":"O","kind":"operator"}');
    const tokens = await loadChainFiles([store]);
    assert.deepEqual([...tokens].sort(), [op.jwt, acct.jwt, user.jwt].sort());
  });

  it('refuses a file with no JWT and a missing path, naming them', async () => {
    writeFileSync(join(dir, 'notes.txt'), 'no tokens here');
    await assert.rejects(loadChainFiles([join(dir, 'notes.txt')]), (e: { code?: string; message?: string }) => e.code === 'MALFORMED_TOKEN' && e.message!.includes('notes.txt'));
    await assert.rejects(loadChainFiles([join(dir, 'missing.jwt')]), (e: { code?: string; message?: string }) => e.code === 'IO_ERROR' && e.message!.includes('missing.jwt'));
  });
});

describe('tokenFromText / jwtsInText', () => {
  it('finds the user JWT of a creds file and every JWT of a text, and refuses text without one', () => {
    const op = makeOperator();
    const user = makeUser(makeAccount(op));
    assert.equal(tokenFromText(formatCreds(user.jwt, user.key.seed)), user.jwt);
    assert.equal(tokenFromText(`  ${user.jwt}\r\n`), user.jwt);
    assert.deepEqual(jwtsInText(`${op.jwt}\n${user.jwt}`), [op.jwt, user.jwt]);
    assert.throws(() => tokenFromText('SUAAOBYHA4DQOBYHA4DQOBYHA4DQOBYHA4DQOBYHA4DQOBYHA4DQOBZ5FE'), { code: 'MALFORMED_TOKEN' });
  });
});
