/**
 * sigchain: chains of signed authority. Typed Ed25519 keys (NATS nkeys), NATS JWT v2
 * tokens, an nsc-compatible store, one verifier, and the operations `nsc` offers, as a library.
 *
 * This entry point names what most programs need, on purpose (test/api snapshots it). Each
 * layer is also a sub-path with its fuller toolbox: `sigchain/nkeys`, `sigchain/jwt`,
 * `sigchain/claims`, `sigchain/keys`, `sigchain/input`, `sigchain/trust`, `sigchain/store`,
 * `sigchain/workspace`, `sigchain/nats`.
 *
 * @example
 * ```ts
 * import { Workspace, addOperator, addAccount, addUser, readStoreTrust, definePolicy, verifyChainSync } from 'sigchain';
 * const ws = Workspace.open({ env: { SIGCHAIN_HOME: '/tmp/demo' } });
 * await addOperator(ws, 'O2', { generateSigningKey: true });
 * await addAccount(ws, 'A');
 * const { user } = await addUser(ws, 'U');
 * const { resolver, operators } = await readStoreTrust(ws);
 * console.log(verifyChainSync(user.token, { resolver, policy: definePolicy({ trustedOperators: operators }) }).valid);
 * ```
 */

// Errors and caches.
export { type ErrorCode, ErrorCodes, type Finding, SigchainError, isSigchainError } from './errors.js';
export { clearCaches } from './bounded-map.js';

// Keys.
export { type AsyncSigner, KeyPair, type Signer, verifySignature } from './nkeys/keypair.js';
export { ALL_ROLES, type Role } from './nkeys/roles.js';
export { decodePublicKey, decodeSeed, encodePublicKey, encodeSeed, isPublicKey, isSeed, publicKeyRole } from './nkeys/codec.js';

// Tokens.
export { type DecodedJwt, MAX_TOKEN_SIZE, decodeJwt, verifyJwt } from './jwt/decode.js';
export { signJwt, signJwtAsync } from './jwt/encode.js';
export { NATS_FORMAT, type TokenFormat, WASCAP_FORMAT } from './jwt/formats.js';

// NATS claims: build, encode, decode, validate.
export {
  type Account,
  type AccountClaims,
  type AccountLimits,
  type AccountSigningKey,
  type Activation,
  type ActivationClaims,
  type ConnectionType,
  CONNECTION_TYPES,
  type EncodeOptions,
  type Export,
  type Import,
  NATS_JWT_VERSION,
  type NatsClaimType,
  type NatsClaims,
  type Operator,
  type OperatorClaims,
  type Permission,
  type Permissions,
  type User,
  type UserClaims,
  type UserScope,
  isAccountClaims,
  isActivationClaims,
  isOperatorClaims,
  isUserClaims,
} from './claims/nats/types.js';
export { newUserClaims, setScoped } from './claims/nats/user.js';
export { addSigningKey, isRevoked, newAccountClaims, newUserScope, removeSigningKey, revoke, signingKeyScope, systemAccountExports } from './claims/nats/account.js';
export { addOperatorSigningKey, newOperatorClaims, removeOperatorSigningKey } from './claims/nats/operator.js';
export { newActivationClaims } from './claims/nats/activation.js';
export { encodeAccount, encodeActivation, encodeOperator, encodeUser } from './claims/nats/encode.js';
export { type InspectedToken, decodeAccount, decodeActivation, decodeNatsClaims, decodeOperator, decodeUser, inspectNatsClaims } from './claims/nats/decode.js';
export { type Issue, type ValidateOptions, type ValidationResult, validateClaims } from './claims/nats/validate.js';
export { formatCreds } from './claims/nats/creds.js';

// What keys may do.
export { KEY_USAGES, type KeyUsage, USAGE_PRESETS, type UsagePreset, defaultUsages, formatUsages, parseUsages } from './keys/usage.js';
export { type Restriction, STATEMENT_KINDS, type StatementKind, formatRestriction, parseRestriction } from './keys/restrictions.js';

// Untrusted input: the one token reader.
export { type Creds, parseCreds } from './input/creds.js';
export { jwtsInText, tokenFromText } from './input/token-text.js';
export { type TokenInput, loadChainFiles, readTokenArg, readTokenFile, readTrustArgs } from './input/token-files.js';

// The verifier.
export { type ChainLink, type LinkKind, type Reason, type SignedBy, type Verdict, errorCodes } from './trust/verdict.js';
export { type Policy, type PolicyOptions, definePolicy, natsServerPolicy } from './trust/policy.js';
export { type ChainResolver, type SyncChainResolver, memoryResolver } from './trust/resolver.js';
export { type VerifyOptions, type VerifySyncOptions, verifyChain, verifyChainSync } from './trust/verify-chain.js';

// The store on disk.
export { FsStore } from './store/fs-store.js';
export { KeyStore } from './store/keystore.js';
export { OperatorStore } from './store/operator-store.js';
export type { EntityStore, OperatorEntities } from './store/store.js';
export { type StorePaths, resolvePaths } from './store/paths.js';

// nats-server.
export { type MemoryResolverInput, type NatsResolverInput, memoryResolverConfig, natsResolverConfig } from './nats/server-config.js';
export { ResolverSession, type ServerIdentity, type ServerReply, type SessionUser } from './nats/resolver/client.js';

// The operations on a store.
export * from './workspace/index.js';
