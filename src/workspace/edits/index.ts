/**
 * Edits: changes to claims described as data (permissions, limits, times), applied to a
 * token's claims in memory before it is re-signed. Shared by the entity commands and by the
 * user-scoped signing keys, whose templates are user edits.
 *
 * @example
 * ```ts
 * import { applyUserEdit } from 'sigchain';
 * applyUserEdit(userClaims.nats, { allowPub: ['svc.>'] });
 * ```
 */
export { type UserEdit, applyUserEdit, editSetsPermissions } from './user-edit.js';
export { type ClaimEdit, applyClaimEdit } from './claim-edit.js';
export { type ExportSpec, type ImportSpec, RESPONSE_TYPES, exportFromSpec, exportsCovering, importFromSpec, importersOf, insertExport, insertImport, removeExport, removeImport } from './export-edit.js';
