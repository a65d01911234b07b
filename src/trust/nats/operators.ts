/**
 * Picking the operator that vouches for an account: among the operator JWTs the policy pins
 * and the resolver knows, the ones whose identity or signing keys include the account's
 * issuer. A pinned JWT overrides any other JWT of the same operator.
 */
import { supersedes } from '../current-token.js';
import type { Policy } from '../policy.js';
import { type TokenFacts, tokenFacts } from './token-facts.js';

/** Operator JWTs filed by every key that can vouch with them (identity and signing keys). */
export interface OperatorIndex {
  readonly bySub: ReadonlyMap<string, TokenFacts>;
  readonly byKey: ReadonlyMap<string, readonly TokenFacts[]>;
}

// Token facts never change: list each token's signing keys once.
const keysByNats = new WeakMap<object, readonly string[]>();

/**
 * The signing keys an operator or account token lists (scoped entries by their key). `nats`
 * must never change afterwards, as a {@link tokenFacts} one never does: the answer is
 * remembered per object.
 */
export function signingKeysOf(nats: Readonly<Record<string, unknown>>): readonly string[] {
  let out = keysByNats.get(nats);
  if (out) return out;
  const list = Array.isArray(nats.signing_keys) ? nats.signing_keys : [];
  const keys: string[] = [];
  for (const k of list) {
    if (typeof k === 'string') keys.push(k);
    else if (typeof k === 'object' && k !== null && typeof (k as { key?: unknown }).key === 'string') keys.push((k as { key: string }).key);
  }
  out = Object.freeze(keys);
  keysByNats.set(nats, out);
  return out;
}

/** How a format reads operator tokens: their facts and the signing keys they list. */
export interface OperatorReader {
  facts(token: string): TokenFacts;
  signingKeys(f: TokenFacts): readonly string[];
}

function build(tokens: Iterable<string>, r: OperatorReader): OperatorIndex {
  const bySub = new Map<string, TokenFacts>();
  for (const t of tokens) {
    const f = r.facts(t);
    if (f.type !== 'operator' || !f.sub) continue;
    const cur = bySub.get(f.sub);
    if (supersedes({ verified: f.signatureOk, iat: f.iat ?? 0 }, cur && { verified: cur.signatureOk, iat: cur.iat ?? 0 })) bySub.set(f.sub, f);
  }
  const byKey = new Map<string, TokenFacts[]>();
  const file = (k: string, f: TokenFacts) => {
    const list = byKey.get(k);
    if (list) {
      if (!list.includes(f)) list.push(f);
    } else byKey.set(k, [f]);
  };
  for (const f of bySub.values()) {
    file(f.sub, f);
    for (const k of r.signingKeys(f)) file(k, f);
  }
  return { bySub, byKey };
}

// The resolver knows only operators the policy pins (a store's own operator): the pinned JWT is their current token.
function allPinned(list: readonly TokenFacts[], pinned: OperatorIndex): boolean {
  for (const f of list) if (!pinned.bySub.has(f.sub)) return false;
  return true;
}

/** The outcome of looking for the operator above an account. */
export type OperatorChoice =
  | { kind: 'token'; facts: TokenFacts; trusted: boolean; source: 'policy' | 'resolver' }
  | { kind: 'trusted-key'; key: string }
  | { kind: 'none' };

// Which trusted candidate to judge against when several vouch: one not banned, then one
// whose signing keys (rather than identity) include the issuer, then the newest.
function rank(f: TokenFacts, issuer: string, policy: Policy, r: OperatorReader): number {
  let n = 0;
  if (!policy.bannedKeys.has(f.sub)) n += 4;
  if (r.signingKeys(f).includes(issuer)) n += 2;
  if (f.signatureOk) n += 1;
  return n;
}

/**
 * Finds the operator that vouches for `issuer` (an account token's `iss`): a trusted operator
 * JWT if there is one, else a bare trusted key equal to the issuer (nats-server's
 * `trusted_keys`), else an untrusted operator JWT that lists it (to name it in the verdict).
 * One chooser per format: `r` reads that format's operator tokens and their signing keys.
 *
 * @example
 * ```ts
 * const choose = operatorChooser({ facts: tokenFacts, signingKeys: (f: TokenFacts) => signingKeysOf(f.nats) });
 * const choice = choose(account.iss, resolverOperatorJwts, policy);
 * ```
 */
export function operatorChooser(r: OperatorReader): (issuer: string, resolverTokens: readonly string[], policy: Policy) => OperatorChoice {
  // Resolvers hand back the same array while their content is unchanged, and a policy never
  // changes: index each once (per format: a format reads only its own operator tokens).
  const byArray = new WeakMap<readonly string[], OperatorIndex>();
  const byPolicy = new WeakMap<Policy, OperatorIndex>();
  return (issuer, resolverTokens, policy) => {
  // Looked up before anything is built: this runs once per account judged, so no closure per call.
  let pinned = byPolicy.get(policy);
  if (!pinned) byPolicy.set(policy, (pinned = build(policy.pinnedOperators.values(), r)));
  let known = byArray.get(resolverTokens);
  if (!known) byArray.set(resolverTokens, (known = build(resolverTokens, r)));
  // The usual case: one operator JWT vouches for the issuer, and the policy trusts it.
  const fromPolicy = pinned.byKey.get(issuer);
  const fromResolver = known.byKey.get(issuer);
  if (!fromPolicy && fromResolver?.length === 1 && !pinned.bySub.has(fromResolver[0]!.sub) && policy.trustedKeys.has(fromResolver[0]!.sub)) {
    return { kind: 'token', facts: fromResolver[0]!, trusted: true, source: 'resolver' };
  }
  if (fromPolicy?.length === 1 && (!fromResolver || allPinned(fromResolver, pinned))) return { kind: 'token', facts: fromPolicy[0]!, trusted: true, source: 'policy' };
  const trusted: { facts: TokenFacts; source: 'policy' | 'resolver' }[] = [];
  const untrusted: TokenFacts[] = [];
  for (const f of fromPolicy ?? []) trusted.push({ facts: f, source: 'policy' });
  for (const f of fromResolver ?? []) {
    if (pinned.bySub.has(f.sub)) continue; // the pinned JWT is the operator's current token
    if (policy.trustedKeys.has(f.sub)) trusted.push({ facts: f, source: 'resolver' });
    else untrusted.push(f);
  }
  if (trusted.length > 0) {
    let best = trusted[0]!;
    for (const c of trusted.slice(1)) {
      const d = rank(c.facts, issuer, policy, r) - rank(best.facts, issuer, policy, r);
      if (d > 0 || (d === 0 && (c.facts.iat ?? 0) > (best.facts.iat ?? 0))) best = c;
    }
    return { kind: 'token', facts: best.facts, trusted: true, source: best.source };
  }
  // A trusted key with no operator JWT anywhere: trusted as a raw key, like `trusted_keys`.
  if (policy.trustedKeys.has(issuer) && !pinned.bySub.has(issuer) && !known.bySub.has(issuer)) return { kind: 'trusted-key', key: issuer };
  const other = untrusted[0];
  return other ? { kind: 'token', facts: other, trusted: false, source: 'resolver' } : { kind: 'none' };
  };
}

/**
 * {@link operatorChooser} for NATS operator JWTs (`signing_keys`).
 *
 * @example
 * ```ts
 * const choice = chooseOperator(account.iss, resolverOperatorJwts, policy);
 * ```
 */
export const chooseOperator = operatorChooser({ facts: tokenFacts, signingKeys: (f: TokenFacts) => signingKeysOf(f.nats) });
