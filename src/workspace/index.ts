/**
 * The workspace: the operations users run on a store, in four parts — entities (add, edit,
 * creds), signing (who signs what, scopes, restrictions, coverage, key inventory), revocation,
 * compromise, and wasmCloud (wascap operators, accounts, signed modules). It joins the store, the keys and the trust layers.
 */
export { Workspace, type WorkspaceOptions } from './workspace.js';
export { type Stored, isWascapStored, keyNames, readAccount, readOperator, readUser, storedUsers, wascapOperatorError } from './read.js';
export * from './edits/index.js';
export * from './entities/index.js';
export * from './signing/index.js';
export * from './revocation/index.js';
export * from './compromise/index.js';
export * from './verify/index.js';
export * from './wasmcloud/index.js';
export { type OutputFileOptions, writeOutputFile } from './output-file.js';
export * from './distribution/index.js';
export { type Expiration, type ExpirationReport, type UnreadableToken, listExpirations } from './expirations.js';
export { type KvChange, type TransferResult, type TransferredEntity, exportStore, importStore, watchStore } from './store-transfer.js';
