import type { SignerLike } from '../signing/signer-like.js';
import { addSigningKey, newUserScope, signingKeyScope } from '../../claims/nats/account.js';
import { decodeUser } from '../../claims/nats/decode.js';
import type { AccountClaims, UserPermissionLimits, UserScope } from '../../claims/nats/types.js';
import { hasEmptyPermissions } from '../../claims/nats/user.js';
import { SigchainError } from '../../errors.js';
import type { Signer } from '../../keys/signer.js';
import { issueAccount } from './issue.js';
import { type Stored, readAccountInStore } from '../read.js';
import { resolveSigningKeyArg, storeSigningKeys } from './signing-key-arg.js';
import { type UserEdit, applyUserEdit } from '../edits/user-edit.js';
import type { Workspace } from '../workspace.js';

/** Options of {@link editSigningKeyScope}. */
export interface EditSigningKeyScopeOptions {
  operator?: string;
  account?: string;
  /** The account signing key: a public key (A…), `generate`, a seed, or a `.nk` path. */
  key: string;
  /** The scope's role (`-K <role>` picks the key by it). Optional when the key is scoped already. */
  role?: string;
  description?: string;
  /** Changes to the template (the permissions every user this key signs gets). */
  edit?: UserEdit;
  /** The operator key that re-signs the account (`-K`). */
  signer?: SignerLike;
}

/** What {@link editSigningKeyScope} changed. */
export interface EditSigningKeyScopeResult {
  operator: string;
  account: { name: string; publicKey: string; issuer: string; signedBy: 'identity' | 'signing-key' };
  key: { publicKey: string; storedAt?: string; generated: boolean };
  /** `created` when the key became a scope now (new or plain before); `updated` when it was scoped. */
  change: 'created' | 'updated';
  scope: UserScope;
  /** Users this key signed that carry their own permissions: servers now refuse them. */
  invalidatedUsers: string[];
  warnings: string[];
}

const TEMPLATE = /\{\{.*?\}\}/;

/** Template subjects that are not whole tokens (`svc.{{name()}}x`): nats-server 2.9.x rejects them. */
function midTokenTemplates(t: UserPermissionLimits): string[] {
  const subjects = [...(t.pub?.allow ?? []), ...(t.pub?.deny ?? []), ...(t.sub?.allow ?? []), ...(t.sub?.deny ?? [])];
  return subjects.filter((s) => s.split('.').some((tok) => TEMPLATE.test(tok) && !/^\{\{[^{}]*\}\}$/.test(tok)));
}

/**
 * Turns an account signing key into a scoped one (nsc's `edit signing-key`), or updates its
 * scope: a `user_scope` with `role` whose template (Go's `NewUserScope` defaults, then `edit`)
 * is exactly what every user the key signs may do. The account is re-signed with an operator
 * key (`signer`, else the best at hand). Users the key signed earlier with permissions of their
 * own are listed: servers refuse them from now on.
 *
 * @example
 * ```ts
 * const r = await editSigningKeyScope(ws, { account: 'A', key: 'generate', role: 'svc', edit: { allowPub: ['svc.{{name()}}.>'] } });
 * await addUser(ws, 'scoped', { account: 'A', signer: await resolveScopedRole(ws, await readAccount(await ws.operator(), 'A'), 'svc') });
 * ```
 */
export async function editSigningKeyScope(ws: Workspace, opts: EditSigningKeyScopeOptions): Promise<EditSigningKeyScopeResult> {
  return ws.store.locked(async () => {
    const { op, operator, name, account: { claims } } = await readAccountInStore(ws, opts.operator, opts.account);
    const before = structuredClone(claims);
    // Not stored yet: a refused edit leaves the key store as it was.
    const pending = await resolveSigningKeyArg(ws, opts.key, 'account');
    const sk = { publicKey: pending.publicKey, generated: pending.generated };
    if (sk.publicKey === claims.sub) {
      throw new SigchainError('USAGE', `${claims.sub} is the identity key of account "${name}"; only a signing key can be scoped. Use --sk generate for a new one.`);
    }
    const previous = signingKeyScope(claims, sk.publicKey);
    const role = (opts.role ?? previous?.role ?? '').trim();
    if (!role) throw new SigchainError('USAGE', `Give the scope a role with --role (e.g. --role svc): \`sigchain add user -K <role>\` picks the key by it.`);
    const clash = (claims.nats.signing_keys ?? []).find((k) => typeof k !== 'string' && k.role === role && k.key !== sk.publicKey);
    if (clash && typeof clash !== 'string') {
      throw new SigchainError('USAGE', `Account "${name}" already has a scoped signing key with role "${role}" (${clash.key}); roles pick keys, so each must be unique. Choose another role, or edit that key with --sk ${clash.key}.`);
    }
    const scope: UserScope = previous ? { ...structuredClone(previous), role } : newUserScope(sk.publicKey, role);
    if (opts.edit) applyUserEdit(scope.template, opts.edit);
    if (opts.description !== undefined) {
      if (opts.description) scope.description = opts.description;
      else delete scope.description;
    }
    addSigningKey(claims, scope);

    const warnings: string[] = [];
    const mid = midTokenTemplates(scope.template);
    if (mid.length) {
      warnings.push(`${mid.join(', ')}: a template that is not a whole subject token works only on nats-server 2.11+; 2.9.x rejects users under this key. Write it as a token of its own, e.g. svc.{{name()}}.>.`);
    }
    const issued = await issueAccount(ws, operator, claims, opts.signer, { previous: before });
    const [stored] = await storeSigningKeys(ws, [pending]);
    await op.writeAccountJwt(name, issued.token);
    warnings.push(...issued.warnings);

    const invalidatedUsers: string[] = [];
    for (const user of await op.listUsers(name)) {
      try {
        const u = decodeUser(await op.readUserJwt(name, user));
        if (u.iss === sk.publicKey && !hasEmptyPermissions(u)) invalidatedUsers.push(user);
      } catch {
        /* a damaged user token is not this edit's business */
      }
    }
    if (invalidatedUsers.length) {
      warnings.push(
        `${invalidatedUsers.length} user(s) signed by ${sk.publicKey} carry permissions of their own, which a scoped key forbids; servers now refuse them: ${invalidatedUsers.join(', ')}. ` +
          `Re-issue each without permission flags (\`sigchain edit user NAME -K ${role}\` after removing them), or sign them with an unscoped key.`,
      );
    }
    return {
      operator: op.name,
      account: { name, publicKey: claims.sub, issuer: issued.signer.key.publicKey, signedBy: issued.signer.as },
      key: stored!,
      change: previous ? 'updated' : 'created',
      scope,
      invalidatedUsers,
      warnings,
    };
  });
}

/** The scoped signing key entry of `account` with `role`, if any. */
export function scopeByRole(account: AccountClaims, role: string): UserScope | undefined {
  return (account.nats.signing_keys ?? []).find((k): k is UserScope => typeof k !== 'string' && k.role === role);
}

/**
 * The key pair of the account's scoped signing key with `role` (nsc's `add user -K <role>`).
 * Refuses with `NO_APPROPRIATE_SIGNING_KEY` when no scope has that role, or its seed is not
 * in the key store.
 *
 * @example
 * ```ts
 * const signer = await resolveScopedRole(ws, await readAccount(op, 'A'), 'svc');
 * await addUser(ws, 'worker', { account: 'A', signer });
 * ```
 */
export async function resolveScopedRole(ws: Workspace, account: Stored<AccountClaims>, role: string): Promise<Signer> {
  const scope = scopeByRole(account.claims, role);
  if (!scope) {
    const roles = (account.claims.nats.signing_keys ?? []).flatMap((k) => (typeof k === 'string' ? [] : [k.role]));
    throw new SigchainError('NO_APPROPRIATE_SIGNING_KEY', `Account "${account.name}" has no scoped signing key with role "${role}" (its roles: ${roles.join(', ') || 'none'}). Make one with \`sigchain edit signing-key -a ${account.name} --sk generate --role ${role}\`.`, { role });
  }
  const signer = await ws.custody.trySigner(scope.key);
  if (!signer) {
    throw new SigchainError('NO_APPROPRIATE_SIGNING_KEY', `The seed of ${scope.key}, account "${account.name}"'s scoped signing key with role "${role}", is not held here (not in the key store at ${ws.keys.keyPath(scope.key)}, not registered, not in the agent). Pass its seed or .nk file with -K instead.`, { role, publicKey: scope.key });
  }
  return signer;
}
