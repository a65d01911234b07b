/**
 * `jwt.user.encode` and `jwt.user.decode_verify`: a user JWT issued by an account signing key
 * (with `issuer_account` and a few permissions, the common shape), against the official
 * @nats-io/jwt and against the bare node:crypto Ed25519 call on the same signing-input bytes.
 */
import { clearCaches } from '../src/bounded-map.js';
import { sign, verify } from 'node:crypto';
import * as natsJwt from '@nats-io/jwt';
import * as natsNkeys from '@nats-io/nkeys';
import { encodeUser, newUserClaims } from '../src/claims/nats/index.js';
import { verifyJwt, verifyJwtUncached } from '../src/jwt/decode.js';
import { KeyPair } from '../src/nkeys/index.js';
import type { Group } from './harness.js';
import { nodeKeysFor } from './node-keys.js';

/** The encode group and the decode+verify group (which also yields the cached figure). */
export function jwtGroups(): Group[] {
  const account = KeyPair.create('account');
  const signingKey = KeyPair.create('account');
  const user = KeyPair.create('user');
  const theirSigningKey = natsNkeys.fromSeed(new TextEncoder().encode(signingKey.seed));
  const { privateKey, publicKey } = nodeKeysFor(signingKey);
  const permissions = () => ({ pub: { allow: ['orders.>', 'metrics.*'] }, sub: { allow: ['_INBOX.>'] } });

  const encodeOurs = (): string => {
    const claims = newUserClaims('bench-user', user.publicKey);
    Object.assign(claims.nats, permissions());
    claims.nats.issuer_account = account.publicKey;
    return encodeUser(claims, signingKey);
  };
  const encodeTheirs = (): Promise<string> =>
    natsJwt.encodeUser('bench-user', user.publicKey, account.publicKey, permissions(), { signer: theirSigningKey });

  const token = encodeOurs();
  const dot = token.lastIndexOf('.');
  const input = Buffer.from(token.slice(0, dot), 'ascii');
  const sig = Buffer.from(token.slice(dot + 1), 'base64url');

  // Every implementation must accept the token before it is timed.
  if (!verify(null, input, publicKey, sig)) throw new Error('bench: node_crypto refused our token');
  if (natsJwt.decode<Record<string, unknown>>(token).sub !== user.publicKey) throw new Error('bench: @nats-io/jwt refused our token');
  clearCaches();
  if (verifyJwt(token).claims.sub !== user.publicKey) throw new Error('bench: verifyJwt refused our token');

  return [
    {
      figure: 'jwt.user.encode',
      cases: [
        { impl: 'ours', run: encodeOurs },
        { impl: 'node_crypto', run: () => sign(null, input, privateKey) },
        { impl: 'nats_jwt', run: encodeTheirs, async: true, slow: true },
      ],
    },
    {
      figure: 'jwt.user.decode_verify',
      cases: [
        {
          impl: 'ours',
          // A real decode + verify: verifyJwt's verified-token cache would answer otherwise.
          // The issuer's imported key stays cached, as in any verifier that sees it again.
          run: () => verifyJwtUncached(token),
        },
        { impl: 'node_crypto', run: () => verify(null, input, publicKey, sig) },
        { impl: 'nats_jwt', run: () => natsJwt.decode(token), slow: true },
        // Measured in the same rounds, reported as its own figure (jwt.user.decode_verify_cached).
        { impl: 'ours_cached', run: () => verifyJwt(token) },
      ],
    },
  ];
}
