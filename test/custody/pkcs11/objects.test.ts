// The Ed25519 encodings a PKCS#11 module may use (CKA_EC_PARAMS as the OID or the curve name,
// CKA_EC_POINT wrapped in DER or bare), and which of them Debian's SoftHSM2 takes.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { closeAllPkcs11 } from '../../../src/custody/pkcs11/keyring.js';
import { CK, connectPkcs11 } from '../../../src/custody/pkcs11/module.js';
import { ED25519_NAME_PARAMS, ED25519_OID_PARAMS, describeKey, isEd25519Params, rawFromEcPoint } from '../../../src/custody/pkcs11/objects.js';
import { softHsm } from './softhsm.js';

describe('Ed25519 in PKCS#11 encodings', () => {
  it('reads CKA_EC_POINT as a DER OCTET STRING, a BIT STRING or the bare 32 bytes', () => {
    const raw = Buffer.alloc(32, 0xab);
    assert.deepEqual(rawFromEcPoint(Buffer.concat([Buffer.from([0x04, 0x20]), raw])), Uint8Array.from(raw));
    assert.deepEqual(rawFromEcPoint(Buffer.concat([Buffer.from([0x03, 0x21, 0x00]), raw])), Uint8Array.from(raw));
    assert.deepEqual(rawFromEcPoint(raw), Uint8Array.from(raw));
    assert.equal(rawFromEcPoint(Buffer.concat([Buffer.from([0x04, 0x39]), Buffer.alloc(57)])), undefined, 'an Ed448 point is not an nkey');
    assert.equal(rawFromEcPoint(Buffer.concat([Buffer.from([0x04, 0x41, 0x04]), Buffer.alloc(64)])), undefined, 'a P-256 point is not an nkey');
  });

  it('knows Ed25519 CKA_EC_PARAMS by OID and by name, and nothing else', () => {
    assert.ok(isEd25519Params(ED25519_OID_PARAMS));
    assert.ok(isEd25519Params(ED25519_NAME_PARAMS));
    assert.ok(isEd25519Params(Buffer.concat([Buffer.from([0x0c, 12]), Buffer.from('edwards25519')])));
    assert.ok(!isEd25519Params(Buffer.from('06032b6571', 'hex')), 'Ed448');
    assert.ok(!isEd25519Params(Buffer.from('06082a8648ce3d030107', 'hex')), 'P-256');
  });
});

const hsm = softHsm('pkcs11 encodings');
if (hsm) {
  after(() => closeAllPkcs11());
  it("Debian's SoftHSM2 makes Ed25519 keys from either form of CKA_EC_PARAMS, and sigchain reads both", async (t) => {
    const conn = await connectPkcs11({ uri: hsm.uri });
    t.after(() => conn.release());
    await conn.exclusive(() => {
      for (const params of [ED25519_OID_PARAMS, ED25519_NAME_PARAMS]) {
        const id = Buffer.from(params.subarray(0, 4));
        const pair = conn.api.C_GenerateKeyPair(
          conn.session,
          { mechanism: CK.CKM_EC_EDWARDS_KEY_PAIR_GEN },
          [
            { type: CK.CKA_TOKEN, value: false },
            { type: CK.CKA_EC_PARAMS, value: params },
            { type: CK.CKA_VERIFY, value: true },
            { type: CK.CKA_ID, value: id },
          ],
          [
            { type: CK.CKA_TOKEN, value: false },
            { type: CK.CKA_SIGN, value: true },
            { type: CK.CKA_SENSITIVE, value: true },
            { type: CK.CKA_ID, value: id },
          ],
        );
        const key = describeKey(conn, pair.privateKey);
        assert.equal(key.notEd25519, undefined, params.toString('hex'));
        assert.equal(key.raw?.length, 32, params.toString('hex'));
      }
    });
  });
}
