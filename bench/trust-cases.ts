/**
 * `trust.chain_verify_warm`: full chain verification (user → account → operator, as
 * nats-server's policy judges it) of a FRESH user token, with the account and operator already
 * verified and cached. Peers:
 * - `node_crypto`: one bare node:crypto Ed25519 verify of a fresh user token (the floor: the
 *   one signature that must really be checked), over the same tokens in the same order, split
 *   into bytes beforehand;
 * - `node_crypto_one_token`: the same verify of one token over and over, which stays in the
 *   CPU caches and runs ~5% faster than any stream of fresh tokens can;
 * - `nats_jwt`: the same chain checked by hand with @nats-io/jwt (which has no cache, so it
 *   verifies all three signatures every time).
 */
import { clearCaches } from '../src/bounded-map.js';
import { verify } from 'node:crypto';
import * as natsJwt from '@nats-io/jwt';
import { addOperatorSigningKey, addSigningKey, encodeAccount, encodeOperator, encodeUser, newAccountClaims, newOperatorClaims, newUserClaims } from '../src/claims/nats/index.js';
import { KeyPair } from '../src/nkeys/index.js';
import { memoryResolver, natsServerPolicy, tokenFacts, verifyChainSync } from '../src/trust/index.js';
import type { Group } from './harness.js';
import { nodeKeysFor } from './node-keys.js';

/**
 * Distinct user tokens, more than the verifier's caches hold (10,000 token facts): every user
 * token is verified for real, and the caches evict as a long-running verifier's do. The account
 * and operator stay cached until evicted with the oldest entries, then are verified again (2
 * verifies per ~1,250 users, amortised into our figure).
 */
const POOL = 16_384;

type Claims = { iss?: string; sub?: string; exp?: number; nbf?: number; nats?: { issuer_account?: string; signing_keys?: Array<string | { key: string }> } };

/** The by-hand chain check an application would write with @nats-io/jwt (signatures, issuers, trust, time). */
function natsJwtChain(user: string, account: string, operator: string, trusted: string): boolean {
  const now = Math.floor(Date.now() / 1000);
  const live = (c: Claims) => (c.exp === undefined || c.exp === 0 || c.exp > now) && (c.nbf === undefined || c.nbf <= now);
  const keys = (c: Claims) => (c.nats?.signing_keys ?? []).map((k) => (typeof k === 'string' ? k : k.key));
  const u = natsJwt.decode<unknown>(user) as Claims;
  const a = natsJwt.decode<unknown>(account) as Claims;
  const o = natsJwt.decode<unknown>(operator) as Claims;
  if ((u.nats?.issuer_account ?? u.iss) !== a.sub) throw new Error('nats_jwt: user not of this account');
  if (u.iss !== a.sub && !keys(a).includes(u.iss!)) throw new Error('nats_jwt: user issuer is not an account key');
  if (a.iss !== o.sub && !keys(o).includes(a.iss!)) throw new Error('nats_jwt: account issuer is not an operator key');
  if (o.sub !== trusted || o.iss !== o.sub) throw new Error('nats_jwt: operator not trusted');
  if (!live(u) || !live(a) || !live(o)) throw new Error('nats_jwt: expired or not yet valid');
  return true;
}

/** The warm chain-verification group. */
export function trustGroups(): Group[] {
  const op = KeyPair.create('operator');
  const opSk = KeyPair.create('operator');
  const acct = KeyPair.create('account');
  const acctSk = KeyPair.create('account');
  const opClaims = newOperatorClaims('bench-op', op.publicKey);
  addOperatorSigningKey(opClaims, opSk.publicKey);
  const opJwt = encodeOperator(opClaims, op);
  const acctClaims = newAccountClaims('bench-acct', acct.publicKey);
  addSigningKey(acctClaims, acctSk.publicKey);
  const acctJwt = encodeAccount(acctClaims, opSk);
  const pool = Array.from({ length: POOL }, (_, i) => {
    const u = KeyPair.create('user');
    const claims = newUserClaims(`bench-user-${i}`, u.publicKey);
    claims.nats.pub = { allow: ['orders.>', 'metrics.*'] };
    claims.nats.sub = { allow: ['_INBOX.>'] };
    claims.nats.issuer_account = acct.publicKey;
    return encodeUser(claims, acctSk);
  });
  const options = { resolver: memoryResolver([opJwt, acctJwt]), policy: natsServerPolicy([op.publicKey]) };
  const warm = (): void => {
    clearCaches();
    // Facts are kept from a token's second reading on.
    for (const t of [opJwt, acctJwt, opJwt, acctJwt]) tokenFacts(t);
  };

  const split = (t: string): [Buffer, Buffer] => {
    const dot = t.lastIndexOf('.');
    return [Buffer.from(t.slice(0, dot), 'ascii'), Buffer.from(t.slice(dot + 1), 'base64url')];
  };
  const bytes = pool.map(split);
  const [input, sig] = bytes[0]!;
  const token = pool[0]!;
  const { publicKey } = nodeKeysFor(acctSk);

  // Every implementation must accept the chain before it is timed.
  warm();
  const verdict = verifyChainSync(token, options);
  if (!verdict.valid) throw new Error(`bench: our verifier refused the chain: ${verdict.errors.map((e) => e.code).join(', ')}`);
  if (!verify(null, input, publicKey, sig)) throw new Error('bench: node_crypto refused the user token');
  natsJwtChain(token, acctJwt, opJwt, op.publicKey);
  warm();

  let next = 0;
  let nextBare = 0;
  return [
    {
      figure: 'trust.chain_verify_warm',
      cases: [
        {
          impl: 'ours',
          run: () => {
            if (next === POOL) next = 0;
            return verifyChainSync(pool[next++]!, options).valid;
          },
        },
        {
          impl: 'node_crypto',
          run: () => {
            if (nextBare === POOL) nextBare = 0;
            const [i, s] = bytes[nextBare++]!;
            return verify(null, i, publicKey, s);
          },
        },
        { impl: 'node_crypto_one_token', run: () => verify(null, input, publicKey, sig) },
        { impl: 'nats_jwt', run: () => natsJwtChain(pool[next % POOL]!, acctJwt, opJwt, op.publicKey), slow: true },
      ],
    },
  ];
}
