// The pkcs11 backend against a real SoftHSM2 token initialised for this run: the keyring
// contract, the key's attributes as the real pkcs11-tool reads them, usages kept in the token,
// and a NATS account JWT signed in the token that node:crypto and @nats-io/jwt accept.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { verify } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { decode as natsDecode } from '@nats-io/jwt';
import { newAccountClaims } from '../../../src/claims/nats/account.js';
import { encodeAccountAsync } from '../../../src/claims/nats/encode.js';
import { closeAllPkcs11, pkcs11Keyring } from '../../../src/custody/pkcs11/keyring.js';
import { CK, connectPkcs11 } from '../../../src/custody/pkcs11/module.js';
import { findNkey } from '../../../src/custody/pkcs11/objects.js';
import { parsePkcs11Uri } from '../../../src/custody/pkcs11/uri.js';
import { isSigchainError } from '../../../src/errors.js';
import { decodeJwt } from '../../../src/jwt/decode.js';
import { decodePublicKey } from '../../../src/nkeys/codec.js';
import { KeyPair } from '../../../src/nkeys/keypair.js';
import { keyringContract } from '../contract.js';
import { parseObjects, softHsm } from './softhsm.js';

const hsm = softHsm('pkcs11 keyring');

if (hsm) {
  const open = () => pkcs11Keyring({ uri: hsm.uri });
  after(() => closeAllPkcs11());

  keyringContract({ backend: 'pkcs11', notFoundCode: 'PKCS11_KEY_NOT_FOUND' }, async (t) => {
    const ring = await open();
    t.after(() => ring.close());
    return {
      ring,
      reopen: async () => {
        const again = await open();
        t.after(() => again.close());
        return again;
      },
    };
  });

  describe('pkcs11 keyring on SoftHSM2', () => {
    it('makes keys that pkcs11-tool reads back as sign-only, sensitive and never extractable, labelled with the nkey', async (t) => {
      const ring = await open();
      t.after(() => ring.close());
      const signer = await ring.generate('operator', ['issuing']);
      const listing = parseObjects(hsm.pkcs11Tool(['--token-label', hsm.label, '--login', '--pin', hsm.pin, '-O']));
      const priv = listing.find((o) => o.header.startsWith('Private Key Object') && o.fields.label === signer.publicKey);
      assert.ok(priv, `pkcs11-tool lists the private key ${signer.publicKey}`);
      assert.match(priv.header, /EC_EDWARDS/);
      assert.deepEqual(priv.fields.Usage!.split(',').map((s) => s.trim()), ['sign'], 'usage is sign alone: CKA_DECRYPT, CKA_UNWRAP, CKA_DERIVE (and the rest) are false');
      const access = priv.fields.Access!.split(',').map((s) => s.trim());
      assert.ok(access.includes('sensitive'), 'CKA_SENSITIVE true');
      assert.ok(access.includes('always sensitive'));
      assert.ok(access.includes('never extractable'));
      assert.ok(!access.includes('extractable'), 'CKA_EXTRACTABLE false');
      assert.ok(access.includes('local'), 'generated in the token');
      const pub = listing.find((o) => o.header.startsWith('Public Key Object') && o.fields.label === signer.publicKey);
      assert.ok(pub);
      assert.equal(pub.fields.ID, priv.fields.ID, 'both halves share one CKA_ID');
      assert.match(pub.fields.EC_PARAMS!, /^06032b6570/, 'CKA_EC_PARAMS is the Ed25519 OID');
      assert.equal(pub.fields.EC_POINT, `0420${Buffer.from(decodePublicKey(signer.publicKey).raw).toString('hex')}`, 'the nkey is the token public point');
      const record = listing.find((o) => o.header.startsWith('Data object') && o.fields.label === `'${signer.publicKey}'`);
      assert.ok(record, 'the usage record sits beside the key');
      assert.equal(record.fields.application, "'sigchain'");
      assert.match(record.fields.flags!, /private/);
    });

    it('the token refuses to hand out the private key, and to make it extractable afterwards', async (t) => {
      const ring = await open();
      t.after(() => ring.close());
      const signer = await ring.generate('account', ['issuing']);
      const conn = await connectPkcs11({ uri: hsm.uri });
      t.after(() => conn.release());
      await conn.exclusive(() => {
        const key = findNkey(conn, signer.publicKey);
        assert.ok(key);
        assert.throws(() => conn.api.C_GetAttributeValue(conn.session, key.handle, [{ type: CK.CKA_VALUE }]), (e: { code?: number }) => e.code === 0x11, 'CKR_ATTRIBUTE_SENSITIVE');
        assert.throws(() => conn.api.C_SetAttributeValue(conn.session, key.handle, [{ type: CK.CKA_EXTRACTABLE, value: true }]), 'CKA_EXTRACTABLE cannot be turned back on');
        assert.throws(() => conn.api.C_SetAttributeValue(conn.session, key.handle, [{ type: CK.CKA_SENSITIVE, value: false }]), 'CKA_SENSITIVE cannot be turned off');
      });
    });

    it('a NATS account JWT signed in the token verifies with node:crypto and with @nats-io/jwt', async (t) => {
      const ring = await open();
      t.after(() => ring.close());
      const operator = await ring.generate('operator', ['issuing']);
      const account = KeyPair.create('account');
      const claims = newAccountClaims('orders', account.publicKey);
      const token = await encodeAccountAsync(claims, { publicKey: operator.publicKey, sign: (d) => operator.sign(d, { usage: 'issuing', kind: 'jwt', subject: account.publicKey }) });
      const decoded = decodeJwt<{ iss: string; sub: string }>(token);
      assert.equal(decoded.claims.iss, operator.publicKey);
      const jwk = { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(decodePublicKey(operator.publicKey).raw).toString('base64url') };
      assert.ok(verify(null, Buffer.from(decoded.signingInput, 'ascii'), { key: jwk, format: 'jwk' }, decoded.signature), 'node:crypto verifies the token signature');
      const official = natsDecode<Record<string, unknown>>(token);
      assert.equal(official.sub, account.publicKey, '@nats-io/jwt decodes and verifies it');
      const tampered = `${token.slice(0, token.lastIndexOf('.') - 2)}AA${token.slice(token.lastIndexOf('.'))}`;
      assert.throws(() => natsDecode(tampered));
    });

    it('keeps usages in the token: another process sees them, and signing outside them is refused before the token is asked', async (t) => {
      const ring = await open();
      t.after(() => ring.close());
      const signer = await ring.generate('user', ['authentication']);
      const script = `
        import { pkcs11Keyring } from ${JSON.stringify(new URL('../../../src/custody/pkcs11/keyring.js', import.meta.url).href)};
        const ring = await pkcs11Keyring({ uri: process.argv[1] });
        const s = await ring.signer(process.argv[2]);
        const sig = await s.sign(new TextEncoder().encode('from a child'), { usage: 'authentication', kind: 'message' });
        console.log(JSON.stringify({ usages: s.usages, role: s.role, sig: Buffer.from(sig).toString('hex'), uri: s.uri }));
        await ring.close();`;
      const out = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script, hsm.uri, signer.publicKey], { encoding: 'utf8', env: { ...process.env, SOFTHSM2_CONF: hsm.conf } })) as {
        usages: string[];
        role: string;
        sig: string;
        uri: string;
      };
      assert.deepEqual(out.usages, ['authentication']);
      assert.equal(out.role, 'user');
      assert.ok(KeyPair.fromPublic(signer.publicKey).verify(new TextEncoder().encode('from a child'), Buffer.from(out.sig, 'hex')));
      assert.equal(out.uri, signer.uri);
      await assert.rejects(signer.sign(new Uint8Array(1), { usage: 'issuing', kind: 'jwt' }), (e) => isSigchainError(e, 'KEY_USAGE_VIOLATION'));
    });

    it("a signer's URI names the key for good (token, serial, label, id, module) and holds no PIN even when the keyring was opened with pin-value", async (t) => {
      const ring = await pkcs11Keyring({ uri: `pkcs11:token=${hsm.label}?module-path=${hsm.modulePath}&pin-value=${hsm.pin}` });
      t.after(() => ring.close());
      const signer = await ring.generate('account', ['issuing']);
      const u = parsePkcs11Uri(signer.uri!);
      assert.equal(u.token, hsm.label);
      assert.equal(u.object, signer.publicKey);
      assert.equal(u.modulePath, hsm.modulePath);
      assert.equal(u.id?.length, 16);
      assert.ok(u.serial);
      assert.equal(u.pinValue, undefined);
      for (const e of await ring.list()) assert.doesNotMatch(e.uri ?? '', /pin-value/);
      assert.ok(!JSON.stringify(await ring.list()).includes(`pin-value=${hsm.pin}`));
    });

    it('list() shows only keys labelled with their nkey; a key without a usage record signs nothing', async (t) => {
      // A key made by another tool, labelled with a (valid) nkey of its own point, has no record.
      hsm.pkcs11Tool(['--token-label', hsm.label, '--login', '--pin', hsm.pin, '--keypairgen', '--key-type', 'EC:edwards25519', '--label', 'foreign-tool-key', '--id', 'f00d']);
      const ring = await open();
      t.after(() => ring.close());
      const listed = await ring.list();
      assert.ok(!listed.some((e) => e.publicKey === 'foreign-tool-key'), 'a key under another label has no role, so it is not listed');
      for (const e of listed) assert.equal(KeyPair.fromPublic(e.publicKey).role, e.role);
    });

    it('generate refuses an empty usage set and a role that cannot sign', async (t) => {
      const ring = await open();
      t.after(() => ring.close());
      await assert.rejects(ring.generate('account', []), (e) => isSigchainError(e, 'INVALID_KEY_USAGE'));
      await assert.rejects(ring.generate('curve', ['authentication']), (e) => isSigchainError(e, 'NKEY_CANNOT_SIGN'));
    });

    it('many concurrent signatures through one session all verify', async (t) => {
      const ring = await open();
      t.after(() => ring.close());
      const signer = await ring.generate('account', ['issuing']);
      const msgs = Array.from({ length: 64 }, (_, i) => new TextEncoder().encode(`message ${i}`));
      const sigs = await Promise.all(msgs.map((m) => signer.sign(m, { usage: 'issuing', kind: 'message' })));
      sigs.forEach((s, i) => assert.ok(KeyPair.fromPublic(signer.publicKey).verify(msgs[i]!, s)));
    });
  });
}
