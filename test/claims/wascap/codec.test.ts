// wascap tokens: the real ones wasmCloud signed (test/fixtures/wascap/MANIFEST.json) decode to
// the claims the manifest records and re-encode to the same bytes; every kind round-trips; bad
// tokens are refused with their code, never a TypeError.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  type WascapClaims,
  decodeNatsClaims,
  decodeWascap,
  encodeUser,
  encodeWascapSync,
  newActorClaims,
  newClusterClaims,
  newHostClaims,
  newInvocationClaims,
  newProviderClaims,
  newUserClaims,
  newWascapAccountClaims,
  newWascapOperatorClaims,
  normalizeCallAlias,
  wascapPayload,
} from '../../../src/claims/index.js';
import { SigchainError } from '../../../src/errors.js';
import { b64urlEncode } from '../../../src/jwt/index.js';
import { KeyPair } from '../../../src/nkeys/index.js';
import { throwsCode } from '../../nkeys/assert-code.js';
import { WASCAP_SEEDS, loadManifest } from '../../nkeys/wascap-fixtures.js';

interface Signed {
  file: string;
  token: string;
  claims: Record<string, unknown>;
}

const SIGNED: Signed[] = loadManifest()
  .filter((e) => e.expect.token)
  .map((e) => ({ file: e.file, token: e.expect.token!, claims: (e.expect as unknown as { claims: Record<string, unknown> }).claims }));

const op = KeyPair.create('operator');
const opSk = KeyPair.create('operator');
const acct = KeyPair.create('account');
const acctSk = KeyPair.create('account');
const mod = KeyPair.create('module');
const svc = KeyPair.create('service');
const cluster = KeyPair.create('cluster');
const host = KeyPair.create('server');
const user = KeyPair.create('user');

const payloadOf = (token: string): string => Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8');

/** Signs an arbitrary payload object (or text) with `key` under the wascap header. */
function forge(payload: unknown, key: KeyPair, header = '{"typ":"jwt","alg":"Ed25519"}'): string {
  const input = `${b64urlEncode(header)}.${b64urlEncode(typeof payload === 'string' ? payload : JSON.stringify(payload))}`;
  return `${input}.${b64urlEncode(key.sign(Buffer.from(input, 'ascii')))}`;
}

const actorPayload = (over: Record<string, unknown> = {}, meta: Record<string, unknown> = {}) => ({
  jti: 'sBO3mvItwrjSjupHRm2bDF',
  iat: 1679578778,
  iss: acct.publicKey,
  sub: mod.publicKey,
  wascap: { name: 'x', hash: 'AB', tags: [], rev: 0, ver: '0.1.0', prov: false, ...meta },
  wascap_revision: 3,
  ...over,
});

describe('wascap tokens signed by wasmCloud (MANIFEST.json)', () => {
  assert.ok(SIGNED.length >= 6);
  for (const f of SIGNED) {
    it(`${f.file}: decodes as an actor with the claims the manifest records`, () => {
      const t = decodeWascap(f.token, { expect: 'actor' });
      assert.equal(t.kind, 'actor');
      assert.deepEqual(t.claims, f.claims);
    });

    it(`${f.file}: its claims re-encode to the same payload bytes`, () => {
      const { claims } = decodeWascap(f.token);
      assert.equal(JSON.stringify(wascapPayload(claims, claims.iss)), payloadOf(f.token));
    });
  }

  for (const seed of WASCAP_SEEDS.filter((s) => s.role === 'account')) {
    it(`${seed.file}: re-signing the decoded claims reproduces the token exactly`, () => {
      const f = SIGNED.find((s) => s.claims.iss === seed.publicKey)!;
      const { claims } = decodeWascap(f.token);
      assert.equal(encodeWascapSync(claims, KeyPair.fromSeed(seed.seed)), f.token);
    });
  }

  it('a real actor token is not an operator, account or invocation token', () => {
    throwsCode(() => decodeWascap(SIGNED[0]!.token, { expect: 'operator' }), 'WRONG_KEY_ROLE');
    throwsCode(() => decodeWascap(SIGNED[0]!.token, { expect: ['account', 'operator'] }), 'WRONG_KEY_ROLE');
    throwsCode(() => decodeWascap(SIGNED[0]!.token, { expect: 'invocation' }), 'WRONG_CLAIM_TYPE');
  });

  it('a real wascap token given to the NATS decoder is WRONG_CLAIM_TYPE', () => {
    throwsCode(() => decodeNatsClaims(SIGNED[0]!.token), 'WRONG_CLAIM_TYPE');
  });
});

describe('wascap claims of every kind', () => {
  const now = 1_700_000_000;
  const cases: { kind: string; claims: object; key: KeyPair; json: string }[] = [
    {
      kind: 'operator',
      claims: newWascapOperatorClaims('acme', op.publicKey, { validSigners: [opSk.publicKey], iat: now, jti: 'J' }),
      key: op,
      json: `{"jti":"J","iat":${now},"iss":"${op.publicKey}","sub":"${op.publicKey}","wascap":{"name":"acme","valid_signers":["${opSk.publicKey}"]},"wascap_revision":3}`,
    },
    {
      kind: 'account',
      claims: newWascapAccountClaims('team', acct.publicKey, { iat: now, jti: 'J', exp: now + 10 }),
      key: opSk,
      json: `{"exp":${now + 10},"jti":"J","iat":${now},"iss":"${opSk.publicKey}","sub":"${acct.publicKey}","wascap":{"name":"team","valid_signers":[]},"wascap_revision":3}`,
    },
    {
      kind: 'cluster',
      claims: newClusterClaims('lattice', cluster.publicKey, { iat: now, jti: 'J' }),
      key: cluster,
      json: `{"jti":"J","iat":${now},"iss":"${cluster.publicKey}","sub":"${cluster.publicKey}","wascap":{"name":"lattice","valid_signers":[]},"wascap_revision":3}`,
    },
    {
      kind: 'host',
      claims: newHostClaims('h1', host.publicKey, { iat: now, jti: 'J', labels: { self_signed: 'true' } }),
      key: acct,
      json: `{"jti":"J","iat":${now},"iss":"${acct.publicKey}","sub":"${host.publicKey}","wascap":{"name":"h1","labels":{"self_signed":"true"}},"wascap_revision":3}`,
    },
    {
      kind: 'actor',
      claims: newActorClaims('echo', mod.publicKey, { iat: now, jti: 'J', nbf: now - 5, hash: 'AB', tags: ['t<&>'], rev: 2, ver: '1.0', callAlias: ' My-Echo.v1 ' }),
      key: acctSk,
      json: `{"jti":"J","iat":${now},"iss":"${acctSk.publicKey}","sub":"${mod.publicKey}","nbf":${now - 5},"wascap":{"name":"echo","hash":"AB","tags":["t<&>"],"rev":2,"ver":"1.0","call_alias":"my_echo_v1","prov":false},"wascap_revision":3}`,
    },
    {
      kind: 'provider',
      claims: newProviderClaims('kv', svc.publicKey, { iat: now, jti: 'J', vendor: 'acme', capid: 'wasmcloud:keyvalue', targetHashes: { 'x86_64-linux': 'AB' }, configSchema: { type: 'object' } }),
      key: acct,
      json: `{"jti":"J","iat":${now},"iss":"${acct.publicKey}","sub":"${svc.publicKey}","wascap":{"name":"kv","capid":"wasmcloud:keyvalue","vendor":"acme","target_hashes":{"x86_64-linux":"AB"},"config_schema":{"type":"object"}},"wascap_revision":3}`,
    },
    {
      kind: 'invocation',
      claims: newInvocationClaims('0e2b1f4c-0000-4000-8000-000000000001', { target_url: 'wasmbus://M/Op', origin_url: 'wasmbus://O', hash: 'CD' }, { iat: now, jti: 'J' }),
      key: cluster,
      json: `{"jti":"J","iat":${now},"iss":"${cluster.publicKey}","sub":"0e2b1f4c-0000-4000-8000-000000000001","wascap":{"target_url":"wasmbus://M/Op","origin_url":"wasmbus://O","hash":"CD"},"wascap_revision":3}`,
    },
  ];
  for (const c of cases) {
    it(`${c.kind}: writes wascap's field order and defaults, and decodes back`, () => {
      const token = encodeWascapSync(c.claims as WascapClaims, c.key);
      assert.equal(token.split('.')[0], 'eyJ0eXAiOiJqd3QiLCJhbGciOiJFZDI1NTE5In0');
      assert.equal(payloadOf(token), c.json);
      const t = decodeWascap(token, { now });
      assert.equal(t.kind, c.kind);
      assert.equal(JSON.stringify(t.claims), c.json);
    });
  }

  it('normalises call aliases as wascap does', () => {
    assert.equal(normalizeCallAlias('  Héllo World-1.x\u00a0'), 'hllo_world_1_x');
  });

  it('never signs claims it would refuse', () => {
    throwsCode(() => encodeWascapSync(newActorClaims('x', mod.publicKey) as WascapClaims, mod), 'SELF_ISSUED');
    throwsCode(() => encodeWascapSync(newActorClaims('x', mod.publicKey) as WascapClaims, op), 'WRONG_KEY_ROLE');
    throwsCode(() => encodeWascapSync(newWascapAccountClaims('x', acct.publicKey, { validSigners: [op.publicKey] }) as WascapClaims, op), 'WRONG_KEY_ROLE');
    throwsCode(() => encodeWascapSync(newActorClaims('x', mod.publicKey, { rev: 1.5 }) as WascapClaims, acct), 'INVALID_CLAIMS');
    throwsCode(() => encodeWascapSync({ ...newActorClaims('x', mod.publicKey), iss: acctSk.publicKey } as WascapClaims, acct), 'INVALID_CLAIMS');
  });
});

describe('wascap tokens refused', () => {
  it('an expired or not-yet-valid token', () => {
    const t = encodeWascapSync(newActorClaims('x', mod.publicKey, { exp: 1000, nbf: 500 }) as WascapClaims, acct);
    throwsCode(() => decodeWascap(t, { now: 1001 }), 'TOKEN_EXPIRED');
    assert.equal(decodeWascap(t, { now: 1000 }).kind, 'actor'); // exp == now is still valid, as in wascap
    throwsCode(() => decodeWascap(t, { now: 499 }), 'TOKEN_NOT_YET_VALID');
    assert.equal(decodeWascap(t, { now: 1001, checkTime: false }).kind, 'actor');
    assert.equal(decodeWascap(t, { now: 1003, clockSkewSeconds: 5 }).kind, 'actor');
  });

  it('a bad signature, and a payload edited after signing', () => {
    const t = SIGNED[0]!.token;
    const [h, p, s] = t.split('.');
    throwsCode(() => decodeWascap(`${h}.${p}.${s!.slice(0, -2)}AA`), 'BAD_SIGNATURE');
    const edited = b64urlEncode(payloadOf(t).replace('"prov":false', '"prov":true '));
    throwsCode(() => decodeWascap(`${h}.${edited}.${s}`), 'BAD_SIGNATURE');
  });

  it('a NATS JWT where a wascap token is expected', () => {
    throwsCode(() => decodeWascap(encodeUser(newUserClaims('u', user.publicKey), acct)), 'WRONG_CLAIM_TYPE');
    // A NATS payload under the wascap header, validly signed.
    throwsCode(() => decodeWascap(forge({ jti: 'J', iat: 1, iss: acct.publicKey, sub: user.publicKey, nats: { type: 'user', version: 2 } }, acct)), 'WRONG_CLAIM_TYPE');
  });

  it('keys of the wrong role, and a self-issued actor', () => {
    throwsCode(() => decodeWascap(forge(actorPayload({ iss: mod.publicKey }), mod)), 'SELF_ISSUED');
    throwsCode(() => decodeWascap(forge(actorPayload({ iss: op.publicKey }), op)), 'WRONG_KEY_ROLE');
    throwsCode(() => decodeWascap(forge(actorPayload({ sub: user.publicKey }), acct)), 'WRONG_KEY_ROLE');
    const acctWith = (signers: unknown) => forge({ jti: 'J', iat: 1, iss: opSk.publicKey, sub: acct.publicKey, wascap: { name: 'a', valid_signers: signers } }, opSk);
    throwsCode(() => decodeWascap(acctWith([acctSk.publicKey, mod.publicKey])), 'WRONG_KEY_ROLE');
    assert.deepEqual(decodeWascap(acctWith(null)).claims.wascap, { name: 'a', valid_signers: null });
  });

  it('strict base64url and the exact header', () => {
    const [h, p, s] = SIGNED[0]!.token.split('.');
    throwsCode(() => decodeWascap(`${h}=.${p}.${s}`), 'MALFORMED_TOKEN');
    throwsCode(() => decodeWascap(`${h}.${p}.${s}=`), 'MALFORMED_TOKEN');
    throwsCode(() => decodeWascap(`${h}.${p}`), 'MALFORMED_TOKEN');
    throwsCode(() => decodeWascap(forge(actorPayload(), acct, '{"typ":"JWT","alg":"Ed25519"}')), 'MALFORMED_TOKEN');
    throwsCode(() => decodeWascap(forge(actorPayload(), acct, '{"typ":"jwt","alg":"EdDSA"}')), 'UNSUPPORTED_ALGORITHM');
  });

  const shapes: [string, Record<string, unknown>, Record<string, unknown>][] = [
    ['iat as a string', { iat: '1' }, {}],
    ['iat negative', { iat: -1 }, {}],
    ['iat with a fraction', { iat: 1.5 }, {}],
    ['exp over 2^53', { exp: 2 ** 60 }, {}],
    ['no jti', { jti: undefined }, {}],
    ['null sub', { sub: null }, {}],
    ['wascap an array', { wascap: [] }, {}],
    ['no wascap', { wascap: undefined }, {}],
    ['hash missing', {}, { hash: undefined }],
    ['tags of numbers', {}, { tags: [1] }],
    ['rev over i32', {}, { rev: 2 ** 31 }],
    ['prov null', {}, { prov: null }],
    ['wascap_revision negative', { wascap_revision: -3 }, {}],
    ['EXP beside exp', { EXP: 5 }, {}],
    ['Hash beside hash', {}, { Hash: 'X' }],
  ];
  for (const [what, over, meta] of shapes) {
    it(`wrong JSON (${what}) is MALFORMED_TOKEN with its field`, () => {
      const e = throwsCode(() => decodeWascap(forge(actorPayload(over, meta), acct)), 'MALFORMED_TOKEN');
      assert.ok(e.details?.field !== undefined, e.message);
    });
  }

  it('"iat":2.0 is refused (serde reads no float into u64), "iat":2 is not', () => {
    const text = JSON.stringify(actorPayload()).replace('"iat":1679578778', '"iat":1679578778.0');
    throwsCode(() => decodeWascap(forge(text, acct)), 'MALFORMED_TOKEN');
    assert.equal(decodeWascap(forge(JSON.stringify(actorPayload()), acct)).claims.iat, 1679578778);
  });

  it('absent and null Option fields read as wascap reads them; unknown fields are ignored', () => {
    const t = decodeWascap(forge(actorPayload({ extra: { deep: [1] } }, { name: null, tags: null, prov: undefined, rev: undefined, ver: undefined }), acct), { expect: 'actor' });
    assert.deepEqual(t.claims.wascap, { hash: 'AB', prov: false });
    assert.equal('extra' in t.claims, false);
  });
});

describe('wascap decoding of arbitrary bytes (fast-check)', () => {
  const good = [SIGNED[0]!.token, forge(actorPayload(), acct)];
  const text = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 200 }),
    fc.constantFrom(...good).chain((s) => fc.tuple(fc.nat(s.length), fc.string({ maxLength: 8 })).map(([i, ins]) => s.slice(0, i) + ins + s.slice(i + ins.length))),
    fc.jsonValue({ maxDepth: 3 }).map((v) => forge(JSON.stringify(v), acct)),
    fc.jsonValue({ maxDepth: 3 }).map((v) => forge(actorPayload({}, { tags: v, rev: v }), acct)),
    fc.dictionary(fc.constantFrom('exp', 'jti', 'iat', 'iss', 'sub', 'nbf', 'wascap', 'wascap_revision'), fc.jsonValue({ maxDepth: 2 })).map((o) => forge(actorPayload(o), acct)),
  );
  it('gives a token or a coded SigchainError, never another throw', () => {
    fc.assert(
      fc.property(text, (s) => {
        try {
          decodeWascap(s, { checkTime: false });
        } catch (e) {
          assert.ok(e instanceof SigchainError, `not a coded error: ${String(e)}`);
        }
      }),
      { seed: 10, numRuns: 600 },
    );
  });
});
