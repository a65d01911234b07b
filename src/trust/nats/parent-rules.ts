/**
 * The rules between a token and its parent's CURRENT token: who may sign (identity key or a
 * listed signing key), separation of keys (strict operators and strict policies), scoped
 * signing keys, account revocations, and bearer tokens. These mirror nats-server 2.9.10
 * (server/auth.go, server/accounts.go, server/jwt.go) wherever it has an opinion.
 */
import { isRevoked, signingKeyScope } from '../../claims/nats/account.js';
import { isoSeconds, show } from '../../claims/nats/common.js';
import type { AccountClaims, RevocationList, UserClaims, UserScope } from '../../claims/nats/types.js';
import { hasEmptyPermissions } from '../../claims/nats/user.js';
import { roleOfKey } from '../../nkeys/roles.js';
import { admitsNoConnections, judgeConnectLimits } from './connect-limits.js';
import { type Judge, label } from '../judge.js';
import { signingKeysOf } from './operators.js';
import { judgeRestriction } from './restriction-rules.js';
import type { TokenFacts } from './token-facts.js';
import type { ChainLink } from '../verdict.js';

// Which of a scoped user's fields break the scope rule, for the message.
const PERMISSION_FIELDS = ['pub', 'sub', 'resp', 'src', 'times', 'times_location', 'subs', 'data', 'payload', 'bearer_token', 'allowed_connection_types'];

function carried(nats: Readonly<Record<string, unknown>>): string[] {
  return PERMISSION_FIELDS.filter((k) => {
    const v = nats[k];
    if (v === undefined || v === null || v === false || v === 0 || v === '') return false;
    if (Array.isArray(v)) return v.length > 0;
    if (typeof v === 'object') return Object.values(v as object).some((x) => (Array.isArray(x) ? x.length > 0 : x !== undefined && x !== null));
    return true;
  });
}

/**
 * A user against its account: the issuer must be the account's identity key or a signing key
 * the account's current token lists. Under a strict operator the account identity may not sign
 * users (nats-server's cascade) unless the account lists it as a signing key. A scoped key's
 * user must carry no permissions or limits. Revocations use NATS semantics: revoked iff the
 * revocation time (for the user, or `*`) is at or after the user's `iat`.
 */
export function judgeUser(j: Judge, link: ChainLink, u: TokenFacts, a: TokenFacts, operatorStrict: boolean, operatorName?: string): void {
  const acct = a.claims as unknown as AccountClaims;
  // Only for messages: built when one is.
  const who = (): string => label(a.sub, a.name);
  let scope: UserScope | null | undefined;
  // A self-issued user or one signed by a non-account key is already refused for its role;
  // matching that key against the account's would only repeat it.
  const issuerIsAccountKey = u.iss !== u.sub && roleOfKey(u.iss) === 'account';
  if (!issuerIsAccountKey) {
    // nothing to match
  } else if (u.iss === a.sub) {
    link.signedBy = 'identity';
    // nats-server leaves the identity out of the account's keys when its operator is strict,
    // but a key listed explicitly as a signing key is still accepted.
    scope = signingKeyScope(acct, u.iss);
    if (operatorStrict && scope === undefined) {
      j.error(
        'user',
        'IDENTITY_KEY_MISUSE',
        `This user is signed by the identity key of account ${who()}, but operator${operatorName ? ` "${operatorName}"` : ''} requires signing keys (strict_signing_key_usage), so only an account signing key may sign users (nats-server refuses it). Re-issue the user with an account signing key.`,
        'iss',
      );
    }
  } else {
    scope = signingKeyScope(acct, u.iss);
    if (scope === undefined) {
      j.error(
        'user',
        'SIGNING_KEY_NOT_LISTED',
        `This user is signed by ${u.iss}, which is neither the identity key of account ${who()} nor a signing key its current token lists (removed, or another account's key). Re-issue the user with a current key of the account.`,
        'iss',
      );
    } else {
      link.signedBy = scope === null ? 'signing-key' : 'scoped-signing-key';
      judgeRestriction(j, 'user', u, a);
    }
  }
  if (scope) {
    link.scope = scope.role;
    if (!hasEmptyPermissions(u.claims as unknown as UserClaims)) {
      const own = carried(u.nats);
      j.error(
        'user',
        'SCOPE_VIOLATION',
        `This user is signed by the scoped signing key ${scope.key} (role "${scope.role}") but carries its own permissions or limits (${own.join(', ') || 'non-empty fields'}); a scoped key may only issue users whose permissions come from its template, and nats-server refuses this one. Re-issue it without permissions or limits.`,
        'nats',
      );
    }
  }
  const revocations = (a.nats.revocations ?? undefined) as RevocationList | undefined;
  const iat = u.iat ?? 0;
  if (isRevoked(revocations, u.sub, iat)) {
    const own = revocations?.[u.sub];
    const mine = own !== undefined && own >= iat;
    const t = mine ? own : revocations!['*']!;
    const when = (s: number) => isoSeconds(s).replace('.000Z', 'Z');
    j.error(
      'user',
      'TOKEN_REVOKED',
      `Account ${who()} revokes ${mine ? 'this user' : 'all users ("*")'} for tokens issued at or before ${when(t)}, and this token was issued at ${when(iat)}. Ask for a replacement issued after the revocation time.`,
      'iat',
    );
  }
  // With a scope, nats-server judges the template's bearer flag, not the user's.
  const bearer = scope ? scope.template?.bearer_token === true : u.nats.bearer_token === true;
  const limits = (a.nats.limits ?? {}) as { disallow_bearer?: unknown };
  if (bearer && limits.disallow_bearer === true) {
    j.error('user', 'BEARER_NOT_ALLOWED', `This is a bearer user token, but account ${who()} disallows bearer tokens. Re-issue it without bearer_token.`, 'nats.bearer_token');
  }
  // nats-server checks src and times after swapping a scope's template in.
  judgeConnectLimits(j, u.nats, scope ? ((scope.template ?? {}) as Readonly<Record<string, unknown>>) : u.nats);
  if (admitsNoConnections(a.nats)) {
    j.error(
      'account',
      'ACCOUNT_DISABLED',
      `Account ${who()} admits no connections (limits.conn is ${show(((a.nats.limits ?? {}) as { conn?: unknown }).conn ?? 'absent')}), so nats-server refuses every user of it. If that is not meant, re-issue the account with limits.conn -1 (unlimited) or a positive number.`,
      'nats.limits.conn',
    );
  }
  if (!u.exp) j.warn('user', 'NO_EXPIRY', 'This user token never expires: a leaked copy stays usable until the account revokes it. Issue users with an expiry.', 'exp');
}

/**
 * An account against its operator: the issuer must be the operator's identity key or one of
 * the signing keys its current token lists. An identity-signed account is refused when the
 * operator is strict (unless it lists its identity as a signing key, as nats-server then
 * trusts it) and always when the policy requires signing keys; otherwise it is a warning.
 */
export function judgeAccount(j: Judge, link: ChainLink, a: TokenFacts, op: TokenFacts): void {
  const sks = signingKeysOf(op.nats);
  const strict = op.nats.strict_signing_key_usage === true;
  const opName = (): string => label(op.sub, op.name);
  const identityListed = sks.includes(op.sub);
  if (a.iss === op.sub) {
    link.signedBy = 'identity';
    if (strict && !identityListed) {
      j.error(
        'account',
        'IDENTITY_KEY_MISUSE',
        `This account is signed by the identity key of operator ${opName()}, but the operator requires signing keys (strict_signing_key_usage), so nats-server does not trust it. Re-sign the account with an operator signing key.`,
        'iss',
      );
    } else if (j.policy.requireSigningKeys) {
      j.error(
        'account',
        'IDENTITY_KEY_MISUSE',
        `This account is signed by the identity key of operator ${opName()}, and the policy requires signing keys: a stolen identity key must not be able to mint accounts. Re-sign the account with an operator signing key.`,
        'iss',
      );
    } else {
      j.warn(
        'account',
        'IDENTITY_KEY_MISUSE',
        `This account is signed by the identity key of operator ${opName()}. It is accepted, but if that key leaks the whole operator must be replaced; re-sign it with an operator signing key and keep the identity key offline.`,
        'iss',
      );
    }
  } else if (sks.includes(a.iss)) {
    link.signedBy = 'signing-key';
    judgeRestriction(j, 'account', a, op);
  } else {
    j.error('account', 'SIGNING_KEY_NOT_LISTED', `This account is signed by ${a.iss}, which is neither the identity key of operator ${opName()} nor a signing key its current token lists. Re-sign the account with a current operator signing key.`, 'iss');
  }
  const acctSks = signingKeysOf(a.nats);
  if (acctSks.includes(a.sub)) {
    const message = `Account ${label(a.sub, a.name)} lists its own identity key as a signing key, which defeats the separation of identity and signing keys. Remove it and sign users with a separate key.`;
    if (j.policy.requireSigningKeys) j.error('account', 'KEY_USAGE_VIOLATION', message, 'nats.signing_keys');
    else j.warn('account', 'KEY_USAGE_VIOLATION', message, 'nats.signing_keys');
  }
}

/**
 * An operator on its own: listing its identity key among its signing keys defeats the
 * separation of keys (nats-server then trusts identity-signed accounts even in strict mode).
 */
export function judgeOperator(j: Judge, op: TokenFacts): void {
  if (!signingKeysOf(op.nats).includes(op.sub)) return;
  const message = `Operator ${label(op.sub, op.name)} lists its own identity key as a signing key, which defeats the separation of identity and signing keys. Remove it from signing_keys and sign accounts with a separate key.`;
  if (j.policy.requireSigningKeys) j.error('operator', 'KEY_USAGE_VIOLATION', message, 'nats.signing_keys');
  else j.warn('operator', 'KEY_USAGE_VIOLATION', message, 'nats.signing_keys');
}
