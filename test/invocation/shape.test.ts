// What a well-formed invocation is beyond its types: keys of the right roles, URL-unambiguous
// entities, a real operation, an ID, a token, a consistent length, a server host ID.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CHUNK_THRESHOLD_BYTES, type InvocationRequest, actorEntity, checkInvocationShape, entityUrl, isChunked, providerEntity } from '../../src/invocation/index.js';
import { ACTOR, HOST, PROVIDER, sample } from './fixtures.js';

const CLUSTER = 'CAQQHYABXBPDBZIGDZIT7E73HW66RPCFC3GGLQKSDDTVWUVOYZBYHUND';

function codes(req: InvocationRequest): string[] {
  return checkInvocationShape(req).map((f) => `${f.code}@${f.field}`);
}

describe('checkInvocationShape', () => {
  it('accepts the 0.82 sample, actor to actor and actor to provider', () => {
    assert.deepEqual(codes(sample()), []);
    assert.deepEqual(codes({ ...sample(), target: actorEntity(ACTOR) }), []);
  });

  it("refuses 0.82's own bad host ID case with INVALID_HOST_ID and 0.82's message", () => {
    const f = checkInvocationShape({ ...sample(), host_id: 'NOTAHOSTID' });
    assert.deepEqual(f.map((x) => x.code), ['INVALID_HOST_ID']);
    assert.match(f[0]!.message, /invalid host ID on invocation: 'NOTAHOSTID'/);
    assert.deepEqual(codes({ ...sample(), host_id: CLUSTER }), ['INVALID_HOST_ID@host_id']);
    assert.deepEqual(codes({ ...sample(), host_id: HOST.slice(0, -1) + 'A' }), ['INVALID_HOST_ID@host_id']);
  });

  it("refuses entities that are not real keys of the right role (0.82's test used 'somethingelse')", () => {
    assert.deepEqual(codes({ ...sample(), origin: actorEntity('somethingelse') }), ['MALFORMED_INVOCATION@origin.public_key']);
    assert.deepEqual(codes({ ...sample(), origin: actorEntity(HOST) }), ['MALFORMED_INVOCATION@origin.public_key']);
    assert.deepEqual(codes({ ...sample(), origin: { public_key: ACTOR, link_name: 'default', contract_id: '' } }), ['MALFORMED_INVOCATION@origin']);
    assert.deepEqual(codes({ ...sample(), target: providerEntity(PROVIDER, '', 'wasmcloud:kv') }), ['MALFORMED_INVOCATION@target']);
  });

  it('refuses provider entities whose URL would also name another link or contract', () => {
    // Both share one URL, so one token would cover both while NATS routes them apart.
    const a = providerEntity(PROVIDER, 'Default', 'wasmcloud:kv');
    const b = providerEntity(PROVIDER, 'default', 'wasmcloud/kv');
    assert.equal(entityUrl(a), entityUrl(providerEntity(PROVIDER, 'default', 'wasmcloud:kv')));
    assert.equal(entityUrl(b), entityUrl(providerEntity(PROVIDER, 'default', 'wasmcloud:kv')));
    assert.deepEqual(codes({ ...sample(), target: a }), ['MALFORMED_INVOCATION@target.link_name']);
    assert.deepEqual(codes({ ...sample(), target: b }), ['MALFORMED_INVOCATION@target.contract_id']);
    assert.deepEqual(codes({ ...sample(), target: providerEntity(PROVIDER, 'my link', 'wasmcloud:kv') }), ['MALFORMED_INVOCATION@target.link_name']);
  });

  it('refuses an empty operation, one with /, an empty or long ID, no token', () => {
    assert.deepEqual(codes({ ...sample(), operation: '' }), ['MALFORMED_INVOCATION@operation']);
    assert.deepEqual(codes({ ...sample(), operation: 'wasmcloud:bus/Op' }), ['MALFORMED_INVOCATION@operation']);
    assert.deepEqual(codes({ ...sample(), id: '' }), ['MALFORMED_INVOCATION@id']);
    assert.deepEqual(codes({ ...sample(), id: 'x'.repeat(129) }), ['MALFORMED_INVOCATION@id']);
    assert.deepEqual(codes({ ...sample(), encoded_claims: '' }), ['MALFORMED_INVOCATION@encoded_claims']);
  });

  it('content_length is msg.length, or a chunked size with an empty msg', () => {
    assert.deepEqual(codes({ ...sample(), content_length: 5 }), ['MALFORMED_INVOCATION@content_length']);
    const chunked = { ...sample(), msg: new Uint8Array(0), content_length: CHUNK_THRESHOLD_BYTES + 1 };
    assert.deepEqual(codes(chunked), []);
    assert.equal(isChunked(chunked), true);
    assert.equal(isChunked(sample()), false);
    assert.deepEqual(codes({ ...sample(), msg: new Uint8Array(0), content_length: 10 }), ['MALFORMED_INVOCATION@content_length']);
  });
});
