// Verified decode refuses every kind of bad token with the right code.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  decodeAccount,
  decodeActivation,
  decodeNatsClaims,
  decodeOperator,
  decodeUser,
  encodeAccount,
  encodeUser,
  inspectNatsClaims,
  isAccountClaims,
  isUserClaims,
  newAccountClaims,
  newUserClaims,
} from '../../../src/claims/nats/index.js';
import { SigchainError } from '../../../src/errors.js';
import { b64urlEncode, signJwt } from '../../../src/jwt/index.js';
import { GO_USER_TOKEN, PUB, key } from './fixtures.js';

function code(c: string) {
  return (e: unknown) => e instanceof SigchainError && e.code === c;
}

const HEADER = b64urlEncode('{"typ":"JWT","alg":"ed25519-nkey"}');

// Signs an arbitrary payload as v2 (header.payload), bypassing sigchain's encoder checks.
function forge(payload: object, signer = key('A5'), header = HEADER): string {
  const body = `${header}.${b64urlEncode(JSON.stringify(payload))}`;
  return `${body}.${b64urlEncode(signer.sign(Buffer.from(body, 'ascii')))}`;
}

describe('decodeNatsClaims', () => {
  it('returns the claims with a type guard that narrows them', () => {
    const c = decodeNatsClaims(GO_USER_TOKEN);
    assert.ok(isUserClaims(c));
    assert.ok(!isAccountClaims(c));
    assert.equal(c.nats.issuer_account, PUB.A4);
  });

  it('returns a fresh object each time (editing one does not change the next decode)', () => {
    const a = decodeUser(GO_USER_TOKEN);
    a.nats.pub!.allow!.push('evil.>');
    a.name = 'changed';
    const b = decodeUser(GO_USER_TOKEN);
    assert.deepEqual(b.nats.pub, { allow: ['foo.>'] });
    assert.equal(b.name, 'U');
  });

  it('refuses a truncated token', () => {
    assert.throws(() => decodeNatsClaims(GO_USER_TOKEN.slice(0, 100)), code('MALFORMED_TOKEN'));
    assert.throws(() => decodeNatsClaims(GO_USER_TOKEN.slice(0, -10)), code('MALFORMED_TOKEN'));
    assert.throws(() => decodeNatsClaims(''), code('MALFORMED_TOKEN'));
  });

  it('refuses a payload edited after signing (BAD_SIGNATURE)', () => {
    const [h, p, s] = GO_USER_TOKEN.split('.');
    const edited = Buffer.from(p!, 'base64url').toString().replace('"foo.\\u003e"', '"\\u003e"');
    assert.notEqual(edited, Buffer.from(p!, 'base64url').toString());
    assert.throws(() => decodeNatsClaims(`${h}.${b64urlEncode(edited)}.${s}`), code('BAD_SIGNATURE'));
  });

  it('refuses a wrong algorithm', () => {
    const token = forge({ sub: PUB.U7, iss: PUB.A5, nats: { type: 'user', version: 2 } }, key('A5'), b64urlEncode('{"typ":"JWT","alg":"HS256"}'));
    assert.throws(() => decodeNatsClaims(token), code('UNSUPPORTED_ALGORITHM'));
  });

  it('refuses v1 tokens with a message that says so', () => {
    // v1: alg "ed25519", top-level type, signature over the payload only.
    const h = b64urlEncode('{"typ":"jwt","alg":"ed25519"}');
    const p = b64urlEncode(JSON.stringify({ iss: PUB.A5, sub: PUB.U7, type: 'user', nats: {} }));
    const v1 = `${h}.${p}.${b64urlEncode(key('A5').sign(Buffer.from(p)))}`;
    assert.throws(() => decodeNatsClaims(v1), (e: unknown) => code('UNSUPPORTED_VERSION')(e) && /v1/.test((e as Error).message));
    // A v1-shaped claim under the v2 header (signature over header.payload) is refused the same way.
    const v1body = forge({ iss: PUB.A5, sub: PUB.U7, type: 'user' });
    assert.throws(() => decodeNatsClaims(v1body), code('UNSUPPORTED_VERSION'));
  });

  it('refuses version 3 (newer than this library)', () => {
    const token = forge({ iss: PUB.A5, sub: PUB.U7, nats: { type: 'user', version: 3 } });
    assert.throws(() => decodeNatsClaims(token), (e: unknown) => code('UNSUPPORTED_VERSION')(e) && /version 3/.test((e as Error).message));
  });

  it('refuses a user signed by a user key (WRONG_KEY_ROLE)', () => {
    const token = signJwt({ iat: 1, iss: PUB.U8, sub: PUB.U7, nats: { type: 'user', version: 2 } }, key('U8'));
    assert.throws(() => decodeNatsClaims(token), code('WRONG_KEY_ROLE'));
  });

  it('refuses an operator token signed by an account, and an account whose subject is a user', () => {
    assert.throws(() => decodeNatsClaims(forge({ iss: PUB.A5, sub: PUB.O1, nats: { type: 'operator', version: 2 } })), code('WRONG_KEY_ROLE'));
    assert.throws(() => decodeNatsClaims(forge({ iss: PUB.O1, sub: PUB.U7, nats: { type: 'account', version: 2 } }, key('O1'))), code('WRONG_KEY_ROLE'));
  });

  it('refuses cluster/server claims as Go does', () => {
    assert.throws(() => decodeNatsClaims(forge({ iss: PUB.A5, sub: PUB.A5, nats: { type: 'cluster', version: 2 } })), code('WRONG_CLAIM_TYPE'));
  });

  it('keeps unknown fields at every level', () => {
    const token = forge({ iss: PUB.A5, sub: PUB.U7, future: { x: 1 }, nats: { type: 'user', version: 2, proxy_required: true, pub: { allow: ['a'], extra: 1 } } });
    const c = decodeUser(token) as unknown as { future: unknown; nats: Record<string, unknown> };
    assert.deepEqual(c.future, { x: 1 });
    assert.equal(c.nats.proxy_required, true);
    assert.deepEqual(c.nats.pub, { allow: ['a'], extra: 1 });
  });

  it("normalises Go's comma-separated src form", () => {
    const c = decodeUser(forge({ iss: PUB.A5, sub: PUB.U7, nats: { type: 'user', version: 2, src: '10.0.0.0/8, 192.168.0.0/16' } }));
    assert.deepEqual(c.nats.src, ['10.0.0.0/8', '192.168.0.0/16']);
  });
});

describe('typed decoders', () => {
  const account = encodeAccount(newAccountClaims('A', PUB.A4), key('O1'));

  it('decodeUser refuses an account token with WRONG_CLAIM_TYPE and a helpful message', () => {
    assert.throws(
      () => decodeUser(account),
      (e: unknown) => code('WRONG_CLAIM_TYPE')(e) && /Expected a user token but this is an account token/.test((e as Error).message),
    );
  });

  it('each decoder accepts only its type', () => {
    const user = encodeUser(newUserClaims('u', PUB.U7), key('A4'));
    assert.equal(decodeAccount(account).sub, PUB.A4);
    assert.throws(() => decodeAccount(user), code('WRONG_CLAIM_TYPE'));
    assert.throws(() => decodeOperator(user), code('WRONG_CLAIM_TYPE'));
    assert.throws(() => decodeActivation(account), code('WRONG_CLAIM_TYPE'));
  });
});

describe('inspectNatsClaims', () => {
  it('reads a token without verifying it (even a tampered or v1 one)', () => {
    const [h, p] = GO_USER_TOKEN.split('.');
    const tampered = `${h}.${p}.${'A'.repeat(86)}`;
    assert.throws(() => decodeNatsClaims(tampered), code('BAD_SIGNATURE'));
    const r = inspectNatsClaims(tampered);
    assert.equal(r.claims.sub, PUB.U7);
    assert.equal(r.version, 2);
    const v1 = `${b64urlEncode('{"typ":"jwt","alg":"ed25519"}')}.${b64urlEncode('{"type":"user","sub":"x"}')}.sig`;
    assert.equal(inspectNatsClaims(v1).version, 1);
  });

  it('refuses text that is not a JWT', () => {
    assert.throws(() => inspectNatsClaims('not a token'), code('MALFORMED_TOKEN'));
  });
});
