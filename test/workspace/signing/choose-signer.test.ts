// chooseSigner: which key signs a child token. An explicit -K key must be a key of the parent
// that may sign; without one, an unscoped signing key whose seed is at hand wins over the
// identity key, scoped keys are used only when asked, and strict mode bars the identity key.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newUserScope } from '../../../src/claims/nats/account.js';
import { SigchainError } from '../../../src/errors.js';
import { KeyPair } from '../../../src/nkeys/keypair.js';
import { type IssuingParent, chooseSigner } from '../../../src/workspace/index.js';
import { throwsCode } from '../helpers.js';

function keys() {
  return {
    opId: KeyPair.create('operator'),
    opSk1: KeyPair.create('operator'),
    opSk2: KeyPair.create('operator'),
    acId: KeyPair.create('account'),
    acSk: KeyPair.create('account'),
    acScoped: KeyPair.create('account'),
  };
}

function lookupOf(...kps: KeyPair[]): (pub: string) => KeyPair | undefined {
  const m = new Map(kps.map((k) => [k.publicKey, k]));
  return (pub) => m.get(pub);
}

function operatorParent(k: ReturnType<typeof keys>, strict = false, sks = [k.opSk1.publicKey, k.opSk2.publicKey]): IssuingParent {
  return { kind: 'operator', name: 'O', identity: k.opId.publicKey, signingKeys: sks, strict };
}

function accountParent(k: ReturnType<typeof keys>, strict = false): IssuingParent {
  return { kind: 'account', name: 'A', identity: k.acId.publicKey, signingKeys: [k.acSk.publicKey, newUserScope(k.acScoped.publicKey, 'svc')], strict };
}

describe('chooseSigner with an explicit (-K) key', () => {
  it('refuses a key of the wrong role, naming the role it needs', () => {
    const k = keys();
    const e = throwsCode(() => chooseSigner(operatorParent(k), 'account tokens', { explicit: k.acId, lookup: lookupOf() }), 'NO_APPROPRIATE_SIGNING_KEY');
    assert.match(e.message, /is an account key; account tokens must be signed by an operator key/);
  });

  it('refuses a public-only key: it cannot sign', () => {
    const k = keys();
    const e = throwsCode(() => chooseSigner(operatorParent(k), 'account tokens', { explicit: KeyPair.fromPublic(k.opSk1.publicKey), lookup: lookupOf() }), 'NO_APPROPRIATE_SIGNING_KEY');
    assert.match(e.message, /has no seed/);
  });

  it('refuses a key of the right role that the parent does not list', () => {
    const k = keys();
    const stranger = KeyPair.create('operator');
    const e = throwsCode(() => chooseSigner(operatorParent(k), 'account tokens', { explicit: stranger, lookup: lookupOf(stranger) }), 'NO_APPROPRIATE_SIGNING_KEY');
    assert.ok(e.message.includes(stranger.publicKey));
    assert.match(e.message, /nor one of the signing keys/);
  });

  it('accepts a listed signing key as a signing key, and the identity key as identity when not strict', () => {
    const k = keys();
    const sk = chooseSigner(operatorParent(k), 'account tokens', { explicit: k.opSk2, lookup: lookupOf() });
    assert.equal(sk.key.publicKey, k.opSk2.publicKey);
    assert.equal(sk.as, 'signing-key');
    assert.equal(sk.scope, undefined);
    const id = chooseSigner(operatorParent(k), 'account tokens', { explicit: k.opId, lookup: lookupOf() });
    assert.equal(id.as, 'identity');
  });

  it('strict mode bars the identity key even when given explicitly', () => {
    const k = keys();
    const e = throwsCode(() => chooseSigner(operatorParent(k, true), 'account tokens', { explicit: k.opId, lookup: lookupOf(k.opId) }), 'NO_APPROPRIATE_SIGNING_KEY');
    assert.match(e.message, /strict signing-key usage/);
    // The same strictness applies to an account under a strict operator (nats-server's cascade).
    throwsCode(() => chooseSigner(accountParent(k, true), 'user tokens', { explicit: k.acId, lookup: lookupOf(k.acId) }), 'NO_APPROPRIATE_SIGNING_KEY');
  });

  it('returns the scope of an explicit scoped signing key', () => {
    const k = keys();
    const c = chooseSigner(accountParent(k), 'user tokens', { explicit: k.acScoped, lookup: lookupOf() });
    assert.equal(c.as, 'signing-key');
    assert.equal(c.scope?.key, k.acScoped.publicKey);
    assert.equal(c.scope?.role, 'svc');
  });
});

describe('chooseSigner picking a key from the store', () => {
  it('prefers a stored unscoped signing key over the identity key', () => {
    const k = keys();
    const c = chooseSigner(operatorParent(k), 'account tokens', { lookup: lookupOf(k.opId, k.opSk2) });
    assert.equal(c.key.publicKey, k.opSk2.publicKey);
    assert.equal(c.as, 'signing-key');
  });

  it('falls back to the identity key when no signing key seed is at hand', () => {
    const k = keys();
    const c = chooseSigner(operatorParent(k), 'account tokens', { lookup: lookupOf(k.opId) });
    assert.equal(c.key.publicKey, k.opId.publicKey);
    assert.equal(c.as, 'identity');
  });

  it('skips scoped signing keys by default, even when theirs is the only signing seed at hand', () => {
    const k = keys();
    const c = chooseSigner(accountParent(k), 'user tokens', { lookup: lookupOf(k.acId, k.acScoped) });
    assert.equal(c.key.publicKey, k.acId.publicKey);
    assert.equal(c.as, 'identity');
    // With the unscoped one also at hand, that one wins.
    assert.equal(chooseSigner(accountParent(k), 'user tokens', { lookup: lookupOf(k.acId, k.acScoped, k.acSk) }).key.publicKey, k.acSk.publicKey);
    // Strict and only the scoped seed at hand: nothing may sign.
    throwsCode(() => chooseSigner(accountParent(k, true), 'user tokens', { lookup: lookupOf(k.acId, k.acScoped) }), 'NO_APPROPRIATE_SIGNING_KEY');
  });

  it('uses a scoped key when preferScope asks for one', () => {
    const k = keys();
    const c = chooseSigner(accountParent(k), 'user tokens', { lookup: lookupOf(k.acId, k.acSk, k.acScoped), preferScope: (s) => s?.role === 'svc' });
    assert.equal(c.key.publicKey, k.acScoped.publicKey);
    assert.equal(c.scope?.role, 'svc');
  });

  it('under strict mode, never falls back to the identity key', () => {
    const k = keys();
    throwsCode(() => chooseSigner(operatorParent(k, true), 'account tokens', { lookup: lookupOf(k.opId) }), 'NO_APPROPRIATE_SIGNING_KEY');
    assert.equal(chooseSigner(operatorParent(k, true), 'account tokens', { lookup: lookupOf(k.opId, k.opSk1) }).key.publicKey, k.opSk1.publicKey);
  });

  it('the refusal lists the keys that could sign (the identity only when allowed)', () => {
    const k = keys();
    const e = throwsCode(() => chooseSigner(accountParent(k), 'user tokens', { lookup: lookupOf() }), 'NO_APPROPRIATE_SIGNING_KEY');
    for (const pub of [k.acId.publicKey, k.acSk.publicKey, k.acScoped.publicKey]) assert.ok(e.message.includes(pub), `message names ${pub}`);
    assert.match(e.message, /identity key of account "A"/);
    assert.match(e.message, /scoped role svc/);
    assert.match(e.message, /-K/);
    assert.deepEqual(e.details?.allowed, [k.acId.publicKey, k.acSk.publicKey, k.acScoped.publicKey]);

    const strict = throwsCode(() => chooseSigner(accountParent(k, true), 'user tokens', { lookup: lookupOf() }), 'NO_APPROPRIATE_SIGNING_KEY');
    assert.deepEqual(strict.details?.allowed, [k.acSk.publicKey, k.acScoped.publicKey]);
    assert.ok(!strict.message.includes(`${k.acId.publicKey} (identity`), 'strict: the identity key is not offered');
  });

  it('says so when strict mode leaves no key at all', () => {
    const k = keys();
    const e = throwsCode(() => chooseSigner(operatorParent(k, true, []), 'account tokens', { lookup: lookupOf(k.opId) }), 'NO_APPROPRIATE_SIGNING_KEY');
    assert.match(e.message, /no usable signing key is listed/);
    assert.ok(e instanceof SigchainError);
  });
});
