/**
 * The embedded default store, in nsc's on-disk layout: operator stores, the key store
 * (seeds and creds) and the current context; and the store shared through JetStream KV
 * (`KvStore`), behind the same interface (`EntityStore`, `OperatorEntities`). See each module.
 *
 * @example
 * ```ts
 * import { resolvePaths, FsStore, KeyStore, resolveOperator } from 'sigchain/store';
 * const paths = resolvePaths(process.env, { nsc: true });
 * const op = await resolveOperator(FsStore.fromPaths(paths), paths);
 * const seed = await KeyStore.fromPaths(paths).getKey(operatorPublicKey);
 * ```
 */
export { type AtomicWriteOptions, PRIVATE_DIR_MODE, PUBLIC_FILE_MODE, SECRET_FILE_MODE, ensureDir, isTempName, removeFile, writeFileAtomic } from './atomic.js';
export { type ContextFile, type CurrentContext, currentContext, readContextFile, resolveAccount, resolveOperator, selectAccount, selectOperator, writeContextFile } from './context.js';
export { type CreateOperatorOptions, FsStore, NSC_FILE, NSC_STORE_VERSION, nscFileContent } from './fs-store.js';
export { type BulkWriteReport, type NewFile, createFilesDurably } from './bulk-write.js';
export { type JwtDirEntry, type JwtFacts, type StoredKind, checkTokenFor, readJwtDir, readJwtDirSync, readJwtFile } from './jwt-files.js';
export { KEYSTORE_GITIGNORE, type KeyEntry, type KeyListing, KeyStore, type KeyStoreOptions, type RetireKeyOptions, type StoreKeyOptions } from './keystore.js';
export { KEY_META_EXTENSION } from './key-meta-file.js';
export { DEFAULT_LOCK_TIMEOUT_MS, LOCK_FILE, type LockHolder, type LockOptions, readLockHolder, withStoreLock } from './lock.js';
export { type NameKind, safeName } from './names.js';
export { type FoundEntity, type OperatorInfo, OperatorStore } from './operator-store.js';
export type { EntityStore, OperatorEntities } from './store.js';
export { DEFAULT_KV_BUCKET, KV_HISTORY, KV_LAYOUT, type KvChange, type KvKey, KvOperatorStore, KvStore, type KvStoreOptions, kvKeys, parseKvKey } from './kv/kv-store.js';
export { type Env, type PathFlags, type PathRow, type ResolvedPath, type StorePaths, describePaths, isNscMode, resolvePaths, sigchainHome } from './paths.js';
export { type JtiKeyRevocation, REVOKED_JTIS_FILE, REVOKED_JTIS_VERSION, type RevokedJti, type RevokedJtiList, readRevokedJtis, revokedJtiEntries, revokedJtisPath, writeRevokedJtis } from './revoked-jtis.js';
