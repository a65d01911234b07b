import type { SignerLike } from '../signing/signer-like.js';
import { addSigningKey, removeSigningKey } from '../../claims/nats/account.js';
import { decodeAccount, decodeActivation, decodeUser } from '../../claims/nats/decode.js';
import type { OperatorLimits } from '../../claims/nats/types.js';
import { SigchainError } from '../../errors.js';
import type { Restriction } from '../../keys/restrictions.js';
import { issueAccount } from '../signing/issue.js';
import { readAccountInStore } from '../read.js';
import { type PendingSigningKey, resolveSigningKeyArg, storeSigningKeys } from '../signing/signing-key-arg.js';
import { applyRestrictions } from '../signing/restrict-signing-keys.js';
import { type ClaimEdit, applyClaimEdit, setOrDelete } from '../edits/claim-edit.js';
import type { Workspace } from '../workspace.js';

/** Options of {@link editAccount}. */
export interface EditAccountOptions extends ClaimEdit {
  operator?: string;
  account?: string;
  /** Signing keys to add: public keys, seeds, .nk paths, or `generate`. */
  addSigningKeys?: string[];
  removeSigningKeys?: string[];
  /** Delegation restrictions to set, by signing key (public): `user`, `activation`, or both (`CanSignAll`). */
  restrictSigningKeys?: Record<string, Restriction>;
  /** Limits to set (-1 = unlimited), as nsc's `--conns`, `--data`, … */
  limits?: Partial<OperatorLimits>;
  description?: string;
  infoUrl?: string;
  /** The operator key that signs (`-K`). */
  signer?: SignerLike;
}

/** What {@link editAccount} changed. */
export interface EditAccountResult {
  operator: string;
  account: { name: string; publicKey: string; issuer: string; signedBy: 'identity' | 'signing-key' };
  added: Array<{ publicKey: string; storedAt?: string; generated: boolean }>;
  removed: string[];
  /** Users whose issuer is no longer a key of this account: they no longer verify. */
  orphanedUsers: string[];
  warnings: string[];
}

/**
 * Changes an account and re-signs it with an operator key (`signer`, else the best at hand).
 * Removing a signing key invalidates the users it signed: they are listed so they can be re-issued.
 *
 * @example
 * ```ts
 * await editAccount(ws, { addSigningKeys: ['generate'], signer: operatorSigningKey });
 * ```
 */
export async function editAccount(ws: Workspace, opts: EditAccountOptions): Promise<EditAccountResult> {
  return ws.store.locked(async () => {
    const { op, operator, name, account: { claims } } = await readAccountInStore(ws, opts.operator, opts.account);
    const previous = structuredClone(claims);
    const result: EditAccountResult = { operator: op.name, account: { name, publicKey: claims.sub, issuer: '', signedBy: 'identity' }, added: [], removed: [], orphanedUsers: [], warnings: [] };

    // Seeds are stored only once the token is signed: a refused edit writes nothing.
    const pending: PendingSigningKey[] = [];
    for (const spec of opts.addSigningKeys ?? []) {
      const sk = await resolveSigningKeyArg(ws, spec, 'account');
      if (sk.publicKey === claims.sub) throw new SigchainError('USAGE', `${claims.sub} is the account's identity key; a signing key must be a different key.`);
      addSigningKey(claims, sk.publicKey);
      pending.push(sk);
    }
    for (const pub of opts.removeSigningKeys ?? []) {
      const listed = (claims.nats.signing_keys ?? []).some((k) => (typeof k === 'string' ? k : k.key) === pub);
      if (!listed) throw new SigchainError('STORE_NOT_FOUND', `${pub} is not a signing key of account "${name}". Its signing keys: ${(claims.nats.signing_keys ?? []).map((k) => (typeof k === 'string' ? k : k.key)).join(', ') || '(none)'}.`);
      removeSigningKey(claims, pub);
      result.removed.push(pub);
    }
    applyRestrictions(claims.nats, 'account', name, (claims.nats.signing_keys ?? []).map((k) => (typeof k === 'string' ? k : k.key)), opts.restrictSigningKeys);
    if (opts.limits) {
      const limits: OperatorLimits = { ...(claims.nats.limits ?? {}) };
      for (const [k, v] of Object.entries(opts.limits)) if (v !== undefined) (limits as Record<string, unknown>)[k] = v;
      claims.nats.limits = limits;
    }
    setOrDelete(claims.nats, 'description', opts.description);
    setOrDelete(claims.nats, 'info_url', opts.infoUrl);
    applyClaimEdit(claims, opts);

    const issued = await issueAccount(ws, operator, claims, opts.signer, { previous });
    result.added = await storeSigningKeys(ws, pending);
    await op.writeAccountJwt(name, issued.token);
    result.account.issuer = issued.signer.key.publicKey;
    result.account.signedBy = issued.signer.as;
    result.warnings.push(...issued.warnings);

    if (result.removed.length) {
      const valid = new Set([claims.sub, ...(claims.nats.signing_keys ?? []).map((k) => (typeof k === 'string' ? k : k.key))]);
      for (const user of await op.listUsers(name)) {
        const iss = decodeUser(await op.readUserJwt(name, user)).iss!;
        if (!valid.has(iss)) result.orphanedUsers.push(user);
      }
      if (result.orphanedUsers.length) {
        result.warnings.push(
          `${result.orphanedUsers.length} user(s) of account "${name}" were signed by a removed signing key and are no longer accepted: ${result.orphanedUsers.join(', ')}. ` +
            `Re-issue each with \`sigchain edit user NAME -K <account signing key>\`, and regenerate the server configuration so servers drop the old key.`,
        );
      }
      // Activations this account handed out are held in the importers' tokens: name those the
      // removed keys signed, since nats-server stops honouring them too.
      const removed = new Set(result.removed);
      const stale: string[] = [];
      for (const other of await op.listAccounts()) {
        if (other === name) continue;
        let imports;
        try {
          imports = decodeAccount(await op.readAccountJwt(other)).nats.imports ?? [];
        } catch {
          continue; // an unreadable account is validate's finding, not this edit's
        }
        for (const im of imports) {
          if (im.account !== claims.sub || typeof im.token !== 'string' || !im.token.startsWith('eyJ')) continue;
          try {
            const act = decodeActivation(im.token);
            if (removed.has(act.iss!)) stale.push(`"${other}" (${im.subject})`);
          } catch {
            /* a damaged activation is validate's finding */
          }
        }
      }
      if (stale.length) {
        result.warnings.push(
          `Activation tokens signed by the removed key are no longer honoured for the imports of ${stale.join(', ')}: generate new ones (\`sigchain generate activation -a ${name} -t ACCOUNT -s SUBJECT\`) and add them to those imports.`,
        );
      }
    }
    return result;
  });
}
