/**
 * verifyChain: walks user → account → operator, or a wasmCloud actor → account → operator (or
 * starts at an account or operator token),
 * checks every link on its own and against its parent's current token, and ends at a root the
 * policy trusts. All reasons are collected; the verdict is data, never an exception.
 *
 * The walk is a generator that asks for tokens, so one implementation serves both the async
 * driver (store resolvers read files) and the sync one (in-memory resolvers, hot paths).
 */
import { SigchainError } from '../errors.js';
import type { Ask, ChainFormat, Step } from './format.js';
import { Judge } from './judge.js';
import { NATS_CHAIN } from './nats/chain.js';
import { WASCAP_CHAIN } from './wascap/chain.js';
import { type Policy, type PolicyOptions, definePolicy, isPolicy } from './policy.js';
import type { ChainResolver, SyncChainResolver } from './resolver.js';
import type { Verdict } from './verdict.js';

/** What {@link verifyChain} needs besides the token. */
export interface VerifyOptions {
  /** Finds the account and operator JWTs above the token. Default: none (only pinned operators). */
  resolver?: ChainResolver;
  /** A policy from {@link definePolicy} / {@link natsServerPolicy}, or options for one. Default: trusts nothing. */
  policy?: Policy | PolicyOptions;
}

/** {@link VerifyOptions} with a resolver that answers synchronously. */
export interface VerifySyncOptions extends VerifyOptions {
  resolver?: SyncChainResolver;
}

const NO_OPERATORS: readonly string[] = Object.freeze([]);
const EMPTY: SyncChainResolver = { account: () => undefined, operators: () => NO_OPERATORS };

/**
 * The formats the verifier reads, tried in order by their header; a token none claims is read
 * as NATS, whose facts explain what is wrong with it.
 */
const FORMATS: readonly ChainFormat[] = [NATS_CHAIN, WASCAP_CHAIN];
const FALLBACK = NATS_CHAIN;

function formatOf(token: string): ChainFormat {
  for (const f of FORMATS) if (f.reads(token)) return f;
  return FALLBACK;
}

/**
 * The one walk, for every format: the leaf's link, then each parent the format finds above
 * the top (asking the resolver), then the rules: the root's, each link against its parent from
 * the top down (so what a link's rules need from higher up is already known), and the leaf's.
 */
function* walk(token: string, policy: Policy): Generator<Ask, Verdict, unknown> {
  const j = new Judge(policy);
  const format = formatOf(typeof token === 'string' ? token : '');
  const leaf = format.facts(token);
  const kind = format.leafKind(j, leaf);
  if (kind === undefined) return j.finish();
  const chain: Step[] = [{ kind, facts: leaf, link: j.link(kind, leaf, 'token'), trusted: false }];
  let above = yield* format.above(j, chain[0]!);
  while (typeof above === 'object') {
    const step: Step = { kind: above.kind, facts: above.facts, link: j.link(above.kind, above.facts, above.source), trusted: above.trusted };
    chain.push(step);
    above = yield* format.above(j, step);
  }
  if (above === 'root') format.judgeRoot(j, chain[chain.length - 1]!, chain.length === 1);
  for (let i = chain.length - 2; i >= 0; i--) format.judgeEdge(j, chain, i);
  format.judgeLeaf(j, chain);
  return j.finish();
}

function toPolicy(p: Policy | PolicyOptions | undefined): Policy {
  return isPolicy(p) ? p : definePolicy(p ?? {});
}

function ask(resolver: ChainResolver, a: Ask): unknown {
  if (a.ask === 'account') return resolver.account(a.key);
  if (a.ask === 'operators') return resolver.operators();
  return resolver.accountBySigningKey?.(a.key);
}

/**
 * Verifies a user, account or operator JWT and the chain above it, returning a {@link Verdict}:
 * valid, or every reason it is not, each with a stable code and a sentence to act on. Checks
 * each signature; that each issuer is its parent's identity key or a signing key the parent's
 * current token lists (users: the account named by `issuer_account`, else `iss`); key roles;
 * self-issued users; `exp`/`nbf` with the policy's skew; account revocations (NATS semantics)
 * and the policy's jti revocations; scoped signing keys; strict operators and the strict
 * policy; banned keys; and that the root is a trusted operator. Never throws for a bad token;
 * throws only for a bad policy or a failing resolver.
 *
 * @example
 * ```ts
 * const verdict = await verifyChain(userJwt, {
 *   resolver: memoryResolver(await loadChainFiles(['./jwts'])),
 *   policy: definePolicy({ trustedOperators: [operatorJwt], requireSigningKeys: true }),
 * });
 * if (!verdict.valid) for (const r of verdict.errors) console.log(r.code, r.message);
 * ```
 */
export async function verifyChain(token: string, options: VerifyOptions = {}): Promise<Verdict> {
  const resolver = options.resolver ?? EMPTY;
  const gen = walk(token, toPolicy(options.policy));
  let step = gen.next();
  while (!step.done) {
    const answer = ask(resolver, step.value);
    step = gen.next(answer instanceof Promise ? await answer : answer);
  }
  return step.value;
}

/**
 * {@link verifyChain} without promises, for resolvers that answer synchronously (such as
 * {@link memoryResolver}). Throws `USAGE` if the resolver returns a promise.
 *
 * @example
 * ```ts
 * const v = verifyChainSync(userJwt, { resolver: memoryResolver([accountJwt]), policy: natsServerPolicy([operatorJwt]) });
 * ```
 */
export function verifyChainSync(token: string, options: VerifySyncOptions = {}): Verdict {
  const resolver = options.resolver ?? EMPTY;
  const gen = walk(token, toPolicy(options.policy));
  let step = gen.next();
  while (!step.done) {
    const answer = ask(resolver, step.value);
    if (answer instanceof Promise) throw new SigchainError('USAGE', 'verifyChainSync needs a resolver that answers synchronously (e.g. memoryResolver); use verifyChain with this one.');
    step = gen.next(answer);
  }
  return step.value;
}
