/**
 * Finds what a jti revocation is about: the jti, the token (given, or found among the stored
 * users), and the account whose revoked-jti file holds it.
 */
import { accountDidSign } from '../../claims/nats/account.js';
import { decodeNatsClaims } from '../../claims/nats/decode.js';
import type { AccountClaims, UserClaims } from '../../claims/nats/types.js';
import { SigchainError } from '../../errors.js';
import type { OperatorEntities } from '../../store/store.js';
import { storedUserTokens } from './revocation-common.js';
import type { Workspace } from '../workspace.js';

// Go jtis are base32, jwt.js ones base64: any printable text without spaces, bounded.
const JTI_SHAPE = /^[\x21-\x7e]{1,256}$/;

/** What is known of the token a jti names. */
export interface JtiToken {
  /** The NATS claim type: user, account, activation, operator, … */
  type: string;
  subject: string;
  issuer: string;
  name?: string;
  iat: number;
  /** Where it came from: given by the caller, or found in the store by its jti. */
  source: 'given' | 'store';
  /** The claims, when a user token (used for the key revocation). */
  user?: UserClaims;
}

/** A resolved jti target. */
export interface JtiTarget {
  jti: string;
  account: string;
  token?: JtiToken;
}

/**
 * Checks the shape of a jti given by hand: `USAGE` for an empty, spaced or over-long one.
 *
 * @example
 * ```ts
 * checkJti('GT4NUNMEF7ZMWCRBXVVUDKQT6ZYPZ77W4JRQXD3L24HKUJECQH7Q');
 * ```
 */
export function checkJti(jti: string): string {
  const j = jti.trim();
  if (!JTI_SHAPE.test(j)) throw new SigchainError('USAGE', 'A jti is the "jti" claim of a token: printable text without spaces, at most 256 characters. Give the token itself to be sure of it.');
  return j;
}

/**
 * Reads a NATS token whose jti is to be revoked. The signature must verify: a forged token must
 * not be able to revoke a user's key. `INVALID_CLAIMS` when it has no jti.
 *
 * @example
 * ```ts
 * tokenForJti(userJwt, 'given').accountKey; // issuer_account ?? iss
 * ```
 */
export function tokenForJti(token: string, source: JtiToken['source']): { jti: string; token: JtiToken; accountKey?: string } {
  const c = decodeNatsClaims(token.trim(), { generic: true });
  if (typeof c.jti !== 'string' || c.jti === '') {
    throw new SigchainError('INVALID_CLAIMS', 'The token has no jti, so it cannot be revoked by jti. Revoke its subject instead (`sigchain revocations add-user`).');
  }
  const type = String(c.nats.type ?? 'generic');
  const t: JtiToken = { type, subject: c.sub, issuer: c.iss ?? '', iat: c.iat ?? 0, source, ...(c.name ? { name: c.name } : {}) };
  const issuerAccount = (c.nats as { issuer_account?: string }).issuer_account;
  let accountKey: string | undefined;
  if (type === 'user') {
    t.user = c as UserClaims;
    accountKey = issuerAccount ?? c.iss;
  } else if (type === 'activation') accountKey = issuerAccount ?? c.iss;
  else if (type === 'account') accountKey = c.sub;
  return accountKey ? { jti: c.jti, token: t, accountKey } : { jti: c.jti, token: t };
}

/**
 * The account (and token) a jti revocation is about: from the token's own chain when a token is
 * given, else the stored user whose current token has that jti, else the named (or current)
 * account. `USAGE` when `account` contradicts the token; `STORE_NOT_FOUND` when the token's
 * account is not in the store.
 *
 * @example
 * ```ts
 * const { account, token } = await resolveJtiTarget(ws, op, { jti });
 * ```
 */
export async function resolveJtiTarget(ws: Workspace, op: OperatorEntities, opts: { account?: string; token?: string; jti?: string }): Promise<JtiTarget> {
  if ((opts.token === undefined) === (opts.jti === undefined)) throw new SigchainError('USAGE', 'Give either the token (a JWT, or a .jwt/.creds file on the command line) or its jti, not both.');
  if (opts.token !== undefined) {
    const { jti, token, accountKey } = tokenForJti(opts.token, 'given');
    if (!accountKey) {
      if (opts.account === undefined) throw new SigchainError('USAGE', `The token is ${token.type === 'operator' ? 'an operator' : `a ${token.type}`} token, which belongs to no account: name the account whose list should hold its jti (-a ACCOUNT).`);
      return { jti, account: await ws.account(op, opts.account), token };
    }
    const found = await op.findAccountByPublicKey(accountKey);
    if (!found) {
      throw new SigchainError('STORE_NOT_FOUND', `The token belongs to account ${accountKey}, which is not in operator "${op.name}"'s store. Revoke it in the store of the operator that signed that account (--operator NAME).`, { account: accountKey });
    }
    if (opts.account !== undefined && opts.account !== found.name) {
      throw new SigchainError('USAGE', `The token belongs to account "${found.name}", not "${opts.account}". Drop -a, or give a token of account "${opts.account}".`);
    }
    return { jti, account: found.name, token };
  }
  const jti = checkJti(opts.jti!);
  const accounts = opts.account !== undefined ? [await ws.account(op, opts.account)] : await op.listAccounts();
  for (const account of accounts) {
    const hit = (await storedUserTokens(op, account)).find((u) => u.jti === jti);
    if (hit) return { jti, account, token: tokenForJti(hit.token, 'store').token };
  }
  return { jti, account: await ws.account(op, opts.account) };
}

/**
 * Why a user token cannot be expressed to servers as a key revocation, or undefined if it can:
 * its signer must be a key the account lists now, and its iat a past time.
 *
 * @example
 * ```ts
 * keyRevocationObstacle(account.claims, decodeUser(jwt), Math.floor(Date.now() / 1000)); // undefined
 * ```
 */
export function keyRevocationObstacle(account: AccountClaims, user: UserClaims, now: number): string | undefined {
  if (!accountDidSign(account, user)) {
    return `it is signed by ${user.iss}, which is not a key account "${account.name ?? account.sub}" lists now, so servers already refuse it`;
  }
  if (!user.iat || user.iat > now) return `its iat (${user.iat ?? 'none'}) is not a past time, and revoking the key up to it would refuse tokens not yet issued`;
  return undefined;
}
