/**
 * Verifying against the store: the store handed to the verifier (src/trust) through its
 * resolver, with the store's operators as roots and its revoked jtis.
 *
 * @example
 * ```ts
 * const { resolver, operators, revokedJtis } = await readStoreTrust(Workspace.open());
 * ```
 */
export { type StoreTrust, readStoreTrust, storeResolver } from './store-trust.js';
export { type ValidateOptions, type ValidationProblem, type ValidationReport, validateStore } from './validate.js';
export { type PlainPolicy, type VerifyManyResult, verifyMany } from './verify-many.js';
export { type InputVerdict, type VerifyInputsOptions, verifyInputs } from './verify-inputs.js';
