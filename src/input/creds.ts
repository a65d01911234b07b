/**
 * A creds file read as what it is: a user credential. Its one JWT block must hold a user JWT
 * (nats-server refuses anything else: "not user claim") whose subject is the public key of
 * the one user seed beside it. Messages never contain seed text.
 */
import { SigchainError, isSigchainError } from '../errors.js';
import { decodeJwt } from '../jwt/decode.js';
import { KeyPair } from '../nkeys/keypair.js';
import { isSeed } from '../nkeys/codec.js';
import { type ArmorScan, scanArmor } from './armor.js';
import { MAX_TOKEN_FILE_SIZE } from './limits.js';
import { tokenOfBlock } from './token-shape.js';

/** A creds file's two parts. The seed is secret: never log or print it. */
export interface Creds {
  readonly jwt: string;
  readonly seed: string;
}

function malformed(source: string, why: string): SigchainError {
  return new SigchainError(
    'MALFORMED_CREDS',
    `${source} is not a NATS creds file: ${why}. A creds file holds one "BEGIN NATS USER JWT" block and one "BEGIN USER NKEY SEED" block; get a fresh one from the account owner.`,
    { source },
  );
}

/** The user credential of an armored text already scanned (shared with the token reader). */
export function credsFromArmor(armor: ArmorScan, source: string): Creds {
  if (armor.unclosedAt !== undefined) throw malformed(source, `the armor line on line ${armor.unclosedAt} is never closed`);
  const tokens = armor.blocks.filter((b) => b.kind === 'token');
  const keys = armor.blocks.filter((b) => b.kind === 'key');
  if (tokens.length === 0) throw malformed(source, 'no armored JWT block was found');
  if (tokens.length > 1) throw malformed(source, `it holds ${tokens.length} JWT blocks, and a creds file holds exactly one`);
  if (keys.length > 1) throw malformed(source, `it holds ${keys.length} seed blocks, and a creds file holds exactly one`);
  // Go takes the first block as the JWT and the second as the seed: a seed first is no creds file.
  if (keys.length === 1 && keys[0]!.line < tokens[0]!.line) throw malformed(source, 'its seed block comes before its JWT block');
  const jwt = tokenOfBlock(tokens[0]!, source);
  let seed: string | undefined;
  if (keys.length === 1) {
    if (keys[0]!.content.length !== 1) throw malformed(source, 'its seed block must hold exactly one line');
    seed = keys[0]!.content[0]!;
  } else seed = armor.bareSeed; // like Go's ParseDecoratedNKey: a bare seed line after the JWT block
  if (seed === undefined) throw malformed(source, 'no seed block was found');
  if (!isSeed(seed)) throw malformed(source, 'its seed block is not a valid nkey seed');
  if (!seed.startsWith('SU')) throw malformed(source, 'its seed is not a user seed (it must start with SU)');
  let claims: Record<string, unknown>;
  try {
    claims = decodeJwt(jwt).claims;
  } catch (e) {
    if (!isSigchainError(e)) throw e;
    throw new SigchainError(e.code, `${source}: its JWT block: ${e.message}`, { source });
  }
  const nats = claims.nats;
  const type = typeof nats === 'object' && nats !== null && !Array.isArray(nats) ? (nats as Record<string, unknown>).type : undefined;
  if (type !== 'user') {
    const what = typeof type === 'string' ? `a${/^[aeiou]/i.test(type) ? 'n' : ''} ${type.slice(0, 40)} JWT` : 'a JWT without a claim type';
    throw new SigchainError(
      'WRONG_CLAIM_TYPE',
      `${source} holds ${what} where a creds file must hold a user JWT; nats-server refuses it ("not user claim"). Use the creds file generated for a user.`,
      { source, expected: 'user', got: typeof type === 'string' ? type.slice(0, 40) : null },
    );
  }
  const pub = KeyPair.fromSeed(seed, ['user']).publicKey;
  if (claims.sub !== pub) {
    const sub = typeof claims.sub === 'string' ? claims.sub.slice(0, 64) : null;
    throw new SigchainError(
      'CREDS_KEY_MISMATCH',
      `${source}: its seed is for user ${pub}, but its JWT is for ${sub ?? '(no subject)'}. A creds file pairs a user JWT with that user's own seed; regenerate it.`,
      { source, seedPublicKey: pub, sub },
    );
  }
  return { jwt, seed };
}

/**
 * Reads a creds file (Go, nsc, jwt.js or hand-made; LF or CRLF) as a user credential: one JWT
 * block holding a user JWT (`WRONG_CLAIM_TYPE` otherwise) and one user seed block, or Go's bare
 * seed line (`MALFORMED_CREDS` otherwise, also for two JWT blocks), the seed's public key being
 * the JWT's subject (`CREDS_KEY_MISMATCH`). The JWT line is judged whole (`MALFORMED_TOKEN`).
 * The signature is not checked here: verify the JWT (`decodeUser`, `verifyChain`) for that.
 * Linear in the text; texts over {@link MAX_TOKEN_FILE_SIZE} are `TOKEN_TOO_LARGE`.
 *
 * @example
 * ```ts
 * const { jwt, seed } = parseCreds(readFileSync('alice.creds', 'utf8'), 'alice.creds');
 * ```
 */
export function parseCreds(text: string, source = 'The creds file'): Creds {
  if (typeof text !== 'string') throw malformed(source, 'it is not text');
  if (text.length > MAX_TOKEN_FILE_SIZE) {
    throw new SigchainError('TOKEN_TOO_LARGE', `${source} is ${text.length} bytes; a creds file is at most ${MAX_TOKEN_FILE_SIZE}.`, { source, size: text.length, limit: MAX_TOKEN_FILE_SIZE });
  }
  const armor = scanArmor(text);
  if (!armor) throw malformed(source, 'no armored JWT block was found');
  return credsFromArmor(armor, source);
}
