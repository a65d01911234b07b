// The Go reference tokens verify, and sigchain reproduces Go's bytes: payload, jti and signature.
import { clearCaches } from '../../src/bounded-map.js';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decode as natsDecode } from '@nats-io/jwt';
import { decodeJwt, goJson, goJti, signJwt, signingInput, verifyJwt } from '../../src/jwt/index.js';
import { KeyPair } from '../../src/nkeys/index.js';
import { GO_ACCOUNT_PAYLOAD, GO_ACCOUNT_SK_SEED, GO_USER_PAYLOAD, GO_USER_TOKEN } from './go-reference.js';

type Claims = { jti: string; iat: number; iss: string; name?: string; sub: string; nats: Record<string, unknown> };

describe('Go user token', () => {
  it('verifies, and its claims are the documented payload', () => {
    clearCaches();
    const { header, claims, signingInput: input } = verifyJwt<Claims>(GO_USER_TOKEN);
    assert.deepEqual(header, { typ: 'JWT', alg: 'ed25519-nkey' });
    assert.deepEqual(claims, JSON.parse(GO_USER_PAYLOAD));
    assert.equal(input, GO_USER_TOKEN.slice(0, GO_USER_TOKEN.lastIndexOf('.')));
    assert.equal(claims.iss, KeyPair.fromSeed(GO_ACCOUNT_SK_SEED).publicKey);
  });

  it('the official @nats-io/jwt agrees it is valid', () => {
    assert.equal(natsDecode<Record<string, unknown>>(GO_USER_TOKEN).sub, 'UDVEU3DD4KOFECV66VIHWEZOYX4ZKR3WV27L464SIIPOU2IUI3JCYSJF');
  });

  it('its jti is goJti of its standard claims', () => {
    const { claims } = decodeJwt<Claims>(GO_USER_TOKEN);
    assert.equal(goJti(claims), claims.jti);
    assert.equal(goJti({ ...claims, name: 'V' }) === claims.jti, false, 'jti covers the name');
  });

  it('re-encoding the decoded payload reproduces the signed bytes', () => {
    const { claims } = decodeJwt<Claims>(GO_USER_TOKEN);
    assert.equal(goJson(claims), GO_USER_PAYLOAD);
    assert.equal(signingInput(claims), GO_USER_TOKEN.slice(0, GO_USER_TOKEN.lastIndexOf('.')));
  });

  it('re-signing with the Go account signing key reproduces the whole token', () => {
    const { claims } = decodeJwt<Claims>(GO_USER_TOKEN);
    assert.equal(signJwt(claims, KeyPair.fromSeed(GO_ACCOUNT_SK_SEED)), GO_USER_TOKEN);
  });
});

describe('Go account payload', () => {
  it('re-encodes byte for byte and its jti matches', () => {
    const claims = JSON.parse(GO_ACCOUNT_PAYLOAD) as Claims;
    assert.equal(goJson(claims), GO_ACCOUNT_PAYLOAD);
    assert.equal(goJti(claims), 'I6QETHCENGEOFCWTUXQLMWWTXR2C4K4OWGLNG7JA7HNEEZ62HWXQ');
  });

  it('a JSON.stringify encoder would differ (the escaping matters)', () => {
    assert.notEqual(JSON.stringify(JSON.parse(GO_ACCOUNT_PAYLOAD)), GO_ACCOUNT_PAYLOAD);
  });
});

describe('goJti', () => {
  it('matches the Go jti of the nkeys creds fixture', () => {
    const jti = goJti({
      iat: 1590781593,
      iss: 'AADWLTHICV4SUAGF6EKNVEW5BBP7YRDIBGWGGHZ5JBDOQYA7GUFM6AQU',
      name: 'OPERATOR',
      sub: 'UDE6WTGLTTPCRJRJCKBJRGVNZTLIVR7LEEELR4CYWWWBKJS7XYIKXDUU',
    });
    assert.equal(jti, 'GT4NUNMEF7ZMWCRBXVVUDKQT6ZYPZ77W4JRQXD3L24HKUJECQH7Q');
  });

  it('leaves empty fields out and hashes aud, exp, nbf when set', () => {
    const base = { iat: 1, iss: 'A', sub: 'U' };
    assert.equal(goJti({ ...base, name: '', aud: '', exp: 0, nbf: 0 }), goJti(base));
    assert.notEqual(goJti({ ...base, aud: 'NATS' }), goJti(base));
    assert.notEqual(goJti({ ...base, exp: 2 }), goJti(base));
    assert.notEqual(goJti({ ...base, nbf: 2 }), goJti(base));
    assert.match(goJti(base), /^[A-Z2-7]{52}$/);
  });
});
