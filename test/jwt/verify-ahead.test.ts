// Signatures checked ahead on libuv's thread pool (verify-ahead.ts) and taken by the synchronous
// verifier (ahead-memo.ts): only a token that decoded and verified is kept, under its exact text
// and format, and taken once; anything else is left for the verifier, which refuses it with its
// own code. Ahead or not, every verdict is the same.
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import fc from 'fast-check';
import { clearCaches } from '../../src/bounded-map.js';
import { AHEAD_MEMO_LIMIT, takeVerified } from '../../src/jwt/ahead-memo.js';
import { forgetVerified, verifyJwtsAhead } from '../../src/jwt/verify-ahead.js';
import { NATS_FORMAT, WASCAP_FORMAT, b64urlEncode, signJwt, verifyJwtUncached } from '../../src/jwt/index.js';
import { KeyPair } from '../../src/nkeys/index.js';
import { definePolicy } from '../../src/trust/policy.js';
import { memoryResolver } from '../../src/trust/resolver.js';
import { verifyChainSync } from '../../src/trust/verify-chain.js';
import { throwsCode } from '../nkeys/assert-code.js';
import { makeAccount, makeOperator, makeUser } from '../trust/helpers.js';
import { GO_USER_TOKEN } from './go-reference.js';

const [H, P, S] = GO_USER_TOKEN.split('.') as [string, string, string];

function flipped(part: string, byte: number): string {
  const b = Buffer.from(part, 'base64url');
  b[byte % b.length]! ^= 1;
  return b64urlEncode(b);
}

describe('verifyJwtsAhead', () => {
  beforeEach(() => clearCaches());

  it('keeps a token that verified, and the verifier takes it once', async () => {
    await verifyJwtsAhead([GO_USER_TOKEN]);
    const kept = takeVerified<{ token: string }>(GO_USER_TOKEN, NATS_FORMAT);
    assert.ok(kept, 'kept after its signature verified');
    assert.equal(kept.token, GO_USER_TOKEN);
    assert.equal(takeVerified(GO_USER_TOKEN, NATS_FORMAT), undefined, 'taken once: the entry is gone');
    // Through the verifier: the kept decode is returned as is.
    await verifyJwtsAhead([GO_USER_TOKEN]);
    const a = verifyJwtUncached(GO_USER_TOKEN);
    const b = verifyJwtUncached(GO_USER_TOKEN);
    assert.notEqual(a, b, 'the second call verified afresh');
    assert.deepEqual(a.claims, b.claims);
  });

  it('keeps nothing for a forged or tampered token: the verifier still refuses it with BAD_SIGNATURE', async () => {
    const forged = `${H}.${P}.${b64urlEncode(Buffer.alloc(64))}`;
    const tampered = `${H}.${flipped(P, 20)}.${S}`;
    const badSig = `${H}.${P}.${flipped(S, 5)}`;
    await verifyJwtsAhead([forged, tampered, badSig]);
    for (const t of [forged, tampered, badSig]) assert.equal(takeVerified(t, NATS_FORMAT), undefined);
    for (const t of [forged, badSig]) throwsCode(() => verifyJwtUncached(t), 'BAD_SIGNATURE');
  });

  it('keeps nothing for what does not decode or whose issuer cannot sign, leaving the verifier to say why', async () => {
    const curve = KeyPair.create('curve').publicKey;
    const kp = KeyPair.create('account');
    const claims = { jti: 'x', iat: 1, iss: curve, sub: kp.publicKey };
    const text = `${H}.${b64urlEncode(JSON.stringify(claims))}.${S}`;
    const noIss = `${H}.${b64urlEncode(JSON.stringify({ jti: 'y', iat: 1, sub: kp.publicKey }))}.${S}`;
    const inputs = ['garbage', `${H}.${P}`, text, noIss, ''];
    await verifyJwtsAhead(inputs);
    for (const t of inputs) assert.equal(takeVerified(t, NATS_FORMAT), undefined);
    throwsCode(() => verifyJwtUncached(text), 'MALFORMED_TOKEN');
    throwsCode(() => verifyJwtUncached('garbage'), 'MALFORMED_TOKEN');
  });

  it('a token kept as NATS is not taken as another format, nor under another text', async () => {
    await verifyJwtsAhead([GO_USER_TOKEN]);
    assert.equal(takeVerified(` ${GO_USER_TOKEN}`, NATS_FORMAT), undefined, 'exact text only');
    assert.equal(takeVerified(GO_USER_TOKEN, WASCAP_FORMAT), undefined, 'another format');
    throwsCode(() => verifyJwtUncached(GO_USER_TOKEN, WASCAP_FORMAT), 'UNSUPPORTED_ALGORITHM');
  });

  it('forgetVerified drops what a caller will not judge', async () => {
    await verifyJwtsAhead([GO_USER_TOKEN]);
    forgetVerified([GO_USER_TOKEN]);
    assert.equal(takeVerified(GO_USER_TOKEN, NATS_FORMAT), undefined);
  });

  it(`stays bounded: past ${AHEAD_MEMO_LIMIT} waiting tokens nothing more is kept, and those still verify`, async () => {
    const kp = KeyPair.create('account');
    const tokens = Array.from({ length: AHEAD_MEMO_LIMIT + 5 }, (_, i) => signJwt({ jti: String(i), iat: i, iss: kp.publicKey, sub: kp.publicKey }, kp));
    await verifyJwtsAhead(tokens);
    const kept = tokens.filter((t) => takeVerified(t, NATS_FORMAT) !== undefined).length;
    assert.equal(kept, AHEAD_MEMO_LIMIT);
    assert.equal(verifyJwtUncached(tokens.at(-1)!).token, tokens.at(-1));
  });

  it('ahead or not, the verifier gives the same verdict for any change to a user token (property)', async () => {
    const op = makeOperator();
    const acct = makeAccount(op, { signingKeys: 1 });
    const good = makeUser(acct, { signer: acct.sks[0] }).jwt;
    const resolver = memoryResolver([acct.jwt]);
    const policy = definePolicy({ trustedOperators: [op.jwt] });
    assert.equal(verifyChainSync(good, { resolver, policy }).valid, true, 'the chain is good as made');
    await fc.assert(
      fc.asyncProperty(fc.nat(good.length - 1), fc.integer({ min: 1, max: 127 }), async (at, x) => {
        const token = good.slice(0, at) + String.fromCharCode(good.charCodeAt(at) ^ x) + good.slice(at + 1);
        clearCaches();
        const plain = verifyChainSync(token, { resolver, policy });
        clearCaches();
        await verifyJwtsAhead([token, good]);
        const ahead = verifyChainSync(token, { resolver, policy });
        forgetVerified([token, good]);
        assert.deepEqual(ahead.errors, plain.errors);
        assert.equal(ahead.valid, plain.valid);
        assert.equal(plain.valid, false, 'a changed token never verifies');
      }),
      { numRuns: 150 },
    );
  });
});
