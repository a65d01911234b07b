import type { Role } from '../../nkeys/roles.js';
import { ACCOUNT, ACTIVATION, OPERATOR, type Schema, USER } from './order.js';
import type { NatsClaimType } from './types.js';

/** What Go knows about each claim type: who may sign it, what its subject is, its field order. */
export interface ClaimKind {
  readonly type: NatsClaimType;
  /** Go `ExpectedPrefixes`: roles whose keys may sign (and so be `iss`). */
  readonly issuers: readonly Role[];
  /** The role `sub` must have. */
  readonly subject: Role;
  readonly schema: Schema;
  /** How to describe the issuers to a person. */
  readonly issuerHint: string;
}

export const KINDS: Readonly<Record<NatsClaimType, ClaimKind>> = {
  operator: { type: 'operator', issuers: ['operator'], subject: 'operator', schema: OPERATOR, issuerHint: 'the operator key itself (O…)' },
  account: {
    type: 'account',
    issuers: ['operator', 'account'],
    subject: 'account',
    schema: ACCOUNT,
    issuerHint: 'an operator key or operator signing key (O…), or the account itself (A…)',
  },
  user: { type: 'user', issuers: ['account'], subject: 'user', schema: USER, issuerHint: 'an account key or account signing key (A…)' },
  activation: {
    type: 'activation',
    issuers: ['account', 'operator'],
    subject: 'account',
    schema: ACTIVATION,
    issuerHint: 'the exporting account or one of its signing keys (A…), or an operator key (O…)',
  },
};

const LETTER_ROLE: Readonly<Record<string, Role>> = { O: 'operator', A: 'account', U: 'user', N: 'server', C: 'cluster', M: 'module', V: 'service', X: 'curve' };

/** The role a public key's first letter announces (no checksum check: callers verify keys). */
export function roleOfKey(key: unknown): Role | undefined {
  return typeof key === 'string' && key.length === 56 ? LETTER_ROLE[key[0]!] : undefined;
}

/** The kind of a `nats.type` value; undefined for any other value (own keys only: "constructor" is no kind). */
export function claimKind(type: unknown): ClaimKind | undefined {
  return typeof type === 'string' && Object.hasOwn(KINDS, type) ? KINDS[type as NatsClaimType] : undefined;
}
