/**
 * Which wascap kind a token is, told by the roles of its keys: wascap's own decoder ignores
 * the kind (an actor token decodes fine as an operator's), so the key prefixes are the only
 * thing that keeps one kind from passing as another.
 */
import { withArticle } from '../../nkeys/roles.js';
import { SigchainError } from '../../errors.js';
import { isPublicKey } from '../../nkeys/codec.js';
import { type Role, roleOfKey } from '../../nkeys/roles.js';
import type { WascapKind } from './types.js';

/** What each kind's keys are. */
export interface WascapKindRule {
  readonly kind: WascapKind;
  /** The role of `sub`; null for an invocation, whose subject is its id. */
  readonly subject: Role | null;
  /** Roles whose keys may sign such a token. */
  readonly issuers: readonly Role[];
  /** Roles of the keys `valid_signers` may list (operator, account, cluster). */
  readonly signers?: Role;
  /** How to describe the issuers to a person. */
  readonly issuerHint: string;
  /** Leaf entities (actor, provider) may never sign their own token. */
  readonly leaf: boolean;
}

export const WASCAP_KIND_RULES: Readonly<Record<WascapKind, WascapKindRule>> = {
  operator: { kind: 'operator', subject: 'operator', issuers: ['operator'], signers: 'operator', issuerHint: 'an operator key (O…)', leaf: false },
  account: { kind: 'account', subject: 'account', issuers: ['operator'], signers: 'account', issuerHint: 'an operator key or operator signing key (O…)', leaf: false },
  cluster: { kind: 'cluster', subject: 'cluster', issuers: ['cluster'], signers: 'cluster', issuerHint: 'a cluster key (C…)', leaf: false },
  // wasmCloud 1.x hosts self-issue theirs with an ephemeral account key; a cluster may issue one too.
  host: { kind: 'host', subject: 'server', issuers: ['account', 'cluster', 'server'], issuerHint: 'an account (A…), cluster (C…) or the host key (N…)', leaf: false },
  actor: { kind: 'actor', subject: 'module', issuers: ['account'], issuerHint: 'an account key or account signing key (A…)', leaf: true },
  provider: { kind: 'provider', subject: 'service', issuers: ['account'], issuerHint: 'an account key or account signing key (A…)', leaf: true },
  // Cluster keys sign invocations (OTP, 0.78–0.82); hosts did in waSCC and 0.18.
  invocation: { kind: 'invocation', subject: null, issuers: ['cluster', 'server'], issuerHint: 'a cluster key (C…) or a host key (N…)', leaf: true },
};

const BY_SUBJECT = new Map<Role, WascapKind>([
  ['operator', 'operator'],
  ['account', 'account'],
  ['cluster', 'cluster'],
  ['server', 'host'],
  ['module', 'actor'],
  ['service', 'provider'],
]);

function a(role: Role | undefined): string {
  return role === undefined ? 'no key' : `${/^[aeiou]/.test(role) ? 'an' : 'a'} ${role} key`;
}

function wrongRole(message: string, field: string): SigchainError {
  return new SigchainError('WRONG_KEY_ROLE', message, { field });
}

/**
 * The kind of a wascap token with these keys, or a coded error: `WRONG_KEY_ROLE` when `sub` is
 * a key of a role no wascap token is about (user, curve) or `iss` may not sign that kind,
 * `SELF_ISSUED` for an actor or provider signed by its own key, `INVALID_CLAIMS` for a subject
 * that looks like a key but is not one. A subject that is not a key is an invocation's id.
 *
 * @example
 * ```ts
 * wascapKindOf('MB…', 'AC…'); // 'actor'
 * ```
 */
export function wascapKindOf(sub: string, iss: string): WascapKind {
  const subRole = roleOfKey(sub);
  let kind: WascapKind | undefined;
  if (subRole === undefined) kind = 'invocation';
  else {
    if (!isPublicKey(sub)) throw new SigchainError('INVALID_CLAIMS', `The subject ${String(sub).slice(0, 12)}… looks like a public key but is not one (bad checksum or characters). The token is malformed; do not use it.`, { field: 'sub' });
    kind = BY_SUBJECT.get(subRole);
    if (!kind) throw wrongRole(`The subject of a wascap token is never ${a(subRole)}; this token is about ${sub}. It is not a wasmCloud token, or it was made for something else.`, 'sub');
  }
  const rule = WASCAP_KIND_RULES[kind];
  if (rule.leaf && iss === sub) {
    throw new SigchainError('SELF_ISSUED', `This ${kind} token is signed by its own key ${sub}: ${withArticle(kind)} cannot vouch for itself. Have its account sign it (an account key or one of its valid_signers).`, { field: 'iss' });
  }
  const issRole = roleOfKey(iss);
  if (!issRole || !rule.issuers.includes(issRole)) {
    throw wrongRole(`This ${kind} token is signed by ${a(issRole)} (${iss || 'none'}); only ${rule.issuerHint} may sign ${kind} tokens. Do not trust it.`, 'iss');
  }
  return kind;
}
