/**
 * The verifier: chains of NATS tokens (user → account → operator) and wasmCloud wascap tokens
 * (actor → account → operator, and signed modules) judged against one explicit
 * policy, answered with a verdict whose reasons carry stable codes.
 *
 * @example
 * ```ts
 * import { definePolicy, loadChainFiles, memoryResolver, verifyChain } from 'sigchain';
 * const verdict = await verifyChain(userJwt, {
 *   resolver: memoryResolver(await loadChainFiles(['account.jwt'])),
 *   policy: definePolicy({ trustedOperators: [operatorJwt], requireSigningKeys: true }),
 * });
 * console.log(verdict.valid, verdict.errors.map((r) => r.code));
 * ```
 */
export { type ChainLink, type LinkKind, type Reason, type SignedBy, type Verdict, errorCodes } from './verdict.js';
export { type ConnectionContext, type JtiRevocations, type Policy, type PolicyOptions, definePolicy, isPolicy, natsServerPolicy } from './policy.js';
export { type ChainResolver, type MaybePromise, type SyncChainResolver, memoryResolver } from './resolver.js';
export { type VerifyOptions, type VerifySyncOptions, verifyChain, verifyChainSync } from './verify-chain.js';
export { type TokenFacts, tokenFacts } from './nats/token-facts.js';
export { judgeImports } from './nats/imports.js';
export { type WascapFacts, wascapFacts } from './wascap/token-facts.js';
export {
  type InspectModuleOptions,
  type ModuleHashCheck,
  type ModuleHashOptions,
  type ModuleInspection,
  type VerifyModuleOptions,
  checkModuleHash,
  inspectModule,
  verifyModule,
} from './wascap/module.js';
