/**
 * wasmCloud (wascap) entities in the store: operators and accounts in NATS's layout, holding
 * wascap tokens (the header tells the format; NATS commands refuse them and the reverse), and
 * modules signed with an account key.
 *
 * @example
 * ```ts
 * import { Workspace, addWascapOperator, addWascapAccount, signModule } from 'sigchain';
 * await addWascapOperator(ws, 'W', { generateSigningKey: true });
 * const acct = await addWascapAccount(ws, 'team', { generateSigningKey: true });
 * const signed = await signModule(ws, wasm, { issuer: await ws.resolveSigner(acct.signingKey!.publicKey), name: 'echo' });
 * ```
 */
export { type AddWascapOperatorOptions, type AddWascapOperatorResult, NO_OPERATOR_SIGNING_KEY_WARNING, addWascapOperator } from './add-operator.js';
export { type AddWascapAccountOptions, type AddWascapAccountResult, addWascapAccount, identityKeyWarning } from './add-account.js';
export { type EntityKeys, isWascapOperator, readAccountKeys, readOperatorKeys, readWascapAccount, readWascapOperator } from './read.js';
export { type SignModuleOptions, type SignedModule, signModule } from './wasm-sign.js';
