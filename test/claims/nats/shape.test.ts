// Claims are decoded as Go's nats-io/jwt v2 decodes them: every payload below is genuinely
// signed (the signature verifies), and each is refused with a code where Go refuses it or would
// read it differently, or read exactly as Go reads it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeAccount, decodeActivation, decodeNatsClaims, decodeUser, validateClaims } from '../../../src/claims/nats/index.js';
import { b64urlEncode } from '../../../src/jwt/index.js';
import { KeyPair } from '../../../src/nkeys/index.js';
import { throwsCode } from '../../nkeys/assert-code.js';

const HEADER = b64urlEncode('{"typ":"JWT","alg":"ed25519-nkey"}');
const IAT = 1_700_000_000;
const O = KeyPair.create('operator');
const A = KeyPair.create('account');
const A2 = KeyPair.create('account');
const U = KeyPair.create('user');

/** Signs raw payload text (any JSON, even ambiguous JSON) over `header.payload`. */
function signed(text: string, signer: KeyPair, header = HEADER): string {
  const input = `${header}.${b64urlEncode(text)}`;
  return `${input}.${b64urlEncode(signer.sign(Buffer.from(input, 'ascii')))}`;
}

/** A user payload: `nats` members before type/version, `top` members before sub. */
function user(nats = '', top = ''): string {
  return signed(`{"jti":"J","iat":${IAT},"iss":"${A.publicKey}"${top},"sub":"${U.publicKey}","nats":{${nats}${nats ? ',' : ''}"type":"user","version":2}}`, A);
}

function account(nats = ''): string {
  return signed(`{"jti":"J","iat":${IAT},"iss":"${O.publicKey}","sub":"${A.publicKey}","nats":{${nats}${nats ? ',' : ''}"type":"account","version":2}}`, O);
}

function nested(depth: number): string {
  return `${'['.repeat(depth)}${']'.repeat(depth)}`;
}

describe('claims decoded against Go structs', () => {
  it('the baseline payloads decode (so each refusal below is the one change)', () => {
    assert.equal(decodeUser(user()).sub, U.publicKey);
    assert.equal(decodeAccount(account()).sub, A.publicKey);
  });

  it('refuses a field of the wrong JSON type, naming the field', () => {
    const e = throwsCode(() => decodeNatsClaims(signed(`{"jti":5,"iat":${IAT},"iss":"${A.publicKey}","sub":"${U.publicKey}","nats":{"type":"user","version":2}}`, A)), 'MALFORMED_TOKEN');
    assert.equal(e.details?.field, 'jti');
    assert.equal(throwsCode(() => decodeUser(user('"resp":5')), 'MALFORMED_TOKEN').details?.field, 'nats.resp');
    assert.equal(throwsCode(() => decodeUser(user('"allowed_connection_types":[1,2]')), 'MALFORMED_TOKEN').details?.field, 'nats.allowed_connection_types[0]');
    assert.equal(throwsCode(() => decodeUser(user('"pub":{"allow":{"0":"a"}}')), 'MALFORMED_TOKEN').details?.field, 'nats.pub.allow');
    assert.equal(throwsCode(() => decodeUser(user('"pub":[]')), 'MALFORMED_TOKEN').details?.field, 'nats.pub');
    assert.equal(throwsCode(() => decodeUser(user('"times":[{"start":8}]')), 'MALFORMED_TOKEN').details?.field, 'nats.times[0].start');
    assert.equal(throwsCode(() => decodeUser(user('"times_location":1')), 'MALFORMED_TOKEN').details?.field, 'nats.times_location');
    assert.equal(throwsCode(() => decodeUser(user('"bearer_token":"yes"')), 'MALFORMED_TOKEN').details?.field, 'nats.bearer_token');
    assert.equal(throwsCode(() => decodeUser(user('"src":[1]')), 'MALFORMED_TOKEN').details?.field, 'nats.src[0]');
    assert.equal(throwsCode(() => decodeUser(user('"issuer_account":["A"]')), 'MALFORMED_TOKEN').details?.field, 'nats.issuer_account');
    assert.equal(throwsCode(() => decodeAccount(account('"signing_keys":5')), 'MALFORMED_TOKEN').details?.field, 'nats.signing_keys');
    assert.equal(throwsCode(() => decodeAccount(account('"signing_keys":[true]')), 'MALFORMED_TOKEN').details?.field, 'nats.signing_keys[0]');
    assert.equal(throwsCode(() => decodeAccount(account('"signing_keys":[null]')), 'MALFORMED_TOKEN').details?.field, 'nats.signing_keys[0]');
    assert.equal(throwsCode(() => decodeAccount(account('"signing_keys":[{"kind":"nope","key":"x"}]')), 'MALFORMED_TOKEN').details?.field, 'nats.signing_keys[0]');
    assert.equal(throwsCode(() => decodeAccount(account('"exports":[{"subject":"a","type":"stream","revocations":{"x":"1"}}]')), 'MALFORMED_TOKEN').details?.field, 'nats.exports[0].revocations["x"]');
    assert.equal(throwsCode(() => decodeAccount(account('"exports":[null]')), 'MALFORMED_TOKEN').details?.field, 'nats.exports[0]');
    assert.equal(throwsCode(() => decodeAccount(account('"exports":[{"subject":"a","type":"bogus"}]')), 'MALFORMED_TOKEN').details?.field, 'nats.exports[0].type');
    assert.equal(throwsCode(() => decodeAccount(account('"imports":[{"subject":"a","type":null}]')), 'MALFORMED_TOKEN').details?.field, 'nats.imports[0].type');
    assert.equal(throwsCode(() => decodeAccount(account('"mappings":{"a":[{"subject":5}]}')), 'MALFORMED_TOKEN').details?.field, 'nats.mappings["a"][0].subject');
    assert.equal(throwsCode(() => decodeAccount(account('"limits":{"tiered_limits":{"R1":[]}}')), 'MALFORMED_TOKEN').details?.field, 'nats.limits.tiered_limits["R1"]');
    assert.equal(throwsCode(() => decodeAccount(account('"exports":[{"subject":"a","type":"service","service_latency":{"sampling":"most","results":"r"}}]')), 'MALFORMED_TOKEN').details?.field, 'nats.exports[0].service_latency.sampling');
  });

  it('refuses numbers Go cannot read into the field: fractions, exponents, out of range, negative unsigned', () => {
    assert.equal(throwsCode(() => decodeUser(signed(`{"jti":"J","iat":${IAT},"iss":"${A.publicKey}","sub":"${U.publicKey}","nats":{"type":"user","version":2.0}}`, A)), 'MALFORMED_TOKEN').details?.field, 'nats.version');
    assert.equal(throwsCode(() => decodeUser(user('', ',"exp":1e10')), 'MALFORMED_TOKEN').details?.field, 'exp');
    assert.equal(throwsCode(() => decodeUser(user('', ',"exp":2000000000.5')), 'MALFORMED_TOKEN').details?.field, 'exp');
    assert.equal(throwsCode(() => decodeUser(user('', ',"exp":9223372036854775808')), 'MALFORMED_TOKEN').details?.field, 'exp');
    assert.equal(throwsCode(() => decodeUser(user('"subs":-1E0')), 'MALFORMED_TOKEN').details?.field, 'nats.subs');
    assert.equal(throwsCode(() => decodeUser(user('"resp":{"max":1,"ttl":1.5}')), 'MALFORMED_TOKEN').details?.field, 'nats.resp.ttl');
    const exp = (pos: string) => account(`"exports":[{"subject":"a.*","type":"stream","account_token_position":${pos}}]`);
    assert.equal(throwsCode(() => decodeAccount(exp('-1')), 'MALFORMED_TOKEN').details?.field, 'nats.exports[0].account_token_position');
    throwsCode(() => decodeAccount(exp('-0')), 'MALFORMED_TOKEN');
    assert.equal(decodeAccount(exp('2')).nats.exports![0]!.account_token_position, 2);
    assert.equal(throwsCode(() => decodeAccount(account('"mappings":{"a":[{"subject":"b","weight":256}]}')), 'MALFORMED_TOKEN').details?.field, 'nats.mappings["a"][0].weight');
    assert.equal(throwsCode(() => decodeAccount(account(`"revocations":{"${U.publicKey}":1e300}`)), 'MALFORMED_TOKEN').details?.field, `nats.revocations["${U.publicKey}"]`);
    throwsCode(() => decodeAccount(account(`"revocations":{"${U.publicKey}":1${'0'.repeat(300)}}`)), 'MALFORMED_TOKEN');
  });

  it('keeps unknown fields, numbers with fractions and all, and ignores what it does not know', () => {
    const c = decodeUser(user('"later_field":{"x":[1.5,2e3,"s"]},"weight":0.5', ',"custom":-0.25'));
    assert.deepEqual((c.nats as unknown as Record<string, unknown>).later_field, { x: [1.5, 2000, 's'] });
    assert.equal((c.nats as unknown as Record<string, unknown>).weight, 0.5);
    assert.equal((c as unknown as Record<string, unknown>).custom, -0.25);
    assert.equal(c.nats.version, 2);
  });

  it('refuses claims with no nats.type (Go reads them as untyped v1 claims) and a top-level type (v1)', () => {
    throwsCode(() => decodeNatsClaims(signed(`{"jti":"J","iat":${IAT},"iss":"${A.publicKey}","sub":"${U.publicKey}","nats":{"version":2}}`, A)), 'MALFORMED_TOKEN');
    throwsCode(() => decodeNatsClaims(signed(`{"jti":"J","iat":${IAT},"iss":"${A.publicKey}","sub":"${U.publicKey}","nats":{"type":"","version":2}}`, A)), 'MALFORMED_TOKEN');
    throwsCode(() => decodeNatsClaims(signed(`{"jti":"J","iat":${IAT},"iss":"${A.publicKey}","sub":"${U.publicKey}","nats":{"type":7,"version":2}}`, A)), 'MALFORMED_TOKEN');
    throwsCode(() => decodeNatsClaims(user('', ',"type":"user"')), 'UNSUPPORTED_VERSION');
    throwsCode(() => decodeNatsClaims(user('', ',"type":5')), 'MALFORMED_TOKEN');
    throwsCode(() => decodeNatsClaims(signed(`{"jti":"J","iat":${IAT},"iss":"${A.publicKey}","sub":"${U.publicKey}","nats":null}`, A)), 'MALFORMED_TOKEN');
    // A case variant of a known type is no type to Go (generic claims, refused by its Decode).
    for (const type of ['USER', 'Account', 'OPERATOR', 'activatioN']) {
      throwsCode(() => decodeNatsClaims(signed(`{"jti":"J","iat":${IAT},"iss":"${A.publicKey}","sub":"${U.publicKey}","nats":{"type":"${type}","version":2}}`, A)), 'MALFORMED_TOKEN');
    }
    for (const type of ['constructor', '__proto__', 'toString', 'generic', 'x']) {
      const token = signed(`{"jti":"J","iat":${IAT},"iss":"${A.publicKey}","sub":"${U.publicKey}","nats":{"type":"${type}","version":2}}`, A);
      // Go's Decode checks an unknown type as v1, so a v2 signature fails: refused.
      throwsCode(() => decodeNatsClaims(token), 'WRONG_CLAIM_TYPE');
      // Read for display only, as Go's DecodeGeneric reads it.
      assert.equal(decodeNatsClaims(token, { generic: true }).nats.type, type);
    }
  });

  it('refuses keys that differ only in case from a field (Go matches them, last one wins)', () => {
    for (const top of [',"exp":1,"EXP":2000000000', ',"EXP":1', ',"Iat":1', ',"\u017Fub":"x"']) {
      assert.match(throwsCode(() => decodeUser(user('', top)), 'MALFORMED_TOKEN').message, /Go reads it|read by Go as/);
    }
    throwsCode(() => decodeUser(user(`"issuer_account":"${A.publicKey}","ISSUER_ACCOUNT":"${A2.publicKey}"`)), 'MALFORMED_TOKEN');
    throwsCode(() => decodeUser(user('"Pub":{"allow":[">"]}')), 'MALFORMED_TOKEN');
    throwsCode(() => decodeUser(user('"pub":{"Allow":[">"]}')), 'MALFORMED_TOKEN');
    throwsCode(() => decodeUser(user('"TYPE":"account"')), 'MALFORMED_TOKEN');
    throwsCode(() => decodeUser(signed(`{"jti":"J","iat":${IAT},"iss":"${A.publicKey}","sub":"${U.publicKey}","NATS":{},"nats":{"type":"user","version":2}}`, A)), 'MALFORMED_TOKEN');
    // The Kelvin sign folds to k: "\u212Aey" is Go's "key" in a signing key scope.
    throwsCode(() => decodeAccount(account(`"signing_keys":[{"kind":"user_scope","key":"${A2.publicKey}","\u212Aey":"${A.publicKey}","role":"r","template":{}}]`)), 'MALFORMED_TOKEN');
    // Map keys are not field names: any case is fine there.
    assert.ok(decodeAccount(account('"limits":{"tiered_limits":{"R1":{},"r1":{}}}')));
  });

  it('refuses duplicate keys anywhere, and a signing key listed twice', () => {
    throwsCode(() => decodeUser(user('', ',"exp":1,"exp":2000000000')), 'MALFORMED_TOKEN');
    throwsCode(() => decodeUser(user('"x":{"a":1,"a":1}')), 'MALFORMED_TOKEN');
    throwsCode(() => decodeAccount(account(`"revocations":{"${U.publicKey}":1,"${U.publicKey}":2}`)), 'MALFORMED_TOKEN');
    const scope = `{"kind":"user_scope","key":"${A2.publicKey}","role":"r","template":{"pub":{"allow":["a"]}}}`;
    throwsCode(() => decodeAccount(account(`"signing_keys":["${A2.publicKey}",${scope}]`)), 'MALFORMED_TOKEN');
    throwsCode(() => decodeAccount(account(`"signing_keys":[${scope},"${A2.publicKey}"]`)), 'MALFORMED_TOKEN');
  });

  it('header keys that Go folds onto typ or alg make the token ambiguous', () => {
    const h = (json: string) => b64urlEncode(json);
    const text = `{"jti":"J","iat":${IAT},"iss":"${A.publicKey}","sub":"${U.publicKey}","nats":{"type":"user","version":2}}`;
    throwsCode(() => decodeNatsClaims(signed(text, A, h('{"typ":"JWT","alg":"ed25519-nkey","ALG":"none"}'))), 'MALFORMED_TOKEN');
    throwsCode(() => decodeNatsClaims(signed(text, A, h('{"typ":"JWT","alg":"ed25519-nkey","Typ":"x"}'))), 'MALFORMED_TOKEN');
    throwsCode(() => decodeNatsClaims(signed(text, A, h('{"typ":"JWT","alg":"ed25519-nkey","alg":"ed25519-nkey"}'))), 'MALFORMED_TOKEN');
  });

  it('__proto__ keys stay plain data and pollute nothing', () => {
    const c = decodeUser(user('"__proto__":{"polluted":true,"type":"account"},"revocations":{"__proto__":1}', ',"__proto__":{"isAdmin":true}'));
    assert.equal(Object.getPrototypeOf(c), Object.prototype);
    assert.equal(Object.getPrototypeOf(c.nats), Object.prototype);
    assert.equal((c as unknown as { isAdmin?: unknown }).isAdmin, undefined);
    assert.equal(({} as { polluted?: unknown }).polluted, undefined);
    assert.equal(c.nats.type, 'user');
    const a = decodeAccount(account(`"revocations":{"__proto__":5,"${U.publicKey}":1}`));
    assert.equal(Object.getPrototypeOf(a.nats.revocations), Object.prototype);
    assert.ok(Object.hasOwn(a.nats.revocations!, '__proto__'));
    throwsCode(() => decodeAccount(account('"revocations":{"__proto__":"x"}')), 'MALFORMED_TOKEN');
  });

  it('refuses nesting past the limit with a coded error (10,000 and 100,000 levels: no stack overflow)', () => {
    for (const depth of [10_000, 100_000]) {
      const e = throwsCode(() => decodeNatsClaims(user(`"x":${nested(depth)}`)), 'MALFORMED_TOKEN');
      assert.match(e.message, /nested more than/);
    }
    // The payload object, nats and x count: 98 arrays make 100 levels, the most read.
    assert.ok(decodeUser(user(`"x":${nested(98)}`)));
    throwsCode(() => decodeUser(user(`"x":${nested(99)}`)), 'MALFORMED_TOKEN');
  });

  it('refuses an unpaired surrogate escape (Go reads U+FFFD) but reads a paired one', () => {
    throwsCode(() => decodeUser(user('', ',"name":"a\\ud800b"')), 'MALFORMED_TOKEN');
    throwsCode(() => decodeUser(user('', ',"name":"\\uDC00"')), 'MALFORMED_TOKEN');
    assert.equal(decodeUser(user('', ',"name":"\\ud83d\\ude00"')).name, '\u{1f600}');
  });

  it('reads values as Go does: null is absent, a src string is a list, "HEADERS" is headers', () => {
    const c = decodeUser(user('"pub":null,"resp":null,"src":"10.0.0.0/8, 192.168.0.0/16,10.0.0.0/8","subs":null', ',"exp":null'));
    assert.ok(!('pub' in c.nats) && !('resp' in c.nats) && !('subs' in c.nats) && !('exp' in c));
    assert.deepEqual(c.nats.src, ['10.0.0.0/8', '192.168.0.0/16']);
    const lat = (s: string) => account(`"exports":[{"subject":"svc","type":"service","service_latency":{"sampling":${s},"results":"lat"}}]`);
    assert.equal(decodeAccount(lat('"HEADERS"')).nats.exports![0]!.service_latency!.sampling, 'headers');
    assert.equal(decodeAccount(lat('50')).nats.exports![0]!.service_latency!.sampling, 50);
    // Go compares the raw bytes: an escaped spelling is neither headers nor a number to it.
    throwsCode(() => decodeAccount(lat('"h\\u0065aders"')), 'MALFORMED_TOKEN');
    throwsCode(() => decodeAccount(lat('50.0')), 'MALFORMED_TOKEN');
  });

  it('checks activations and scoped signing key templates the same way', () => {
    const act = (nats: string) => signed(`{"jti":"J","iat":${IAT},"iss":"${A.publicKey}","sub":"${A2.publicKey}","nats":{${nats},"type":"activation","version":2}}`, A);
    assert.equal(decodeActivation(act('"subject":"a.b","kind":"stream"')).nats.kind, 'stream');
    throwsCode(() => decodeActivation(act('"subject":"a.b","kind":"Stream"')), 'MALFORMED_TOKEN');
    throwsCode(() => decodeActivation(act('"subject":["a"],"kind":"stream"')), 'MALFORMED_TOKEN');
    const scope = (template: string) => account(`"signing_keys":[{"kind":"user_scope","key":"${A2.publicKey}","role":"r","template":${template}}]`);
    assert.ok(decodeAccount(scope('{"pub":{"allow":["a"]},"src":"1.2.3.4/32"}')));
    assert.deepEqual((decodeAccount(scope('{"src":"1.2.3.4/32"}')).nats.signing_keys![0] as { template: { src: unknown } }).template.src, ['1.2.3.4/32']);
    assert.equal(throwsCode(() => decodeAccount(scope('{"pub":{"allow":[5]}}')), 'MALFORMED_TOKEN').details?.field, 'nats.signing_keys[0].template.pub.allow[0]');
    // Go starts a scope's template at NewUserScope(): subs, data and payload -1 unless given.
    const template = (t: string) => (decodeAccount(scope(t)).nats.signing_keys![0] as unknown as { template: Record<string, unknown> }).template;
    assert.deepEqual(template('{"subs":5,"data":null}'), { subs: 5, data: -1, payload: -1 });
    throwsCode(() => decodeAccount(scope('[]')), 'MALFORMED_TOKEN');
    // Go reads signing keys through interface{}: a number past float64, even in an unknown field, is refused.
    for (const big of ['1E400', `-1${'0'.repeat(400)}`]) {
      throwsCode(() => decodeAccount(account(`"signing_keys":[{"kind":"user_scope","key":"${A2.publicKey}","role":"r","template":{},"info_url":{"x":[${big}]}}]`)), 'MALFORMED_TOKEN');
    }
    // In any other unknown field Go skips the value unread.
    assert.ok(decodeAccount(account('"later":1E400')));
  });
});

describe('validateClaims on claims of any shape', () => {
  it('reports a wrong type as one INVALID_CLAIMS finding instead of throwing', () => {
    const bad: unknown[] = [
      { sub: U.publicKey, nats: { type: 'user', version: 2, pub: { allow: 5 } } },
      { sub: U.publicKey, nats: { type: 'user', version: 2, src: [null] } },
      { sub: U.publicKey, nats: { type: 'user', version: 2, times: 5 } },
      { sub: U.publicKey, nats: { type: 'user', version: 2, issuer_account: [[[[]]]] } },
      { sub: A.publicKey, nats: { type: 'account', version: 2, signing_keys: 5 } },
      { sub: A.publicKey, nats: { type: 'account', version: 2, signing_keys: [null] } },
      { sub: A.publicKey, nats: { type: 'account', version: 2, imports: [{ subject: 'a', type: 'stream', account: A2.publicKey, local_subject: 5 }] } },
      { sub: A.publicKey, nats: { type: 'account', version: 2, exports: [{ subject: 5, type: 'stream' }] } },
      { sub: A.publicKey, nats: { type: 'account', version: 2, mappings: { a: 5 } } },
      { sub: A.publicKey, nats: { type: 'account', version: 2, authorization: { auth_users: 'x' } } },
      { sub: O.publicKey, nats: { type: 'operator', version: 2, operator_service_urls: 'nats://x' } },
      { sub: U.publicKey, exp: 'soon', nats: { type: 'user', version: 2 } },
      { sub: U.publicKey, exp: 1e300, nats: { type: 'user', version: 2 } },
      { sub: U.publicKey, nats: 5 },
    ];
    for (const claims of bad) {
      const r = validateClaims(claims as never);
      assert.equal(r.errors.length, 1, JSON.stringify(claims));
      assert.equal(r.errors[0]!.code, 'INVALID_CLAIMS');
    }
    assert.equal(validateClaims(5 as never).errors[0]!.code, 'INVALID_CLAIMS');
  });

  it('an exp or nbf beyond what a Date holds is reported, never "Invalid time value"', () => {
    const r = validateClaims({ sub: U.publicKey, exp: 1, nbf: 2 ** 53 - 1, nats: { type: 'user', version: 2 } } as never, { now: 2 });
    assert.deepEqual(r.errors.map((e) => e.code), ['TOKEN_EXPIRED', 'TOKEN_NOT_YET_VALID']);
    assert.match(r.errors[1]!.message, /Unix seconds/);
  });
});
