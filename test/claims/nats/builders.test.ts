// Builders carry Go's defaults; helpers follow Go's semantics (revocations only move forward,
// tags lower-cased/trimmed/deduped, signing keys replace by key, SetScoped zeroes everything).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  accountDidSign,
  activationHashId,
  addOperatorSigningKey,
  addSigningKey,
  addTags,
  clearActivationRevocation,
  clearRevocation,
  decodeActivation,
  encodeActivation,
  hasEmptyPermissions,
  isRevoked,
  newAccountClaims,
  newActivationClaims,
  newOperatorClaims,
  newUserClaims,
  newUserScope,
  operatorDidSign,
  removeOperatorSigningKey,
  removeSigningKey,
  removeTags,
  revoke,
  revokeActivation,
  setScoped,
  signingKeyScope,
} from '../../../src/claims/nats/index.js';
import { SigchainError } from '../../../src/errors.js';
import { PUB, key } from './fixtures.js';

function code(c: string) {
  return (e: unknown) => e instanceof SigchainError && e.code === c;
}

describe('builders', () => {
  it('newAccountClaims: limits -1 everywhere, wildcards true, JetStream off (Go NewAccountClaims)', () => {
    const a = newAccountClaims('A', PUB.A4);
    assert.deepEqual(a, {
      name: 'A',
      sub: PUB.A4,
      nats: {
        limits: { subs: -1, data: -1, payload: -1, imports: -1, exports: -1, wildcards: true, conn: -1, leaf: -1 },
        default_permissions: { pub: {}, sub: {} },
        type: 'account',
        version: 2,
      },
    });
    // Each call gets its own limits object.
    newAccountClaims('B', PUB.A3).nats.limits!.conn = 5;
    assert.equal(newAccountClaims('C', PUB.A3).nats.limits!.conn, -1);
  });

  it('newUserClaims: subs/data/payload -1, empty pub/sub (Go NewUserClaims)', () => {
    assert.deepEqual(newUserClaims('u', PUB.U7).nats, { pub: {}, sub: {}, subs: -1, data: -1, payload: -1, type: 'user', version: 2 });
  });

  it('builders refuse keys of the wrong role', () => {
    assert.throws(() => newUserClaims('u', PUB.A4), code('NKEY_WRONG_ROLE'));
    assert.throws(() => newAccountClaims('a', PUB.O1), code('NKEY_WRONG_ROLE'));
    assert.throws(() => newOperatorClaims('o', PUB.A4), code('NKEY_WRONG_ROLE'));
    assert.throws(() => newActivationClaims('x', PUB.U7, 's', 'stream'), code('NKEY_WRONG_ROLE'));
    assert.throws(() => newActivationClaims('x', PUB.A3, 's', 'bogus' as never), code('INVALID_CLAIMS'));
    assert.throws(() => newUserClaims('u', 'SUAAOBYHA4DQOBYHA4DQOBYHA4DQOBYHA4DQOBYHA4DQOBYHA4DQOBZ5FE'), code('NKEY_PUBLIC_EXPECTED'));
  });

  it('newUserScope: template subs/data/payload -1 (Go NewUserScope), template overrides kept', () => {
    const s = newUserScope(PUB.A6, 'svc', { pub: { allow: ['a'] }, subs: 10 }, 'desc');
    assert.deepEqual(s, { kind: 'user_scope', key: PUB.A6, role: 'svc', template: { pub: { allow: ['a'] }, sub: {}, subs: 10, data: -1, payload: -1 }, description: 'desc' });
  });
});

describe('setScoped / hasEmptyPermissions', () => {
  it('zeroes every permission and limit, keeps issuer_account and tags; false restores -1 defaults', () => {
    const u = newUserClaims('u', PUB.U7);
    Object.assign(u.nats, { pub: { allow: ['x'] }, resp: { max: 1, ttl: 0 }, src: ['1.2.3.4/32'], times: [{ start: '01:00:00', end: '02:00:00' }], times_location: 'UTC', bearer_token: true, allowed_connection_types: ['MQTT'], issuer_account: PUB.A4, tags: ['t'] });
    assert.equal(hasEmptyPermissions(u), false);
    setScoped(u);
    assert.deepEqual(u.nats, { pub: {}, sub: {}, issuer_account: PUB.A4, tags: ['t'], type: 'user', version: 2 });
    assert.equal(hasEmptyPermissions(u), true);
    setScoped(u, false);
    assert.equal(u.nats.subs, -1);
    assert.equal(hasEmptyPermissions(u), false);
  });

  it('the -1 defaults alone count as permissions (nats-server rejects them on scoped users)', () => {
    assert.equal(hasEmptyPermissions(newUserClaims('u', PUB.U7)), false);
  });
});

describe('tags', () => {
  it('lower-cases, trims, skips empty and dedupes; remove matches the same way', () => {
    const u = newUserClaims('u', PUB.U7);
    addTags(u, ' Env:Prod ', 'env:prod', '', '  ', 'Team:A');
    assert.deepEqual(u.nats.tags, ['env:prod', 'team:a']);
    removeTags(u, 'ENV:PROD ');
    assert.deepEqual(u.nats.tags, ['team:a']);
    removeTags(u, 'team:a');
    assert.equal(u.nats.tags, undefined);
  });
});

describe('revocations', () => {
  it('only move forward (Go RevocationList.Revoke); clear then revoke moves back', () => {
    const a = newAccountClaims('A', PUB.A4);
    revoke(a, PUB.U7, 200);
    revoke(a, PUB.U7, 100);
    assert.equal(a.nats.revocations?.[PUB.U7], 200);
    revoke(a, PUB.U7, new Date(300_000));
    assert.equal(a.nats.revocations?.[PUB.U7], 300);
    clearRevocation(a, PUB.U7);
    assert.equal(a.nats.revocations, undefined);
    revoke(a, PUB.U7, 100);
    assert.equal(a.nats.revocations?.[PUB.U7], 100);
  });

  it('default to now and accept "*"', () => {
    const a = newAccountClaims('A', PUB.A4);
    const before = Math.floor(Date.now() / 1000);
    revoke(a, '*');
    assert.ok(a.nats.revocations!['*']! >= before);
  });

  it('refuse keys that are not users', () => {
    assert.throws(() => revoke(newAccountClaims('A', PUB.A4), PUB.A3), code('NKEY_WRONG_ROLE'));
  });

  it('isRevoked: revoked iff entry >= iat for the key or "*" (equal is revoked)', () => {
    assert.equal(isRevoked({ [PUB.U7]: 100 }, PUB.U7, 100), true);
    assert.equal(isRevoked({ [PUB.U7]: 100 }, PUB.U7, 101), false);
    assert.equal(isRevoked({ '*': 100 }, PUB.U8, 99), true);
    assert.equal(isRevoked({ '*': 100 }, PUB.U8, 101), false);
    assert.equal(isRevoked(undefined, PUB.U8, 1), false);
  });

  it('export activation revocations follow the same rule and need account keys', () => {
    const e = { subject: 'x', type: 'stream' as const };
    revokeActivation(e, PUB.A3, 50);
    revokeActivation(e, PUB.A3, 10);
    assert.deepEqual(e, { subject: 'x', type: 'stream', revocations: { [PUB.A3]: 50 } });
    assert.throws(() => revokeActivation(e, PUB.U7), code('NKEY_WRONG_ROLE'));
    clearActivationRevocation(e, PUB.A3);
    assert.equal('revocations' in e, false);
  });
});

describe('signing keys', () => {
  it('account: add plain or scoped, replace by key, remove, look up the scope', () => {
    const a = newAccountClaims('A', PUB.A4);
    addSigningKey(a, PUB.A5);
    addSigningKey(a, PUB.A6);
    assert.equal(signingKeyScope(a, PUB.A6), null);
    const scope = newUserScope(PUB.A6, 'svc');
    addSigningKey(a, scope);
    assert.deepEqual(a.nats.signing_keys, [PUB.A5, scope]);
    assert.equal(signingKeyScope(a, PUB.A6), scope);
    assert.equal(signingKeyScope(a, PUB.A3), undefined);
    removeSigningKey(a, PUB.A5, PUB.A6);
    assert.equal(a.nats.signing_keys, undefined);
    assert.throws(() => addSigningKey(a, PUB.O1), code('NKEY_WRONG_ROLE'));
    assert.throws(() => addSigningKey(a, { kind: 'other', key: PUB.A5 } as never), code('INVALID_CLAIMS'));
  });

  it('operator: O keys only, kept in order, deduped', () => {
    const o = newOperatorClaims('O', PUB.O1);
    addOperatorSigningKey(o, PUB.O2, PUB.O1, PUB.O2);
    assert.deepEqual(o.nats.signing_keys, [PUB.O2, PUB.O1]);
    assert.throws(() => addOperatorSigningKey(o, PUB.A3), code('NKEY_WRONG_ROLE'));
    removeOperatorSigningKey(o, PUB.O2, PUB.O1);
    assert.equal(o.nats.signing_keys, undefined);
  });

  it('accountDidSign / operatorDidSign follow Go DidSign (strict: identity signs only itself)', () => {
    const a = newAccountClaims('A', PUB.A4);
    addSigningKey(a, PUB.A5);
    assert.equal(accountDidSign(a, { iss: PUB.A4, nats: {} }), true);
    assert.equal(accountDidSign(a, { iss: PUB.A5, nats: { issuer_account: PUB.A4 } }), true);
    assert.equal(accountDidSign(a, { iss: PUB.A5, nats: {} }), false);
    assert.equal(accountDidSign(a, { iss: PUB.A6, nats: { issuer_account: PUB.A4 } }), false);
    const o = newOperatorClaims('O', PUB.O1);
    addOperatorSigningKey(o, PUB.O2);
    assert.equal(operatorDidSign(o, { iss: PUB.O1, sub: PUB.A4 }), true);
    assert.equal(operatorDidSign(o, { iss: PUB.O2, sub: PUB.A4 }), true);
    o.nats.strict_signing_key_usage = true;
    assert.equal(operatorDidSign(o, { iss: PUB.O1, sub: PUB.A4 }), false);
    assert.equal(operatorDidSign(o, { iss: PUB.O1, sub: PUB.O1 }), true);
    assert.equal(operatorDidSign(o, { iss: PUB.O2, sub: PUB.A4 }), true);
  });
});

describe('activation', () => {
  it('builds the claims and computes Go HashID (base32 with padding of sha256(iss.sub.clean))', async () => {
    const act = newActivationClaims('g', PUB.A3, 'orders.*.x', 'stream', PUB.A4);
    assert.deepEqual(act.nats, { subject: 'orders.*.x', kind: 'stream', issuer_account: PUB.A4, type: 'activation', version: 2 });
    const decoded = decodeActivation(encodeActivation(act, key('A5')));
    const { createHash } = await import('node:crypto');
    const { base32Encode } = await import('../../../src/nkeys/index.js');
    const expected = `${base32Encode(createHash('sha256').update(`${PUB.A5}.${PUB.A3}.orders`).digest())}====`;
    assert.equal(activationHashId(decoded), expected);
    assert.equal(activationHashId(decoded).length, 56);
    decoded.nats.subject = '>';
    assert.equal(activationHashId(decoded), `${base32Encode(createHash('sha256').update(`${PUB.A5}.${PUB.A3}._`).digest())}====`);
    assert.throws(() => activationHashId(act), code('INVALID_CLAIMS'));
  });
});
