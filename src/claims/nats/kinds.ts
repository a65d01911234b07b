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
  /**
   * The role whose key vouches for such a token in a chain of trust (the parent's). Narrower
   * than `issuers`: Go decodes a self-signed account, but no operator vouches for one.
   */
  readonly vouchedBy: Role;
  /** How to describe the voucher to a person. */
  readonly voucherHint: string;
}

export const KINDS: Readonly<Record<NatsClaimType, ClaimKind>> = {
  operator: {
    type: 'operator',
    issuers: ['operator'],
    subject: 'operator',
    schema: OPERATOR,
    issuerHint: 'the operator key itself (O…)',
    vouchedBy: 'operator',
    voucherHint: "the operator's own identity key (O…)",
  },
  account: {
    type: 'account',
    issuers: ['operator', 'account'],
    subject: 'account',
    schema: ACCOUNT,
    issuerHint: 'an operator key or operator signing key (O…), or the account itself (A…)',
    vouchedBy: 'operator',
    voucherHint: 'an operator key or operator signing key (O…)',
  },
  user: {
    type: 'user',
    issuers: ['account'],
    subject: 'user',
    schema: USER,
    issuerHint: 'an account key or account signing key (A…)',
    vouchedBy: 'account',
    voucherHint: 'an account key or account signing key (A…)',
  },
  activation: {
    type: 'activation',
    issuers: ['account', 'operator'],
    subject: 'account',
    schema: ACTIVATION,
    issuerHint: 'the exporting account or one of its signing keys (A…), or an operator key (O…)',
    vouchedBy: 'account',
    voucherHint: 'the exporting account or one of its signing keys (A…)',
  },
};

/** The role a public key's first letter announces (no checksum check: callers verify keys). */
export { roleOfKey } from '../../nkeys/roles.js';

/** The kind of a `nats.type` value; undefined for any other value (own keys only: "constructor" is no kind). */
export function claimKind(type: unknown): ClaimKind | undefined {
  return typeof type === 'string' && Object.hasOwn(KINDS, type) ? KINDS[type as NatsClaimType] : undefined;
}
