// signInvocation / verifyInvocation: a signed invocation verifies, and every attack a host on a
// lattice sees gets its own code (the cases of wasmCloud 0.82's
// validate_antiforgery_catches_invalid_invocations, plus the subject, replay and age checks
// 0.82 never made).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { encodeUser, newUserClaims } from '../../src/claims/nats/index.js';
import { encodeWascapSync, newActorClaims, newInvocationClaims } from '../../src/claims/wascap/index.js';
import { isSigchainError } from '../../src/errors.js';
import { memoryKeyring } from '../../src/custody/memory.js';
import {
  type InvocationRequest,
  ReplayCache,
  actorEntity,
  assertInvocation,
  decodeInvocation,
  encodeInvocation,
  entityUrl,
  invocationHash,
  providerEntity,
  signInvocation,
  signInvocationSync,
  targetUrl,
  verifyInvocation,
} from '../../src/invocation/index.js';
import { b64urlEncode } from '../../src/jwt/base64url.js';
import { KeyPair } from '../../src/nkeys/keypair.js';
import { ACTOR, HOST, PROVIDER } from './fixtures.js';

const cluster = KeyPair.create('cluster');
const other = KeyPair.create('cluster');
const NOW = 1_700_000_000;
const te = new TextEncoder();

function fields(msg = 'hello') {
  return {
    origin: actorEntity(ACTOR),
    target: providerEntity(PROVIDER, 'default', 'wasmcloud:testoperation'),
    operation: 'wasmcloud:testoperation/TestOperation.HandleTest',
    msg: te.encode(msg),
    host_id: HOST,
  };
}

function signed(o: { iat?: number; exp?: number; key?: KeyPair; msg?: string } = {}): InvocationRequest {
  const opts: { iat: number; exp?: number } = { iat: o.iat ?? NOW };
  if (o.exp !== undefined) opts.exp = o.exp;
  return signInvocationSync(fields(o.msg), o.key ?? cluster, opts);
}

function codes(req: InvocationRequest, extra: { replay?: ReplayCache; now?: number; maxAgeSeconds?: number; issuers?: string[] } = {}): string[] {
  const v = verifyInvocation(req, { issuers: extra.issuers ?? [cluster.publicKey], now: extra.now ?? NOW + 1, ...(extra.replay ? { replay: extra.replay } : {}), ...(extra.maxAgeSeconds ? { maxAgeSeconds: extra.maxAgeSeconds } : {}) });
  assert.equal(v.valid, v.findings.length === 0);
  return v.findings.map((f) => f.code);
}

// Re-signs claims as given (for tokens sigchain's signer would never make).
function withToken(req: InvocationRequest, claims: Parameters<typeof encodeWascapSync>[0], key: KeyPair = cluster): InvocationRequest {
  return { ...req, encoded_claims: encodeWascapSync(claims, key) };
}

test('a signed invocation verifies, keeps only the operation name, and carries 0.82 claims', () => {
  const req = signed();
  assert.equal(req.operation, 'TestOperation.HandleTest');
  assert.equal(req.content_length, 5);
  assert.match(req.id, /^[0-9a-f-]{36}$/);
  const v = verifyInvocation(req, { issuers: [cluster.publicKey], now: NOW + 1 });
  assert.deepEqual(v.findings, []);
  assert.equal(v.valid, true);
  assert.equal(v.hashChecked, true);
  const c = v.claims!;
  assert.equal(c.sub, req.id);
  assert.equal(c.iss, cluster.publicKey);
  assert.equal(c.exp, undefined);
  assert.equal(c.wascap_revision, 3);
  assert.deepEqual(c.wascap, { target_url: targetUrl(req.target, req.operation), origin_url: entityUrl(req.origin), hash: invocationHash(req) });
  assert.equal(c.wascap.target_url, `wasmbus://wasmcloud/testoperation/default/${PROVIDER}/TestOperation.HandleTest`);
  // The token's payload has wascap's field order: jti, iat, iss, sub, wascap, wascap_revision.
  const payload = JSON.parse(Buffer.from(req.encoded_claims.split('.')[1]!, 'base64url').toString());
  assert.deepEqual(Object.keys(payload), ['jti', 'iat', 'iss', 'sub', 'wascap', 'wascap_revision']);
  // Through the wire and back, still valid.
  assert.equal(verifyInvocation(decodeInvocation(encodeInvocation(req)), { issuers: [cluster.publicKey], now: NOW + 1 }).valid, true);
  assert.equal(assertInvocation(req, { issuers: new Set([cluster.publicKey]), now: NOW + 1 }).sub, req.id);
});

test('a custody signer signs with usage protocol and kind invocation, about the invocation ID', async () => {
  const ring = memoryKeyring();
  const signer = await ring.generate('cluster', ['protocol']);
  const seen: unknown[] = [];
  const spy = { ...signer, sign: (d: Uint8Array, ctx: Parameters<typeof signer.sign>[1]) => (seen.push(ctx), signer.sign(d, ctx)) };
  const req = await signInvocation({ ...fields(), id: 'inv-1' }, spy, { iat: NOW });
  assert.deepEqual(seen, [{ usage: 'protocol', kind: 'invocation', subject: 'inv-1' }]);
  assert.equal(verifyInvocation(req, { issuers: [signer.publicKey], now: NOW }).valid, true);
  // A cluster key stored without usage protocol refuses before signing.
  const noProtocol = await ring.generate('cluster', ['identity']);
  await assert.rejects(signInvocation(fields(), noProtocol), (e) => isSigchainError(e, 'KEY_USAGE_VIOLATION'));
});

test('signing refuses a key that is not a cluster key, and fields a verifier would refuse', async () => {
  assert.throws(() => signInvocationSync(fields(), KeyPair.create('server')), (e) => isSigchainError(e, 'WRONG_KEY_ROLE'));
  assert.throws(() => signInvocationSync({ ...fields(), host_id: 'NOTAHOSTID' }, cluster), (e) => isSigchainError(e, 'INVALID_HOST_ID'));
  assert.throws(() => signInvocationSync({ ...fields(), origin: providerEntity(PROVIDER, 'Default', 'wasmcloud:x') }, cluster), (e) => isSigchainError(e, 'MALFORMED_INVOCATION'));
  await assert.rejects(signInvocation({ ...fields(), operation: 'ns:pkg/' }, cluster), (e) => isSigchainError(e, 'MALFORMED_INVOCATION'));
});

test("0.82's own cases: outside issuer, expired, not yet valid, tampered msg, bad host ID, wrong origin, changed operation", () => {
  assert.deepEqual(codes(signed({ key: other })), ['ISSUER_NOT_TRUSTED']);
  assert.deepEqual(codes(signed({ exp: 0, iat: 0 })), ['TOKEN_EXPIRED']);
  const base = signed();
  assert.deepEqual(codes(withToken(base, newInvocationClaims(base.id, { target_url: targetUrl(base.target, base.operation), origin_url: entityUrl(base.origin), hash: invocationHash(base) }, { iat: NOW, nbf: Number.MAX_SAFE_INTEGER }))), ['TOKEN_NOT_YET_VALID']);
  assert.deepEqual(codes({ ...base, msg: te.encode('hellO') }), ['HASH_MISMATCH']);
  assert.deepEqual(codes({ ...base, host_id: 'NOTAHOSTID' }), ['INVALID_HOST_ID']);
  assert.deepEqual(codes({ ...base, origin: actorEntity('MB2ZQB6ROOMAYBO4ZCTFYWN7YIVBWA3MTKZYAQKJMTIHE2ELLRW2E3ZW') }), ['ORIGIN_MISMATCH', 'HASH_MISMATCH']);
  assert.deepEqual(codes({ ...base, operation: 'TestOperation.Other' }), ['TARGET_MISMATCH', 'HASH_MISMATCH']);
  assert.deepEqual(codes({ ...base, target: providerEntity(PROVIDER, 'other', 'wasmcloud:testoperation') }), ['TARGET_MISMATCH', 'HASH_MISMATCH']);
});

test("another invocation's token is SUBJECT_MISMATCH, even when everything else it signs matches", () => {
  const a = signInvocationSync({ ...fields('same'), id: 'a' }, cluster, { iat: NOW });
  const b = signInvocationSync({ ...fields('same'), id: 'b' }, cluster, { iat: NOW });
  // Same URLs, same hash: only the subject tells the tokens apart.
  assert.deepEqual(codes({ ...b, encoded_claims: a.encoded_claims }), ['SUBJECT_MISMATCH']);
  // A lifted token cannot smuggle a replay past the cache under a fresh ID.
  const replay = new ReplayCache();
  assert.deepEqual(codes(a, { replay }), []);
  assert.deepEqual(codes({ ...a, id: 'c' }, { replay }), ['SUBJECT_MISMATCH']);
});

test('a replay is refused inside its window, and refused invocations take no place in the cache', () => {
  const replay = new ReplayCache({ maxAgeSeconds: 300 });
  const req = signed();
  assert.deepEqual(codes(req, { replay }), []);
  assert.deepEqual(codes(req, { replay }), ['REPLAY']);
  assert.deepEqual(codes(req, { replay, now: NOW + 200 }), ['REPLAY']);
  // Past the window the token is STALE (no exp), so it is still refused, and not re-admitted.
  assert.deepEqual(codes(req, { replay, now: NOW + 302 }), ['STALE']);
  // A tampered copy is refused for what it is, and does not burn the ID of the genuine one.
  const fresh = signed();
  assert.deepEqual(codes({ ...fresh, msg: te.encode('evil!') }, { replay }), ['HASH_MISMATCH']);
  assert.equal(replay.has(fresh.id, (NOW + 1) * 1000), false);
  assert.deepEqual(codes(fresh, { replay }), []);
});

test('a token with a long exp is remembered until its exp, so it cannot be replayed after the window', () => {
  const replay = new ReplayCache({ maxAgeSeconds: 300 });
  const req = signed({ exp: NOW + 3600 });
  assert.deepEqual(codes(req, { replay }), []);
  assert.deepEqual(codes(req, { replay, now: NOW + 3000 }), ['REPLAY']);
  assert.deepEqual(codes(req, { replay, now: NOW + 3600 + 6 }), ['TOKEN_EXPIRED']);
});

test('STALE: no exp and iat older than the maximum age; an iat in the future is not yet valid', () => {
  assert.deepEqual(codes(signed({ iat: NOW - 400 })), ['STALE']);
  assert.deepEqual(codes(signed({ iat: NOW - 400 }), { maxAgeSeconds: 600 }), []);
  // With an exp the age does not matter.
  assert.deepEqual(codes(signed({ iat: NOW - 4000, exp: NOW + 10 })), []);
  assert.deepEqual(codes(signed({ iat: NOW + 3600 })), ['TOKEN_NOT_YET_VALID']);
  // A few seconds of clock difference between hosts are tolerated.
  assert.deepEqual(codes(signed({ iat: NOW + 4 })), []);
});

test('tokens that are not invocation tokens: a NATS user JWT is WRONG_CLAIM_TYPE, and so is an actor token', () => {
  const base = signed();
  const account = KeyPair.create('account');
  const user = KeyPair.create('user');
  const nats = encodeUser(newUserClaims('u', user.publicKey), account);
  assert.deepEqual(codes({ ...base, encoded_claims: nats }), ['WRONG_CLAIM_TYPE']);
  const mod = KeyPair.create('module');
  const actor = encodeWascapSync(newActorClaims('echo', mod.publicKey), account);
  assert.deepEqual(codes({ ...base, encoded_claims: actor }), ['WRONG_CLAIM_TYPE']);
  // An invocation token signed by a host key (waSCC's model) or an account: not among the issuers.
  const hostKey = KeyPair.create('server');
  assert.deepEqual(codes(withToken(base, newInvocationClaims(base.id, { target_url: targetUrl(base.target, base.operation), origin_url: entityUrl(base.origin), hash: invocationHash(base) }, { iat: NOW }), hostKey)), ['ISSUER_NOT_TRUSTED']);
});

test('MALFORMED_TOKEN, BAD_SIGNATURE and MISSING_CLAIMS', () => {
  const base = signed();
  assert.deepEqual(codes({ ...base, encoded_claims: 'not a jwt' }), ['MALFORMED_TOKEN']);
  const [h, p, s] = base.encoded_claims.split('.') as [string, string, string];
  const payload = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
  // The payload changed, the signature kept: BAD_SIGNATURE.
  const changed = b64urlEncode(te.encode(JSON.stringify({ ...payload, sub: 'other' })));
  assert.deepEqual(codes({ ...base, encoded_claims: `${h}.${changed}.${s}` }), ['BAD_SIGNATURE']);
  // Validly signed, but without the wascap object, or with a field of it missing.
  const { wascap, ...bare } = payload;
  const noMeta = { ...base, encoded_claims: signRaw(h, bare) };
  assert.deepEqual(codes(noMeta), ['MISSING_CLAIMS']);
  const { hash: _h, ...partial } = wascap as Record<string, unknown>;
  assert.deepEqual(codes({ ...base, encoded_claims: signRaw(h, { ...bare, wascap: partial }) }), ['MISSING_CLAIMS']);
  // Mistyped, not missing: MALFORMED_TOKEN.
  assert.deepEqual(codes({ ...base, encoded_claims: signRaw(h, { ...bare, wascap: { ...(wascap as object), hash: 7 } }) }), ['MALFORMED_TOKEN']);
  // An empty token is the invocation's fault.
  assert.deepEqual(codes({ ...base, encoded_claims: '' }), ['MALFORMED_INVOCATION']);
});

function signRaw(header: string, payload: unknown): string {
  const input = `${header}.${b64urlEncode(te.encode(JSON.stringify(payload)))}`;
  return `${input}.${b64urlEncode(cluster.sign(te.encode(input)))}`;
}

test('a chunked invocation (empty msg, body in the object store) is judged without its hash, and says so', () => {
  const big = signInvocationSync({ ...fields(), msg: new Uint8Array(1_000_000) }, cluster, { iat: NOW });
  const chunked = { ...big, msg: new Uint8Array(0) };
  const v = verifyInvocation(chunked, { issuers: [cluster.publicKey], now: NOW });
  assert.equal(v.valid, true);
  assert.equal(v.hashChecked, false);
});

test('verification never throws: junk in any text field of a genuine invocation is a finding', () => {
  const base = signed();
  for (const key of ['operation', 'id', 'encoded_claims', 'host_id'] as const) {
    for (const j of ['', 'x'.repeat(300), '\u0000', 'é', 'a.b.c']) {
      const v = verifyInvocation({ ...base, [key]: j }, { issuers: [cluster.publicKey], now: NOW });
      assert.ok(v.findings.length > 0, `${key}=${j}`);
      assert.equal(v.valid, false);
    }
  }
});

test('property: a signed invocation with bytes flipped, cut or inserted is read and judged with codes only, never an exception', () => {
  const genuine = encodeInvocation(signed());
  const replay = new ReplayCache();
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom('flip', 'cut', 'insert')), { minLength: 1, maxLength: 3 }), (edits) => {
      let b = [...genuine];
      for (const [at, byte, kind] of edits) {
        const i = at % Math.max(1, b.length);
        if (kind === 'flip') b[i] = byte;
        else if (kind === 'cut') b = b.slice(0, i);
        else b.splice(i, 0, byte);
      }
      let req: InvocationRequest;
      try {
        req = decodeInvocation(Uint8Array.from(b));
      } catch (e) {
        assert.ok(isSigchainError(e, 'MALFORMED_INVOCATION'), String(e));
        return;
      }
      const v = verifyInvocation(req, { issuers: [cluster.publicKey], now: NOW + 1, replay });
      for (const f of v.findings) assert.equal(typeof f.code, 'string');
    }),
    { numRuns: 400 },
  );
});
