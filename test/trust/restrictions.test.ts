// The verifier judges delegation restrictions from the parent's current token: a link signed by
// a signing key restricted away from a kind it is refused with KEY_RESTRICTION_VIOLATION. An
// account that delegates to signing keys is a `signing-keys` statement unless an operator key
// allowed `signing-keys` approved that delegation (accountStatementKinds, as issuing decides).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KeyPair } from '../../src/nkeys/index.js';
import { setRestriction } from '../../src/keys/restrictions.js';
import { approveDelegation, setDelegationApproval } from '../../src/keys/statement-kinds.js';
import { memoryResolver, natsServerPolicy, verifyChainSync } from '../../src/trust/index.js';
import { assertCodes, assertValid, makeAccount, makeOperator, makeUser } from './helpers.js';

describe('signing-key restrictions (verifier)', () => {
  it('refuses an account signed by an operator SK restricted to `signing-keys` only', () => {
    const restricted = KeyPair.create('operator');
    const other = KeyPair.create('operator');
    const op = makeOperator({ keepSigningKeys: [restricted, other], edit: (c) => setRestriction(c.nats, restricted.publicKey, ['signing-keys']) });
    const bad = makeAccount(op, { signer: restricted });
    const v = verifyChainSync(bad.jwt, { policy: natsServerPolicy([op.jwt]) });
    assertCodes(v, ['KEY_RESTRICTION_VIOLATION']);
    assert.equal(v.errors[0]!.at, 'account');
    assert.match(v.errors[0]!.message, /signing-keys/);
    assertValid(verifyChainSync(makeAccount(op, { signer: other }).jwt, { policy: natsServerPolicy([op.jwt]) }));
  });

  it('a CanSignAllButSigningKeys key: accepted for an account without signing keys, or whose signing keys an allowed key approved; refused otherwise', () => {
    const restricted = KeyPair.create('operator');
    const allowed = KeyPair.create('operator');
    const op = makeOperator({ keepSigningKeys: [restricted, allowed], edit: (c) => setRestriction(c.nats, restricted.publicKey, 'CanSignAllButSigningKeys') });
    const policy = natsServerPolicy([op.jwt]);
    assertValid(verifyChainSync(makeAccount(op, { signer: restricted, signingKeys: 0 }).jwt, { policy }));
    // The edit-signing-key path: a scoped signing key nobody allowed approved.
    const scoped = makeAccount(op, { signer: restricted, signingKeys: 0, scopes: [{ role: 'svc' }] });
    const v = verifyChainSync(scoped.jwt, { policy });
    assertCodes(v, ['KEY_RESTRICTION_VIOLATION']);
    assert.match(v.errors[0]!.message, /`signing-keys`/);
    // Approved by the allowed key, then signed by the restricted one: accepted.
    const approved = makeAccount(op, { signer: restricted, edit: (c) => setDelegationApproval(c.nats, approveDelegation(c.sub, c.nats, allowed)) });
    assertValid(verifyChainSync(approved.jwt, { policy }));
    // An approval by the restricted key itself, or over another delegation, is worth nothing.
    const selfApproved = makeAccount(op, { signer: restricted, edit: (c) => setDelegationApproval(c.nats, approveDelegation(c.sub, c.nats, restricted)) });
    assertCodes(verifyChainSync(selfApproved.jwt, { policy }), ['KEY_RESTRICTION_VIOLATION']);
    const stale = makeAccount(op, {
      signer: restricted,
      edit: (c) => {
        setDelegationApproval(c.nats, approveDelegation(c.sub, c.nats, allowed));
        c.nats.signing_keys!.push(KeyPair.create('account').publicKey);
      },
    });
    assertCodes(verifyChainSync(stale.jwt, { policy }), ['KEY_RESTRICTION_VIOLATION']);
  });

  it('refuses a user signed by an account SK restricted to activations', () => {
    const op = makeOperator();
    const acct = makeAccount(op, { edit: (c) => setRestriction(c.nats, (c.nats.signing_keys![0] as string), ['activation']) });
    const user = makeUser(acct, { signer: acct.sks[0]! });
    const v = verifyChainSync(user.jwt, { resolver: memoryResolver([acct.jwt]), policy: natsServerPolicy([op.jwt]) });
    assertCodes(v, ['KEY_RESTRICTION_VIOLATION']);
    assert.equal(v.errors[0]!.at, 'user');
  });
});
