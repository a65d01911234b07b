/**
 * Untrusted input: the one reader of tokens for the whole project. Token text (bare, armored,
 * creds, server configs), creds files as user credentials, and the files, folders, standard
 * input and command-line arguments tokens come from, each bounded in size before it is read
 * and judged whole (never a substring). Above jwt/nkeys/claims; below trust, store, workspace
 * and the CLI, which all read tokens through it.
 *
 * @example
 * ```ts
 * import { loadChainFiles, memoryResolver, readTokenArg, verifyChain } from 'sigchain';
 * const { token } = await readTokenArg('alice.creds');
 * const resolver = memoryResolver(await loadChainFiles(['./nsc/stores/O2']));
 * ```
 */
export { type ArmorBlock, type ArmorScan, scanArmor } from './armor.js';
export { type Creds, parseCreds } from './creds.js';
export { MAX_CHAIN_INPUT_SIZE, MAX_TEXT_FILE_SIZE, MAX_TOKEN_FILE_SIZE } from './limits.js';
export { isTokenShaped } from './token-shape.js';
export { jwtsInText, tokenFromText } from './token-text.js';
export { isFolderInput, tokenFilesIn } from './token-folders.js';
export { MAX_WASM_FILE_SIZE, isWasmBytes, readBinaryFile, readWasmArg } from './wasm-files.js';
export {
  type ReadOptions,
  type TokenInput,
  loadChainFiles,
  looksLikeToken,
  readBoundedFile,
  readBoundedStream,
  readTokenArg,
  readTokenFile,
  readTokenOrJti,
  readTrustArgs,
} from './token-files.js';
