// The reference chain written by Go's nats-io/jwt v2.3.0 (claims/nats/fixtures.ts) verifies as a
// chain: operator O1 (signing key O2, system account A3) → account A4 signed by the operator
// IDENTITY key, listing plain signing key A5 and scoped key A6 (role "svc"), revoking U8 →
// user U7 issued by A5 with issuer_account A4 and its own permissions (allowed: A5 is unscoped).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeUser, newUserClaims, setScoped } from '../../src/claims/nats/index.js';
import { signJwt } from '../../src/jwt/index.js';
import { definePolicy, memoryResolver, natsServerPolicy, verifyChainSync } from '../../src/trust/index.js';
import { GO_ACCOUNT_PAYLOAD, GO_IAT, GO_OPERATOR_PAYLOAD, GO_USER_TOKEN, PUB, key } from '../claims/nats/fixtures.js';
import { assertCodes, assertValid } from './helpers.js';

// Known by payload only; Ed25519 is deterministic, so signing Go's exact payload bytes with the
// O1 seed gives the very token Go wrote (the claims tests check the bytes round-trip).
const GO_ACCOUNT_TOKEN = signJwt(JSON.parse(GO_ACCOUNT_PAYLOAD) as object, key('O1'));
const GO_OPERATOR_TOKEN = signJwt(JSON.parse(GO_OPERATOR_PAYLOAD) as object, key('O1'));
const AT = { now: GO_IAT + 60 };

describe('the Go reference chain (nats-io/jwt v2.3.0)', () => {
  const resolver = memoryResolver([GO_OPERATOR_TOKEN, GO_ACCOUNT_TOKEN]);

  it('verifies under nats-server\'s policy, with the chain as Go issued it', () => {
    const v = verifyChainSync(GO_USER_TOKEN, { resolver, policy: natsServerPolicy([GO_OPERATOR_TOKEN], AT) });
    assertValid(v);
    assert.deepEqual(
      v.chain.map((l) => [l.kind, l.sub, l.iss, l.signedBy]),
      [
        ['user', PUB.U7, PUB.A5, 'signing-key'],
        ['account', PUB.A4, PUB.O1, 'identity'],
        ['operator', PUB.O1, PUB.O1, 'identity'],
      ],
    );
    assert.equal(v.chain[0]!.issuerAccount, PUB.A4);
    // Accepted, but flagged: the account is signed by the operator identity; the user never
    // expires; and its src limit can only be judged against a client address.
    assert.deepEqual(v.warnings.map((w) => [w.code, w.at, w.field]).sort(), [
      ['CONNECTION_NOT_ALLOWED', 'user', 'nats.src'],
      ['IDENTITY_KEY_MISUSE', 'account', 'iss'],
      ['NO_EXPIRY', 'user', 'exp'],
    ]);
  });

  it('judges the user\'s src (127.0.0.0/8) against a client address when one is given', () => {
    const local = verifyChainSync(GO_USER_TOKEN, { resolver, policy: natsServerPolicy([GO_OPERATOR_TOKEN], { ...AT, connection: { ip: '127.0.0.1' } }) });
    assertValid(local);
    assert.ok(!local.warnings.some((w) => w.code === 'CONNECTION_NOT_ALLOWED'));
    const remote = verifyChainSync(GO_USER_TOKEN, { resolver, policy: natsServerPolicy([GO_OPERATOR_TOKEN], { ...AT, connection: { ip: '10.1.2.3' } }) });
    assertCodes(remote, ['CONNECTION_NOT_ALLOWED']);
    assert.equal(remote.errors[0]!.field, 'nats.src');
  });

  it('verifies with the operator trusted by public key and found by the resolver', () => {
    assertValid(verifyChainSync(GO_USER_TOKEN, { resolver, policy: definePolicy({ trustedOperators: [PUB.O1], ...AT }) }));
  });

  it('is refused by a strict policy: the account is signed by the operator identity key', () => {
    const v = verifyChainSync(GO_USER_TOKEN, { resolver, policy: definePolicy({ trustedOperators: [GO_OPERATOR_TOKEN], requireSigningKeys: true, ...AT }) });
    assertCodes(v, ['IDENTITY_KEY_MISUSE']);
    assert.equal(v.errors[0]!.at, 'account');
  });

  it('honours what the reference keys allow: revoked U8, scoped A6, unknown keys', () => {
    const policy = natsServerPolicy([GO_OPERATOR_TOKEN], AT);
    // U8 is revoked until 2000000000: any token for it issued before then is refused.
    const u8 = newUserClaims('U8', PUB.U8);
    u8.nats.issuer_account = PUB.A4;
    assertCodes(verifyChainSync(encodeUser(u8, key('A5'), { iat: GO_IAT }), { resolver, policy }), ['TOKEN_REVOKED']);
    // A6 is scoped (role svc): its users carry no permissions of their own.
    const scoped = setScoped(newUserClaims('svc1', PUB.U7));
    scoped.nats.issuer_account = PUB.A4;
    const s = verifyChainSync(encodeUser(scoped, key('A6'), { iat: GO_IAT }), { resolver, policy });
    assertValid(s);
    assert.equal(s.chain[0]!.scope, 'svc');
    const withPerms = newUserClaims('svc2', PUB.U7);
    withPerms.nats.issuer_account = PUB.A4;
    assertCodes(verifyChainSync(encodeUser(withPerms, key('A6'), { iat: GO_IAT }), { resolver, policy }), ['SCOPE_VIOLATION']);
    // A3 (the system account key) is no key of A4.
    assertCodes(verifyChainSync(encodeUser(withPerms, key('A3'), { iat: GO_IAT }), { resolver, policy }), ['SIGNING_KEY_NOT_LISTED']);
    // Re-signed by the operator signing key O2, the same account passes the strict policy.
    const reSigned = signJwt({ ...(JSON.parse(GO_ACCOUNT_PAYLOAD) as object), iss: PUB.O2 }, key('O2'));
    const v = verifyChainSync(GO_USER_TOKEN, { resolver: memoryResolver([GO_OPERATOR_TOKEN, reSigned]), policy: definePolicy({ trustedOperators: [GO_OPERATOR_TOKEN], requireSigningKeys: true, ...AT }) });
    assertValid(v);
    assert.equal(v.chain[1]!.signedBy, 'signing-key');
  });
});
