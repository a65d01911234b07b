/**
 * Which kinds of statement an account token is (see `restrictions.ts`), decided in this one
 * place for the signer that issues it and for the verifier that judges it, so both agree.
 *
 * Every account token is an `account` statement. It is also a `signing-keys` statement when its
 * delegation (its signing keys with their scopes, and their restrictions) is not one a key
 * allowed `signing-keys` approved. The verifier sees one token, not the one before it, so the
 * approval travels in the token: `nats.sigchain_delegation` = `{ key, sig }`, an Ed25519
 * signature by an operator key allowed `signing-keys` over the account's subject and its
 * delegation. An allowed key writes it whenever it signs an account that delegates; a key
 * restricted away from `signing-keys` may re-issue the account only with the delegation (and
 * the approval) unchanged. An account that delegates nothing needs no approval, so a key
 * restricted to `account` may create accounts. (Like `sigchain_restrictions`, nats-server and
 * nsc ignore the field.)
 */
import { verifySignature } from '../nkeys/keypair.js';
import type { AsyncSigner, Signer } from '../nkeys/keypair.js';
import { RESTRICTIONS_FIELD, type StatementKind, mayUnder, readRestrictions } from './restrictions.js';

/** The extension field of account tokens holding the approval of their delegation. */
export const DELEGATION_FIELD = 'sigchain_delegation';

/** An approval of an account's delegation: the approving operator key and its signature (base64url). */
export interface DelegationApproval {
  key: string;
  sig: string;
}

// Deeper than any real scope template: such a delegation is read as one nobody approved.
const MAX_DEPTH = 32;

// Sorted keys, and Go's empty values (omitted or zero) dropped: the same delegation gives the
// same text whether it comes from claims about to be signed or from a decoded token.
function canon(v: unknown, depth: number): unknown {
  if (depth > MAX_DEPTH) throw new RangeError('delegation nested too deep');
  if (Array.isArray(v)) return v.map((x) => canon(x, depth + 1)).filter((x) => x !== undefined);
  if (v === null || v === undefined || v === '' || v === 0 || v === false) return undefined;
  if (typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v).sort()) {
    const c = canon((v as Record<string, unknown>)[k], depth + 1);
    if (c !== undefined && !(Array.isArray(c) && !c.length) && !(typeof c === 'object' && !Array.isArray(c) && !Object.keys(c as object).length)) out[k] = c;
  }
  return out;
}

/**
 * The delegation of an account's `nats` claims as comparable text: `''` when it delegates
 * nothing, `undefined` when it cannot be read (wrong types, nested too deep): treat that as a
 * delegation nobody approved.
 *
 * @example
 * ```ts
 * delegationText(claims.nats) === delegationText(previous.nats); // signing keys unchanged
 * ```
 */
export function delegationText(nats: object): string | undefined {
  const n = nats as Record<string, unknown>;
  const raw = n.signing_keys;
  if (raw !== undefined && raw !== null && !Array.isArray(raw)) return undefined;
  try {
    const keys = (raw ?? []).map((k: unknown) => (typeof k === 'string' ? k : JSON.stringify(canon(k, 0)))).sort();
    const restrictions = canon(n[RESTRICTIONS_FIELD], 0);
    if (!keys.length && restrictions === undefined) return '';
    return JSON.stringify([keys, restrictions ?? null]);
  } catch {
    return undefined;
  }
}

function approvalMessage(accountSub: string, text: string): Uint8Array {
  return new TextEncoder().encode(`sigchain-delegation\n${accountSub}\n${text}`);
}

/** The operator's view needed to judge an approval: its identity, signing keys, restrictions and strict mode. */
export interface ApprovingOperator {
  sub: string;
  nats: object;
}

/**
 * True when `key` may approve delegations for `operator`: its identity key (unless the operator
 * is strict), or a listed signing key whose restriction allows `signing-keys`.
 *
 * @example
 * ```ts
 * mayApproveDelegation({ sub: operator.sub, nats: operator.nats }, skPublicKey); // false when restricted to ['account']
 * ```
 */
export function mayApproveDelegation(operator: ApprovingOperator, key: string): boolean {
  const n = operator.nats as Record<string, unknown>;
  if (key === operator.sub) return n.strict_signing_key_usage !== true;
  const listed = Array.isArray(n.signing_keys) && n.signing_keys.includes(key);
  return listed && mayUnder(readRestrictions(operator.nats).get(key), 'signing-keys');
}

/**
 * The approval `signer` gives the delegation in `nats` of account `accountSub` (undefined when
 * it delegates nothing). The caller checks that `signer` may approve ({@link mayApproveDelegation}).
 *
 * @example
 * ```ts
 * setDelegationApproval(claims.nats, approveDelegation(claims.sub, natsPayload(claims, sk.publicKey).nats, sk));
 * ```
 */
export function approveDelegation(accountSub: string, nats: object, signer: Signer): DelegationApproval | undefined {
  const text = delegationText(nats);
  if (!text) return undefined;
  return { key: signer.publicKey, sig: Buffer.from(signer.sign(approvalMessage(accountSub, text))).toString('base64url') };
}

/**
 * {@link approveDelegation} with a signer whose key lives elsewhere (encrypted, agent, HSM, KMS).
 *
 * @example
 * ```ts
 * setDelegationApproval(claims.nats, await approveDelegationAsync(claims.sub, claims.nats, hsmSigner));
 * ```
 */
export async function approveDelegationAsync(accountSub: string, nats: object, signer: AsyncSigner | Signer): Promise<DelegationApproval | undefined> {
  const text = delegationText(nats);
  if (!text) return undefined;
  return { key: signer.publicKey, sig: Buffer.from(await signer.sign(approvalMessage(accountSub, text))).toString('base64url') };
}

/**
 * True when the account token's delegation needs no approval (it delegates nothing) or carries
 * one that holds under `operator`: by a key that may approve, over exactly this delegation.
 *
 * @example
 * ```ts
 * delegationApproved(decodeAccount(jwt), decodeOperator(operatorJwt)); // false: re-issue with a key allowed `signing-keys`
 * ```
 */
export function delegationApproved(account: { sub: string; nats: object }, operator: ApprovingOperator): boolean {
  const text = delegationText(account.nats);
  if (text === '') return true;
  if (text === undefined) return false;
  const a = (account.nats as Record<string, unknown>)[DELEGATION_FIELD] as Partial<DelegationApproval> | null | undefined;
  if (typeof a !== 'object' || a === null || typeof a.key !== 'string' || typeof a.sig !== 'string') return false;
  if (!mayApproveDelegation(operator, a.key)) return false;
  try {
    return verifySignature(a.key, approvalMessage(account.sub, text), Buffer.from(a.sig, 'base64url'));
  } catch {
    return false; // not a public key
  }
}

/**
 * THE decision of which kinds of statement an account token is, for issuing and verifying
 * alike: always `account`; also `signing-keys` when its delegation differs from `previous`
 * (the previous token's `nats`; `null` for a new account), or when it delegates something no
 * approval in the token vouches for. Issuing passes `previous`; the verifier, which sees one
 * token, cannot (so it cannot see signing keys removed: only what a token delegates).
 *
 * @example
 * ```ts
 * accountStatementKinds(newAccountClaims('A', pub), operator.claims, null); // ['account']
 * accountStatementKinds(withNewSigningKey, operator.claims, previous.nats); // ['account', 'signing-keys']
 * ```
 */
export function accountStatementKinds(account: { sub: string; nats: object }, operator: ApprovingOperator, previous?: object | null): StatementKind[] {
  const text = delegationText(account.nats);
  if (previous !== undefined && text !== delegationText(previous ?? {})) return ['account', 'signing-keys'];
  return delegationApproved(account, operator) ? ['account'] : ['account', 'signing-keys'];
}

/**
 * Sets (in place) the approval of the delegation in `nats`, or removes it when `approval` is
 * undefined. Sign the claims again for it to take effect.
 *
 * @example
 * ```ts
 * setDelegationApproval(claims.nats, approveDelegation(claims.sub, claims.nats, operatorSigningKey));
 * ```
 */
export function setDelegationApproval(nats: object, approval: DelegationApproval | undefined): void {
  const holder = nats as Record<string, unknown>;
  if (approval) holder[DELEGATION_FIELD] = { key: approval.key, sig: approval.sig };
  else delete holder[DELEGATION_FIELD];
}
