/**
 * NATS JWT v2 claims: types, builders with Go's defaults, byte-compatible encode (Go field
 * order, escaping and jti), verified decode, validation mirroring Go's `Validate`, creds files.
 *
 * @example
 * ```ts
 * import { newUserClaims, encodeUser, decodeUser } from 'sigchain/claims';
 * const jwt = encodeUser(newUserClaims('alice', user.publicKey), account);
 * decodeUser(jwt).sub === user.publicKey; // true
 * ```
 */
export * from './types.js';
export { addTags, removeTags } from './common.js';
export { hasEmptyPermissions, isUserScope, newUserClaims, setScoped } from './user.js';
export {
  encodeAccount,
  encodeAccountAsync,
  encodeActivation,
  encodeActivationAsync,
  encodeGeneric,
  encodeGenericAsync,
  encodeOperator,
  encodeOperatorAsync,
  encodeUser,
  encodeUserAsync,
  natsPayload,
} from './encode.js';
export {
  type InspectedToken,
  decodeAccount,
  decodeActivation,
  decodeNatsClaims,
  decodeOperator,
  decodeUser,
  inspectNatsClaims,
} from './decode.js';
export {
  accountDidSign,
  addSigningKey,
  clearActivationRevocation,
  clearRevocation,
  isAccountSigningKey,
  isRevoked,
  newAccountClaims,
  newUserScope,
  removeSigningKey,
  revoke,
  revokeActivation,
  signingKeyScope,
  systemAccountExports,
  unlimitedAccountLimits,
} from './account.js';
export { addOperatorSigningKey, newOperatorClaims, operatorDidSign, removeOperatorSigningKey } from './operator.js';
export { activationHashId, newActivationClaims } from './activation.js';
export {
  DEFAULT_MAX_CONTROL_LINE,
  type Issue,
  type ValidateOptions,
  type ValidationResult,
  connectLineSize,
  validateClaims,
  validateScopedSigner,
} from './validate.js';
export { hasWildcards, isContainedIn, subjectProblem } from './subjects.js';
export { formatCreds } from './creds.js';
