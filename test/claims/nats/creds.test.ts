// Creds files: Go FormatUserConfig text exactly; coded refusals without seed text. (Reading creds: test/input/creds.test.ts.)
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeAccount, formatCreds, newAccountClaims } from '../../../src/claims/nats/index.js';
import { SigchainError } from '../../../src/errors.js';
import { GO_USER_TOKEN, PUB, SEEDS, key } from './fixtures.js';

function code(c: string) {
  return (e: unknown) => e instanceof SigchainError && e.code === c && !e.message.includes('SUAA') && !e.message.includes('SAAA');
}

const EXPECTED = `-----BEGIN NATS USER JWT-----
${GO_USER_TOKEN}
------END NATS USER JWT------

************************* IMPORTANT *************************
NKEY Seed printed below can be used to sign and prove identity.
NKEYs are sensitive and should be treated as secrets.

-----BEGIN USER NKEY SEED-----
${SEEDS.U7}
------END USER NKEY SEED------

*************************************************************
`;

describe('formatCreds', () => {
  it("writes exactly Go's FormatUserConfig text", () => {
    const text = formatCreds(GO_USER_TOKEN, SEEDS.U7);
    assert.equal(text, EXPECTED);
    assert.ok(!text.includes('\r'));
  });

  it('refuses a seed that is not the JWT subject', () => {
    assert.throws(() => formatCreds(GO_USER_TOKEN, SEEDS.U8), code('CREDS_KEY_MISMATCH'));
  });

  it('refuses a non-user seed and a non-user JWT', () => {
    assert.throws(() => formatCreds(GO_USER_TOKEN, SEEDS.A5), code('NKEY_WRONG_ROLE'));
    const account = encodeAccount(newAccountClaims('A', PUB.A4), key('O1'));
    assert.throws(() => formatCreds(account, SEEDS.U7), code('WRONG_CLAIM_TYPE'));
  });

  it('refuses a tampered JWT and a mistyped seed without echoing it', () => {
    assert.throws(() => formatCreds(GO_USER_TOKEN.slice(0, -4) + 'AAAA', SEEDS.U7), code('BAD_SIGNATURE'));
    // A changed character mid-seed (the last one only carries padding bits in base32).
    const typo = SEEDS.U7.slice(0, 20) + (SEEDS.U7[20] === 'B' ? 'C' : 'B') + SEEDS.U7.slice(21);
    assert.throws(() => formatCreds(GO_USER_TOKEN, typo), (e: unknown) => e instanceof SigchainError && !e.message.includes(typo.slice(2, 20)));
  });
});
