// Entity URLs and the invocation hash, against the inputs of wasmCloud 0.82's own antiforgery
// test (crates/host/src/wasmbus/mod.rs) and the 0.82 formatting rules (crates/core/src/lib.rs).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { isSigchainError } from '../../src/errors.js';
import { actorEntity, entityUrl, invocationHash, invocationHashOf, isActorEntity, operationName, providerEntity, targetUrl } from '../../src/invocation/index.js';
import { ACTOR, PROVIDER, sample } from './fixtures.js';

describe('entity URLs (0.82 WasmCloudEntity::url)', () => {
  it('an actor is wasmbus://{key}', () => {
    assert.equal(entityUrl(actorEntity(ACTOR)), `wasmbus://${ACTOR}`);
    // 0.82 upper-cases the key before testing for M: a lower-case m is an actor too.
    assert.equal(entityUrl({ public_key: 'mxyz', link_name: 'a', contract_id: 'b:c' }), 'wasmbus://mxyz');
  });

  it('a provider is wasmbus://{contract : to /, spaces to _, lower}/{link spaces to _, lower}/{key}', () => {
    assert.equal(entityUrl(providerEntity(PROVIDER, 'default', 'wasmcloud:testoperation')), `wasmbus://wasmcloud/testoperation/default/${PROVIDER}`);
    assert.equal(entityUrl(providerEntity(PROVIDER, 'My Link', 'WasmCloud:Key Value:x')), `wasmbus://wasmcloud/key_value/x/my_link/${PROVIDER}`);
  });

  it('the target URL appends /operation; is_actor is an empty link or contract', () => {
    assert.equal(targetUrl(actorEntity(ACTOR), 'Echo.Echo'), `wasmbus://${ACTOR}/Echo.Echo`);
    assert.equal(isActorEntity(actorEntity(ACTOR)), true);
    assert.equal(isActorEntity(providerEntity(PROVIDER, 'default', 'wasmcloud:kv')), false);
  });
});

describe('invocation hash', () => {
  it('matches the 0.82 test inputs (origin ‖ target/op ‖ op ‖ msg, HEXUPPER SHA-256)', () => {
    const req = sample();
    const expected = '4D86A5A93DCAC493863241F746474A6E4E7EF78005A1FB6D7BAD32EE3021CF1D';
    assert.equal(invocationHash(req), expected);
    const t = `wasmbus://wasmcloud/testoperation/default/${PROVIDER}/TestOperation.HandleTest`;
    assert.equal(invocationHashOf(`wasmbus://${ACTOR}`, t, 'TestOperation.HandleTest', req.msg), expected);
    // The 0.18/waSCC formula (no separate operation) differs, so the two can never be confused.
    const old = createHash('sha256').update(`wasmbus://${ACTOR}`).update(t).update(req.msg).digest('hex').toUpperCase();
    assert.equal(old, 'B71138A1B374D87EFC49BD746973F424FF2CBAC0A0D63F4BF1B25702A13412ED');
  });

  it('changes with every signed part', () => {
    const h = invocationHash(sample());
    assert.notEqual(invocationHash({ ...sample(), msg: Uint8Array.of(0xf0, 0x9f, 0x98, 0x88) }), h);
    assert.notEqual(invocationHash({ ...sample(), operation: 'Bitcoin.MineBitcoin' }), h);
    assert.notEqual(invocationHash({ ...sample(), origin: actorEntity('MB2ZQDWUO2U5QH3HGNBRWNHCR7KFRMB5AMRVE6JKRN4NQSQHL4XKWPOX') }), h);
  });
});

describe('operationName (0.82 keeps what follows the last /)', () => {
  it('ns:pkg/Op → Op', () => {
    assert.equal(operationName('wasmcloud:bus/TestOperation.HandleTest'), 'TestOperation.HandleTest');
    assert.equal(operationName('a/b/Op'), 'Op');
  });
  it('no / is refused, as 0.82 refuses it ("failed to parse operation")', () => {
    assert.throws(() => operationName('Echo.Echo'), (e) => isSigchainError(e, 'MALFORMED_INVOCATION'));
  });
});
