import { SigchainError } from '../../errors.js';
import { KeyPair } from '../../nkeys/keypair.js';
import { decodeUser } from './decode.js';

/**
 * The text of a NATS creds file, exactly as Go's `jwt.FormatUserConfig` writes it (LF line
 * endings; BEGIN lines have 5 dashes, END lines 6). The JWT must be a valid, signed user
 * token (`WRONG_CLAIM_TYPE` otherwise) and the seed a user seed (`NKEY_WRONG_ROLE`) whose
 * public key is the JWT's subject (`CREDS_KEY_MISMATCH`). Errors never contain the seed.
 * The result is secret: write it 0600.
 *
 * @example
 * ```ts
 * const text = formatCreds(encodeUser(claims, account), user.seed);
 * ```
 */
export function formatCreds(userJwt: string, userSeed: string): string {
  const jwt = userJwt.trim();
  const claims = decodeUser(jwt);
  if (typeof userSeed !== 'string') throw new SigchainError('NKEY_MALFORMED', 'The user seed must be a string.');
  const seed = userSeed.trim();
  const kp = KeyPair.fromSeed(seed, ['user']);
  if (kp.publicKey !== claims.sub) {
    throw new SigchainError(
      'CREDS_KEY_MISMATCH',
      `The seed is for user ${kp.publicKey}, but the JWT is for ${claims.sub}. Use the seed of the user the JWT was issued to.`,
      { seedPublicKey: kp.publicKey, sub: claims.sub },
    );
  }
  return `-----BEGIN NATS USER JWT-----
${jwt}
------END NATS USER JWT------

************************* IMPORTANT *************************
NKEY Seed printed below can be used to sign and prove identity.
NKEYs are sensitive and should be treated as secrets.

-----BEGIN USER NKEY SEED-----
${seed}
------END USER NKEY SEED------

*************************************************************
`;
}
