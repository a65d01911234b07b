// Both directions against the official @nats-io/jwt (0.0.11): what sigchain issues, jwt.js
// verifies and reads as the same claims; what jwt.js issues, sigchain decodes and verifies.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as jwtjs from '@nats-io/jwt';
import {
  addOperatorSigningKey,
  addSigningKey,
  decodeAccount,
  decodeActivation,
  decodeNatsClaims,
  decodeOperator,
  decodeUser,
  encodeAccount,
  encodeActivation,
  encodeGeneric,
  encodeOperator,
  encodeUser,
  newAccountClaims,
  newActivationClaims,
  newOperatorClaims,
  newUserClaims,
  newUserScope,
  revoke,
  revokeActivation,
  validateClaims,
} from '../../../src/claims/nats/index.js';
import { PUB, SEEDS, key } from './fixtures.js';

type Json = Record<string, unknown>;

describe('sigchain → @nats-io/jwt decode', () => {
  it('operator with signing keys, system account, strict mode', () => {
    const o = newOperatorClaims('acme', PUB.O1);
    addOperatorSigningKey(o, PUB.O2);
    o.nats.system_account = PUB.A3;
    o.nats.strict_signing_key_usage = true;
    o.nats.operator_service_urls = ['nats://localhost:4222'];
    const token = encodeOperator(o, key('O1'));
    const got = jwtjs.decode<Json>(token);
    assert.equal(got.iss, PUB.O1);
    assert.equal(got.sub, PUB.O1);
    assert.equal(got.name, 'acme');
    assert.deepEqual(got.nats, {
      signing_keys: [PUB.O2],
      operator_service_urls: ['nats://localhost:4222'],
      system_account: PUB.A3,
      strict_signing_key_usage: true,
      type: 'operator',
      version: 2,
    });
  });

  it('account with plain + scoped signing keys, revocations, exports and imports', () => {
    const a = newAccountClaims('orders', PUB.A4);
    addSigningKey(a, PUB.A5);
    addSigningKey(a, newUserScope(PUB.A6, 'svc', { pub: { allow: ['svc.>'] } }, 'service users'));
    revoke(a, PUB.U8, 1700000000);
    revoke(a, '*', 1600000000);
    const exp = { subject: 'orders.>', type: 'stream' as const, token_req: true, description: 'order events' };
    revokeActivation(exp, PUB.A3, 1700000001);
    a.nats.exports = [{ subject: 'svc.q', type: 'service', response_type: 'Stream' }, exp];
    a.nats.imports = [{ subject: 'prices.>', account: PUB.A3, type: 'stream', local_subject: 'ext.prices.>' }];
    const token = encodeAccount(a, key('O2'));
    const got = jwtjs.decode<Json>(token);
    assert.equal(got.iss, PUB.O2);
    const n = got.nats as Json;
    assert.deepEqual(n.signing_keys, [
      PUB.A5,
      { kind: 'user_scope', key: PUB.A6, role: 'svc', template: { pub: { allow: ['svc.>'] }, sub: {}, subs: -1, data: -1, payload: -1 }, description: 'service users' },
    ]);
    assert.deepEqual(n.revocations, { '*': 1600000000, [PUB.U8]: 1700000000 });
    // Go sorts exports by subject on Encode.
    assert.deepEqual(n.exports, [
      { subject: 'orders.>', type: 'stream', token_req: true, revocations: { [PUB.A3]: 1700000001 }, description: 'order events' },
      { subject: 'svc.q', type: 'service', response_type: 'Stream' },
    ]);
    assert.deepEqual(n.imports, [{ subject: 'prices.>', account: PUB.A3, local_subject: 'ext.prices.>', type: 'stream' }]);
    assert.deepEqual(n.limits, { subs: -1, data: -1, payload: -1, imports: -1, exports: -1, wildcards: true, conn: -1, leaf: -1 });
  });

  it('user with permissions, limits and issuer_account', () => {
    const u = newUserClaims('alice', PUB.U7);
    u.nats.pub = { allow: ['orders.>'], deny: ['orders.secret'] };
    u.nats.sub = { allow: ['_INBOX.>', 'work q1'] };
    u.nats.resp = { max: 1, ttl: 5_000_000_000 };
    u.nats.src = ['10.0.0.0/8'];
    u.nats.times = [{ start: '08:00:00', end: '17:00:00' }];
    u.nats.times_location = 'Europe/Berlin';
    u.nats.bearer_token = true;
    u.nats.allowed_connection_types = ['STANDARD', 'WEBSOCKET'];
    u.nats.issuer_account = PUB.A4;
    u.exp = 2000000000;
    const token = encodeUser(u, key('A5'));
    const got = jwtjs.decode<Json>(token);
    assert.equal(got.iss, PUB.A5);
    assert.equal(got.exp, 2000000000);
    assert.deepEqual(got.nats, {
      pub: { allow: ['orders.>'], deny: ['orders.secret'] },
      sub: { allow: ['_INBOX.>', 'work q1'] },
      resp: { max: 1, ttl: 5_000_000_000 },
      src: ['10.0.0.0/8'],
      times: [{ start: '08:00:00', end: '17:00:00' }],
      times_location: 'Europe/Berlin',
      subs: -1,
      data: -1,
      payload: -1,
      bearer_token: true,
      allowed_connection_types: ['STANDARD', 'WEBSOCKET'],
      issuer_account: PUB.A4,
      type: 'user',
      version: 2,
    });
  });

  it('activation and generic claims', () => {
    const act = newActivationClaims('grant', PUB.A3, 'orders.>', 'stream', PUB.A4);
    const got = jwtjs.decode<Json>(encodeActivation(act, key('A5')));
    assert.equal(got.sub, PUB.A3);
    assert.deepEqual(got.nats, { subject: 'orders.>', kind: 'stream', issuer_account: PUB.A4, type: 'activation', version: 2 });
    const gen = jwtjs.decode<Json>(encodeGeneric({ sub: PUB.O1, nats: { zeta: 1, accounts: [PUB.A3] } }, key('O1')));
    assert.deepEqual(gen.nats, { accounts: [PUB.A3], type: 'generic', version: 2, zeta: 1 });
  });
});

describe('@nats-io/jwt → sigchain decode', () => {
  it('encodeOperator', async () => {
    const token = await jwtjs.encodeOperator('acme', SEEDS.O1, { signing_keys: [PUB.O2], system_account: PUB.A3 });
    const c = decodeOperator(token);
    assert.equal(c.aud, 'NATS');
    assert.deepEqual(c.nats.signing_keys, [PUB.O2]);
    assert.equal(c.nats.system_account, PUB.A3);
    assert.deepEqual(validateClaims(c).errors, []);
  });

  it('encodeAccount signed by an operator signing key, with a jwt.js scoped signer', async () => {
    const scope = jwtjs.newScopedSigner(PUB.A6, 'svc', { pub: { allow: ['svc.>'], deny: [] } });
    const token = await jwtjs.encodeAccount('orders', PUB.A4, { signing_keys: [PUB.A5, scope], revocations: { [PUB.U8]: 1700000000 } }, { signer: SEEDS.O2 });
    const c = decodeAccount(token);
    assert.equal(c.iss, PUB.O2);
    assert.equal(c.sub, PUB.A4);
    assert.equal(c.nats.revocations?.[PUB.U8], 1700000000);
    const scoped = c.nats.signing_keys?.find((k) => typeof k === 'object');
    assert.ok(scoped && typeof scoped === 'object');
    assert.equal(scoped.key, PUB.A6);
    assert.deepEqual(scoped.template.pub?.allow, ['svc.>']);
    // jwt.js writes `locale` (Go and the server read `times_location`): kept as an unknown field.
    assert.equal((scoped.template as Json).locale, '');
  });

  it('encodeUser with {signer} sets issuer_account; jwt.js fields survive a sigchain re-encode', async () => {
    const token = await jwtjs.encodeUser('alice', PUB.U7, PUB.A4, { pub: { allow: ['a.>'], deny: [] }, locale: 'UTC' }, { signer: SEEDS.A5 });
    const c = decodeUser(token);
    assert.equal(c.iss, PUB.A5);
    assert.equal(c.nats.issuer_account, PUB.A4);
    assert.deepEqual(c.nats.pub?.allow, ['a.>']);
    assert.equal(c.aud, 'NATS');
    const again = decodeUser(encodeUser(c, key('A5')));
    assert.equal((again.nats as unknown as Json).locale, 'UTC');
    assert.equal(again.aud, 'NATS');
    assert.equal(again.nats.issuer_account, PUB.A4);
  });

  it('scoped encodeUser and encodeActivation', async () => {
    const u = decodeUser(await jwtjs.encodeUser('svc', PUB.U7, PUB.A4, {}, { signer: SEEDS.A6, scopedUser: true }));
    assert.deepEqual(u.nats, { issuer_account: PUB.A4, type: 'user', version: 2 });
    const scope = newUserScope(PUB.A6, 'svc');
    const { validateScopedSigner } = await import('../../../src/claims/nats/index.js');
    assert.deepEqual(validateScopedSigner(u, scope), []);
    const act = decodeActivation(await jwtjs.encodeActivation('grant', PUB.A3, SEEDS.A4, 'service', { subject: 'q.orders' }));
    assert.equal(act.iss, PUB.A4);
    assert.equal(act.nats.kind, 'service');
    assert.equal(act.nats.subject, 'q.orders');
  });

  it('sigchain re-encodes a jwt.js user into a token jwt.js reads back with the same meaning', async () => {
    const token = await jwtjs.encodeUser('bob', PUB.U8, SEEDS.A4, { sub: { allow: ['x.*'], deny: [] } });
    const c = decodeNatsClaims(token);
    const back = jwtjs.decode<Json>(encodeUser(c as ReturnType<typeof decodeUser>, key('A4')));
    // Go's omitempty drops the empty deny list and writes the pub struct as {}: same permissions.
    assert.deepEqual(back.nats, { pub: {}, sub: { allow: ['x.*'] }, subs: -1, data: -1, payload: -1, type: 'user', version: 2 });
    assert.equal(back.sub, PUB.U8);
    assert.equal(back.aud, 'NATS');
  });
});
