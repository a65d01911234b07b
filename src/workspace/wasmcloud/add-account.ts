import { encodeWascap } from '../../claims/wascap/codec.js';
import { newWascapAccountClaims } from '../../claims/wascap/builders.js';
import { SigchainError, isSigchainError } from '../../errors.js';
import type { Signer } from '../../keys/signer.js';
import { defaultUsages } from '../../keys/usage.js';
import { KeyPair } from '../../nkeys/keypair.js';
import type { IssuingParent } from '../signing/choose-signer.js';
import { pickSigner } from '../signing/issue.js';
import { type SignerLike, toSigner } from '../signing/signer-like.js';
import { tokenSigner } from '../signing/token-signer.js';
import type { Workspace } from '../workspace.js';
import { readWascapOperator } from './read.js';

/** Options of {@link addWascapAccount}. */
export interface AddWascapAccountOptions {
  /** The wascap operator to add it to; default the current one. */
  operator?: string;
  /** The key that signs (`-K`): one of the operator's `valid_signers` (or, with `allowIdentityKey`, its identity key). */
  signer?: SignerLike;
  /** Use this existing account public key instead of generating one. */
  publicKey?: string;
  /** Generate an account signing key and list it in `valid_signers` (it may then sign the account's modules). */
  generateSigningKey?: boolean;
  /**
   * Let the operator's identity key sign. wasmCloud's Gantry rejects such accounts, and so does
   * `sigchain verify` by default (`IDENTITY_KEY_MISUSE`); the result carries a warning.
   */
  allowIdentityKey?: boolean;
  expiry?: number;
  start?: number;
}

/** What {@link addWascapAccount} made. */
export interface AddWascapAccountResult {
  format: 'wascap';
  operator: string;
  account: { name: string; publicKey: string; issuer: string; signedBy: 'identity' | 'signing-key'; keyPath?: string };
  signingKey?: { publicKey: string; keyPath: string };
  warnings: string[];
}

/** The warning printed when an operator identity key signs an account (`--allow-identity-key`), after the seed document. */
export function identityKeyWarning(account: string, operator: string): string {
  return (
    `Account "${account}" is signed by operator "${operator}"'s identity key. Gantry rejects the provenance chain of accounts signed by an operator's identity key, ` +
    'and `sigchain verify` refuses it (IDENTITY_KEY_MISUSE) unless told otherwise: if that key is compromised, every account it signed must be invalidated with it, ' +
    'whereas accounts signed by a signing key survive the re-issue of the operator token. Keep the identity key offline and sign accounts with an operator signing key ' +
    '(`sigchain add operator NAME --format wascap --generate-signing-key`).'
  );
}

function identityRefused(operator: string, identity: string, signingKeys: readonly string[]): SigchainError {
  return new SigchainError(
    'NO_APPROPRIATE_SIGNING_KEY',
    `Operator "${operator}"'s identity key ${identity} may not sign accounts: wasmCloud's Gantry rejects accounts signed by an operator identity key (the key must stay offline; its signing keys issue accounts). ` +
      (signingKeys.length
        ? `Sign with one of its signing keys (valid_signers): ${signingKeys.join(', ')}, given with -K.`
        : 'The operator lists no signing keys: make a wascap operator with --generate-signing-key.') +
      ' To sign with the identity key anyway (refused by strict verifiers), pass --allow-identity-key.',
    { parent: identity, allowed: [...signingKeys] },
  );
}

/**
 * Creates a wasmCloud (wascap) account under a wascap operator: its identity key (custody) and,
 * when asked, a signing key listed in `valid_signers`; its token signed by one of the operator's
 * signing keys (`-K`, or one whose seed is at hand). The operator's identity key is refused
 * (`NO_APPROPRIATE_SIGNING_KEY`) unless `allowIdentityKey`, which warns. A NATS operator is
 * `WRONG_CLAIM_TYPE`. Makes the account the current one.
 *
 * @example
 * ```ts
 * await addWascapOperator(ws, 'W', { generateSigningKey: true });
 * const r = await addWascapAccount(ws, 'team', { generateSigningKey: true });
 * r.account.signedBy; // 'signing-key'
 * ```
 */
export async function addWascapAccount(ws: Workspace, name: string, opts: AddWascapAccountOptions = {}): Promise<AddWascapAccountResult> {
  return ws.store.locked(async () => {
    const op = await ws.operator(opts.operator);
    const operator = await readWascapOperator(op);
    if (await op.hasAccount(name)) throw new SigchainError('STORE_EXISTS', `Account ${name} already exists in operator ${op.name}. Choose another name, or edit that account.`);
    if (opts.publicKey !== undefined) KeyPair.fromPublic(opts.publicKey, ['account']);
    const identity = operator.claims.sub;
    const signingKeys = operator.claims.wascap.valid_signers ?? [];
    const allow = opts.allowIdentityKey === true;
    const explicit = await toSigner(ws, opts.signer);
    if (explicit && explicit.publicKey === identity && !allow) throw identityRefused(op.name, identity, signingKeys);
    // wascap has no strict flag in the token: Gantry's rule is always on, so the identity key is barred unless allowed.
    const parent: IssuingParent = { kind: 'operator', name: op.name, identity, signingKeys, strict: !allow };
    let chosen;
    try {
      chosen = await pickSigner(ws, parent, 'account tokens', explicit, []);
    } catch (e) {
      if (!explicit && !allow && isSigchainError(e, 'NO_APPROPRIATE_SIGNING_KEY') && (await ws.custody.trySigner(identity))) throw identityRefused(op.name, identity, signingKeys);
      throw e;
    }
    const [key, sk] = await Promise.all([
      opts.publicKey === undefined ? ws.custody.generate('account', defaultUsages('account', 'identity')) : undefined,
      opts.generateSigningKey ? ws.custody.generate('account', defaultUsages('account', 'signing-key')) : undefined,
    ]);
    const made = [key, sk].filter((k): k is Signer => k !== undefined);
    const publicKey = opts.publicKey ?? key!.publicKey;
    try {
      const claims = newWascapAccountClaims(name, publicKey, {
        ...(sk ? { validSigners: [sk.publicKey] } : {}),
        ...(opts.expiry ? { exp: opts.expiry } : {}),
        ...(opts.start ? { nbf: opts.start } : {}),
      });
      const token = await encodeWascap(claims, tokenSigner(chosen.key, 'issuing', publicKey));
      await op.addAccount(name, token);
    } catch (e) {
      for (const k of made) await ws.keys.removeKey(k.publicKey);
      throw e;
    }
    await ws.select(op.name, name);
    const result: AddWascapAccountResult = {
      format: 'wascap',
      operator: op.name,
      account: { name, publicKey, issuer: chosen.key.publicKey, signedBy: chosen.as, ...(key ? { keyPath: ws.custody.whereIs(key) } : {}) },
      warnings: chosen.as === 'identity' ? [identityKeyWarning(name, op.name)] : [],
    };
    if (sk) result.signingKey = { publicKey: sk.publicKey, keyPath: ws.custody.whereIs(sk) };
    return result;
  });
}
