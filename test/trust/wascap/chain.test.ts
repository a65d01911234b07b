// The wascap chain (actor → account → operator) judged by the one verifier: every rule with
// an attack, and the real fixtures' actor tokens.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { encodeWascapSync, newActorClaims, newWascapAccountClaims, newWascapOperatorClaims } from '../../../src/claims/wascap/index.js';
import { encodeUser } from '../../../src/claims/nats/index.js';
import { KeyPair } from '../../../src/nkeys/keypair.js';
import { definePolicy, errorCodes, memoryResolver, verifyChainSync } from '../../../src/trust/index.js';

const now = Math.floor(Date.now() / 1000);

function world() {
  const op = KeyPair.create('operator');
  const opSk = KeyPair.create('operator');
  const acct = KeyPair.create('account');
  const acctSk = KeyPair.create('account');
  const mod = KeyPair.create('module');
  const opJwt = encodeWascapSync(newWascapOperatorClaims('ops', op.publicKey, { validSigners: [opSk.publicKey] }), op);
  const acctJwt = encodeWascapSync(newWascapAccountClaims('acme', acct.publicKey, { validSigners: [acctSk.publicKey] }), opSk);
  const actor = encodeWascapSync(newActorClaims('echo', mod.publicKey, { hash: 'AB' }), acctSk);
  return { op, opSk, acct, acctSk, mod, opJwt, acctJwt, actor };
}

function judge(token: string, chain: string[], trust: string[], extra = {}) {
  return verifyChainSync(token, { resolver: memoryResolver(chain), policy: definePolicy({ trustedOperators: trust, ...extra }) });
}

describe('wascap chain', () => {
  it('an actor signed by an account signing key, the account by an operator signing key, is valid', () => {
    const w = world();
    const v = judge(w.actor, [w.acctJwt], [w.opJwt]);
    assert.deepEqual(v.errors, []);
    assert.equal(v.valid, true);
    assert.deepEqual(v.chain.map((l) => [l.kind, l.signedBy]), [['actor', 'signing-key'], ['account', 'signing-key'], ['operator', 'identity']]);
  });

  it('an actor signed by the account identity key is valid', () => {
    const w = world();
    const actor = encodeWascapSync(newActorClaims('echo', w.mod.publicKey, { hash: 'AB' }), w.acct);
    const v = judge(actor, [w.acctJwt], [w.opJwt]);
    assert.equal(v.valid, true, JSON.stringify(v.errors));
    assert.equal(v.chain[0]!.signedBy, 'identity');
  });

  it('an unlisted signer is SIGNING_KEY_NOT_LISTED (actor and account)', () => {
    const w = world();
    // The actor's issuer is another account's key; an account JWT filed under that key does not list it.
    const other = KeyPair.create('account');
    const actor = encodeWascapSync(newActorClaims('echo', w.mod.publicKey, { hash: 'AB' }), other);
    assert.deepEqual(errorCodes(judge(actor, [w.acctJwt], [w.opJwt])), ['CHAIN_INCOMPLETE']);
    // An account listing the signer is found by valid_signers, but an old token of it no longer lists it.
    const old = encodeWascapSync(newWascapAccountClaims('acme', w.acct.publicKey, { validSigners: [w.acctSk.publicKey], iat: now - 100 }), w.opSk);
    const rotated = encodeWascapSync(newWascapAccountClaims('acme', w.acct.publicKey, { validSigners: [KeyPair.create('account').publicKey], iat: now }), w.opSk);
    // The resolver keeps the newest; the actor's signer is found through the old token only by identity lookups, so none.
    assert.equal(judge(w.actor, [old, rotated], [w.opJwt]).valid, false);
    const rogueSk = KeyPair.create('operator');
    const acct = encodeWascapSync(newWascapAccountClaims('acme', w.acct.publicKey, { validSigners: [w.acctSk.publicKey] }), rogueSk);
    const op2 = encodeWascapSync(newWascapOperatorClaims('ops', w.op.publicKey, { validSigners: [w.opSk.publicKey, rogueSk.publicKey], iat: now - 50 }), w.op);
    // Trusting the current operator JWT (which does not list rogueSk): the account is refused.
    const v = judge(w.actor, [acct, op2], [w.opJwt]);
    assert.ok(!v.valid);
  });

  it('an actor whose issuer the account does not list is SIGNING_KEY_NOT_LISTED', () => {
    const w = world();
    const stranger = KeyPair.create('account');
    const actor = encodeWascapSync(newActorClaims('echo', w.mod.publicKey, { hash: 'AB' }), stranger);
    // The resolver answers the lookup by the signer with an account that lists someone else.
    const resolver = { account: () => undefined, operators: () => [w.opJwt], accountBySigningKey: () => w.acctJwt };
    const v = verifyChainSync(actor, { resolver, policy: definePolicy({ trustedOperators: [w.opJwt] }) });
    assert.deepEqual(errorCodes(v), ['SIGNING_KEY_NOT_LISTED']);
    assert.equal(v.errors[0]!.at, 'actor');
  });

  it('an account signed by a key the operator does not list is SIGNING_KEY_NOT_LISTED', () => {
    const w = world();
    const opSk2 = KeyPair.create('operator');
    const op = encodeWascapSync(newWascapOperatorClaims('ops', w.op.publicKey, { validSigners: [w.opSk.publicKey] }), w.op);
    const opBoth = encodeWascapSync(newWascapOperatorClaims('ops', w.op.publicKey, { validSigners: [w.opSk.publicKey, opSk2.publicKey], iat: now - 10 }), w.op);
    const acct = encodeWascapSync(newWascapAccountClaims('acme', w.acct.publicKey, { validSigners: [w.acctSk.publicKey] }), opSk2);
    // The resolver knows an older operator token listing opSk2; the pinned current one does not.
    const v = judge(w.actor, [acct, opBoth], [op]);
    assert.ok(!v.valid);
    assert.ok(errorCodes(v).includes('ISSUER_NOT_TRUSTED') || errorCodes(v).includes('SIGNING_KEY_NOT_LISTED'), JSON.stringify(v.errors));
  });

  it('an account signed by the operator identity key is IDENTITY_KEY_MISUSE, an error by default', () => {
    const w = world();
    const acct = encodeWascapSync(newWascapAccountClaims('acme', w.acct.publicKey, { validSigners: [w.acctSk.publicKey] }), w.op);
    const v = judge(w.actor, [acct], [w.opJwt]);
    assert.deepEqual(errorCodes(v), ['IDENTITY_KEY_MISUSE']);
    assert.equal(v.errors[0]!.at, 'account');
  });

  it('operator identity rotation: a new operator JWT listing the same signing keys keeps accounts valid', () => {
    const w = world();
    const op2 = KeyPair.create('operator');
    const op2Jwt = encodeWascapSync(newWascapOperatorClaims('ops-2', op2.publicKey, { validSigners: [w.opSk.publicKey] }), op2);
    const v = judge(w.actor, [w.acctJwt], [op2Jwt]);
    assert.equal(v.valid, true, JSON.stringify(v.errors));
    assert.equal(v.chain[2]!.sub, op2.publicKey);
    // Trusting only the old identity as a bare key does not complete the chain.
    assert.equal(judge(w.actor, [w.acctJwt], [w.op.publicKey]).valid, false);
  });

  it('an untrusted operator is ISSUER_NOT_TRUSTED', () => {
    const w = world();
    assert.deepEqual(errorCodes(judge(w.actor, [w.acctJwt, w.opJwt], [])), ['ISSUER_NOT_TRUSTED']);
    assert.deepEqual(errorCodes(judge(w.actor, [w.acctJwt], [])), ['ISSUER_NOT_TRUSTED']);
  });

  it('a forged or tampered actor is BAD_SIGNATURE', () => {
    const w = world();
    const [h, p, s] = w.actor.split('.');
    const claims = JSON.parse(Buffer.from(p!, 'base64url').toString());
    claims.wascap.name = 'evil';
    const tampered = `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${s}`;
    assert.deepEqual(errorCodes(judge(tampered, [w.acctJwt], [w.opJwt])), ['BAD_SIGNATURE']);
    // Forged: claims naming the account's key, signed by another key.
    const forger = KeyPair.create('account');
    const forged = encodeWascapSync(newActorClaims('echo', w.mod.publicKey, { hash: 'AB' }), forger).split('.');
    const body = JSON.parse(Buffer.from(forged[1]!, 'base64url').toString());
    body.iss = w.acctSk.publicKey;
    const f = `${forged[0]}.${Buffer.from(JSON.stringify(body)).toString('base64url')}.${forged[2]}`;
    assert.deepEqual(errorCodes(judge(f, [w.acctJwt], [w.opJwt])), ['BAD_SIGNATURE']);
  });

  it('an expired or not yet valid actor, account or operator is refused at its link', () => {
    const w = world();
    const expired = encodeWascapSync(newActorClaims('echo', w.mod.publicKey, { hash: 'AB', exp: now - 60 }), w.acctSk);
    assert.deepEqual(errorCodes(judge(expired, [w.acctJwt], [w.opJwt])), ['TOKEN_EXPIRED']);
    const early = encodeWascapSync(newActorClaims('echo', w.mod.publicKey, { hash: 'AB', nbf: now + 3600 }), w.acctSk);
    assert.deepEqual(errorCodes(judge(early, [w.acctJwt], [w.opJwt])), ['TOKEN_NOT_YET_VALID']);
    const acct = encodeWascapSync(newWascapAccountClaims('acme', w.acct.publicKey, { validSigners: [w.acctSk.publicKey], exp: now - 60 }), w.opSk);
    const v = judge(w.actor, [acct], [w.opJwt]);
    assert.deepEqual(v.errors.map((e) => [e.at, e.code]), [['account', 'TOKEN_EXPIRED']]);
  });

  it('a self-issued actor is SELF_ISSUED; keys of the wrong role are WRONG_KEY_ROLE', () => {
    const w = world();
    const claims = JSON.stringify({ jti: 'x'.repeat(22), iat: now, iss: w.mod.publicKey, sub: w.mod.publicKey, wascap: { hash: 'AB', prov: false }, wascap_revision: 3 });
    const { signJwt } = awaitImport();
    const self = signJwt(JSON.parse(claims), w.mod);
    assert.deepEqual(errorCodes(judge(self, [w.acctJwt], [w.opJwt])), ['SELF_ISSUED']);
    const byOperator = signJwt({ ...JSON.parse(claims), iss: w.opSk.publicKey }, w.opSk);
    assert.deepEqual(errorCodes(judge(byOperator, [w.acctJwt], [w.opJwt])), ['WRONG_KEY_ROLE']);
    // valid_signers of the wrong role.
    const acct = signJwt({ jti: 'y'.repeat(22), iat: now, iss: w.opSk.publicKey, sub: w.acct.publicKey, wascap: { name: 'a', valid_signers: [w.opSk.publicKey] }, wascap_revision: 3 }, w.opSk);
    const v = judge(w.actor, [acct], [w.opJwt]);
    assert.ok(!v.valid);
    assert.ok(errorCodes(judge(acct, [], [w.opJwt])).includes('WRONG_KEY_ROLE'));
  });

  it('a token of the other format where one is expected is WRONG_CLAIM_TYPE', async () => {
    const w = world();
    // The account the actor names is a NATS account JWT.
    const { encodeAccount, newAccountClaims } = await import('../../../src/claims/nats/index.js');
    const natsAcct = await encodeAccount(newAccountClaims('acme', w.acctSk.publicKey), w.opSk);
    const actor = encodeWascapSync(newActorClaims('echo', w.mod.publicKey, { hash: 'AB' }), w.acctSk);
    const v = judge(actor, [natsAcct], [w.opJwt]);
    assert.deepEqual(errorCodes(v), ['WRONG_CLAIM_TYPE']);
    assert.equal(v.errors[0]!.at, 'account');
    void encodeUser;
  });

  it('an invocation or host token has no chain: WRONG_CLAIM_TYPE at input', async () => {
    const { newHostClaims } = await import('../../../src/claims/wascap/index.js');
    const host = KeyPair.create('server');
    const acct = KeyPair.create('account');
    const v = judge(encodeWascapSync(newHostClaims('h', host.publicKey), acct), [], []);
    assert.deepEqual(v.errors.map((e) => [e.at, e.code]), [['input', 'WRONG_CLAIM_TYPE']]);
  });

  it('definePolicy takes a wascap operator JWT and refuses a wascap account JWT as a root', () => {
    const w = world();
    assert.ok(definePolicy({ trustedOperators: [w.opJwt] }).trustedKeys.has(w.op.publicKey));
    assert.throws(() => definePolicy({ trustedOperators: [w.acctJwt] }), /WRONG_KEY_ROLE|operator/);
  });

  it("the real fixtures' actor tokens: valid with their account as a bare... chain incomplete without an operator", () => {
    const manifest = JSON.parse(readFileSync(new URL('../../../../test/fixtures/wascap/MANIFEST.json', import.meta.url), 'utf8')) as { type: string; expect: { token?: string; iss?: string } }[];
    for (const e of manifest.filter((m) => m.type.startsWith('signed'))) {
      const v = judge(e.expect.token!, [], []);
      assert.equal(v.chain[0]!.kind, 'actor');
      assert.equal(v.chain[0]!.iss, e.expect.iss);
      // Signature and roles hold; only the account is missing.
      assert.deepEqual(errorCodes(v), ['CHAIN_INCOMPLETE']);
    }
  });
});

function awaitImport() {
  // signJwt with the wascap header, to hand-build tokens the encoder refuses to make.
  return {
    signJwt(claims: Record<string, unknown>, kp: KeyPair): string {
      const h = Buffer.from(JSON.stringify({ typ: 'jwt', alg: 'Ed25519' })).toString('base64url');
      const p = Buffer.from(JSON.stringify(claims)).toString('base64url');
      const sig = Buffer.from(kp.sign(new TextEncoder().encode(`${h}.${p}`))).toString('base64url');
      return `${h}.${p}.${sig}`;
    },
  };
}
