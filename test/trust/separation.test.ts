// Separation of keys as policy (seed 001): identity keys only self-sign; signing keys issue.
// A strict policy refuses identity-signed accounts; rotating a compromised operator identity
// keeps every account issued by the signing keys valid without re-issuing it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KeyPair } from '../../src/nkeys/index.js';
import { definePolicy, memoryResolver, natsServerPolicy, verifyChainSync } from '../../src/trust/index.js';
import { assertCodes, assertValid, craft, makeAccount, makeOperator, makeUser } from './helpers.js';

describe('separation of keys (strict policy)', () => {
  it('refuses an account signed by the operator identity key and accepts the same account re-issued by a signing key', () => {
    const op = makeOperator();
    const strict = definePolicy({ trustedOperators: [op.jwt], requireSigningKeys: true });
    const byIdentity = makeAccount(op, { signer: op.id });
    const user = makeUser(byIdentity);
    const refused = verifyChainSync(user.jwt, { resolver: memoryResolver([byIdentity.jwt]), policy: strict });
    assertCodes(refused, ['IDENTITY_KEY_MISUSE']);
    assert.equal(refused.errors[0]!.at, 'account');
    assert.equal(refused.chain[1]!.signedBy, 'identity');

    // Same account identity and signing keys, re-issued by the operator signing key: the user
    // token is untouched and now verifies.
    const reissued = makeAccount(op, { id: byIdentity.id, signingKeys: byIdentity.sks, signer: op.sks[0] });
    const ok = verifyChainSync(user.jwt, { resolver: memoryResolver([byIdentity.jwt, reissued.jwt]), policy: strict });
    assertValid(ok);
    assert.equal(ok.chain[1]!.signedBy, 'signing-key');
  });

  it('without the strict policy (nats-server\'s rule) an identity-signed account is valid, with a warning', () => {
    const op = makeOperator();
    const acct = makeAccount(op, { signer: op.id });
    const v = verifyChainSync(acct.jwt, { policy: natsServerPolicy([op.jwt]) });
    assertValid(v);
    assert.ok(v.warnings.some((w) => w.code === 'IDENTITY_KEY_MISUSE' && w.at === 'account'), JSON.stringify(v.warnings));
  });

  it('an operator listing its own identity as a signing key: KEY_USAGE_VIOLATION under the strict policy, a warning otherwise', () => {
    const op = makeOperator({ edit: (c) => c.nats.signing_keys!.push(c.sub) });
    assert.ok(op.claims.nats.signing_keys!.includes(op.id.publicKey));
    const acct = makeAccount(op, { signer: op.sks[0] });
    const strict = verifyChainSync(acct.jwt, { policy: definePolicy({ trustedOperators: [op.jwt], requireSigningKeys: true }) });
    assertCodes(strict, ['KEY_USAGE_VIOLATION']);
    assert.equal(strict.errors[0]!.at, 'operator');
    const lax = verifyChainSync(acct.jwt, { policy: natsServerPolicy([op.jwt]) });
    assertValid(lax);
    assert.ok(lax.warnings.some((w) => w.code === 'KEY_USAGE_VIOLATION'));
  });

  it('a self-issued user is invalid under every policy', () => {
    const op = makeOperator();
    const acct = makeAccount(op);
    const resolver = memoryResolver([acct.jwt]);
    const policies = [
      natsServerPolicy([op.jwt]),
      definePolicy({ trustedOperators: [op.jwt], requireSigningKeys: true, clockSkewSeconds: 3600, checkTime: false }),
    ];
    for (const policy of policies) {
      assertValid(verifyChainSync(makeUser(acct).jwt, { resolver, policy })); // the policy accepts real users
      const u = KeyPair.create('user');
      const self = craft({ iss: u.publicKey, sub: u.publicKey, name: 'me', nats: { issuer_account: acct.id.publicKey, type: 'user', version: 2 } }, u);
      assertCodes(verifyChainSync(self, { resolver, policy }), ['SELF_ISSUED']);
    }
  });
});

describe('rotating a compromised operator identity key', () => {
  it('a new operator identity keeping the same signing keys, the old identity banned: signing-key accounts stay valid unchanged; identity-signed ones do not', () => {
    // Before: operator identity O1 with signing key SK; one account issued by SK, one by O1.
    const before = makeOperator({ name: 'acme' });
    const sk = before.sks[0]!;
    const bySk = makeAccount(before, { name: 'orders', signer: sk });
    const byIdentity = makeAccount(before, { name: 'legacy', signer: before.id });
    const userOfSk = makeUser(bySk, { signer: bySk.sks[0] });
    const userOfIdentity = makeUser(byIdentity, { signer: byIdentity.sks[0] });
    const oldPolicy = natsServerPolicy([before.jwt]);
    assertValid(verifyChainSync(userOfSk.jwt, { resolver: memoryResolver([bySk.jwt]), policy: oldPolicy }));
    assertValid(verifyChainSync(userOfIdentity.jwt, { resolver: memoryResolver([byIdentity.jwt]), policy: oldPolicy }));

    // O1 leaks. A new operator token with a new identity keeps SK; O1 is banned.
    const after = makeOperator({ name: 'acme', keepSigningKeys: [sk] });
    assert.notEqual(after.id.publicKey, before.id.publicKey);
    const policy = definePolicy({ trustedOperators: [after.jwt], bannedKeys: [before.id.publicKey], requireSigningKeys: true });
    // Everything the verifier can see, old operator token included (an attacker would supply it).
    const resolver = memoryResolver([before.jwt, bySk.jwt, byIdentity.jwt]);

    const kept = verifyChainSync(userOfSk.jwt, { resolver, policy });
    assertValid(kept);
    assert.equal(kept.chain[2]!.sub, after.id.publicKey, 'the chain now ends at the new identity');
    assert.equal(kept.chain[1]!.signedBy, 'signing-key');
    assert.equal(resolver.account(bySk.id.publicKey), bySk.jwt, 'the account token was not re-issued');

    const lost = verifyChainSync(userOfIdentity.jwt, { resolver, policy });
    // The account is signed by a banned identity key (which the strict policy also refuses), and
    // the old operator it points to is banned and no longer trusted.
    assertCodes(lost, ['KEY_BANNED', 'IDENTITY_KEY_MISUSE', 'KEY_BANNED', 'ISSUER_NOT_TRUSTED']);
    assert.ok(lost.errors.some((e) => e.code === 'KEY_BANNED' && e.at === 'account' && e.field === 'iss'));

    // The thief mints a fresh account with the stolen identity: refused the same way.
    const minted = makeAccount(before, { name: 'evil', signer: before.id });
    assert.ok(verifyChainSync(minted.jwt, { resolver, policy }).errors.some((e) => e.code === 'KEY_BANNED'));
    // Even a careless policy that still lists the old identity as trusted refuses it: the ban wins.
    const careless = definePolicy({ trustedOperators: [after.jwt, before.id.publicKey], bannedKeys: [before.id.publicKey] });
    assert.ok(verifyChainSync(minted.jwt, { resolver, policy: careless }).errors.some((e) => e.code === 'KEY_BANNED'));
    // ...while the signing-key account is still fine under it (the non-banned operator is chosen).
    assertValid(verifyChainSync(userOfSk.jwt, { resolver, policy: careless }));
  });
});
