/**
 * The node_crypto peer's keys: the same Ed25519 key as a sigchain KeyPair, imported once as
 * KeyObjects, so the peer measures nothing but the bare `crypto.sign` / `crypto.verify` call.
 */
import { type KeyObject, createPrivateKey, createPublicKey } from 'node:crypto';
import { type KeyPair, decodePublicKey, decodeSeed } from '../src/nkeys/index.js';

// PKCS#8 DER header for a raw 32-byte Ed25519 seed.
const ED25519_PKCS8 = Buffer.from('302e020100300506032b657004220420', 'hex');

/** Pre-imported node:crypto keys for `kp` (which must hold its seed). */
export function nodeKeysFor(kp: KeyPair): { privateKey: KeyObject; publicKey: KeyObject } {
  const privateKey = createPrivateKey({ key: Buffer.concat([ED25519_PKCS8, decodeSeed(kp.seed).raw]), format: 'der', type: 'pkcs8' });
  const x = Buffer.from(decodePublicKey(kp.publicKey).raw).toString('base64url');
  const publicKey = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' });
  return { privateKey, publicKey };
}
