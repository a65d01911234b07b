// editOperator: adds and removes operator signing keys, switches strict signing-key usage on
// (only with a signing key, and then re-signs identity-signed accounts with it), warns about
// accounts a removed key had signed, and only ever signs with the operator's identity key.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KeyPair } from '../../../src/nkeys/keypair.js';
import { addAccount, addOperator, addUser, editOperator, readAccount, readOperator, readUser } from '../../../src/workspace/index.js';
import { rejectsCode, snapshot, tempWorkspace } from '../helpers.js';

describe('editOperator: signing keys', () => {
  it('adds a generated signing key (stored) and one given by public key (not stored)', async (t) => {
    const { ws } = tempWorkspace(t);
    const o = await addOperator(ws, 'O');
    const external = KeyPair.create('operator');
    const r = await editOperator(ws, { addSigningKeys: ['generate', external.publicKey] });
    assert.equal(r.added.length, 2);
    assert.equal(r.added[0]!.generated, true);
    assert.ok(r.added[0]!.storedAt);
    assert.equal(r.added[1]!.publicKey, external.publicKey);
    assert.equal(r.added[1]!.storedAt, undefined);
    const claims = (await readOperator(await ws.operator())).claims;
    assert.deepEqual(claims.nats.signing_keys, [r.added[0]!.publicKey, external.publicKey]);
    assert.equal(claims.iss, o.operator.publicKey, 'still self-signed by the identity key');
    assert.ok(await ws.keys.hasKey(r.added[0]!.publicKey));
    assert.equal(await ws.keys.hasKey(external.publicKey), false);
    assert.ok(r.messages.some((m) => /restart/.test(m)), 'says that servers must be restarted');
  });

  it('adding a signing key given as a seed stores the seed', async (t) => {
    const { ws } = tempWorkspace(t);
    await addOperator(ws, 'O');
    const sk = KeyPair.create('operator');
    const r = await editOperator(ws, { addSigningKeys: [sk.seed] });
    assert.equal(r.added[0]!.publicKey, sk.publicKey);
    assert.ok(await ws.keys.hasKey(sk.publicKey));
  });

  it('refuses the identity key as a signing key, and a key of another role', async (t) => {
    const { ws, home } = tempWorkspace(t);
    const o = await addOperator(ws, 'O');
    const before = snapshot(home);
    await rejectsCode(editOperator(ws, { addSigningKeys: [o.operator.publicKey] }), 'USAGE');
    await rejectsCode(editOperator(ws, { addSigningKeys: [KeyPair.create('account').publicKey] }), 'NKEY_WRONG_ROLE');
    assert.deepEqual(snapshot(home), before);
  });

  it('removes a signing key; removing one that is not listed is refused', async (t) => {
    const { ws } = tempWorkspace(t);
    const o = await addOperator(ws, 'O', { generateSigningKey: true, systemAccount: false });
    const r = await editOperator(ws, { removeSigningKeys: [o.signingKey!.publicKey] });
    assert.deepEqual(r.removed, [o.signingKey!.publicKey]);
    assert.equal((await readOperator(await ws.operator())).claims.nats.signing_keys, undefined);
    assert.ok(r.warnings.some((w) => /no signing keys/.test(w)));
    const e = await rejectsCode(editOperator(ws, { removeSigningKeys: [o.signingKey!.publicKey] }), 'STORE_NOT_FOUND');
    assert.ok(e.message.includes(o.signingKey!.publicKey));
  });

  it('warns about every account the removed signing key had signed', async (t) => {
    const { ws } = tempWorkspace(t);
    const o = await addOperator(ws, 'O', { generateSigningKey: true });
    await addAccount(ws, 'A');
    await addAccount(ws, 'B', { signer: await ws.resolveSigner(o.operator.keyPath) });
    const sysBefore = (await readAccount(await ws.operator(), 'SYS')).token;
    const r = await editOperator(ws, { removeSigningKeys: [o.signingKey!.publicKey] });
    const stale = r.warnings.filter((w) => /no longer a signing key/.test(w));
    assert.equal(stale.length, 2, r.warnings.join('\n'));
    assert.ok(stale.some((w) => w.startsWith('Account "A"')));
    assert.ok(stale.some((w) => w.startsWith('Account "SYS"')));
    assert.ok(!r.warnings.some((w) => w.startsWith('Account "B"')), 'B is signed by the identity key, still trusted');
    assert.deepEqual(r.resigned, []);
    assert.equal((await readAccount(await ws.operator(), 'SYS')).token, sysBefore, 'accounts are not re-signed behind the user\'s back');
  });
});

describe('editOperator: require signing keys (strict)', () => {
  it('is refused without a signing key, and the operator JWT stays as it was', async (t) => {
    const { ws, home } = tempWorkspace(t);
    await addOperator(ws, 'O');
    const before = snapshot(home);
    const e = await rejectsCode(editOperator(ws, { requireSigningKeys: true }), 'NO_APPROPRIATE_SIGNING_KEY');
    assert.match(e.message, /--sk generate/);
    assert.deepEqual(snapshot(home), before);
  });

  it('with a signing key added in the same edit, re-signs the identity-signed SYS (and others) with it', async (t) => {
    const { ws } = tempWorkspace(t);
    const o = await addOperator(ws, 'O');
    await addAccount(ws, 'A');
    const r = await editOperator(ws, { addSigningKeys: ['generate'], requireSigningKeys: true });
    const sk = r.added[0]!.publicKey;
    assert.deepEqual([...r.resigned].sort(), ['A', 'SYS']);
    const op = await ws.operator();
    const claims = (await readOperator(op)).claims;
    assert.equal(claims.nats.strict_signing_key_usage, true);
    assert.equal(claims.iss, o.operator.publicKey, 'the operator JWT itself is still self-signed');
    for (const name of ['SYS', 'A']) assert.equal((await readAccount(op, name)).claims.iss, sk, `${name} re-signed by the SK`);
    // sys was signed by the SYS signing key, which strict mode still accepts: untouched.
    assert.equal((await readUser(op, 'SYS', 'sys')).claims.iss, o.systemAccount!.signingKey);
    assert.ok(r.messages.some((m) => m.includes('re-signed account "SYS"')));
  });

  it('warns instead of re-signing when no signing-key seed is at hand', async (t) => {
    const { ws } = tempWorkspace(t);
    await addOperator(ws, 'O');
    const r = await editOperator(ws, { addSigningKeys: [KeyPair.create('operator').publicKey], requireSigningKeys: true });
    assert.deepEqual(r.resigned, []);
    assert.ok(r.warnings.some((w) => w.startsWith('Account "SYS"') && /strict signing-key usage bars/.test(w)), r.warnings.join('\n'));
  });

  it('requireSigningKeys: false clears strict mode', async (t) => {
    const { ws } = tempWorkspace(t);
    await addOperator(ws, 'O', { generateSigningKey: true });
    await editOperator(ws, { requireSigningKeys: true });
    await editOperator(ws, { requireSigningKeys: false });
    assert.equal((await readOperator(await ws.operator())).claims.nats.strict_signing_key_usage, undefined);
  });

  it('cannot remove the last signing key of a strict operator', async (t) => {
    const { ws } = tempWorkspace(t);
    const o = await addOperator(ws, 'O', { generateSigningKey: true });
    await editOperator(ws, { requireSigningKeys: true });
    await rejectsCode(editOperator(ws, { removeSigningKeys: [o.signingKey!.publicKey] }), 'NO_APPROPRIATE_SIGNING_KEY');
  });

  it('warns about users signed by an account identity key: a strict operator bars them too', async (t) => {
    const { ws } = tempWorkspace(t);
    await addOperator(ws, 'O', { generateSigningKey: true });
    await addAccount(ws, 'A');
    await addUser(ws, 'byIdentity');
    const r = await editOperator(ws, { requireSigningKeys: true });
    assert.ok(r.warnings.some((w) => w.includes('byIdentity') && /identity key/.test(w)), r.warnings.join('\n'));
  });
});

describe('editOperator: the signing key', () => {
  it('refuses -K with anything but the operator identity key (operator JWTs are self-signed)', async (t) => {
    const { ws, home } = tempWorkspace(t);
    const o = await addOperator(ws, 'O', { generateSigningKey: true });
    const before = snapshot(home);
    const e = await rejectsCode(editOperator(ws, { signer: await ws.resolveSigner(o.signingKey!.keyPath), tags: ['x'] }), 'NO_APPROPRIATE_SIGNING_KEY');
    assert.ok(e.message.includes(o.operator.publicKey));
    assert.deepEqual(snapshot(home), before);
  });

  it('needs the identity key: refused when its seed is not stored, accepted with -K', async (t) => {
    const { ws } = tempWorkspace(t);
    const o = await addOperator(ws, 'O', { systemAccount: false });
    const identity = await ws.keys.getKey(o.operator.publicKey);
    await ws.keys.removeKey(o.operator.publicKey);
    await rejectsCode(editOperator(ws, { tags: ['prod'] }), 'NO_APPROPRIATE_SIGNING_KEY');
    await editOperator(ws, { tags: ['prod'], signer: identity });
    assert.deepEqual((await readOperator(await ws.operator())).claims.nats.tags, ['prod']);
  });

  it('sets the system account by name, service URLs, expiry', async (t) => {
    const { ws } = tempWorkspace(t);
    await addOperator(ws, 'O', { generateSigningKey: true });
    const a = await addAccount(ws, 'A');
    const exp = Math.floor(Date.now() / 1000) + 86400;
    await editOperator(ws, { systemAccount: 'A', serviceUrls: ['nats://a:4222', 'nats://b:4222'], rmServiceUrls: ['nats://b:4222'], expiry: exp });
    const c = (await readOperator(await ws.operator())).claims;
    assert.equal(c.nats.system_account, a.account.publicKey);
    assert.deepEqual(c.nats.operator_service_urls, ['nats://a:4222']);
    assert.equal(c.exp, exp);
    await editOperator(ws, { expiry: 0 });
    assert.equal((await readOperator(await ws.operator())).claims.exp, undefined);
  });
});
