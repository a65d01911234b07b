/**
 * The `keys` layer: what a key may do (usages, fixed when it is made) and the checks every
 * signer makes before it signs.
 *
 * @example
 * ```ts
 * import { parseUsages, defaultUsages, assertMaySign } from 'sigchain';
 * await keyStore.storeKey(KeyPair.create('operator'), { usages: parseUsages('IssuingOnly') });
 * assertMaySign(await keyStore.getKeyMeta(pub), 'issuing', 'account tokens'); // or KEY_USAGE_VIOLATION
 * ```
 */
export { type KeyPurpose, type KeyUsage, KEY_USAGES, USAGE_PRESETS, type UsagePreset, defaultUsages, formatUsages, isKeyUsage, matchesAnyUsage, normalizeUsages, parseUsages, sameUsages } from './usage.js';
export { type KeyInfo, type KeyMeta, isRetired, legacyMeta } from './key-meta.js';
export { assertMaySign, assertNotRetired, assertUsage } from './assert-usage.js';
export { type Restriction, type RestrictingParent, type StatementKind, RESTRICTIONS_FIELD, STATEMENT_KINDS, formatRestriction, mayUnder, missingKinds, parseRestriction, pruneRestrictions, readRestrictions, restrictionOf, setRestriction } from './restrictions.js';
export { type ApprovingOperator, type DelegationApproval, DELEGATION_FIELD, accountStatementKinds, approveDelegation, delegationApproved, delegationText, mayApproveDelegation, setDelegationApproval } from './statement-kinds.js';
export { type KeyBackend, type KeyringEntry, type SignContext, type SignKind, type Signer, KEY_BACKENDS } from './signer.js';
export { type Keyring, type SeedKeyring, isSeedKeyring } from './keyring.js';
export { type AuditCaller, type AuditRecord, type AuditRecordInput, type AuditResult, type AuditSink } from './audit-record.js';
