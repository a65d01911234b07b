// Key usages: parsing presets and lists, the defaults per role, and the checks every signer makes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertMaySign, assertNotRetired, assertUsage } from '../../src/keys/assert-usage.js';
import { type KeyMeta, isRetired, legacyMeta } from '../../src/keys/key-meta.js';
import { KEY_USAGES, USAGE_PRESETS, defaultUsages, formatUsages, matchesAnyUsage, normalizeUsages, parseUsages, sameUsages } from '../../src/keys/usage.js';
import { KeyPair } from '../../src/nkeys/index.js';
import { throwsCode } from '../nkeys/assert-code.js';

function meta(kp: KeyPair, usages: KeyMeta['usages'], extra: Partial<KeyMeta> = {}): KeyMeta {
  return { publicKey: kp.publicKey, usages, legacy: false, created: '2025-01-01T00:00:00.000Z', ...extra };
}

describe('parseUsages', () => {
  it('reads every preset (any case) and comma-separated lists, in canonical order without repeats', () => {
    assert.deepEqual(parseUsages('IdentityOnly'), ['identity']);
    assert.deepEqual(parseUsages('IssuingOnly'), ['issuing']);
    assert.deepEqual(parseUsages('AuthenticationOnly'), ['authentication']);
    assert.deepEqual(parseUsages('ProtocolOnly'), ['protocol']);
    assert.deepEqual(parseUsages('All'), ['identity', 'issuing', 'authentication', 'protocol']);
    assert.deepEqual(parseUsages('issuingonly'), ['issuing']);
    assert.deepEqual(parseUsages('authentication,issuing'), ['issuing', 'authentication']);
    assert.deepEqual(parseUsages(' protocol , IssuingOnly,protocol '), ['issuing', 'protocol']);
    assert.deepEqual(Object.keys(USAGE_PRESETS), ['IdentityOnly', 'IssuingOnly', 'AuthenticationOnly', 'ProtocolOnly', 'All']);
  });

  it('refuses unknown names and empty sets with INVALID_KEY_USAGE, naming the choices', () => {
    const e = throwsCode(() => parseUsages('issuing,signing'), 'INVALID_KEY_USAGE');
    assert.match(e.message, /"signing" is not a key usage/);
    assert.match(e.message, /IssuingOnly/);
    throwsCode(() => parseUsages(''), 'INVALID_KEY_USAGE');
    throwsCode(() => parseUsages(' , '), 'INVALID_KEY_USAGE');
    throwsCode(() => parseUsages('Identity Only'), 'INVALID_KEY_USAGE');
  });
});

describe('formatting and comparing', () => {
  it('formats all as "all", no usage as "none", otherwise the canonical list', () => {
    assert.equal(formatUsages(KEY_USAGES), 'all');
    assert.equal(formatUsages([]), 'none');
    assert.equal(formatUsages(['issuing', 'identity']), 'identity,issuing');
    assert.deepEqual(normalizeUsages(['protocol', 'identity', 'protocol']), ['identity', 'protocol']);
    assert.equal(sameUsages(['issuing', 'identity'], ['identity', 'issuing']), true);
    assert.equal(sameUsages(['issuing'], ['identity', 'issuing']), false);
  });

  it('a usage filter matches keys holding at least one of the usages asked for', () => {
    assert.equal(matchesAnyUsage(['identity', 'issuing'], ['issuing', 'protocol']), true);
    assert.equal(matchesAnyUsage(['authentication'], ['issuing', 'protocol']), false);
    assert.equal(matchesAnyUsage([], KEY_USAGES), false, 'a curve key matches no usage');
  });
});

describe('defaultUsages', () => {
  it('identity keys identity+issuing, signing keys issuing, users authentication, servers/clusters protocol, curve none', () => {
    assert.deepEqual(defaultUsages('operator', 'identity'), ['identity', 'issuing']);
    assert.deepEqual(defaultUsages('account'), ['identity', 'issuing']);
    assert.deepEqual(defaultUsages('operator', 'signing-key'), ['issuing']);
    assert.deepEqual(defaultUsages('account', 'signing-key'), ['issuing']);
    assert.deepEqual(defaultUsages('user'), ['authentication']);
    assert.deepEqual(defaultUsages('server'), ['protocol']);
    assert.deepEqual(defaultUsages('cluster'), ['protocol']);
    assert.deepEqual(defaultUsages('module'), ['identity']);
    assert.deepEqual(defaultUsages('service'), ['identity']);
    assert.deepEqual(defaultUsages('curve'), []);
  });
});

describe('assertUsage / assertMaySign', () => {
  it('a user key (authentication) cannot issue: KEY_USAGE_VIOLATION naming the key, its usages, the attempt and the fix', () => {
    const user = KeyPair.create('user');
    const e = throwsCode(() => assertUsage(meta(user, defaultUsages('user')), 'issuing', 'user tokens for account "A"'), 'KEY_USAGE_VIOLATION', user.seed);
    assert.ok(e.message.includes(user.publicKey));
    assert.match(e.message, /may be used for authentication only/);
    assert.match(e.message, /signing user tokens for account "A" needs the "issuing" usage/);
    assert.match(e.message, /never change/);
    assert.deepEqual(e.details, { publicKey: user.publicKey, usages: ['authentication'], needed: 'issuing' });
    assertUsage(meta(user, defaultUsages('user')), 'authentication', 'a connection nonce');
  });

  it('an IdentityOnly operator key signs its own token but issues nothing; a signing key (issuing) the reverse', () => {
    const op = KeyPair.create('operator');
    assertUsage(meta(op, parseUsages('IdentityOnly')), 'identity', 'the token of operator "O"');
    const e = throwsCode(() => assertUsage(meta(op, parseUsages('IdentityOnly')), 'issuing', 'account tokens'), 'KEY_USAGE_VIOLATION');
    assert.match(e.message, /sigchain generate nkey --operator --store/, 'the fix for issuing: a signing key');
    const sk = KeyPair.create('operator');
    const own = throwsCode(() => assertUsage(meta(sk, defaultUsages('operator', 'signing-key')), 'identity', 'the token of operator "O"'), 'KEY_USAGE_VIOLATION');
    assert.match(own.message, /Only an entity's identity key signs its own token/);
  });

  it('a key with no usages (curve) says it may not sign anything', () => {
    const x = KeyPair.create('curve');
    const e = throwsCode(() => assertUsage(meta(x, []), 'authentication', 'a challenge'), 'KEY_USAGE_VIOLATION');
    assert.match(e.message, /may not sign anything/);
  });

  it('a key without a record (nsc made it) counts as All', () => {
    const legacy = legacyMeta(KeyPair.create('account').publicKey);
    assert.equal(legacy.legacy, true);
    for (const u of KEY_USAGES) assertMaySign(legacy, u, 'anything');
  });

  it('a retired key signs nothing, even within its usages: KEY_RETIRED names the date, reason and replacement', () => {
    const sk = KeyPair.create('account');
    const next = KeyPair.create('account');
    const retired = meta(sk, ['issuing'], { retired: '2025-02-03T04:05:06.000Z', retiredReason: 'rotated', replacedBy: next.publicKey });
    assert.equal(isRetired(retired), true);
    const e = throwsCode(() => assertMaySign(retired, 'issuing', 'user tokens'), 'KEY_RETIRED');
    assert.match(e.message, /retired on 2025-02-03T04:05:06.000Z \(rotated\)/);
    assert.ok(e.message.includes(`Sign with its replacement ${next.publicKey}`));
    throwsCode(() => assertNotRetired(retired, 'user tokens'), 'KEY_RETIRED');
    assert.equal(isRetired(meta(sk, ['issuing'])), false);
  });
});
