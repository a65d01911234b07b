// Creds files: Go FormatUserConfig text exactly; parsing of Go, CRLF and jwt.js files; coded refusals without seed text.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as jwtjs from '@nats-io/jwt';
import { fromSeed } from '@nats-io/nkeys';
import { encodeAccount, encodeUser, formatCreds, newAccountClaims, newUserClaims, parseCreds } from '../../../src/claims/nats/index.js';
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

describe('parseCreds', () => {
  it('round-trips formatCreds output', () => {
    assert.deepEqual(parseCreds(EXPECTED), { jwt: GO_USER_TOKEN, seed: SEEDS.U7 });
  });

  it('accepts CRLF line endings', () => {
    assert.deepEqual(parseCreds(EXPECTED.replace(/\n/g, '\r\n')), { jwt: GO_USER_TOKEN, seed: SEEDS.U7 });
  });

  it('accepts a jwt.js fmtCreds file', () => {
    const jwt = encodeUser(newUserClaims('u', PUB.U8), key('A4'));
    const text = new TextDecoder().decode(jwtjs.fmtCreds(jwt, fromSeed(new TextEncoder().encode(SEEDS.U8))));
    assert.ok(!text.includes('*************************************************************'));
    assert.deepEqual(parseCreds(text), { jwt, seed: SEEDS.U8 });
  });

  it('accepts a bare seed line after the JWT block (as Go ParseDecoratedNKey does)', () => {
    const text = `-----BEGIN NATS USER JWT-----\n${GO_USER_TOKEN}\n------END NATS USER JWT------\n\n${SEEDS.U7}\n`;
    assert.deepEqual(parseCreds(text), { jwt: GO_USER_TOKEN, seed: SEEDS.U7 });
  });

  it('refuses garbage, a missing seed, a non-JWT block and a non-user seed (MALFORMED_CREDS)', () => {
    assert.throws(() => parseCreds('hello world'), code('MALFORMED_CREDS'));
    assert.throws(() => parseCreds(''), code('MALFORMED_CREDS'));
    assert.throws(() => parseCreds(`-----BEGIN NATS USER JWT-----\n${GO_USER_TOKEN}\n------END NATS USER JWT------\n`), code('MALFORMED_CREDS'));
    assert.throws(() => parseCreds(EXPECTED.replace(GO_USER_TOKEN, 'notajwt')), code('MALFORMED_CREDS'));
    assert.throws(() => parseCreds(EXPECTED.replace(SEEDS.U7, SEEDS.A5)), code('MALFORMED_CREDS'));
    assert.throws(() => parseCreds(EXPECTED.replace(SEEDS.U7, SEEDS.U7.slice(0, -2))), code('MALFORMED_CREDS'));
    assert.throws(() => parseCreds(42 as never), code('MALFORMED_CREDS'));
  });
});
