/**
 * A custody {@link Signer} seen as the JWT encoders' signer: every signature it makes carries the
 * usage it exercises and what it is about, so the backend checks the usage and the audit log
 * records the subject.
 */
import type { SignContext, Signer } from '../../keys/signer.js';
import type { KeyUsage } from '../../keys/usage.js';
import type { AsyncSigner } from '../../nkeys/keypair.js';

/**
 * The encoders' view of `signer` for tokens signed with `usage` about `subject`.
 *
 * @example
 * ```ts
 * const token = await encodeAccountAsync(claims, tokenSigner(signer, 'issuing', claims.sub));
 * ```
 */
export function tokenSigner(signer: Signer, usage: KeyUsage, subject?: string): AsyncSigner {
  const context: SignContext = subject ? { usage, kind: 'jwt', subject } : { usage, kind: 'jwt' };
  return { publicKey: signer.publicKey, sign: (data) => signer.sign(data, context) };
}
