/**
 * A signer over a seed held in this process (file, encrypted and memory backends): signing is
 * node:crypto's Ed25519, after the usage check.
 */
import type { KeyBackend, SignContext, Signer } from '../keys/signer.js';
import type { KeyUsage } from '../keys/usage.js';
import type { KeyPair } from '../nkeys/keypair.js';
import { guardUsage } from './guard.js';

/**
 * Wraps a key pair that holds its seed as a {@link Signer} of `backend`. `load` lets a backend
 * defer reading (and decrypting) the seed to the first signature.
 *
 * @example
 * ```ts
 * const signer = seedSigner({ publicKey: kp.publicKey, role: kp.role, usages: ['issuing'], backend: 'memory' }, async () => kp);
 * ```
 */
export function seedSigner(meta: { publicKey: string; role: KeyPair['role']; usages: readonly KeyUsage[]; backend: KeyBackend; uri?: string }, load: () => Promise<KeyPair>): Signer {
  let loaded: Promise<KeyPair> | undefined;
  return {
    publicKey: meta.publicKey,
    role: meta.role,
    usages: [...meta.usages],
    backend: meta.backend,
    ...(meta.uri ? { uri: meta.uri } : {}),
    async sign(data: Uint8Array, context: SignContext): Promise<Uint8Array> {
      guardUsage(meta, context);
      loaded ??= load();
      try {
        return (await loaded).sign(data);
      } catch (e) {
        loaded = undefined; // a wrong passphrase may be retried with another
        throw e;
      }
    },
  };
}
