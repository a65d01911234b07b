/**
 * Revocation, in one import: user keys revoked as of a time in the account JWT (NATS
 * `revocations`, `"*"` for every user; revoked iff the entry's time >= the token's iat), and
 * single tokens revoked by jti (sigchain's own list, also expressed to nats-server as a key
 * revocation at the token's iat). Revocations live in the ACCOUNT JWT, so the OPERATOR side
 * signs them: an operator signing key, or the operator identity key.
 *
 * @example
 * ```ts
 * import { Workspace, revokeUser, revokeJti, revokedJtisFromStore } from 'sigchain';
 * const ws = Workspace.open();
 * await revokeUser(ws, { account: 'A', user: 'U' });            // every token of U issued until now
 * await revokeJti(ws, { token: leakedUserJwt });                  // one token (and its second, on servers)
 * const revokedJtis = await revokedJtisFromStore(ws);             // for definePolicy({ revokedJtis })
 * ```
 */
export {
  type ResignedAccount,
  type RevokeUserOptions,
  type RevokeUserResult,
  type RevokedUser,
  type UnrevokeUserOptions,
  type UnrevokeUserResult,
  type UserKeyTarget,
  revokeUser,
  unrevokeUser,
} from './revoke-user.js';
export { type ListRevocationsOptions, type ListRevocationsResult, type RevocationEntry, listRevocations } from './list-revocations.js';
export {
  type JtiKeyRevocationResult,
  type RevokeJtiOptions,
  type RevokeJtiResult,
  type UnrevokeJtiOptions,
  type UnrevokeJtiResult,
  revokeJti,
  unrevokeJti,
} from './revoke-jti.js';
export { type AccountRevokedJtis, type ListRevokedJtisOptions, type ListRevokedJtisResult, listRevokedJtis, revokedJtisFromStore } from './revoked-jtis.js';
export { REVOCATION_COUNT_WARNING, REVOCATION_SIZE_WARNING } from './revocation-common.js';
