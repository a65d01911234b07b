import { SigchainError } from '../../errors.js';
import { defaultUsages } from '../../keys/usage.js';
import { decodePublicKey, isPublicKey } from '../../nkeys/codec.js';
import { KeyPair } from '../../nkeys/keypair.js';
import type { Role } from '../../nkeys/roles.js';
import type { Workspace } from '../workspace.js';

/** A signing key named on the command line, resolved to its public key. */
export interface SigningKeyArg {
  publicKey: string;
  /** Where its seed was stored, when sigchain generated it or was handed its seed. */
  storedAt?: string;
  generated: boolean;
}

/**
 * Resolves an `--sk` value: a public key (seed not needed), `generate` (a new key, stored),
 * or a seed / `.nk` path (the seed is stored so `-K <public key>` finds it later).
 * A key stored here for the first time gets the `issuing` usage only; a key already in the
 * key store keeps what it has (usages never change).
 * The key must be of `role` (operator signing keys are O keys, account ones A keys).
 */
export async function resolveSigningKeyArg(ws: Workspace, spec: string, role: Role): Promise<SigningKeyArg> {
  const text = spec.trim();
  if (text === 'generate') {
    const kp = KeyPair.create(role);
    return { publicKey: kp.publicKey, storedAt: await ws.keys.storeKey(kp, { usages: defaultUsages(role, 'signing-key') }), generated: true };
  }
  if (isPublicKey(text)) {
    decodePublicKey(text, [role]);
    return { publicKey: text, generated: false };
  }
  const kp = await ws.resolveKey(text);
  if (kp.role !== role) {
    throw new SigchainError('NKEY_WRONG_ROLE', `A ${role} signing key must be an ${role} key (${role[0]!.toUpperCase()}…); the key given is a ${kp.role} key. Generate one with \`sigchain generate nkey --${role} --store\`.`, { role: kp.role, expected: role });
  }
  const fresh = !(await ws.keys.hasKey(kp.publicKey));
  return { publicKey: kp.publicKey, storedAt: await ws.keys.storeKey(kp, fresh ? { usages: defaultUsages(role, 'signing-key') } : {}), generated: false };
}
