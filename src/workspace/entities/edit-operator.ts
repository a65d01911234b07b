import { type SignerLike, toSigner } from '../signing/signer-like.js';
import { decodeAccount, decodeUser } from '../../claims/nats/decode.js';
import { encodeOperatorAsync } from '../../claims/nats/encode.js';
import { addOperatorSigningKey, removeOperatorSigningKey } from '../../claims/nats/operator.js';
import { SigchainError } from '../../errors.js';
import { isPublicKey } from '../../nkeys/codec.js';
import { type Restriction, missingKinds, readRestrictions } from '../../keys/restrictions.js';
import { accountStatementKinds } from '../../keys/statement-kinds.js';
import { expiredAtIssue, issueAccount } from '../signing/issue.js';
import { readOperator } from '../read.js';
import { assertSignerMay } from '../signing/signer-usage.js';
import { type PendingSigningKey, resolveSigningKeyArg, storeSigningKeys } from '../signing/signing-key-arg.js';
import { applyRestrictions } from '../signing/restrict-signing-keys.js';
import { type ClaimEdit, applyClaimEdit, setOrDelete } from '../edits/claim-edit.js';
import type { Workspace } from '../workspace.js';
import { tokenSigner } from '../signing/token-signer.js';

/** Options of {@link editOperator}. */
export interface EditOperatorOptions extends ClaimEdit {
  operator?: string;
  /** Signing keys to add: public keys, seeds, .nk paths, or `generate`. */
  addSigningKeys?: string[];
  /** Signing keys (public) to remove. */
  removeSigningKeys?: string[];
  /** Delegation restrictions to set, by signing key (public): e.g. `CanSignAllButSigningKeys`, `['account']`. */
  restrictSigningKeys?: Record<string, Restriction>;
  /** Set (true) or clear (false) NATS `strict_signing_key_usage`. */
  requireSigningKeys?: boolean;
  /** System account, by name or public key. */
  systemAccount?: string;
  accountServerUrl?: string;
  serviceUrls?: string[];
  rmServiceUrls?: string[];
  /** The operator identity key, when its seed is not in the key store. */
  signer?: SignerLike;
}

/** What {@link editOperator} changed. */
export interface EditOperatorResult {
  operator: { name: string; publicKey: string };
  added: Array<{ publicKey: string; storedAt?: string; generated: boolean }>;
  removed: string[];
  /** Accounts re-signed with a signing key because strict mode barred their identity-key signature. */
  resigned: string[];
  messages: string[];
  warnings: string[];
}

/**
 * Changes an operator and re-signs its (self-signed) JWT with its identity key. Turning on
 * `requireSigningKeys` needs a signing key, and re-signs every account the identity key had
 * signed with a signing key whose seed is at hand, so nothing silently breaks.
 *
 * @example
 * ```ts
 * await editOperator(ws, { addSigningKeys: ['generate'], requireSigningKeys: true });
 * ```
 */
export async function editOperator(ws: Workspace, opts: EditOperatorOptions): Promise<EditOperatorResult> {
  return ws.store.locked(async () => {
    const op = await ws.operator(opts.operator);
    const current = await readOperator(op);
    const claims = current.claims;
    const identity = claims.sub;
    let signer = await toSigner(ws, opts.signer);
    if (!signer) {
      signer = await ws.custody.trySigner(identity);
      if (!signer) {
        throw new SigchainError('NO_APPROPRIATE_SIGNING_KEY', `Editing operator "${op.name}" needs its identity key ${identity}, which is not held here (not in the key store, plain or sealed; not registered; not in the agent). Pass it with -K (seed or .nk path).`, { allowed: [identity] });
      }
    }
    if (signer.publicKey !== identity) {
      throw new SigchainError('NO_APPROPRIATE_SIGNING_KEY', `An operator token is self-signed: only operator "${op.name}"'s identity key ${identity} can sign it, not ${signer.publicKey}. Pass the identity key with -K, or keep its seed in the key store.`, { allowed: [identity] });
    }
    // Before any change (not even a generated --sk key is stored when this refuses).
    await assertSignerMay(ws, signer, 'identity', `the token of operator "${op.name}"`);
    const result: EditOperatorResult = { operator: { name: op.name, publicKey: identity }, added: [], removed: [], resigned: [], messages: [], warnings: [] };

    // Seeds are stored only once every check has passed: a refused edit writes nothing.
    const pending: PendingSigningKey[] = [];
    for (const spec of opts.addSigningKeys ?? []) {
      const sk = await resolveSigningKeyArg(ws, spec, 'operator');
      if (sk.publicKey === identity) throw new SigchainError('USAGE', `${identity} is the operator's identity key; a signing key must be a different key, so the identity key can stay offline.`);
      addOperatorSigningKey(claims, sk.publicKey);
      pending.push(sk);
    }
    for (const pub of opts.removeSigningKeys ?? []) {
      if (!claims.nats.signing_keys?.includes(pub)) {
        throw new SigchainError('STORE_NOT_FOUND', `${pub} is not a signing key of operator "${op.name}". Its signing keys: ${(claims.nats.signing_keys ?? []).join(', ') || '(none)'}.`);
      }
      removeOperatorSigningKey(claims, pub);
      result.removed.push(pub);
    }
    applyRestrictions(claims.nats, 'operator', op.name, claims.nats.signing_keys ?? [], opts.restrictSigningKeys);
    if (opts.requireSigningKeys !== undefined) {
      if (opts.requireSigningKeys) claims.nats.strict_signing_key_usage = true;
      else delete claims.nats.strict_signing_key_usage;
    }
    if (claims.nats.strict_signing_key_usage && !claims.nats.signing_keys?.length) {
      throw new SigchainError('NO_APPROPRIATE_SIGNING_KEY', `Operator "${op.name}" requires signing keys, so it needs at least one: nothing could sign accounts otherwise. Add one in the same command with --sk generate (or --sk <PUB>).`);
    }
    if (opts.systemAccount !== undefined) {
      if (isPublicKey(opts.systemAccount, ['account'])) claims.nats.system_account = opts.systemAccount;
      else claims.nats.system_account = decodeAccount(await op.readAccountJwt(opts.systemAccount)).sub;
    }
    setOrDelete(claims.nats, 'account_server_url', opts.accountServerUrl);
    if (opts.serviceUrls?.length || opts.rmServiceUrls?.length) {
      const urls = [...(claims.nats.operator_service_urls ?? []), ...(opts.serviceUrls ?? [])].filter((u, i, a) => a.indexOf(u) === i && !opts.rmServiceUrls?.includes(u));
      if (urls.length) claims.nats.operator_service_urls = urls;
      else delete claims.nats.operator_service_urls;
    }
    applyClaimEdit(claims, opts);

    const token = await encodeOperatorAsync(claims, tokenSigner(signer, 'identity', identity));
    const expired = expiredAtIssue(`operator "${op.name}"`, claims.exp);
    if (expired) result.warnings.push(expired);
    result.added = await storeSigningKeys(ws, pending);
    await op.writeOperatorJwt(token);
    const updated = { name: op.name, token, claims };
    const listed = new Set(claims.nats.signing_keys ?? []);

    // Accounts whose issuer is no longer trusted, or whose issuer's new restriction excludes
    // what they are (e.g. their delegation was approved by a key now restricted away from
    // `signing-keys`): re-sign them when a key allowed to is at hand.
    const restrictions = readRestrictions(claims.nats);
    for (const name of await op.listAccounts()) {
      const acct = decodeAccount(await op.readAccountJwt(name));
      const iss = acct.iss!;
      const missing = listed.has(iss) && restrictions.has(iss) ? missingKinds(restrictions.get(iss), accountStatementKinds(acct, claims)) : [];
      const trusted = (listed.has(iss) && !missing.length) || (iss === identity && !claims.nats.strict_signing_key_usage);
      if (trusted) continue;
      const why =
        iss === identity ? 'is signed by the identity key, which strict signing-key usage bars'
        : missing.length ? `was signed by ${iss}, now restricted away from \`${missing.join('`, `')}\` statements, which it is`
        : `was signed by ${iss}, which is no longer a signing key`;
      if (iss === identity || missing.length) {
        try {
          const issued = await issueAccount(ws, updated, acct, undefined, { previous: structuredClone(acct) });
          await op.writeAccountJwt(name, issued.token);
          result.resigned.push(name);
          result.messages.push(`re-signed account "${name}" with ${issued.signer.as === 'identity' ? 'the identity key' : 'signing key'} ${issued.signer.key.publicKey} (it ${why})`);
          continue;
        } catch (e) {
          if (!(e instanceof SigchainError) || e.code !== 'NO_APPROPRIATE_SIGNING_KEY') throw e;
        }
      }
      result.warnings.push(`Account "${name}" ${why}: servers will refuse it and its users. Re-sign it: \`sigchain edit account ${name} -K <operator signing key>\`.`);
    }
    // Strict mode cascades: nats-server also bars each account's identity key from signing users.
    if (claims.nats.strict_signing_key_usage) {
      for (const name of await op.listAccounts()) {
        const sub = decodeAccount(await op.readAccountJwt(name)).sub;
        const users: string[] = [];
        for (const user of await op.listUsers(name)) if (decodeUser(await op.readUserJwt(name, user)).iss === sub) users.push(user);
        if (users.length) {
          result.warnings.push(
            `Account "${name}" has ${users.length} user(s) signed by its identity key, which strict signing-key usage also bars: servers will refuse ${users.join(', ')}. ` +
              `Re-issue each with an account signing key: \`sigchain edit user NAME -a ${name} -K <account signing key>\` (add one first with \`sigchain edit account ${name} --sk generate\`).`,
          );
        }
      }
    }
    if (!claims.nats.signing_keys?.length) {
      result.warnings.push(`Operator "${op.name}" has no signing keys: accounts are signed by its identity key. Add one: \`sigchain edit operator --sk generate\`.`);
    }
    result.messages.push('nats-server cannot reload an operator JWT: restart every server with the new configuration (`sigchain nats server-config`) for this change to take effect.');
    return result;
  });
}
