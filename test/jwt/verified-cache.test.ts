// The verified-token cache: a repeat verify is answered from memory, a changed token never is.
import { clearCaches } from '../../src/bounded-map.js';
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { WASCAP_FORMAT, b64urlEncode, signJwt, verifyJwt } from '../../src/jwt/index.js';
import { KeyPair } from '../../src/nkeys/index.js';
import { throwsCode } from '../nkeys/assert-code.js';
import { GO_USER_TOKEN } from './go-reference.js';

const [H, P, S] = GO_USER_TOKEN.split('.') as [string, string, string];

describe('verified cache', () => {
  beforeEach(() => clearCaches());

  it('a second verify returns the identical cached object (no second decode or verify)', () => {
    const first = verifyJwt(GO_USER_TOKEN);
    const second = verifyJwt(GO_USER_TOKEN);
    assert.equal(second, first, 'same object: answered from the cache');
    assert.equal(second.claims, first.claims);
  });

  it('after clearVerifiedCache the token is decoded and verified afresh', () => {
    const first = verifyJwt(GO_USER_TOKEN);
    clearCaches();
    const again = verifyJwt(GO_USER_TOKEN);
    assert.notEqual(again, first, 'a new object: really re-verified');
    assert.deepEqual(again.claims, first.claims);
  });

  it('a token with surrounding whitespace verifies and gives the trimmed token', () => {
    assert.equal(verifyJwt(`  ${GO_USER_TOKEN}\n`).token, GO_USER_TOKEN);
  });

  it('a tampered token is never answered from the cache', () => {
    verifyJwt(GO_USER_TOKEN);
    const claims = JSON.parse(Buffer.from(P, 'base64url').toString()) as { nats: { pub: { allow: string[] } } };
    claims.nats.pub.allow = ['>'];
    throwsCode(() => verifyJwt(`${H}.${b64urlEncode(JSON.stringify(claims))}.${S}`), 'BAD_SIGNATURE');
    const sig = Buffer.from(S, 'base64url');
    sig[63]! ^= 1;
    throwsCode(() => verifyJwt(`${H}.${P}.${b64urlEncode(sig)}`), 'BAD_SIGNATURE');
    // The good token is still good, and a failure did not evict or poison it.
    assert.equal(verifyJwt(GO_USER_TOKEN), verifyJwt(GO_USER_TOKEN));
  });

  it('a token that failed is not cached: it fails again', () => {
    const sig = Buffer.from(S, 'base64url');
    sig[0]! ^= 1;
    const bad = `${H}.${P}.${b64urlEncode(sig)}`;
    throwsCode(() => verifyJwt(bad), 'BAD_SIGNATURE');
    throwsCode(() => verifyJwt(bad), 'BAD_SIGNATURE');
  });

  it('a cached NATS token is not accepted as another format', () => {
    verifyJwt(GO_USER_TOKEN);
    throwsCode(() => verifyJwt(GO_USER_TOKEN, WASCAP_FORMAT), 'UNSUPPORTED_ALGORITHM');
  });

  it('stays bounded: after 10,000 newer tokens the oldest is evicted and re-verified', () => {
    const first = verifyJwt(GO_USER_TOKEN);
    const kp = KeyPair.create('account');
    for (let i = 0; i < 10_000; i++) verifyJwt(signJwt({ jti: String(i), iat: i, iss: kp.publicKey, sub: kp.publicKey }, kp));
    const again = verifyJwt(GO_USER_TOKEN);
    assert.notEqual(again, first, 'evicted (the cache holds 10,000 tokens)');
    assert.equal(verifyJwt(GO_USER_TOKEN), again, 'and cached again');
  });
});
