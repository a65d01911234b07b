// The verifier judges delegation restrictions from the parent's current token: a link signed by
// a signing key restricted away from its kind is a SCOPE_VIOLATION. (`signing-keys` statements
// need the previous token, so they are enforced at issuance, not here.)
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KeyPair } from '../../src/nkeys/index.js';
import { setRestriction } from '../../src/keys/restrictions.js';
import { memoryResolver, natsServerPolicy, verifyChainSync } from '../../src/trust/index.js';
import { assertCodes, assertValid, makeAccount, makeOperator, makeUser } from './helpers.js';

describe('signing-key restrictions (verifier)', () => {
  it('refuses an account signed by an operator SK restricted to `signing-keys` only', () => {
    const restricted = KeyPair.create('operator');
    const other = KeyPair.create('operator');
    const op = makeOperator({ keepSigningKeys: [restricted, other], edit: (c) => setRestriction(c.nats, restricted.publicKey, ['signing-keys']) });
    const bad = makeAccount(op, { signer: restricted });
    const v = verifyChainSync(bad.jwt, { policy: natsServerPolicy([op.jwt]) });
    assertCodes(v, ['SCOPE_VIOLATION']);
    assert.equal(v.errors[0]!.at, 'account');
    assert.match(v.errors[0]!.message, /signing-keys/);
    assertValid(verifyChainSync(makeAccount(op, { signer: other }).jwt, { policy: natsServerPolicy([op.jwt]) }));
  });

  it('accepts an account signed by a CanSignAllButSigningKeys key', () => {
    const op = makeOperator({ edit: (c) => setRestriction(c.nats, c.nats.signing_keys![0]!, 'CanSignAllButSigningKeys') });
    assertValid(verifyChainSync(makeAccount(op).jwt, { policy: natsServerPolicy([op.jwt]) }));
  });

  it('refuses a user signed by an account SK restricted to activations', () => {
    const op = makeOperator();
    const acct = makeAccount(op, { edit: (c) => setRestriction(c.nats, (c.nats.signing_keys![0] as string), ['activation']) });
    const user = makeUser(acct, { signer: acct.sks[0]! });
    const v = verifyChainSync(user.jwt, { resolver: memoryResolver([acct.jwt]), policy: natsServerPolicy([op.jwt]) });
    assertCodes(v, ['SCOPE_VIOLATION']);
    assert.equal(v.errors[0]!.at, 'user');
  });
});
