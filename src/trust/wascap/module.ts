/**
 * Signed WebAssembly: the token a module carries and whether the module is the one it was
 * signed as. `inspectModule` judges the module on its own (signature, kind, time, hash), as
 * `sigchain wasm inspect`; `verifyModule` also judges the embedded actor's whole chain, as
 * `sigchain verify MODULE.wasm`.
 *
 * The hash rule: a token of revision 3 or later must carry the revision-3 hash of the module.
 * Older tokens are held to the same rule by default, which the real hosts never did (they
 * skipped the hash below revision 3): `allowLegacyHash` skips it for them, as the hosts did.
 * Either way the pre-revision-3 hash (what those signers recorded) is computed, to tell a
 * module unchanged since an old signer hashed it from one edited after signing.
 */
import { SigchainError, type ErrorCode, type Finding, isSigchainError } from '../../errors.js';
import { decodeWascap } from '../../claims/wascap/codec.js';
import type { ActorClaims } from '../../claims/wascap/types.js';
import { computeLegacyModuleHash, computeModuleHash } from '../../wasm/hash.js';
import { type WasmKind, walkWasm } from '../../wasm/reader.js';
import { type EmbeddedToken, readEmbeddedToken } from '../../wasm/token.js';
import type { Policy, PolicyOptions } from '../policy.js';
import type { ChainResolver } from '../resolver.js';
import type { Reason, Verdict } from '../verdict.js';
import { verifyChain } from '../verify-chain.js';
import { wascapFacts } from './token-facts.js';

/** How a module's hash is judged. */
export interface ModuleHashOptions {
  /** Skip the hash of tokens below revision 3, as the real hosts did. Default false. */
  allowLegacyHash?: boolean;
}

/** What the hash check found. */
export interface ModuleHashCheck {
  /** The revision-3 hash of the module (what a revision-3 token must carry). */
  readonly hash: string;
  /** `rev3`: the stored hash was compared with `hash`; `skipped`: a pre-revision-3 token under allowLegacyHash. */
  readonly checked: 'rev3' | 'skipped';
  /** For tokens below revision 3: whether the stored hash is the pre-revision-3 hash of the module. */
  readonly legacyHashMatches?: boolean;
  /** The reason the module does not match its token, if it does not. */
  readonly error?: Finding & { details: Record<string, unknown> };
}

/**
 * Compares a module with the hash its actor token records (see the file's comment for the
 * rule). Throws MALFORMED_WASM when `bytes` are not well-formed.
 *
 * @example
 * ```ts
 * const check = checkModuleHash(bytes, decodeWascap(token, { expect: 'actor' }).claims);
 * if (check.error) console.log(check.error.code); // 'HASH_MISMATCH'
 * ```
 */
export function checkModuleHash(bytes: Uint8Array, claims: Pick<ActorClaims, 'wascap' | 'wascap_revision'>, opts: ModuleHashOptions = {}): ModuleHashCheck {
  const hash = computeModuleHash(bytes);
  const stored = claims.wascap.hash;
  const revision = claims.wascap_revision;
  const legacy = revision === undefined || revision < 3;
  const legacyHashMatches = legacy ? computeLegacyModuleHash(bytes) === stored : undefined;
  const base = { hash, ...(legacyHashMatches !== undefined ? { legacyHashMatches } : {}) };
  if (legacy && opts.allowLegacyHash) return { ...base, checked: 'skipped' };
  if (stored === hash) return { ...base, checked: 'rev3' };
  const rev = revision === undefined ? 'no wascap_revision' : `wascap_revision ${revision}`;
  const message = !legacy
    ? `The module's hash is ${hash}, but its token records ${stored}: the module was changed after it was signed. Do not run it; re-sign the genuine module.`
    : legacyHashMatches
      ? `The token (${rev}) records ${stored}, the hash its pre-revision-3 signer computed; the module is unchanged since then, but its revision-3 hash is ${hash}. Re-sign it (sigchain wasm sign), or pass --allow-legacy-hash to skip the hash of old tokens as the real hosts did.`
      : `The module's hash is ${hash} (revision 3; its pre-revision-3 hash differs too), but its token (${rev}) records ${stored}: the module was changed after it was signed. Do not run it; re-sign the genuine module.`;
  return { ...base, checked: 'rev3', error: { code: 'HASH_MISMATCH', message, field: 'wascap.hash', details: { field: 'wascap.hash', stored, computed: hash, ...(legacyHashMatches !== undefined ? { legacy_hash_matches: legacyHashMatches, wascap_revision: revision ?? null } : {}) } } };
}

/** What {@link inspectModule} found in a valid signed module. */
export interface ModuleInspection {
  /** `module` or `component`. */
  readonly kind: WasmKind;
  /** The custom section the token came from (`wasmcloud_jwt` or the older `jwt`). */
  readonly section: EmbeddedToken['section'];
  /** The revision-3 hash of the module. */
  readonly hash: string;
  readonly token: string;
  readonly claims: ActorClaims;
  readonly hashCheck: ModuleHashCheck;
}

/** What {@link inspectModule} judges besides the hash rule. */
export interface InspectModuleOptions extends ModuleHashOptions {
  /** The time to judge exp and nbf at, Unix seconds. Default now. */
  now?: number;
}

/**
 * Judges a signed module on its own: well-formed (`MALFORMED_WASM`), signed (`NOT_SIGNED`),
 * the token genuine and an actor's (`MALFORMED_TOKEN`, `BAD_SIGNATURE`, `WRONG_KEY_ROLE`,
 * `SELF_ISSUED`, `WRONG_CLAIM_TYPE`), in time (`TOKEN_EXPIRED`, `TOKEN_NOT_YET_VALID`), and
 * the module the one signed (`HASH_MISMATCH`). Throws the first failure as a SigchainError.
 * Does not judge who signed it (see {@link verifyModule}).
 *
 * @example
 * ```ts
 * const m = inspectModule(readFileSync('echo_s.wasm'));
 * console.log(m.claims.wascap.name, m.hash);
 * ```
 */
export function inspectModule(bytes: Uint8Array, opts: InspectModuleOptions = {}): ModuleInspection {
  const kind = walkWasm(bytes, {});
  const found = readEmbeddedToken(bytes);
  if (!found) throw new SigchainError('NOT_SIGNED', `This WebAssembly ${kind} carries no wasmCloud token (no jwt or wasmcloud_jwt custom section). Sign it with sigchain wasm sign.`, { wasm_kind: kind });
  const t = decodeWascap(found.token, { expect: 'actor', ...(opts.now !== undefined ? { now: opts.now } : {}) });
  const hashCheck = checkModuleHash(bytes, t.claims, opts);
  if (hashCheck.error) throw new SigchainError('HASH_MISMATCH', hashCheck.error.message, hashCheck.error.details);
  return { kind, section: found.section, hash: hashCheck.hash, token: t.token, claims: t.claims, hashCheck };
}

/** What {@link verifyModule} takes: the chain's resolver and policy, and the hash rule. */
export interface VerifyModuleOptions extends ModuleHashOptions {
  resolver?: ChainResolver;
  policy?: Policy | PolicyOptions;
}

const ORDER: Readonly<Record<Reason['at'], number>> = { input: 0, user: 1, actor: 1, account: 2, operator: 3 };

function refused(code: ErrorCode, message: string, checkedAt: number): Verdict {
  return { valid: false, chain: [], errors: [{ code, message, at: 'input' }], warnings: [], checkedAt };
}

/**
 * Verifies a signed module: the embedded actor's whole chain ({@link verifyChain}: signature,
 * keys, time, account and operator, trusted root) and the module hash ({@link checkModuleHash},
 * `HASH_MISMATCH` at the actor). A module that is not well-formed (`MALFORMED_WASM`), unsigned
 * (`NOT_SIGNED`) or whose token is not an actor's (`WRONG_CLAIM_TYPE`) gets a verdict with the
 * reason at `input`. Never throws for bad input.
 *
 * @example
 * ```ts
 * const v = await verifyModule(readFileSync('echo_s.wasm'), { resolver: memoryResolver([accountJwt]), policy: { trustedOperators: [operatorJwt] } });
 * ```
 */
export async function verifyModule(bytes: Uint8Array, opts: VerifyModuleOptions = {}): Promise<Verdict> {
  const now = Math.floor(Date.now() / 1000);
  let found: EmbeddedToken | undefined;
  try {
    found = readEmbeddedToken(bytes);
  } catch (e) {
    if (isSigchainError(e)) return refused(e.code, e.message, now);
    throw e;
  }
  if (!found) return refused('NOT_SIGNED', 'This WebAssembly module carries no wasmCloud token (no jwt or wasmcloud_jwt custom section), so it has no chain to verify. Sign it with sigchain wasm sign.', now);
  const verdict = await verifyChain(found.token, { ...(opts.resolver ? { resolver: opts.resolver } : {}), ...(opts.policy ? { policy: opts.policy } : {}) });
  const leaf = verdict.chain[0];
  if (leaf && leaf.kind !== 'actor') {
    verdict.errors.unshift({ code: 'WRONG_CLAIM_TYPE', message: `The module carries ${leaf.kind === 'account' ? 'an' : 'a'} ${leaf.kind} token, not an actor's. Re-sign the module with sigchain wasm sign.`, at: 'input' });
    verdict.valid = false;
    return verdict;
  }
  const claims = wascapFacts(found.token).claims as unknown as ActorClaims | undefined;
  if (!leaf || !claims) return verdict;
  const check = checkModuleHash(bytes, claims, opts);
  if (check.error) {
    // First among the actor's reasons: the module itself is not the one signed.
    verdict.errors.unshift({ code: check.error.code, message: check.error.message, at: 'actor', field: 'wascap.hash' });
    verdict.errors.sort((x, y) => ORDER[x.at] - ORDER[y.at]);
    leaf.valid = false;
    verdict.valid = false;
  }
  return verdict;
}
