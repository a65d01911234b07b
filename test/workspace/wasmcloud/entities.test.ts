// wascap operators and accounts in the store: keys in custody with their usages, tokens that the
// claims codec reads back, Gantry's identity-key rule, and formats never mixed.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { it } from 'node:test';
import { decodeWascap } from '../../../src/claims/wascap/index.js';
import { KeyPair } from '../../../src/nkeys/index.js';
import { addAccount, addOperator, addUser, addWascapAccount, addWascapOperator, readWascapAccount, readWascapOperator, signModule } from '../../../src/workspace/index.js';
import { rejectsCode, snapshot, tempWorkspace } from '../helpers.js';

it('add wascap operator with a signing key, an account signed by it, a module signed by the account signing key', async (t) => {
  const { ws } = tempWorkspace(t);
  const op = await addWascapOperator(ws, 'W', { generateSigningKey: true });
  assert.deepEqual(op.warnings, []);
  const o = await readWascapOperator(await ws.operator('W'));
  assert.equal(o.claims.sub, op.operator.publicKey);
  assert.equal(o.claims.iss, op.operator.publicKey, 'self-issued');
  assert.deepEqual(o.claims.wascap.valid_signers, [op.signingKey!.publicKey]);
  assert.equal(o.claims.wascap_revision, 3);
  assert.deepEqual((await ws.keys.getKeyMeta(op.operator.publicKey)).usages, ['identity', 'issuing']);
  assert.deepEqual((await ws.keys.getKeyMeta(op.signingKey!.publicKey)).usages, ['issuing']);

  const acct = await addWascapAccount(ws, 'team', { generateSigningKey: true });
  assert.equal(acct.account.signedBy, 'signing-key');
  assert.equal(acct.account.issuer, op.signingKey!.publicKey);
  const a = await readWascapAccount(await ws.operator('W'), 'team');
  assert.equal(decodeWascap(a.token, { expect: 'account' }).claims.iss, op.signingKey!.publicKey);
  assert.deepEqual(a.claims.wascap.valid_signers, [acct.signingKey!.publicKey]);
  assert.equal(a.claims.wascap.name, 'team');
  assert.deepEqual(await ws.context(), { ...(await ws.context()), operator: 'W', account: 'team' });

  const signed = await signModule(ws, Uint8Array.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]), { issuer: await ws.resolveSigner(acct.signingKey!.publicKey), name: 'm' });
  assert.equal(decodeWascap(signed.token, { expect: 'actor' }).claims.iss, acct.signingKey!.publicKey);
});

it('the operator identity key is refused for accounts unless allowed, which warns; an operator without signing keys warns', async (t) => {
  const { ws, home } = tempWorkspace(t);
  const op = await addWascapOperator(ws, 'W');
  assert.match(op.warnings.join('\n'), /incompatible with Gantry/);
  const before = snapshot(home);
  // Without -K: the only key at hand is the identity key.
  const e1 = await rejectsCode(addWascapAccount(ws, 'A'), 'NO_APPROPRIATE_SIGNING_KEY');
  assert.match(e1.message, /--allow-identity-key/);
  // With -K naming it.
  await rejectsCode(addWascapAccount(ws, 'A', { signer: await ws.resolveSigner(op.operator.publicKey) }), 'NO_APPROPRIATE_SIGNING_KEY');
  assert.deepEqual(snapshot(home), before, 'a refused add leaves nothing behind');
  const r = await addWascapAccount(ws, 'A', { allowIdentityKey: true });
  assert.equal(r.account.signedBy, 'identity');
  assert.match(r.warnings.join('\n'), /Gantry rejects .*identity key.*IDENTITY_KEY_MISUSE/);
  // A key that is not the operator's: refused as for NATS.
  await rejectsCode(addWascapAccount(ws, 'B', { signer: KeyPair.create('operator') }), 'NO_APPROPRIATE_SIGNING_KEY');
});

it('formats are never mixed: NATS entities under a wascap operator and the reverse are WRONG_CLAIM_TYPE', async (t) => {
  const { ws } = tempWorkspace(t);
  await addWascapOperator(ws, 'W', { generateSigningKey: true });
  await addWascapAccount(ws, 'team');
  await rejectsCode(addUser(ws, 'U', { operator: 'W', account: 'team' }), 'WRONG_CLAIM_TYPE');
  await rejectsCode(addAccount(ws, 'N', { operator: 'W' }), 'WRONG_CLAIM_TYPE');
  await addOperator(ws, 'O', { systemAccount: false, generateSigningKey: true });
  const e = await rejectsCode(addWascapAccount(ws, 'X', { operator: 'O' }), 'WRONG_CLAIM_TYPE');
  assert.match(e.message, /NATS operator/);
  // The stored wascap account is a wascap token, as a file.
  const token = readFileSync((await ws.directoryOperator('W')).accountJwtPath('team'), 'utf8');
  assert.equal(decodeWascap(token).kind, 'account');
});

it('entityKeys and keyInventory name wascap operator and account keys, identity and valid_signers', async (t) => {
  const { entityKeys, keyInventory } = await import('../../../src/workspace/index.js');
  const { ws } = tempWorkspace(t);
  await addOperator(ws, 'N');
  const op = await addWascapOperator(ws, 'W', { generateSigningKey: true });
  const acct = await addWascapAccount(ws, 'team', { generateSigningKey: true });
  const keys = await entityKeys(ws, await ws.operator('W'));
  assert.deepEqual(
    keys.map((k) => [k.kind, k.entity, k.publicKey, k.signing]),
    [
      ['operator', 'W', op.operator.publicKey, false],
      ['operator', 'W', op.signingKey!.publicKey, true],
      ['account', 'team', acct.account.publicKey, false],
      ['account', 'team', acct.signingKey!.publicKey, true],
    ],
  );
  assert.deepEqual(await entityKeys(ws, await ws.operator('W'), { user: 'u' }), keys.slice(0, 2), 'wascap accounts have no users');
  const named = new Map((await keyInventory(ws)).map((r) => [r.publicKey, r.entities]));
  assert.deepEqual(named.get(acct.signingKey!.publicKey), ['account W/team signing key']);
  assert.deepEqual(named.get(op.operator.publicKey), ['operator W']);
});
