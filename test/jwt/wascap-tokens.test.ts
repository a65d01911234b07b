// wasmCloud's signed tokens (fixtures) verify in the wascap format; account seeds re-sign them exactly.
import { clearCaches } from '../../src/bounded-map.js';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WASCAP_FORMAT, decodeJwt, verifyJwt } from '../../src/jwt/index.js';
import { KeyPair, decodePublicKey } from '../../src/nkeys/index.js';
import { throwsCode } from '../nkeys/assert-code.js';
import { WASCAP_TOKENS, loadManifest } from '../nkeys/wascap-fixtures.js';

describe('wascap tokens', () => {
  for (const f of WASCAP_TOKENS) {
    it(`${f.file}: verifies, iss is an account, sub a module`, () => {
      clearCaches();
      const { claims, header } = verifyJwt<{ iss: string; sub: string }>(f.token, WASCAP_FORMAT);
      assert.deepEqual(header, { typ: 'jwt', alg: 'Ed25519' });
      assert.equal(decodePublicKey(claims.iss).role, 'account');
      assert.equal(decodePublicKey(claims.sub).role, 'module');
    });

    it(`${f.file}: the issuer seed re-signs the same signature`, () => {
      const { signingInput, signature } = decodeJwt(f.token, WASCAP_FORMAT);
      const kp = KeyPair.fromSeed(f.issuerSeed);
      assert.deepEqual(Buffer.from(kp.sign(Buffer.from(signingInput, 'ascii'))), Buffer.from(signature));
    });

    it(`${f.file}: is refused as a NATS token (alg Ed25519)`, () => {
      throwsCode(() => verifyJwt(f.token), 'UNSUPPORTED_ALGORITHM');
    });
  }

  it('every signed token in MANIFEST.json verifies as the manifest says', () => {
    const signed = loadManifest().filter((e) => e.expect.token);
    assert.ok(signed.length >= 6);
    for (const e of signed) {
      assert.equal(e.expect.signature_valid, true, `${e.file}: these fixtures are all validly signed`);
      const { claims } = verifyJwt<{ iss: string; sub: string }>(e.expect.token!, WASCAP_FORMAT);
      assert.equal(claims.iss, e.expect.iss);
      assert.equal(claims.sub, e.expect.sub);
    }
  });
});
