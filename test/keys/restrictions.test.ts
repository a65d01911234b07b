// Delegation restrictions of signing keys: parsing, what each allows, and storage in the
// parent's token as an extension field that survives decode → re-encode.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addOperatorSigningKey, decodeOperator, encodeOperator, newOperatorClaims } from '../../src/claims/nats/index.js';
import { SigchainError } from '../../src/errors.js';
import { RESTRICTIONS_FIELD, formatRestriction, mayUnder, missingKinds, parseRestriction, pruneRestrictions, readRestrictions, restrictionOf, setRestriction } from '../../src/keys/restrictions.js';
import { KeyPair } from '../../src/nkeys/index.js';

describe('signing-key restrictions', () => {
  it('CanSignAll (default), CanSignAllButSigningKeys and lists allow what they say', () => {
    assert.equal(mayUnder(undefined, 'signing-keys'), true);
    assert.equal(mayUnder('CanSignAll', 'signing-keys'), true);
    assert.equal(mayUnder('CanSignAllButSigningKeys', 'account'), true);
    assert.equal(mayUnder('CanSignAllButSigningKeys', 'signing-keys'), false);
    assert.equal(mayUnder(['user'], 'user'), true);
    assert.equal(mayUnder(['user'], 'activation'), false);
    assert.deepEqual(missingKinds(['signing-keys'], ['account', 'signing-keys']), ['account']);
  });

  it('parses names and per-parent lists; refuses kinds the parent never signs', () => {
    assert.equal(parseRestriction('CanSignAllButSigningKeys', 'operator'), 'CanSignAllButSigningKeys');
    assert.deepEqual(parseRestriction('signing-keys, account', 'operator'), ['account', 'signing-keys']);
    assert.deepEqual(parseRestriction('user', 'account'), ['user']);
    for (const bad of ['user', '', 'everything']) {
      assert.throws(() => parseRestriction(bad, 'operator'), (e) => e instanceof SigchainError && e.code === 'USAGE');
    }
    assert.throws(() => parseRestriction('account', 'account'), (e) => e instanceof SigchainError && e.code === 'USAGE');
    assert.equal(formatRestriction(['account', 'signing-keys']), 'account,signing-keys');
    assert.equal(formatRestriction(undefined), 'CanSignAll');
  });

  it('sets, prunes and reads; CanSignAll removes the entry; bad entries fail closed', () => {
    const nats: Record<string, unknown> = {};
    setRestriction(nats, 'OB', ['account']);
    setRestriction(nats, 'OA', 'CanSignAllButSigningKeys');
    assert.deepEqual(Object.keys(nats[RESTRICTIONS_FIELD] as object), ['OA', 'OB'], 'sorted');
    setRestriction(nats, 'OB', 'CanSignAll');
    assert.deepEqual(nats[RESTRICTIONS_FIELD], { OA: 'CanSignAllButSigningKeys' });
    pruneRestrictions(nats, ['OX']);
    assert.equal(RESTRICTIONS_FIELD in nats, false);
    assert.deepEqual([...readRestrictions({ [RESTRICTIONS_FIELD]: { OA: 42, OB: ['account', 'bogus'] } })], [['OA', []], ['OB', ['account']]]);
  });

  it('is kept in the operator token through decode and re-encode', () => {
    const id = KeyPair.create('operator');
    const sk = KeyPair.create('operator');
    const claims = newOperatorClaims('O', id.publicKey);
    addOperatorSigningKey(claims, sk.publicKey);
    setRestriction(claims.nats, sk.publicKey, 'CanSignAllButSigningKeys');
    const again = decodeOperator(encodeOperator(decodeOperator(encodeOperator(claims, id)), id));
    assert.equal(restrictionOf(again.nats, sk.publicKey), 'CanSignAllButSigningKeys');
  });
});
