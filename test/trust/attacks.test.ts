// Every input an attacker would craft against a chain, each refused with its stable code.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KeyPair } from '../../src/nkeys/index.js';
import { definePolicy, memoryResolver, natsServerPolicy, verifyChain, verifyChainSync } from '../../src/trust/index.js';
import { assertCodes, assertValid, craft, makeAccount, makeOperator, makeUser, now, tamper, withHeader } from './helpers.js';
import { b64urlEncode } from '../../src/jwt/index.js';
import type { Verdict } from '../../src/trust/index.js';

/** Signs raw payload text (any JSON, even JSON no encoder writes) with a genuine key. */
function signedText(text: string, signer: KeyPair): string {
  const input = `${b64urlEncode('{"typ":"JWT","alg":"ed25519-nkey"}')}.${b64urlEncode(text)}`;
  return `${input}.${b64urlEncode(signer.sign(Buffer.from(input, 'ascii')))}`;
}

/** Runs both verifiers; neither may throw, and both must agree. */
function verifyBoth(token: string, opts: Parameters<typeof verifyChainSync>[1]): Verdict {
  let v: Verdict | undefined;
  assert.doesNotThrow(() => (v = verifyChainSync(token, opts)));
  return v!;
}

function setup() {
  const op = makeOperator();
  const acct = makeAccount(op, { signingKeys: 1 });
  const policy = natsServerPolicy([op.jwt]);
  const resolver = memoryResolver([acct.jwt]);
  return { op, acct, policy, resolver };
}

describe('attacks on a user → account → operator chain', () => {
  it('the untampered chain is valid (the baseline every attack starts from)', () => {
    const { acct, policy, resolver } = setup();
    assertValid(verifyChainSync(makeUser(acct).jwt, { resolver, policy }));
    assertValid(verifyChainSync(makeUser(acct, { signer: acct.sks[0] }).jwt, { resolver, policy }));
  });

  it('forged signature: signed by another key but claiming the account as issuer → BAD_SIGNATURE', () => {
    const { acct, policy, resolver } = setup();
    const good = makeUser(acct).jwt;
    const input = good.slice(0, good.lastIndexOf('.'));
    const forger = KeyPair.create('account');
    const forged = `${input}.${Buffer.from(forger.sign(Buffer.from(input, 'ascii'))).toString('base64url')}`;
    assertCodes(verifyChainSync(forged, { resolver, policy }), ['BAD_SIGNATURE']);
  });

  it('payload edited after signing (permissions widened) → BAD_SIGNATURE', () => {
    const { acct, policy, resolver } = setup();
    const user = makeUser(acct, { edit: (c) => (c.nats.pub = { allow: ['orders.>'] }) });
    const widened = tamper(user.jwt, (p) => ((p.nats as Record<string, unknown>).pub = { allow: ['>'] }));
    const v = verifyChainSync(widened, { resolver, policy });
    assertCodes(v, ['BAD_SIGNATURE']);
    assert.equal(v.errors[0]!.at, 'user');
  });

  it('an edited account token (its revocation removed) → BAD_SIGNATURE at the account; the genuine one wins', () => {
    const { op, policy } = setup();
    const acct0 = makeAccount(op);
    const u = makeUser(acct0, { iat: now() - 10 });
    const revoked = makeAccount(op, { id: acct0.id, revocations: { [u.key.publicKey]: now() } });
    const unrevoked = tamper(revoked.jwt, (p) => {
      delete (p.nats as Record<string, unknown>).revocations;
      p.iat = now() + 60; // and made to look newer
    });
    const v = verifyChainSync(u.jwt, { resolver: memoryResolver([unrevoked]), policy });
    assertCodes(v, ['BAD_SIGNATURE']);
    assert.equal(v.errors[0]!.at, 'account');
    // Given next to the genuine token, the forgery loses: the revocation stands.
    assertCodes(verifyChainSync(u.jwt, { resolver: memoryResolver([revoked.jwt, unrevoked]), policy }), ['TOKEN_REVOKED']);
  });

  it('alg other than the format\'s (HS256, none, and v1 "ed25519") → UNSUPPORTED_ALGORITHM / UNSUPPORTED_VERSION', () => {
    const { acct, policy, resolver } = setup();
    const jwt = makeUser(acct).jwt;
    assertCodes(verifyChainSync(withHeader(jwt, { typ: 'JWT', alg: 'HS256' }), { resolver, policy }), ['UNSUPPORTED_ALGORITHM']);
    assertCodes(verifyChainSync(withHeader(jwt, { typ: 'JWT', alg: 'none' }), { resolver, policy }), ['UNSUPPORTED_ALGORITHM']);
    assertCodes(verifyChainSync(withHeader(jwt, { typ: 'JWT', alg: 'ed25519' }), { resolver, policy }), ['UNSUPPORTED_VERSION']);
  });

  it('garbage and truncated tokens → MALFORMED_TOKEN at the input', () => {
    const { acct, policy, resolver } = setup();
    const jwt = makeUser(acct).jwt;
    for (const bad of ['', 'hello', jwt.slice(0, jwt.lastIndexOf('.')), `${jwt}.x`]) {
      const v = verifyChainSync(bad, { resolver, policy });
      assertCodes(v, ['MALFORMED_TOKEN']);
      assert.equal(v.errors[0]!.at, 'input');
      assert.deepEqual(v.chain, []);
    }
  });

  it('a user signed by a removed signing key, even with the old account JWT replayed → SIGNING_KEY_NOT_LISTED', () => {
    const { op, policy } = setup();
    const sk1 = KeyPair.create('account');
    const sk2 = KeyPair.create('account');
    const before = makeAccount(op, { signingKeys: [sk1, sk2], iat: now() - 100 });
    const user = makeUser(before, { signer: sk2 });
    const after = makeAccount(op, { id: before.id, signingKeys: [sk1], iat: now() - 50 });
    // The attacker supplies the old account token too: the newest one is the current one.
    for (const tokens of [[after.jwt], [before.jwt, after.jwt], [after.jwt, before.jwt]]) {
      const v = verifyChainSync(user.jwt, { resolver: memoryResolver(tokens), policy });
      assertCodes(v, ['SIGNING_KEY_NOT_LISTED']);
      assert.equal(v.errors[0]!.field, 'iss');
    }
    assertValid(verifyChainSync(user.jwt, { resolver: memoryResolver([before.jwt]), policy }));
  });

  it('a signing key of another account → SIGNING_KEY_NOT_LISTED', () => {
    const { op, policy } = setup();
    const victim = makeAccount(op, { name: 'victim' });
    const attacker = makeAccount(op, { name: 'attacker' });
    const user = makeUser(victim, { signer: attacker.sks[0] }); // issuer_account = victim
    assert.equal(user.claims.nats.issuer_account, victim.id.publicKey);
    assertCodes(verifyChainSync(user.jwt, { resolver: memoryResolver([victim.jwt, attacker.jwt]), policy }), ['SIGNING_KEY_NOT_LISTED']);
  });

  it('another account\'s identity key naming the victim in issuer_account → SIGNING_KEY_NOT_LISTED', () => {
    const { op, policy } = setup();
    const victim = makeAccount(op, { name: 'victim' });
    const attacker = makeAccount(op, { name: 'attacker' });
    const user = makeUser(victim, { signer: attacker.id });
    assertCodes(verifyChainSync(user.jwt, { resolver: memoryResolver([victim.jwt, attacker.jwt]), policy }), ['SIGNING_KEY_NOT_LISTED']);
  });

  it('an account key posing as an operator → WRONG_KEY_ROLE', () => {
    const { op, policy } = setup();
    const poser = KeyPair.create('account');
    // An "operator" token whose keys are account keys.
    const fakeOperator = craft({ iss: poser.publicKey, sub: poser.publicKey, name: 'O', nats: { type: 'operator', version: 2 } }, poser);
    assertCodes(verifyChainSync(fakeOperator, { policy }), ['WRONG_KEY_ROLE', 'WRONG_KEY_ROLE']); // its sub and its iss
    // An account token signed by an account key, as if it were the operator.
    const acctKey = KeyPair.create('account');
    const fakeAccount = craft({ iss: poser.publicKey, sub: acctKey.publicKey, name: 'A', nats: { limits: { conn: -1 }, type: 'account', version: 2 } }, poser);
    const user = craft({ iss: acctKey.publicKey, sub: KeyPair.create('user').publicKey, name: 'U', nats: { type: 'user', version: 2 } }, acctKey);
    assertCodes(verifyChainSync(user, { resolver: memoryResolver([fakeAccount]), policy }), ['WRONG_KEY_ROLE']);
    assertCodes(verifyChainSync(fakeAccount, { policy }), ['WRONG_KEY_ROLE']);
    // Nor can a policy be told to trust an account key as a root.
    assert.throws(() => definePolicy({ trustedOperators: [poser.publicKey] }), { code: 'NKEY_WRONG_ROLE' });
    assert.ok(op.jwt);
  });

  it('a user key signing another user → WRONG_KEY_ROLE', () => {
    const { policy, resolver } = setup();
    const signer = KeyPair.create('user');
    const token = craft({ iss: signer.publicKey, sub: KeyPair.create('user').publicKey, name: 'U', nats: { type: 'user', version: 2 } }, signer);
    assertCodes(verifyChainSync(token, { resolver, policy }), ['WRONG_KEY_ROLE']);
  });

  it('an expired user → TOKEN_EXPIRED; a not-yet-valid user → TOKEN_NOT_YET_VALID', () => {
    const { acct, policy, resolver } = setup();
    const expired = makeUser(acct, { iat: now() - 100, exp: now() - 10 });
    assertCodes(verifyChainSync(expired.jwt, { resolver, policy }), ['TOKEN_EXPIRED']);
    const early = makeUser(acct, { nbf: now() + 3600 });
    assertCodes(verifyChainSync(early.jwt, { resolver, policy }), ['TOKEN_NOT_YET_VALID']);
  });

  it('an expired account makes its users invalid → TOKEN_EXPIRED at the account', () => {
    const { op, policy } = setup();
    const acct = makeAccount(op, { iat: now() - 100, exp: now() - 10 });
    const v = verifyChainSync(makeUser(acct).jwt, { resolver: memoryResolver([acct.jwt]), policy });
    assertCodes(v, ['TOKEN_EXPIRED']);
    assert.equal(v.errors[0]!.at, 'account');
  });

  it('a revoked user key: revoked iff the revocation time >= iat (equal is revoked) → TOKEN_REVOKED', () => {
    const { op, policy } = setup();
    const t = now() - 100;
    const acct0 = makeAccount(op);
    const atT = makeUser(acct0, { iat: t });
    const after = makeUser(acct0, { iat: t + 1 });
    const acct = makeAccount(op, { id: acct0.id, signingKeys: acct0.sks, revocations: { [atT.key.publicKey]: t, [after.key.publicKey]: t } });
    const resolver = memoryResolver([acct.jwt]);
    const v = verifyChainSync(atT.jwt, { resolver, policy });
    assertCodes(v, ['TOKEN_REVOKED']);
    assert.equal(v.errors[0]!.at, 'user');
    assertValid(verifyChainSync(after.jwt, { resolver, policy }));
  });

  it('"*" revokes every user issued at or before its time → TOKEN_REVOKED', () => {
    const { op, policy } = setup();
    const t = now() - 100;
    const acct0 = makeAccount(op);
    const old = makeUser(acct0, { iat: t - 5 });
    const atT = makeUser(acct0, { iat: t });
    const fresh = makeUser(acct0, { iat: t + 1 });
    const acct = makeAccount(op, { id: acct0.id, revocations: { '*': t } });
    const resolver = memoryResolver([acct.jwt]);
    assertCodes(verifyChainSync(old.jwt, { resolver, policy }), ['TOKEN_REVOKED']);
    assertCodes(verifyChainSync(atT.jwt, { resolver, policy }), ['TOKEN_REVOKED']);
    assertValid(verifyChainSync(fresh.jwt, { resolver, policy }));
  });

  it('a self-issued user (signed by its own user key) → SELF_ISSUED', () => {
    const { acct, policy, resolver } = setup();
    const self = KeyPair.create('user');
    const token = craft({ iss: self.publicKey, sub: self.publicKey, name: 'me', nats: { issuer_account: acct.id.publicKey, type: 'user', version: 2 } }, self);
    const v = verifyChainSync(token, { resolver, policy });
    assertCodes(v, ['SELF_ISSUED']);
    assert.equal(v.errors[0]!.at, 'user');
    // Without issuer_account there is not even an account to look at.
    const bare = craft({ iss: self.publicKey, sub: self.publicKey, name: 'me', nats: { type: 'user', version: 2 } }, self);
    assertCodes(verifyChainSync(bare, { resolver, policy }), ['SELF_ISSUED']);
  });

  it('an account signed by the operator identity key under a strict policy → IDENTITY_KEY_MISUSE', () => {
    const { op } = setup();
    const acct = makeAccount(op, { signer: op.id });
    const strict = definePolicy({ trustedOperators: [op.jwt], requireSigningKeys: true });
    const v = verifyChainSync(acct.jwt, { policy: strict });
    assertCodes(v, ['IDENTITY_KEY_MISUSE']);
    assert.equal(v.errors[0]!.at, 'account');
  });

  it('a scoped key signing a user that carries its own permissions or limits → SCOPE_VIOLATION', () => {
    const { op, policy } = setup();
    const acct = makeAccount(op, { scopes: [{ role: 'svc', template: { pub: { allow: ['svc.>'] } } }] });
    const resolver = memoryResolver([acct.jwt]);
    const own = makeUser(acct, { signer: acct.scoped[0], scoped: true, edit: (c) => (c.nats.pub = { allow: ['>'] }) });
    assertCodes(verifyChainSync(own.jwt, { resolver, policy }), ['SCOPE_VIOLATION']);
    // Go's NewUserClaims defaults (subs/data/payload -1) alone are already "its own limits".
    const defaults = makeUser(acct, { signer: acct.scoped[0] });
    assertCodes(verifyChainSync(defaults.jwt, { resolver, policy }), ['SCOPE_VIOLATION']);
    const good = makeUser(acct, { signer: acct.scoped[0], scoped: true });
    const v = verifyChainSync(good.jwt, { resolver, policy });
    assertValid(v);
    assert.equal(v.chain[0]!.signedBy, 'scoped-signing-key');
    assert.equal(v.chain[0]!.scope, 'svc');
  });

  it('an operator with strict_signing_key_usage: identity-signed accounts and (the cascade) users signed by the account identity → IDENTITY_KEY_MISUSE', () => {
    const op = makeOperator({ strict: true });
    const policy = natsServerPolicy([op.jwt]);
    const byIdentity = makeAccount(op, { signer: op.id });
    assertCodes(verifyChainSync(byIdentity.jwt, { policy }), ['IDENTITY_KEY_MISUSE']);
    const acct = makeAccount(op); // signed by the operator signing key
    const resolver = memoryResolver([acct.jwt]);
    const cascade = verifyChainSync(makeUser(acct).jwt, { resolver, policy });
    assertCodes(cascade, ['IDENTITY_KEY_MISUSE']);
    assert.equal(cascade.errors[0]!.at, 'user');
    assertValid(verifyChainSync(makeUser(acct, { signer: acct.sks[0] }).jwt, { resolver, policy }));
  });

  it('a user signed by an account signing key without issuer_account → ISSUER_ACCOUNT_MISSING', () => {
    const { acct, policy, resolver } = setup();
    const user = makeUser(acct, { signer: acct.sks[0], issuerAccount: false });
    const v = verifyChainSync(user.jwt, { resolver, policy });
    assertCodes(v, ['ISSUER_ACCOUNT_MISSING']);
    assert.equal(v.errors[0]!.field, 'nats.issuer_account');
  });

  it('a chain rooted at an operator the policy does not trust → ISSUER_NOT_TRUSTED', () => {
    const { acct } = setup();
    const other = makeOperator();
    const v = verifyChainSync(makeUser(acct).jwt, { resolver: memoryResolver([acct.jwt]), policy: natsServerPolicy([other.jwt]) });
    assertCodes(v, ['ISSUER_NOT_TRUSTED']);
    // An attacker's own operator, supplied in the chain files, is named but still not trusted.
    const rogue = makeOperator({ name: 'rogue' });
    const rogueAcct = makeAccount(rogue);
    const v2 = verifyChainSync(makeUser(rogueAcct).jwt, { resolver: memoryResolver([rogue.jwt, rogueAcct.jwt]), policy: natsServerPolicy([other.jwt]) });
    assertCodes(v2, ['ISSUER_NOT_TRUSTED']);
    assert.equal(v2.errors[0]!.at, 'operator');
    assert.equal(v2.chain[2]!.name, 'rogue');
  });

  it('a bearer user in an account that disallows bearer tokens → BEARER_NOT_ALLOWED', async () => {
    const { op, policy } = setup();
    const acct = makeAccount(op, { edit: (c) => (c.nats.limits = { ...c.nats.limits, disallow_bearer: true }) });
    const user = makeUser(acct, { edit: (c) => (c.nats.bearer_token = true) });
    assertCodes(await verifyChain(user.jwt, { resolver: memoryResolver([acct.jwt]), policy }), ['BEARER_NOT_ALLOWED']);
  });
});

describe('claims Go would not decode, genuinely signed: a coded verdict, never an exception', () => {
  const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

  it('a user whose fields have the wrong type, number form, case, depth or no type → MALFORMED_TOKEN', async () => {
    const { acct, policy, resolver } = setup();
    const iss = acct.id.publicKey;
    const sub = KeyPair.create('user').publicKey;
    const userText = (nats: string, top = '') => `{"jti":"J","iat":${now() - 5}${top},"iss":"${iss}","sub":"${sub}","nats":{${nats}${nats ? ',' : ''}"type":"user","version":2}}`;
    assertValid(verifyBoth(signedText(userText('"subs":-1,"data":-1,"payload":-1'), acct.id), { resolver, policy }));
    const cases = [
      userText('"src":5'),
      userText('"src":[5]'),
      userText('"times":5'),
      userText('"times":[null]'),
      userText('"times":[{"start":8,"end":9}]'),
      userText('"resp":5'),
      userText('"pub":{"allow":{"a":1}}'),
      userText('"allowed_connection_types":[1,2]'),
      userText('"issuer_account":7'),
      userText('"bearer_token":1'),
      userText('', ',"jti2":1,"JTI":5'),
      userText('', ',"EXP":1'),
      userText('', ',"exp":1,"exp":9999999999'),
      userText('', ',"exp":1e300'),
      userText('"x":' + nested(10_000)),
      userText('"x":' + nested(100_000)),
      `{"jti":"J","iat":${now() - 5},"iss":"${iss}","sub":"${sub}","nats":{"type":"user","version":2.0}}`,
      `{"jti":"J","iat":${now() - 5},"iss":"${iss}","sub":"${sub}","nats":{"version":2}}`,
      `{"jti":5,"iat":${now() - 5},"iss":"${iss}","sub":"${sub}","nats":{"type":"user","version":2}}`,
    ];
    for (const text of cases) {
      const token = signedText(text, acct.id);
      const v = verifyBoth(token, { resolver, policy });
      assert.equal(v.valid, false, text.slice(0, 200));
      assert.ok(v.errors.some((e) => e.code === 'MALFORMED_TOKEN'), `${text.slice(0, 200)}: ${JSON.stringify(v.errors)}`);
      assert.equal((await verifyChain(token, { resolver, policy })).valid, false);
    }
  });

  it('an account whose signing keys, revocations or limits have the wrong type → MALFORMED_TOKEN at the account', () => {
    const { op, policy } = setup();
    const id = KeyPair.create('account');
    const user = KeyPair.create('user');
    const signer = op.sks[0]!;
    const accountText = (nats: string) =>
      `{"jti":"J","iat":${now() - 5},"iss":"${signer.publicKey}","sub":"${id.publicKey}","nats":{"limits":{"conn":-1,"subs":-1,"data":-1,"payload":-1,"imports":-1,"exports":-1},${nats}${nats ? ',' : ''}"type":"account","version":2}}`;
    const userJwt = signedText(`{"jti":"J","iat":${now() - 5},"iss":"${id.publicKey}","sub":"${user.publicKey}","nats":{"type":"user","version":2}}`, id);
    assertValid(verifyBoth(userJwt, { resolver: memoryResolver([signedText(accountText(''), signer)]), policy }));
    for (const nats of [
      '"signing_keys":5',
      '"signing_keys":true',
      '"signing_keys":[null]',
      '"signing_keys":[{"kind":"user_scope","key":null,"role":"r","template":5}]',
      '"signing_keys":[{"kind":5}]',
      `"revocations":{"${user.publicKey}":1e300}`,
      `"revocations":{"${user.publicKey}":"now"}`,
      '"exports":[5]',
      '"exports":[{"subject":["a"],"type":"stream"}]',
      '"imports":[{"subject":"a","type":"stream","account":5}]',
      '"default_permissions":{"pub":{"allow":[[[]]]}}',
      '"mappings":{"a":{"subject":"b"}}',
      '"LIMITS":{}',
    ]) {
      const accountJwt = signedText(accountText(nats), signer);
      // A resolver that answers with the token as is (the memory resolver skips unreadable ones).
      const direct = { account: (k: string) => (k === id.publicKey ? accountJwt : undefined), operators: () => [] };
      const v = verifyBoth(userJwt, { resolver: direct, policy });
      assertCodes(v, ['MALFORMED_TOKEN']);
      assert.equal(v.errors[0]!.at, 'account', nats);
      assertCodes(verifyBoth(userJwt, { resolver: memoryResolver([accountJwt]), policy }), ['CHAIN_INCOMPLETE']);
    }
  });

  it('a forged token with fields of any type is refused for its signature, never read', () => {
    const { acct, policy, resolver } = setup();
    const forger = KeyPair.create('account');
    for (const nats of ['"src":5', '"times":[null]', '"pub":5', '"x":' + nested(100_000), '"type":5']) {
      const text = `{"jti":"J","iat":${now()},"iss":"${acct.id.publicKey}","sub":"${KeyPair.create('user').publicKey}","nats":{${nats},"type":"user","version":2}}`;
      const v = verifyBoth(signedText(text, forger), { resolver, policy });
      assert.equal(v.valid, false);
      assert.ok(v.errors.every((e) => e.code === 'BAD_SIGNATURE' || e.code === 'MALFORMED_TOKEN'), JSON.stringify(v.errors));
    }
  });

  it('a revocation time past what a Date holds revokes, and says so without "Invalid time value"', () => {
    const { op, policy } = setup();
    const acct0 = makeAccount(op);
    const u = makeUser(acct0);
    const revoked = makeAccount(op, { id: acct0.id, revocations: { [u.key.publicKey]: 2 ** 53 - 1 } });
    const v = verifyBoth(u.jwt, { resolver: memoryResolver([revoked.jwt]), policy });
    assertCodes(v, ['TOKEN_REVOKED']);
    assert.match(v.errors[0]!.message, /Unix seconds/);
  });

  it('users of one account with deep unknown fields are judged, and matched to earlier findings, without overflow', () => {
    const { acct, policy, resolver } = setup();
    for (let i = 0; i < 3; i++) {
      const sub = KeyPair.create('user').publicKey;
      const text = `{"jti":"J${i}","iat":${now() - 5},"iss":"${acct.id.publicKey}","sub":"${sub}","nats":{"x":${nested(98)},"subs":-1,"data":-1,"payload":-1,"type":"user","version":2}}`;
      assertValid(verifyBoth(signedText(text, acct.id), { resolver, policy }));
    }
  });
});
