// Where chains come from: memoryResolver (current token = newest genuine one). Reading the
// files they come from: test/input/token-files.test.ts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { memoryResolver } from '../../src/trust/index.js';
import { makeAccount, makeOperator, makeUser, now, tamper } from './helpers.js';

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
