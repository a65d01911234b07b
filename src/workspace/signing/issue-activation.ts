import type { SignerLike } from './signer-like.js';
import { encodeActivationAsync } from '../../claims/nats/encode.js';
import type { AccountClaims, ActivationClaims } from '../../claims/nats/types.js';
import { validateClaims } from '../../claims/nats/validate.js';
import { SigchainError } from '../../errors.js';
import type { Stored } from '../read.js';
import { type Issued, accountParent, expiredAtIssue, pickSigner } from './issue.js';
import { tokenSigner } from './token-signer.js';
import type { Workspace } from '../workspace.js';

/**
 * Signs an activation token for `exporter`: with `explicit` (the -K key: the account's identity
 * key or one of its signing keys) if given, else a signing key of the account whose seed is at
 * hand, else its identity key (unless the operator is strict). The key must hold the `issuing`
 * usage, not be retired, and be allowed `activation` statements by the account's restrictions,
 * all checked before anything is signed. A signing key sets `issuer_account`, as nats-server
 * needs to find the exporter.
 *
 * @example
 * ```ts
 * const issued = await issueActivation(ws, exporter, false, newActivationClaims('orders.>', importer, 'orders.>', 'stream'));
 * ```
 */
export async function issueActivation(ws: Workspace, exporter: Stored<AccountClaims>, operatorStrict: boolean, claims: ActivationClaims, explicit?: SignerLike): Promise<Issued> {
  const signer = await pickSigner(ws, accountParent(exporter, operatorStrict), 'activation tokens', explicit, ['activation']);
  if (signer.as === 'signing-key') claims.nats.issuer_account = exporter.claims.sub;
  else delete claims.nats.issuer_account;
  const blocking = validateClaims(claims).errors.filter((e) => !e.timeCheck);
  if (blocking.length) {
    throw new SigchainError('INVALID_CLAIMS', `The activation would be invalid, so it was not signed:\n${blocking.map((e) => `  - ${e.field ? `${e.field}: ` : ''}${e.message}`).join('\n')}`, { issues: blocking });
  }
  const token = await encodeActivationAsync(claims, tokenSigner(signer.key, 'issuing', claims.sub));
  const warnings: string[] = [];
  const expired = expiredAtIssue(`the activation of "${claims.nats.subject}" for account ${claims.sub}`, claims.exp);
  if (expired) warnings.push(expired);
  if (signer.as === 'identity') {
    warnings.push(
      `The activation was signed by account "${exporter.name}"'s identity key. Keep that key offline: add an account signing key (\`sigchain edit account ${exporter.name} --sk generate\`) and sign activations with it (-K).`,
    );
  }
  return { token, signer, warnings };
}
