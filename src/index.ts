/**
 * sigchain: chains of signed authority. Typed Ed25519 keys (NATS nkeys), NATS JWT v2
 * tokens, an nsc-compatible store, and the operations `nsc` offers, as a library.
 *
 * @example
 * ```ts
 * import { Workspace, addOperator, addAccount, addUser } from 'sigchain';
 * const ws = Workspace.open({ env: { SIGCHAIN_HOME: '/tmp/demo' } });
 * await addOperator(ws, 'O2', { generateSigningKey: true });
 * await addAccount(ws, 'A');
 * const { user } = await addUser(ws, 'U');
 * console.log(user.credsPath);
 * ```
 */
export * from './errors.js';
export * from './nkeys/index.js';
export * from './jwt/index.js';
export * from './claims/index.js';
export {
  type Creds,
  MAX_CHAIN_INPUT_SIZE,
  MAX_TEXT_FILE_SIZE,
  MAX_TOKEN_FILE_SIZE,
  type ReadOptions,
  type TokenInput,
  isTokenShaped,
  jwtsInText,
  loadChainFiles,
  parseCreds,
  readBoundedFile,
  readBoundedStream,
  readTokenArg,
  readTokenFile,
  readTokenOrJti,
  readTrustArgs,
  tokenFromText,
} from './input/index.js';
export * from './keys/index.js';
export * from './store/index.js';
export * from './workspace/index.js';
export { type MemoryResolverInput, memoryResolverConfig } from './nats/server-config.js';
export * from './trust/index.js';
