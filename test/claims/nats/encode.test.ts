// Encoding: Go field order and omitempty, sorting, signer roles, iat/jti, unknown fields, async signers.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type AccountClaims,
  decodeAccount,
  decodeNatsClaims,
  encodeAccount,
  encodeAccountAsync,
  encodeActivation,
  encodeGeneric,
  encodeGenericAsync,
  encodeOperator,
  encodeUser,
  encodeUserAsync,
  newAccountClaims,
  newActivationClaims,
  newOperatorClaims,
  newUserClaims,
} from '../../../src/claims/nats/index.js';
import { SigchainError } from '../../../src/errors.js';
import { goJti } from '../../../src/jwt/index.js';
import type { AsyncSigner } from '../../../src/nkeys/index.js';
import { PUB, key, payloadText } from './fixtures.js';

function code(c: string) {
  return (e: unknown) => e instanceof SigchainError && e.code === c;
}
const IAT = 1700000000;

describe('field order and omitempty', () => {
  it('writes top-level fields in Go order: aud, exp, jti, iat, iss, name, nbf, sub, nats', () => {
    const u = newUserClaims('n', PUB.U7);
    Object.assign(u, { nbf: 5, aud: 'X', exp: 9 });
    const keys = Object.keys(JSON.parse(payloadText(encodeUser(u, key('A4'), { iat: IAT }))));
    assert.deepEqual(keys, ['aud', 'exp', 'jti', 'iat', 'iss', 'name', 'nbf', 'sub', 'nats']);
  });

  it('sets iss to the signer, iat to now (or the override) and the Go jti', () => {
    const before = Math.floor(Date.now() / 1000);
    const c = decodeNatsClaims(encodeUser(newUserClaims('n', PUB.U7), key('A4')));
    assert.equal(c.iss, PUB.A4);
    assert.ok(c.iat! >= before && c.iat! <= before + 2);
    assert.equal(c.jti, goJti({ iat: c.iat!, iss: PUB.A4, name: 'n', sub: PUB.U7 }));
    const fixed = decodeNatsClaims(encodeUser({ ...newUserClaims('n', PUB.U7), iss: PUB.A5, iat: 3 }, key('A4'), { iat: IAT }));
    assert.equal(fixed.iss, PUB.A4);
    assert.equal(fixed.iat, IAT);
  });

  it('forces nats.type and nats.version=2 whatever the input says', () => {
    const u = newUserClaims('n', PUB.U7) as unknown as { nats: Record<string, unknown> };
    u.nats.type = 'account';
    u.nats.version = 1;
    delete u.nats.type;
    const nats = JSON.parse(payloadText(encodeUser(u as never, key('A4'), { iat: IAT }))).nats;
    assert.equal(nats.type, 'user');
    assert.equal(nats.version, 2);
    assert.deepEqual(Object.keys(nats).slice(-2), ['type', 'version']);
  });

  it('writes struct-typed pub/sub/default_permissions as {} and drops empty lists, zeros and false', () => {
    const u = newUserClaims('n', PUB.U7);
    u.nats.pub = { allow: [], deny: [] };
    u.nats.bearer_token = false;
    u.nats.src = [];
    u.nats.subs = 0;
    const p = payloadText(encodeUser(u, key('A4'), { iat: IAT }));
    assert.match(p, /"nats":\{"pub":\{\},"sub":\{\},"data":-1,"payload":-1,"type":"user","version":2\}/);
  });

  it('escapes <, > and & as Go does', () => {
    const u = newUserClaims('a&b', PUB.U7);
    u.nats.pub = { allow: ['x.>', '<y>'] };
    const p = payloadText(encodeUser(u, key('A4'), { iat: IAT }));
    assert.ok(p.includes('"name":"a\\u0026b"'));
    assert.ok(p.includes('["x.\\u003e","\\u003cy\\u003e"]'));
  });

  it('sorts exports/imports by subject, account signing keys by key and maps by key; keeps operator SK order', () => {
    const a = newAccountClaims('A', PUB.A4);
    a.nats.exports = [
      { subject: 'z', type: 'stream' },
      { subject: 'a.>', type: 'service' },
    ];
    a.nats.imports = [
      { subject: 'm', account: PUB.A3, type: 'stream' },
      { subject: 'b', account: PUB.A3, type: 'stream' },
    ];
    a.nats.signing_keys = [PUB.A6, PUB.A5, { kind: 'user_scope', key: PUB.A3, role: 'r', template: {} }];
    a.nats.mappings = { 'z.m': [{ subject: 'q' }], 'a.m': [{ subject: 'p', weight: 50 }] };
    a.nats.limits!.tiered_limits = { R3: { disk_storage: 1 }, R1: { mem_storage: 2 } };
    const n = JSON.parse(payloadText(encodeAccount(a, key('O1'), { iat: IAT }))).nats;
    assert.deepEqual(n.exports.map((e: { subject: string }) => e.subject), ['a.>', 'z']);
    assert.deepEqual(n.imports.map((e: { subject: string }) => e.subject), ['b', 'm']);
    assert.deepEqual(n.signing_keys.map((k: unknown) => (typeof k === 'string' ? k : (k as { key: string }).key)), [PUB.A3, PUB.A5, PUB.A6].sort());
    assert.deepEqual(n.signing_keys.find((k: unknown) => typeof k === 'object'), { kind: 'user_scope', key: PUB.A3, role: 'r', template: { pub: {}, sub: {} } });
    assert.deepEqual(Object.keys(n.mappings), ['a.m', 'z.m']);
    assert.deepEqual(Object.keys(n.limits.tiered_limits), ['R1', 'R3']);
    // Input is not mutated by sorting.
    assert.equal(a.nats.exports[0]!.subject, 'z');

    const o = newOperatorClaims('O', PUB.O1);
    o.nats.signing_keys = [PUB.O2, PUB.O1];
    assert.deepEqual(JSON.parse(payloadText(encodeOperator(o, key('O1'), { iat: IAT }))).nats.signing_keys, [PUB.O2, PUB.O1]);
  });

  it('orders every account field as Go does', () => {
    const a: AccountClaims = {
      sub: PUB.A4,
      nats: {
        info_url: 'https://x.example',
        description: 'd',
        cluster_traffic: 'owner',
        trace: { sampling: 5, dest: 't' },
        authorization: { xkey: 'X', auth_users: [PUB.U7] },
        mappings: { a: [{ cluster: 'c', weight: 10, subject: 'b' }] },
        default_permissions: { sub: { deny: ['x'] } },
        revocations: { [PUB.U7]: 1 },
        signing_keys: [PUB.A5],
        limits: { leaf: 1, subs: 2 },
        exports: [{ info_url: 'https://i.example', description: 'e', allow_trace: true, advertise: true, account_token_position: 2, service_latency: { results: 'r', sampling: 'headers' }, response_threshold: 7, response_type: 'Chunked', revocations: { '*': 1 }, token_req: true, type: 'service', subject: 's.*', name: 'n' }],
        imports: [{ allow_trace: true, share: true, type: 'stream', local_subject: 'l', to: 't', token: 'k', account: PUB.A3, subject: 's', name: 'n' }],
        tags: ['t'],
        type: 'account',
        version: 2,
      },
    };
    const n = JSON.parse(payloadText(encodeAccount(a, key('O1'), { iat: IAT }))).nats;
    assert.deepEqual(Object.keys(n), ['imports', 'exports', 'limits', 'signing_keys', 'revocations', 'default_permissions', 'mappings', 'authorization', 'trace', 'cluster_traffic', 'description', 'info_url', 'tags', 'type', 'version']);
    assert.deepEqual(Object.keys(n.exports[0]), ['name', 'subject', 'type', 'token_req', 'revocations', 'response_type', 'response_threshold', 'service_latency', 'account_token_position', 'advertise', 'allow_trace', 'description', 'info_url']);
    assert.deepEqual(Object.keys(n.exports[0].service_latency), ['sampling', 'results']);
    assert.deepEqual(Object.keys(n.imports[0]), ['name', 'subject', 'account', 'token', 'to', 'local_subject', 'type', 'share', 'allow_trace']);
    assert.deepEqual(Object.keys(n.limits), ['subs', 'leaf']);
    assert.deepEqual(n.default_permissions, { pub: {}, sub: { deny: ['x'] } });
    assert.deepEqual(Object.keys(n.mappings.a[0]), ['subject', 'weight', 'cluster']);
    assert.deepEqual(Object.keys(n.authorization), ['auth_users', 'xkey']);
    assert.deepEqual(Object.keys(n.trace), ['dest', 'sampling']);
  });

  it('orders every user and operator field as Go does', () => {
    const u = newUserClaims('n', PUB.U7);
    Object.assign(u.nats, {
      issuer_account: PUB.A4,
      allowed_connection_types: ['STANDARD'],
      bearer_token: true,
      times_location: 'UTC',
      times: [{ end: '02:00:00', start: '01:00:00' }],
      src: ['1.2.3.4/32'],
      resp: { ttl: 1, max: 2 },
    });
    const n = JSON.parse(payloadText(encodeUser(u, key('A5'), { iat: IAT }))).nats;
    assert.deepEqual(Object.keys(n), ['pub', 'sub', 'resp', 'src', 'times', 'times_location', 'subs', 'data', 'payload', 'bearer_token', 'allowed_connection_types', 'issuer_account', 'type', 'version']);
    assert.deepEqual(Object.keys(n.resp), ['max', 'ttl']);
    assert.deepEqual(Object.keys(n.times[0]), ['start', 'end']);
    const o = newOperatorClaims('O', PUB.O1);
    Object.assign(o.nats, { strict_signing_key_usage: true, assert_server_version: '2.9.0', system_account: PUB.A3, operator_service_urls: ['nats://h'], account_server_url: 'nats://h', signing_keys: [PUB.O2] });
    const on = JSON.parse(payloadText(encodeOperator(o, key('O1'), { iat: IAT }))).nats;
    assert.deepEqual(Object.keys(on), ['signing_keys', 'account_server_url', 'operator_service_urls', 'system_account', 'assert_server_version', 'strict_signing_key_usage', 'type', 'version']);
  });

  it('keeps unknown fields: nested ones in place, others after the known fields and before tags/type/version', () => {
    const u = newUserClaims('n', PUB.U7) as unknown as Record<string, unknown> & { nats: Record<string, unknown> };
    u.nats.proxy_required = true;
    u.nats.tags = ['x'];
    (u.nats.pub as Record<string, unknown>).future = 1;
    u.extra = 'top';
    const p = JSON.parse(payloadText(encodeUser(u as never, key('A4'), { iat: IAT })));
    assert.deepEqual(Object.keys(p).slice(-2), ['nats', 'extra']);
    assert.deepEqual(Object.keys(p.nats).slice(-5), ['payload', 'proxy_required', 'tags', 'type', 'version']);
    assert.deepEqual(p.nats.pub, { future: 1 });
  });

  it('writes generic claims with sorted keys at every depth', () => {
    const p = payloadText(encodeGeneric({ sub: PUB.A3, nats: { b: { z: 1, a: 2 }, a: [{ y: 1, x: 2 }] } }, key('O1'), { iat: IAT }));
    assert.ok(p.endsWith('"nats":{"a":[{"x":2,"y":1}],"b":{"a":2,"z":1},"type":"generic","version":2}}'));
  });
});

describe('signer and subject roles (WRONG_KEY_ROLE)', () => {
  it('user: only account keys may sign; the subject must be a user', () => {
    const u = newUserClaims('n', PUB.U7);
    assert.throws(() => encodeUser(u, key('U8')), code('WRONG_KEY_ROLE'));
    assert.throws(() => encodeUser(u, key('O1')), code('WRONG_KEY_ROLE'));
    assert.throws(() => encodeUser({ ...u, sub: PUB.A3 }, key('A4')), code('WRONG_KEY_ROLE'));
    assert.doesNotThrow(() => encodeUser(u, key('A4')));
  });

  it('account: operator or account; operator: operator; activation: account or operator', () => {
    const a = newAccountClaims('A', PUB.A4);
    assert.doesNotThrow(() => encodeAccount(a, key('O1')));
    assert.doesNotThrow(() => encodeAccount(a, key('A4')));
    assert.throws(() => encodeAccount(a, key('U7')), code('WRONG_KEY_ROLE'));
    const o = newOperatorClaims('O', PUB.O1);
    assert.throws(() => encodeOperator(o, key('A3')), code('WRONG_KEY_ROLE'));
    const act = newActivationClaims('g', PUB.A3, 'x', 'stream');
    assert.doesNotThrow(() => encodeActivation(act, key('A4')));
    assert.doesNotThrow(() => encodeActivation(act, key('O1')));
    assert.throws(() => encodeActivation(act, key('U7')), code('WRONG_KEY_ROLE'));
    assert.throws(() => encodeActivation({ ...act, sub: PUB.U7 }, key('A4')), code('WRONG_KEY_ROLE'));
  });

  it('the error message names the expected issuer and never a seed', () => {
    try {
      encodeUser(newUserClaims('n', PUB.U7), key('U8'));
      assert.fail('should throw');
    } catch (e) {
      assert.match((e as Error).message, /account key or account signing key \(A…\)/);
      assert.ok(!(e as Error).message.includes('SUAA'));
    }
  });
});

describe('async signers', () => {
  const remote = (k: ReturnType<typeof key>): AsyncSigner => ({ publicKey: k.publicKey, sign: async (d) => k.sign(d) });

  it('produce the same token as the sync encoder', async () => {
    const u = newUserClaims('n', PUB.U7);
    assert.equal(await encodeUserAsync(u, remote(key('A4')), { iat: IAT }), encodeUser(u, key('A4'), { iat: IAT }));
    const a = newAccountClaims('A', PUB.A4);
    assert.equal(decodeAccount(await encodeAccountAsync(a, remote(key('O1')))).iss, PUB.O1);
    assert.ok(decodeNatsClaims(await encodeGenericAsync({ sub: PUB.U7, nats: {} }, remote(key('U7'))), { generic: true }));
  });

  it('reject (not throw) on a wrong-role signer', async () => {
    await assert.rejects(encodeUserAsync(newUserClaims('n', PUB.U7), remote(key('O1'))), code('WRONG_KEY_ROLE'));
  });
});
