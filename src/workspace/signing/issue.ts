import { type SignerLike, toSigner } from './signer-like.js';
import { encodeAccountAsync, encodeUserAsync, natsPayload } from '../../claims/nats/encode.js';
import { tokenSigner } from './token-signer.js';
import { setScoped } from '../../claims/nats/user.js';
import type { AccountClaims, OperatorClaims, UserClaims } from '../../claims/nats/types.js';
import { connectLineSize, DEFAULT_MAX_CONTROL_LINE, validateClaims, validateScopedSigner } from '../../claims/nats/validate.js';
import { SigchainError } from '../../errors.js';
import { type StatementKind, readRestrictions } from '../../keys/restrictions.js';
import { accountStatementKinds, approveDelegationAsync, mayApproveDelegation, setDelegationApproval } from '../../keys/statement-kinds.js';
import { type ChosenSigner, type IssuingParent, chooseSigner } from './choose-signer.js';
import type { Stored } from '../read.js';
import { assertSignerMay, sortByUsage } from './signer-usage.js';
import type { Workspace } from '../workspace.js';

/** A freshly signed token, who signed it, and what the user should know. */
export interface Issued {
  token: string;
  signer: ChosenSigner;
  warnings: string[];
}

/** The operator as a parent that issues accounts. */
export function operatorParent(op: Stored<OperatorClaims>): IssuingParent {
  return { kind: 'operator', name: op.name, identity: op.claims.sub, signingKeys: op.claims.nats.signing_keys ?? [], strict: op.claims.nats.strict_signing_key_usage === true, restrictions: readRestrictions(op.claims.nats) };
}

/**
 * The account as a parent that issues users. Under a strict operator the account's identity
 * key may not issue users either: nats-server drops it from the account's issuers.
 */
export function accountParent(account: Stored<AccountClaims>, operatorStrict: boolean): IssuingParent {
  return { kind: 'account', name: account.name, identity: account.claims.sub, signingKeys: account.claims.nats.signing_keys ?? [], strict: operatorStrict, restrictions: readRestrictions(account.claims.nats) };
}

/**
 * The warning for a token signed already expired (`--expiry 2020-01-01`): it is signed as asked
 * (a test fixture may want one), but nothing will accept it, which a person rarely means.
 *
 * @example
 * ```ts
 * expiredAtIssue('user "u"', claims.exp); // a sentence, or undefined when not expired
 * ```
 */
export function expiredAtIssue(what: string, exp: number | undefined, now = Math.floor(Date.now() / 1000)): string | undefined {
  if (!exp || exp >= now) return undefined;
  return `The token of ${what} is issued already expired (its expiry, ${new Date(exp * 1000).toISOString().replace(/\.000Z$/, 'Z')}, is in the past): servers and verifiers refuse it. Give a future --expiry (e.g. 30d) or 0 for none.`;
}

function refuseInvalid(what: string, claims: Parameters<typeof validateClaims>[0]): void {
  const { errors } = validateClaims(claims);
  const blocking = errors.filter((e) => !e.timeCheck);
  if (blocking.length) {
    throw new SigchainError('INVALID_CLAIMS', `The ${what} would be invalid, so it was not signed:\n${blocking.map((e) => `  - ${e.field ? `${e.field}: ` : ''}${e.message}`).join('\n')}`, { issues: blocking });
  }
}

/**
 * The key that signs a token `parent` issues: the -K key (`given`) checked against the parent's
 * keys and its usages, else a signing key at hand, else the identity key unless `parent.strict`.
 * Shared by the NATS issuers below and the wasmCloud (wascap) ones.
 *
 * @example
 * ```ts
 * const chosen = await pickSigner(ws, { kind: 'operator', name: 'O', identity, signingKeys, strict: true }, 'account tokens', undefined, []);
 * ```
 */
export async function pickSigner(ws: Workspace, parent: IssuingParent, what: string, given: SignerLike | undefined, kinds: readonly StatementKind[], preferScope?: Parameters<typeof chooseSigner>[2]['preferScope']): Promise<ChosenSigner> {
  return pick(ws, parent, what, given, kinds, preferScope);
}

async function pick(ws: Workspace, parent: IssuingParent, what: string, given: SignerLike | undefined, kinds: readonly StatementKind[], preferScope?: Parameters<typeof chooseSigner>[2]['preferScope']): Promise<ChosenSigner> {
  const purpose = `${what} for ${parent.kind} "${parent.name}"`;
  const explicit = await toSigner(ws, given);
  const candidates = [parent.identity, ...parent.signingKeys.map((k) => (typeof k === 'string' ? k : k.key))];
  // What each key of the parent may not do (retired, or no issuing usage), whether or not its
  // seed is at hand: such a key is never offered as one that can sign.
  const unfit = new Map<string, SigchainError>();
  for (const k of candidates) {
    try {
      await assertSignerMay(ws, k, 'issuing', purpose);
    } catch (e) {
      if (!(e instanceof SigchainError) || (e.code !== 'KEY_USAGE_VIOLATION' && e.code !== 'KEY_RETIRED')) throw e;
      unfit.set(k, e);
    }
  }
  const scopeOpt = { kinds, unfit, ...(preferScope ? { preferScope } : {}) };
  if (explicit) {
    // Usages after chooseSigner: a wrong-role or unlisted key gets that refusal, whose advice fits better.
    const signer = chooseSigner(parent, what, { explicit, lookup: () => undefined, ...scopeOpt });
    await assertSignerMay(ws, signer.key, 'issuing', purpose);
    return signer;
  }
  // A retired key, or one without the issuing usage, is skipped so another key at hand can sign;
  // when none is left the refusal is NO_APPROPRIATE_SIGNING_KEY, naming why each was skipped.
  const { usable } = await sortByUsage(ws, await ws.loadSigners(candidates), 'issuing', purpose);
  return chooseSigner(parent, what, { lookup: (k) => usable.get(k), ...scopeOpt });
}

/**
 * Signs an account token for `operator`: with `explicit` (the -K key) if given, else with an
 * operator signing key whose seed is at hand, else the identity key (with a warning).
 * The key must hold the `issuing` usage and not be retired (`KEY_USAGE_VIOLATION`,
 * `KEY_RETIRED`, before anything is signed).
 *
 * `opts.previous` is the account's previous claims (`null` for a new account): every caller says,
 * so the kinds of statement (`accountStatementKinds`, the decision the verifier makes too) are
 * always judged. A token whose delegation (signing keys, scopes, restrictions) changed, or is
 * not approved, is also a `signing-keys` statement: only a key allowed both `account` and
 * `signing-keys` may sign it (`KEY_RESTRICTION_VIOLATION` for a -K key that is not,
 * `NO_APPROPRIATE_SIGNING_KEY` when none at hand is). A key that may approve delegations
 * writes its approval into the token (`sigchain_delegation`), so a key restricted to
 * `account` can re-issue the account later, delegation unchanged.
 *
 * @example
 * ```ts
 * const issued = await issueAccount(ws, operator, claims, signer, { previous: stored.claims });
 * ```
 */
export async function issueAccount(ws: Workspace, operator: Stored<OperatorClaims>, claims: AccountClaims, explicit: SignerLike | undefined, opts: { previous: AccountClaims | null; dryRun?: boolean }): Promise<Issued> {
  refuseInvalid(`account "${claims.name ?? claims.sub}"`, claims);
  const approving = { sub: operator.claims.sub, nats: operator.claims.nats };
  const kinds = accountStatementKinds(claims, approving, opts.previous ? opts.previous.nats : null);
  const signer = await pick(ws, operatorParent(operator), 'account tokens', explicit, kinds);
  // An approving signer vouches for the delegation as it will be encoded; another keeps the
  // approval the previous token carried (its kinds proved the delegation unchanged and approved).
  // A dry run (a plan) learns who would sign, and every refusal, without using a private key.
  if (opts.dryRun) return { token: '', signer, warnings: [] };
  if (mayApproveDelegation(approving, signer.key.publicKey)) {
    setDelegationApproval(claims.nats, undefined);
    setDelegationApproval(claims.nats, await approveDelegationAsync(claims.sub, natsPayload(claims, signer.key.publicKey).nats as object, tokenSigner(signer.key, 'issuing', claims.sub)));
  }
  const warnings: string[] = [];
  const expired = expiredAtIssue(`account "${claims.name ?? claims.sub}"`, claims.exp);
  if (expired) warnings.push(expired);
  if (signer.as === 'identity') {
    warnings.push(
      `Account "${claims.name}" is signed by operator "${operator.name}"'s identity key. If that key leaks, every account must be re-issued under a new operator. ` +
        'Keep the identity key offline and sign accounts with an operator signing key: `sigchain generate nkey --operator --store`, `sigchain edit operator --sk <PUB>`, then `-K <PUB>`. ' +
        'Strict verifiers (Gantry, `edit operator --require-signing-keys`) reject accounts signed by an identity key.',
    );
  }
  return { token: await encodeAccountAsync(claims, tokenSigner(signer.key, 'issuing', claims.sub)), signer, warnings };
}

/**
 * Signs a user token for `account`. A signing key sets `issuer_account` (nats-server needs it);
 * a scoped signing key requires the user to carry no permissions of its own. The key must
 * hold the `issuing` usage and not be retired, as for {@link issueAccount}.
 */
export async function issueUser(
  ws: Workspace,
  account: Stored<AccountClaims>,
  operatorStrict: boolean,
  claims: UserClaims,
  opts: { explicit?: SignerLike; ownPermissions?: boolean } = {},
): Promise<Issued> {
  const [issued] = await issueUsers(ws, account, operatorStrict, [claims], opts);
  return issued!;
}

/**
 * {@link issueUser} for many users of one account at once: the signer is chosen (and its
 * usages checked) once, every user's claims are checked before any is signed (one invalid user
 * signs none), and the signatures are asked for together, so an audited key records them in
 * one group commit. Answers in the order given; a warning that is the same for every user (the
 * identity key signs) is given on the first only (and not at all with `once: false`, for a
 * caller that issues one batch in several calls).
 *
 * @example
 * ```ts
 * const issued = await issueUsers(ws, account, false, [newUserClaims('a', pubA), newUserClaims('b', pubB)]);
 * ```
 */
export async function issueUsers(
  ws: Workspace,
  account: Stored<AccountClaims>,
  operatorStrict: boolean,
  claimsList: readonly UserClaims[],
  opts: { explicit?: SignerLike; ownPermissions?: boolean; once?: boolean } = {},
): Promise<Issued[]> {
  if (!claimsList.length) return [];
  return (await userIssuer(ws, account, operatorStrict, claimsList, opts)).issue(claimsList, 0);
}

/** Signs users whose claims {@link userIssuer} checked, a slice at a time. */
export interface UserIssuer {
  /** Signs `claims` (a slice of the checked list starting at index `first`), in order. */
  issue(claims: readonly UserClaims[], first: number): Promise<Issued[]>;
}

/**
 * {@link issueUsers} in two steps, for a caller that writes each slice of users while the next
 * is signed: the signer is chosen and every user's claims are checked (and completed: issuer
 * account, scoped permissions) first, so one invalid user still signs none; then
 * {@link UserIssuer.issue} signs slice after slice.
 *
 * @example
 * ```ts
 * const issuer = await userIssuer(ws, account, false, claimsList);
 * for (let i = 0; i < claimsList.length; i += 512) write(await issuer.issue(claimsList.slice(i, i + 512), i));
 * ```
 */
export async function userIssuer(
  ws: Workspace,
  account: Stored<AccountClaims>,
  operatorStrict: boolean,
  claimsList: readonly UserClaims[],
  opts: { explicit?: SignerLike; ownPermissions?: boolean; once?: boolean } = {},
): Promise<UserIssuer> {
  const signer = await pick(ws, accountParent(account, operatorStrict), 'user tokens', opts.explicit, ['user']);
  for (const claims of claimsList) {
    if (signer.as === 'signing-key') claims.nats.issuer_account = account.claims.sub;
    else delete claims.nats.issuer_account;
    // A user made under a scoped key gets its permissions from the scope: zero its own defaults.
    if (signer.scope && !opts.ownPermissions) setScoped(claims);
    if (signer.scope) {
      const issues = validateScopedSigner({ ...claims, iss: signer.key.publicKey }, signer.scope);
      if (issues.length) {
        throw new SigchainError(
          'SCOPED_USER_HAS_PERMISSIONS',
          `User "${claims.name}" would be signed by the scoped signing key ${signer.key.publicKey} (role ${signer.scope.role}), which gives users exactly its template's permissions; the user may not carry its own permissions or limits (${issues.map((i) => i.message).join('; ')}). Drop the permission flags, or sign with an unscoped key.`,
          { scope: signer.scope.key, role: signer.scope.role },
        );
      }
    }
    refuseInvalid(`user "${claims.name ?? claims.sub}"`, claims);
  }
  return { issue: (slice, first) => signUsers(signer, account, slice, first, opts) };
}

/** Why no signing key of the account signed a user: none listed, only scoped ones (used when asked), or none usable here. */
function noSigningKeyReason(listed: NonNullable<AccountClaims['nats']['signing_keys']>): string {
  if (!listed.length) return 'it lists none';
  const roles = listed.map((sk) => (typeof sk === 'string' ? undefined : sk.role));
  if (roles.every((r) => r !== undefined)) {
    const named = [...new Set(roles)].map((r) => `"${r}"`).join(', ');
    return `its signing keys are scoped (role ${named}), and a scoped key signs only when asked, since it gives the user its role's permissions: sign with \`-K ${roles[0]}\` for that`;
  }
  return 'none of its signing keys has its private key here with the issuing usage';
}

async function signUsers(signer: ChosenSigner, account: Stored<AccountClaims>, claimsList: readonly UserClaims[], first: number, opts: { explicit?: SignerLike; once?: boolean }): Promise<Issued[]> {
  const tokens = await Promise.all(claimsList.map((claims) => encodeUserAsync(claims, tokenSigner(signer.key, 'issuing', claims.sub))));
  return claimsList.map((claims, i) => {
    const token = tokens[i]!;
    const warnings: string[] = [];
    const expired = expiredAtIssue(`user "${claims.name ?? claims.sub}"`, claims.exp);
    if (expired) warnings.push(expired);
    // Only when no signing key could sign: then every user of the account hangs on the identity
    // key, and rotating it means re-issuing all of them. An explicit identity -K beside usable
    // signing keys is a choice, not a gap.
    if (first + i === 0 && opts.once !== false && signer.as === 'identity' && (!opts.explicit || account.claims.nats.signing_keys === undefined || account.claims.nats.signing_keys.length === 0)) {
      warnings.push(
        `User "${claims.name ?? claims.sub}" is signed by account "${account.name}"'s identity key: the account has no usable signing key ` +
          `(${noSigningKeyReason(account.claims.nats.signing_keys ?? [])}). ` +
          `If the identity key leaks, the account and every user must be replaced. Add one: \`sigchain edit account ${account.name} --sk generate\`.`,
      );
    }
    if (connectLineSize(token) > DEFAULT_MAX_CONTROL_LINE) {
      warnings.push(`User "${claims.name}"'s JWT is ${token.length} bytes: with it the client's CONNECT line exceeds nats-server's default max_control_line (${DEFAULT_MAX_CONTROL_LINE}), so the server will refuse the login. Use fewer permissions (or a scoped signing key), or raise max_control_line on every server.`);
    }
    return { token, signer, warnings };
  });
}
