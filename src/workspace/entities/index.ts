/**
 * Entities: creating and changing operators, accounts and users, and writing a user's creds.
 * Each operation reads the store, builds the new claims, has them signed by a key chosen
 * under the signing rules (`../signing`), and writes the token atomically under the store lock.
 *
 * @example
 * ```ts
 * import { Workspace, addOperator, addAccount, addUser } from 'sigchain';
 * const ws = Workspace.open({ env: { SIGCHAIN_HOME: '/tmp/demo' } });
 * await addOperator(ws, 'O');
 * await addAccount(ws, 'A');
 * const { user } = await addUser(ws, 'U');
 * ```
 */
export { type AddOperatorOptions, type AddOperatorResult, addOperator } from './add-operator.js';
export { type AddAccountOptions, type AddAccountResult, addAccount } from './add-account.js';
export { type AddUserOptions, type AddUserResult, addUser } from './add-user.js';
export { type AddUsersOptions, type AddUsersResult, MAX_USERS_PER_BATCH, addUsers } from './add-users.js';
export { type EditOperatorOptions, type EditOperatorResult, editOperator } from './edit-operator.js';
export { type EditAccountOptions, type EditAccountResult, editAccount } from './edit-account.js';
export { type EditUserOptions, type EditUserResult, editUser } from './edit-user.js';
export { generateCreds } from './generate-creds.js';
export { type AddExportOptions, type AddExportResult, type DeleteExportOptions, type DeleteExportResult, type ResignedAccountInfo, addExport, deleteExport } from './exports.js';
export { type AddImportOptions, type AddImportResult, type DeleteImportOptions, type DeleteImportResult, addImport, deleteImport } from './imports.js';
export { type GenerateActivationOptions, type GenerateActivationResult, decorateJwt, generateActivation } from './activation.js';
export { type DeleteUserOptions, type DeleteUserResult, type DeletedUser, deleteUser } from './delete-user.js';
export { type DeleteAccountOptions, type DeleteAccountResult, deleteAccount } from './delete-account.js';
