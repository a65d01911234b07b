import { encodeWascap } from '../../claims/wascap/codec.js';
import { newWascapOperatorClaims } from '../../claims/wascap/builders.js';
import { SigchainError } from '../../errors.js';
import type { Signer } from '../../keys/signer.js';
import { defaultUsages } from '../../keys/usage.js';
import { assertSignerMay } from '../signing/signer-usage.js';
import { tokenSigner } from '../signing/token-signer.js';
import type { Workspace } from '../workspace.js';

/** Options of {@link addWascapOperator}. */
export interface AddWascapOperatorOptions {
  /** Generate an operator signing key and list it in `valid_signers` (what Gantry requires). */
  generateSigningKey?: boolean;
  /** Unix seconds; 0/undefined = never. */
  expiry?: number;
  start?: number;
}

/** What {@link addWascapOperator} made. */
export interface AddWascapOperatorResult {
  format: 'wascap';
  operator: { name: string; publicKey: string; keyPath: string };
  signingKey?: { publicKey: string; keyPath: string };
  warnings: string[];
}

/** The seed document's warning (wasmCloud's operator practice), for an operator without signing keys. */
export const NO_OPERATOR_SIGNING_KEY_WARNING =
  'This self-issued operator has no additional signing keys, which makes it incompatible with Gantry: Gantry rejects accounts signed by an ' +
  "operator's identity key, so with no signing key this operator can issue no account Gantry accepts. Add one with " +
  '`sigchain add operator NAME --format wascap --generate-signing-key`, and keep the identity key offline.';

/**
 * Creates a wasmCloud (wascap) operator: its identity key and, when asked, a signing key (both
 * in custody: sealed by default), and its self-issued wascap token listing the signing key in
 * `valid_signers`, in a new operator store (same layout as NATS; the token's header tells the
 * format). No system account: wasmCloud has none. Makes the new operator the current one.
 *
 * @example
 * ```ts
 * const r = await addWascapOperator(ws, 'W', { generateSigningKey: true });
 * r.signingKey?.publicKey; // 'O…', in the token's wascap.valid_signers
 * ```
 */
export async function addWascapOperator(ws: Workspace, name: string, opts: AddWascapOperatorOptions = {}): Promise<AddWascapOperatorResult> {
  return ws.store.locked(async () => {
    if (await ws.store.hasOperator(name)) {
      throw new SigchainError('STORE_EXISTS', `Operator ${name} already exists in ${ws.store.location}. Choose another name, or edit that operator.`, { kind: 'operator', name });
    }
    const [identity, sk] = await Promise.all([
      ws.custody.generate('operator', defaultUsages('operator', 'identity')),
      opts.generateSigningKey ? ws.custody.generate('operator', defaultUsages('operator', 'signing-key')) : undefined,
    ]);
    const made = [identity, sk].filter((k): k is Signer => k !== undefined);
    try {
      await assertSignerMay(ws, identity, 'identity', `the token of operator "${name}"`);
      const claims = newWascapOperatorClaims(name, identity.publicKey, {
        ...(sk ? { validSigners: [sk.publicKey] } : {}),
        ...(opts.expiry ? { exp: opts.expiry } : {}),
        ...(opts.start ? { nbf: opts.start } : {}),
      });
      const token = await encodeWascap(claims, tokenSigner(identity, 'identity', identity.publicKey));
      const op = await ws.store.createOperator(name, token);
      await ws.select(op.name, null);
      const result: AddWascapOperatorResult = { format: 'wascap', operator: { name: op.name, publicKey: identity.publicKey, keyPath: ws.custody.whereIs(identity) }, warnings: [] };
      if (sk) result.signingKey = { publicKey: sk.publicKey, keyPath: ws.custody.whereIs(sk) };
      else result.warnings.push(NO_OPERATOR_SIGNING_KEY_WARNING);
      return result;
    } catch (e) {
      // A refused add must not leave fresh, unused keys behind.
      for (const k of made) await ws.keys.removeKey(k.publicKey);
      throw e;
    }
  });
}
