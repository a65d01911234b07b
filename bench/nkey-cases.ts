/**
 * `nkey.sign` and `nkey.verify`: sigchain's KeyPair against a bare node:crypto call with a
 * pre-imported KeyObject (the floor of any Node implementation) and the official @nats-io/nkeys.
 */
import { randomBytes, sign, verify } from 'node:crypto';
import * as natsNkeys from '@nats-io/nkeys';
import { KeyPair, verifySignature } from '../src/nkeys/index.js';
import type { Group } from './harness.js';
import { nodeKeysFor } from './node-keys.js';

/** The two nkey figures, over one user key and a 64-byte message (a typical nonce size). */
export function nkeyGroups(): Group[] {
  const ours = KeyPair.create('user');
  const { privateKey, publicKey } = nodeKeysFor(ours);
  const theirs = natsNkeys.fromSeed(new TextEncoder().encode(ours.seed));
  const theirsPublic = natsNkeys.fromPublic(ours.publicKey);
  const data = randomBytes(64);
  const sig = ours.sign(data);

  // Every implementation must agree before it is timed: a fast wrong answer is no figure.
  if (!Buffer.from(sign(null, data, privateKey)).equals(Buffer.from(sig))) throw new Error('bench: node_crypto signature differs');
  if (!Buffer.from(theirs.sign(data)).equals(Buffer.from(sig))) throw new Error('bench: nats_nkeys signature differs');
  if (!verify(null, data, publicKey, sig) || !theirsPublic.verify(data, sig) || !verifySignature(ours.publicKey, data, sig)) {
    throw new Error('bench: a verifier refused a good signature');
  }

  return [
    {
      figure: 'nkey.sign',
      cases: [
        { impl: 'ours', run: () => ours.sign(data) },
        { impl: 'node_crypto', run: () => sign(null, data, privateKey) },
        { impl: 'nats_nkeys', run: () => theirs.sign(data), slow: true },
      ],
    },
    {
      figure: 'nkey.verify',
      cases: [
        { impl: 'ours', run: () => verifySignature(ours.publicKey, data, sig) },
        { impl: 'node_crypto', run: () => verify(null, data, publicKey, sig) },
        { impl: 'nats_nkeys', run: () => theirsPublic.verify(data, sig), slow: true },
      ],
    },
  ];
}
