/**
 * What the workspace's operations accept as a signer: a custody {@link Signer}, or, for
 * library callers and tests that hold one, a {@link KeyPair} with its seed (kept in this process;
 * its usages are the key store's record of it, or all).
 */
import type { Signer } from '../../keys/signer.js';
import { KeyPair } from '../../nkeys/keypair.js';
import type { Workspace } from '../workspace.js';

/** A custody signer or a key pair that holds its seed. */
export type SignerLike = Signer | KeyPair;

/**
 * The custody signer of `s` (undefined stays undefined).
 *
 * @example
 * ```ts
 * const signer = await toSigner(ws, KeyPair.fromSeed(seed));
 * ```
 */
export async function toSigner(ws: Workspace, s: SignerLike | undefined): Promise<Signer | undefined> {
  if (s === undefined) return undefined;
  return s instanceof KeyPair ? ws.custody.signerFromSeed(s) : s;
}
