import type { SignerLike } from '../signing/signer-like.js';
import { newAccountClaims } from '../../claims/nats/account.js';
import { SigchainError } from '../../errors.js';
import { defaultUsages } from '../../keys/usage.js';
import { KeyPair } from '../../nkeys/keypair.js';
import { issueAccount } from '../signing/issue.js';
import { readOperator } from '../read.js';
import type { Workspace } from '../workspace.js';

/** Options of {@link addAccount}. */
export interface AddAccountOptions {
  /** Operator to add it to; default the current one. */
  operator?: string;
  /** The key that signs (`-K`): the operator's identity key or one of its signing keys. */
  signer?: SignerLike;
  /** Use this existing account public key instead of generating one (its seed is not needed). */
  publicKey?: string;
  expiry?: number;
  start?: number;
}

/** What {@link addAccount} made. */
export interface AddAccountResult {
  operator: string;
  account: { name: string; publicKey: string; issuer: string; signedBy: 'identity' | 'signing-key'; keyPath?: string };
  warnings: string[];
}

/**
 * Creates an account under an operator, with nsc's unlimited default limits (an account JWT
 * without limits locks every user out), signed by `signer` or the best key at hand.
 * Makes it the current account.
 *
 * @example
 * ```ts
 * await addAccount(ws, 'A', { signer: await ws.resolveKey(operatorSigningKeyPath) });
 * ```
 */
export async function addAccount(ws: Workspace, name: string, opts: AddAccountOptions = {}): Promise<AddAccountResult> {
  return ws.store.locked(async () => {
    const op = await ws.operator(opts.operator);
    const operator = await readOperator(op);
    // Checked before any key is made, so a refused add leaves nothing behind.
    if (await op.hasAccount(name)) throw new SigchainError('STORE_EXISTS', `Account ${name} already exists in operator ${op.name}. Choose another name, or edit that account.`);
    const key = opts.publicKey ? undefined : KeyPair.create('account');
    const publicKey = opts.publicKey ?? key!.publicKey;
    if (opts.publicKey) KeyPair.fromPublic(opts.publicKey, ['account']);
    const claims = newAccountClaims(name, publicKey);
    if (opts.expiry) claims.exp = opts.expiry;
    if (opts.start) claims.nbf = opts.start;
    const issued = await issueAccount(ws, operator, claims, opts.signer, { previous: null });
    const keyPath = key ? ws.custody.whereIs(await ws.custody.importKey(key, defaultUsages('account', 'identity'))) : undefined;
    await op.addAccount(name, issued.token);
    await ws.select(op.name, name);
    return {
      operator: op.name,
      account: { name, publicKey, issuer: issued.signer.key.publicKey, signedBy: issued.signer.as, ...(keyPath ? { keyPath } : {}) },
      warnings: issued.warnings,
    };
  });
}
