/**
 * Signing: which key signs a statement, and whether it may. A statement's kind (account,
 * signing-keys, user, activation) is checked against the key's usages (fixed at creation) and
 * its parent's restrictions; signing keys are preferred over identity keys. Also the edits of
 * signing keys themselves: user scopes, delegation restrictions, coverage, the key inventory.
 *
 * @example
 * ```ts
 * import { Workspace, chooseSigner, checkCoverage } from 'sigchain';
 * const ws = Workspace.open();
 * const { warnings } = await checkCoverage(ws);
 * ```
 */
export { type ChosenSigner, type IssuingParent, chooseSigner } from './choose-signer.js';
export { type Issued, accountParent, issueAccount, issueUser, operatorParent } from './issue.js';
export { issueActivation } from './issue-activation.js';
export { assertSignerMay } from './signer-usage.js';
export { type KeyInventoryFilter, type KeyInventoryRow, type KeyStatus, keyInventory } from './key-inventory.js';
export { type EditSigningKeyScopeOptions, type EditSigningKeyScopeResult, editSigningKeyScope } from './signing-key-scope.js';
export { type EntityKey, type EntityKeysOptions, entityKeys } from './entity-keys.js';
export { type CoverageResult, type CoverageRow, checkCoverage } from './coverage.js';
export { applyRestrictions } from './restrict-signing-keys.js';
export { resolveUserSigner } from './resolve-signer.js';
