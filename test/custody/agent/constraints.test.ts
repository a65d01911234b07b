// What the agent records a signature as (classify: an audit guess, never a decision).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { newUserClaims } from '../../../src/claims/nats/index.js';
import { classify } from '../../../src/custody/agent/constraints.js';
import { KeyPair } from '../../../src/nkeys/keypair.js';
import { encodeUser } from '../../../src/claims/nats/index.js';

describe('classify', () => {
  it('names a JWT signing input with its subject, a nonce claim with its contract, anything else a message', () => {
    const user = KeyPair.create('user');
    const token = encodeUser(newUserClaims('u', user.publicKey), KeyPair.create('account'));
    const input = Buffer.from(token.slice(0, token.lastIndexOf('.')));
    assert.deepEqual(classify(input), { kind: 'jwt', subject: user.publicKey });
    assert.deepEqual(classify(new Uint8Array(input)), { kind: 'jwt', subject: user.publicKey }, 'a Uint8Array as well as a Buffer');
    assert.deepEqual(classify(Buffer.from('deploy-42:7:ctx')), { kind: 'nonce-claim', subject: 'deploy-42' });
    const notJson = Buffer.from(`eyJ0eXAiOiJKV1QiLCJhbGciOiJlZDI1NTE5LW5rZXkifQ.${Buffer.alloc(30, 'a').toString('base64url')}`);
    assert.deepEqual(classify(notJson), { kind: 'message' });
    assert.deepEqual(classify(Buffer.from(`${input}.extra`)), { kind: 'message' }, 'two dots: not a signing input');
    assert.deepEqual(classify(Buffer.from('hello')), { kind: 'message' });
  });

  it('property (fast-check, 500 runs): any bytes give a kind, never an exception', () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 600 }), fc.string().map((s) => Buffer.from(`eyJ${s}`))), (bytes) => {
        assert.ok(['jwt', 'nonce-claim', 'message'].includes(classify(bytes).kind));
      }),
      { numRuns: 500, seed: 20261205 },
    );
  });
});
