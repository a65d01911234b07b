// The tokens Go's nats-io/jwt v2.3.0 wrote (fixtures.ts) decode, verify, and re-encode
// to the identical payload bytes; sigchain's builders produce the same bytes from scratch.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  addOperatorSigningKey,
  addSigningKey,
  addTags,
  decodeAccount,
  decodeOperator,
  decodeUser,
  encodeAccount,
  encodeOperator,
  encodeUser,
  encodeUserAsync,
  newAccountClaims,
  newOperatorClaims,
  newUserClaims,
  newUserScope,
  revoke,
  validateClaims,
} from '../../../src/claims/nats/index.js';
import { goJti, signJwt } from '../../../src/jwt/index.js';
import { GO_ACCOUNT_PAYLOAD, GO_IAT, GO_OPERATOR_PAYLOAD, GO_USER_PAYLOAD, GO_USER_TOKEN, PUB, key, payloadText } from './fixtures.js';

// The Go account/operator tokens are known by payload only; signing that exact payload with the
// deterministic O/0x01 seed gives the token Go would have produced (Ed25519 is deterministic).
function goToken(payload: string): string {
  return signJwt(JSON.parse(payload) as object, key('O1'));
}

describe('Go reference user token', () => {
  it('decodes and verifies with the values Go wrote', () => {
    const c = decodeUser(GO_USER_TOKEN);
    assert.equal(c.iss, PUB.A5);
    assert.equal(c.sub, PUB.U7);
    assert.equal(c.iat, GO_IAT);
    assert.equal(c.nats.issuer_account, PUB.A4);
    assert.deepEqual(c.nats.pub, { allow: ['foo.>'] });
    assert.deepEqual(c.nats.sub, { deny: ['secret.>'] });
    assert.deepEqual(c.nats.resp, { max: 1, ttl: 0 });
    assert.deepEqual(c.nats.src, ['127.0.0.0/8']);
    assert.deepEqual(c.nats.tags, ['env:prod']);
  });

  it('re-encodes to the identical token (payload bytes and signature)', () => {
    const c = decodeUser(GO_USER_TOKEN);
    const again = encodeUser(c, key('A5'), { iat: c.iat! });
    assert.equal(payloadText(again), GO_USER_PAYLOAD);
    assert.equal(again, GO_USER_TOKEN);
  });

  it('is reproduced from scratch by the builders', async () => {
    const u = newUserClaims('U', PUB.U7);
    u.nats.pub = { allow: ['foo.>'] };
    u.nats.sub = { deny: ['secret.>'] };
    u.nats.resp = { max: 1, ttl: 0 };
    u.nats.src = ['127.0.0.0/8'];
    u.nats.issuer_account = PUB.A4;
    addTags(u, ' Env:Prod ');
    assert.equal(encodeUser(u, key('A5'), { iat: GO_IAT }), GO_USER_TOKEN);
    assert.equal(await encodeUserAsync(u, key('A5'), { iat: GO_IAT }), GO_USER_TOKEN);
  });

  it('has the jti Go computes from the standard claims', () => {
    const c = decodeUser(GO_USER_TOKEN);
    assert.equal(c.jti, goJti({ iat: GO_IAT, iss: PUB.A5, name: 'U', sub: PUB.U7 }));
  });

  it('is valid by Go rules at its issue time', () => {
    assert.deepEqual(validateClaims(decodeUser(GO_USER_TOKEN), { now: GO_IAT }), { errors: [], warnings: [] });
  });
});

describe('Go reference account token', () => {
  it('decodes, verifies and re-encodes to identical payload bytes', () => {
    const token = goToken(GO_ACCOUNT_PAYLOAD);
    const c = decodeAccount(token);
    assert.equal(c.iss, PUB.O1);
    assert.equal(c.nats.revocations?.[PUB.U8], 2000000000);
    const again = encodeAccount(c, key('O1'), { iat: c.iat! });
    assert.equal(payloadText(again), GO_ACCOUNT_PAYLOAD);
    assert.equal(again, token);
  });

  it('is reproduced from scratch by the builders (SKs sorted, scope template, revocation, {} defaults)', () => {
    const a = newAccountClaims('A', PUB.A4);
    // Added scoped first: the encoder must still sort by key, as Go's SigningKeys.MarshalJSON does.
    addSigningKey(a, newUserScope(PUB.A6, 'svc', { pub: { allow: ['svc.{{name()}}.>'] }, sub: { allow: ['_INBOX.>'] } }));
    addSigningKey(a, PUB.A5);
    revoke(a, PUB.U8, 2000000000);
    assert.equal(payloadText(encodeAccount(a, key('O1'), { iat: GO_IAT })), GO_ACCOUNT_PAYLOAD);
  });
});

describe('Go reference operator token', () => {
  it('decodes, verifies and re-encodes to identical payload bytes', () => {
    const token = goToken(GO_OPERATOR_PAYLOAD);
    const c = decodeOperator(token);
    assert.deepEqual(c.nats.signing_keys, [PUB.O2]);
    assert.equal(c.nats.system_account, PUB.A3);
    assert.equal(encodeOperator(c, key('O1'), { iat: c.iat! }), token);
  });

  it('is reproduced from scratch by the builders', () => {
    const o = newOperatorClaims('O', PUB.O1);
    addOperatorSigningKey(o, PUB.O2);
    o.nats.system_account = PUB.A3;
    assert.equal(payloadText(encodeOperator(o, key('O1'), { iat: GO_IAT })), GO_OPERATOR_PAYLOAD);
  });
});

describe('Go scoped user shape', () => {
  it('a scoped user writes only empty pub/sub, issuer_account, type and version', async () => {
    const { setScoped } = await import('../../../src/claims/nats/index.js');
    const u = setScoped(newUserClaims('S', PUB.U7));
    u.nats.issuer_account = PUB.A4;
    const nats = payloadText(encodeUser(u, key('A6'), { iat: GO_IAT })).replace(/^.*"nats":/, '').slice(0, -1);
    assert.equal(nats, `{"pub":{},"sub":{},"issuer_account":"${PUB.A4}","type":"user","version":2}`);
  });
});
