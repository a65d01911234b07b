/**
 * What the verifier's walk needs from a token format, so one walk (verify-chain.ts) judges
 * every format by the same Policy, codes and Verdict. A format says what a token is (its
 * facts), how to find the parent above a link (asking the resolver), and its rules, which
 * report findings through the Judge. NATS is `nats/chain.ts`; a second format is a folder
 * beside it and one entry in verify-chain.ts's list.
 */
import type { Judge } from './judge.js';
import type { TokenFacts } from './nats/token-facts.js';
import type { ChainLink, LinkKind } from './verdict.js';

/** A question for the resolver; the walk answers it with the resolver's reply. */
export type Ask = { ask: 'account'; key: string } | { ask: 'operators' } | { ask: 'accountBySigningKey'; key: string };

/** One link of the chain being walked: its facts and the link the verdict shows. */
export interface Step {
  readonly kind: LinkKind;
  readonly facts: TokenFacts;
  readonly link: ChainLink;
  /** For a link found above another: whether the policy trusts it (the format decides what that means). */
  readonly trusted: boolean;
}

/**
 * What is above a link: a parent token to add to the chain; `root` when the link is the top of
 * a complete chain (its root rules then run); `stop` when the chain ends short (the format has
 * already said why, or anchored it at a bare trusted key).
 */
export type Above = { readonly kind: LinkKind; readonly facts: TokenFacts; readonly source: ChainLink['source']; readonly trusted: boolean } | 'root' | 'stop';

/** A token format as the verifier walks it. */
export interface ChainFormat {
  readonly name: string;
  /** True when `token` is of this format (told by its header; cheap, no parsing on the hot path). */
  reads(token: string): boolean;
  /** The facts of a token of this format (cached, never throws). */
  facts(token: string): TokenFacts;
  /** The kind of link `leaf` starts a chain as; undefined after reporting why at `input`. */
  leafKind(j: Judge, leaf: TokenFacts): LinkKind | undefined;
  /** Finds what is above `child` (the top of the chain so far), asking the resolver by `yield`. */
  above(j: Judge, child: Step): Generator<Ask, Above, unknown>;
  /** The rules of the top link of a complete chain (`leaf` when the chain is that one token). */
  judgeRoot(j: Judge, top: Step, leaf: boolean): void;
  /** The rules between `chain[i]` and its parent `chain[i + 1]` (the links above are in `chain` too). */
  judgeEdge(j: Judge, chain: readonly Step[], i: number): void;
  /** Rules of the leaf that run after every other. */
  judgeLeaf(j: Judge, chain: readonly Step[]): void;
}
