// signJwt with signers that are arbitrary code: what they do while signing cannot corrupt the token.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { decodeJwt, signJwt, verifyJwt, verifyJwtUncached } from '../../src/jwt/index.js';
import { KeyPair, type Signer } from '../../src/nkeys/index.js';

it('a signer that itself signs and verifies tokens while signing still yields a valid token', () => {
  const inner = KeyPair.create('account');
  const outer = KeyPair.create('account');
  const user = KeyPair.create('user');
  // As an audited key or a keyring entry might: record the signature request as a signed token.
  const audited: Signer = {
    publicKey: outer.publicKey,
    sign(data) {
      const record = signJwt({ jti: 'a', iat: 1, iss: inner.publicKey, sub: user.publicKey, nats: { type: 'audit', bytes: data.length } }, inner);
      verifyJwtUncached(record);
      return outer.sign(data);
    },
  };
  const token = signJwt({ jti: 'j', iat: 2, iss: outer.publicKey, sub: user.publicKey, nats: { type: 'user', version: 2 } }, audited);
  assert.equal(verifyJwt(token).claims.iss, outer.publicKey);
  assert.equal(decodeJwt(token).claims.sub, user.publicKey);
});
