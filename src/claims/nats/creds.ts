import { SigchainError, isSigchainError } from '../../errors.js';
import { decodeJwt } from '../../jwt/index.js';
import { KeyPair, isSeed } from '../../nkeys/index.js';
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

// Go's userConfigRE: an armored block is a dashed line, one token line, a dashed line.
const BLOCK = /\s*(?:(?:-{3,}[^\r\n]*-{3,}\r?\n)([\w\-.=]+)(?:\r?\n-{3,}[^\r\n]*-{3,}(?:\r?\n|$)))/g;

function malformed(why: string): SigchainError {
  return new SigchainError('MALFORMED_CREDS', `That is not a NATS creds file: ${why}. A creds file holds a "BEGIN NATS USER JWT" block and a "BEGIN USER NKEY SEED" block; get a fresh one from the account owner.`);
}

/**
 * Reads a creds file (Go, nsc, jwt.js or hand-made; LF or CRLF) into its JWT and seed. Checks
 * their shape only: a three-part JWT and a valid user seed. It does not verify the JWT or
 * that the seed matches it: decode the JWT with `decodeUser` for that. Anything else throws
 * `MALFORMED_CREDS`; messages never contain seed text.
 *
 * @example
 * ```ts
 * const { jwt, seed } = parseCreds(readFileSync('alice.creds', 'utf8'));
 * ```
 */
export function parseCreds(text: string): { jwt: string; seed: string } {
  if (typeof text !== 'string') throw malformed('it is not text');
  const blocks = [...text.matchAll(BLOCK)].map((m) => m[1]!);
  const jwt = blocks[0];
  let seed = blocks[1];
  if (seed === undefined) {
    // Like Go's ParseDecoratedNKey: without a second block, take a bare seed line.
    seed = text
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l.startsWith('SU') || l.startsWith('SA') || l.startsWith('SO'));
  }
  if (!jwt) throw malformed('no armored JWT block was found');
  try {
    decodeJwt(jwt);
  } catch (e) {
    throw malformed(`its JWT block is not a JWT (${isSigchainError(e) ? e.code : 'unreadable'})`);
  }
  if (!seed) throw malformed('no seed block was found');
  if (!isSeed(seed)) throw malformed('its seed block is not a valid nkey seed');
  if (!seed.startsWith('SU')) throw malformed('its seed is not a user seed (it must start with SU)');
  return { jwt, seed };
}
