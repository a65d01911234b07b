/**
 * Verifying many tokens against one set of parents and one policy: inline for a few, split over
 * worker threads for many. One core of node:crypto verifies Ed25519 at about 0.6x of Go's
 * crypto/ed25519, so a store of 10,000 users is judged as fast as nats-io/jwt only by using
 * every core. Each worker builds its own resolver and policy from plain data (the chain's
 * tokens, the policy's options), judges its slice, and sends back only the errors: most tokens
 * are valid, and a verdict's chain is not needed here.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { PolicyOptions } from '../../trust/policy.js';
import { memoryResolver } from '../../trust/resolver.js';
import type { Reason } from '../../trust/verdict.js';
import { definePolicy } from '../../trust/policy.js';
import { verifyChainSync } from '../../trust/verify-chain.js';

/** The policy as plain data, so that it crosses a thread boundary (no functions). */
export interface PlainPolicy extends Omit<PolicyOptions, 'now' | 'revokedJtis' | 'trustedOperators' | 'bannedKeys'> {
  trustedOperators?: string[];
  bannedKeys?: string[];
  revokedJtis?: Map<string, number>;
  /** Unix seconds. */
  now?: number;
}

/** What a verify worker is given. */
export interface VerifyManyInput {
  tokens: readonly string[];
  chain: readonly string[];
  policy: PlainPolicy;
}

/** Per token, its verdict's errors (empty when valid) and warnings. */
export interface VerifyManyResult {
  errors: Reason[][];
  warnings: Reason[][];
}

/** Fewer tokens than this are verified inline: starting a thread costs about 1,000 verifications. */
export const PARALLEL_FROM = 2000;

/** Judges `input` on this thread. */
export function verifyManyInline(input: VerifyManyInput): VerifyManyResult {
  const resolver = memoryResolver(input.chain);
  const policy = definePolicy(input.policy);
  const errors: Reason[][] = [];
  const warnings: Reason[][] = [];
  for (const t of input.tokens) {
    const v = verifyChainSync(t, { resolver, policy });
    errors.push(v.errors);
    warnings.push(v.warnings);
  }
  return { errors, warnings };
}

/** The default number of threads for `n` tokens: one per core from {@link PARALLEL_FROM} on. */
export function verifyWorkers(n: number): number {
  return n >= PARALLEL_FROM ? Math.max(1, availableParallelism()) : 1;
}

/**
 * Verifies every token of `tokens` against the parents in `chain` under `policy`, with
 * `workers` threads (default {@link verifyWorkers}); answers in the order given. The time is
 * fixed once for all tokens (`policy.now`, else now), so every thread judges at the same moment.
 *
 * @example
 * ```ts
 * const { errors } = await verifyMany(userJwts, [operatorJwt, accountJwt], { trustedOperators: [operatorJwt] });
 * const invalid = errors.filter((e) => e.length > 0).length;
 * ```
 */
export async function verifyMany(tokens: readonly string[], chain: readonly string[], policy: PlainPolicy, opts: { workers?: number } = {}): Promise<VerifyManyResult> {
  const fixed: PlainPolicy = { ...policy, now: policy.now ?? Date.now() / 1000 };
  const n = Math.min(opts.workers ?? verifyWorkers(tokens.length), Math.max(1, Math.floor(tokens.length / 100)));
  if (n <= 1) return verifyManyInline({ tokens, chain, policy: fixed });
  const url = new URL('./verify-many-worker.js', import.meta.url);
  const workers: Worker[] = [];
  try {
    const parts = await Promise.all(
      Array.from({ length: n }, (_, k) => {
        const slice = tokens.slice(Math.floor((k * tokens.length) / n), Math.floor(((k + 1) * tokens.length) / n));
        return new Promise<VerifyManyResult>((resolve, reject) => {
          const w = new Worker(url, { workerData: { tokens: slice, chain, policy: fixed } satisfies VerifyManyInput });
          workers.push(w);
          w.once('message', (m: VerifyManyResult | { failed: string }) => ('failed' in m ? reject(new Error(m.failed)) : resolve(m)));
          w.once('error', reject);
          w.once('exit', (code) => {
            if (code !== 0) reject(new Error(`a verify worker stopped with code ${code}`));
          });
        });
      }),
    );
    return { errors: parts.flatMap((p) => p.errors), warnings: parts.flatMap((p) => p.warnings) };
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
