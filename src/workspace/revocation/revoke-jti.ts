/**
 * Revoking one token by its jti: the feature NATS lacks ("In a future release, we'll have a
 * revocation process where you can invalidate a single JWT by its unique JWT ID (JTI)").
 * The jti goes in the account's revoked-jti file, which sigchain verifiers honour. nats-server
 * never reads jtis, so for a NATS user token the revocation is also expressed to servers as
 * a key revocation at the token's iat, which the account JWT carries (an OPERATOR key signs it).
 */
import { type SignerLike, toSigner } from '../signing/signer-like.js';
import { clearRevocation, revoke } from '../../claims/nats/account.js';
import type { AccountClaims } from '../../claims/nats/types.js';
import { SigchainError } from '../../errors.js';
import { type RevokedJti, readRevokedJtis, revokedJtiEntries, writeRevokedJtis } from '../../store/revoked-jtis.js';
import { type JtiToken, checkJti, keyRevocationObstacle, resolveJtiTarget, tokenForJti } from './jti-target.js';
import { readAccount, readOperator } from '../read.js';
import { iso, resignForRevocation, revocationTime, serverReminder, storedUserTokens } from './revocation-common.js';
import type { ResignedAccount, RevokedUser } from './revoke-user.js';
import type { Workspace } from '../workspace.js';
import type { OperatorEntities } from '../../store/store.js';

/** Options of {@link revokeJti}. Give `token` or `jti`. */
export interface RevokeJtiOptions {
  operator?: string;
  /** The account whose list holds the jti. Implied by a NATS user/account/activation token. */
  account?: string;
  /** The token itself (a compact JWT; take it out of a creds file with `parseCreds`). */
  token?: string;
  /** Its jti, when the token is not at hand; the stored users are searched for it. */
  jti?: string;
  /** From when verifiers refuse it (Unix seconds or a Date); default (or 0) now. */
  at?: number | Date;
  /**
   * For a NATS user token, also revoke the user's key at the token's iat in the account JWT,
   * so servers refuse it too (default true; needs an operator key). False records the jti only.
   */
  keyRevocation?: boolean;
  /** The OPERATOR key that re-signs the account (`-K`). */
  signer?: SignerLike;
  /**
   * Revoke the jti even when it is an account's current JWT (`REVOKES_CURRENT_ACCOUNT`
   * otherwise): every user of that account would then fail `verify` while servers, which
   * never check jtis, still accept them.
   */
  force?: boolean;
}

/** The key revocation a jti revocation made (or found) in the account JWT. */
export interface JtiKeyRevocationResult {
  key: string;
  /** The revocation time for the key: the token's iat. */
  at: number;
  previous?: number;
  /** False when an existing entry (the key's own, or "*") already refused the token. */
  changed: boolean;
}

/** What {@link revokeJti} did. */
export interface RevokeJtiResult {
  operator: string;
  account: ResignedAccount;
  jti: string;
  /** From when verifiers refuse the token. */
  at: number;
  /** True when the jti was already in the list (the earlier time is kept). */
  alreadyRevoked: boolean;
  token?: Omit<JtiToken, 'user'>;
  keyRevocation?: JtiKeyRevocationResult;
  /** Stored users whose current token the key revocation refuses too. */
  alsoRevoked: RevokedUser[];
  warnings: string[];
  /** What the revocation means, for people (e.g. NATS's per-second key semantics). */
  notes: string[];
  nextSteps: string[];
}

/** Options of {@link unrevokeJti}. */
export interface UnrevokeJtiOptions {
  operator?: string;
  account?: string;
  token?: string;
  jti?: string;
  /** Also undo the key revocation the jti revocation made (default true; needs an operator key). */
  keyRevocation?: boolean;
  signer?: SignerLike;
}

/** What {@link unrevokeJti} did. */
export interface UnrevokeJtiResult {
  operator: string;
  account: ResignedAccount;
  jti: string;
  /** The entry removed from the revoked-jti list. */
  removed: RevokedJti;
  /** The key's revocation time now (null when cleared), when the account was changed. */
  keyRevocation?: { key: string; restoredTo: number | null };
  warnings: string[];
  nextSteps: string[];
}

function unchangedAccount(name: string, claims: AccountClaims): ResignedAccount {
  return { name, publicKey: claims.sub, issuer: claims.iss!, resigned: false };
}

/**
 * Revokes one token by its jti, from `at` (default now), in the account's revoked-jti file
 * (`<stores>/<Op>/accounts/<A>/revocations.json`; sigchain verifiers read it through
 * {@link revokedJtisFromStore}, nsc ignores it). For a NATS user token it also revokes the
 * user's key at the token's iat in the account JWT, so a live nats-server refuses it as well:
 * with NATS's semantics that also refuses any OTHER token of that user issued at or before
 * that second; tokens issued later are unaffected (see `notes`). That part re-signs the account
 * with an OPERATOR key (`NO_APPROPRIATE_SIGNING_KEY` when none is at hand; `keyRevocation: false`
 * records the jti only). Nothing is written when signing fails.
 *
 * @example
 * ```ts
 * const { jwt } = parseCreds(readFileSync('leaked.creds', 'utf8'));
 * const r = await revokeJti(ws, { token: jwt });
 * r.notes; // ['nats-server cannot revoke a single token: …']
 * ```
 */
export async function revokeJti(ws: Workspace, opts: RevokeJtiOptions): Promise<RevokeJtiResult> {
  return ws.store.locked(async () => {
    const op = await ws.operator(opts.operator);
    const target = await resolveJtiTarget(ws, op, opts);
    const name = target.account;
    const account = await readAccount(op, name);
    if (!opts.force) await refuseCurrentAccountJti(op, target.jti);
    const at = revocationTime(opts.at);
    const now = Math.floor(Date.now() / 1000);
    const list = await readRevokedJtis(op, name, account.claims.sub);
    const existing = list.jtis[target.jti];
    const result: RevokeJtiResult = {
      operator: op.name,
      account: unchangedAccount(name, account.claims),
      jti: target.jti,
      at: existing ? Math.min(existing.at, at) : at,
      alreadyRevoked: existing !== undefined,
      ...(target.token ? { token: stripUser(target.token) } : {}),
      alsoRevoked: [],
      warnings: [],
      notes: [],
      nextSteps: [],
    };
    const entry: Omit<RevokedJti, 'jti'> = { ...(existing ?? {}), at: result.at };
    if (target.token) {
      const { type, subject, name: tokenName, iat } = target.token;
      Object.assign(entry, { type, subject, iat, ...(tokenName ? { name: tokenName } : {}) });
    }

    const user = target.token?.user;
    if (opts.keyRevocation !== false && user) {
      const obstacle = keyRevocationObstacle(account.claims, user, now);
      if (obstacle) {
        result.warnings.push(`The token's user key was not revoked in the account JWT: ${obstacle}. Only sigchain verifiers are told (by its jti).`);
      } else {
        if (at > now) {
          throw new SigchainError(
            'USAGE',
            `The revocation time ${iso(at)} is in the future, but nats-server cannot schedule a revocation: the key revocation would refuse the token at once. Revoke when it should take effect, or record the jti only (--jti-only) for sigchain verifiers.`,
          );
        }
        const key = user.sub;
        const iat = user.iat!;
        const previous = account.claims.nats.revocations?.[key];
        const all = account.claims.nats.revocations?.['*'];
        const covered = (previous !== undefined && previous >= iat) || (all !== undefined && all >= iat);
        result.keyRevocation = { key, at: iat, ...(previous !== undefined ? { previous } : {}), changed: !covered };
        if (covered) {
          result.notes.push(`Servers already refuse this token: account "${name}" revokes ${previous !== undefined && previous >= iat ? `user ${key}` : 'every user ("*")'} for tokens issued at or before ${iso(Math.max(previous ?? 0, all ?? 0))}.`);
        } else {
          revoke(account.claims, key, iat);
          const issued = await resignForRevocation(ws, op, await readOperator(op), account, await toSigner(ws, opts.signer));
          // The account first: if the jti file then fails, the token is refused by more, never by less.
          await op.writeAccountJwt(name, issued.token);
          result.account = { name, publicKey: account.claims.sub, issuer: issued.signer.key.publicKey, resigned: true, signedBy: issued.signer.as };
          result.warnings.push(...issued.warnings);
          entry.keyRevocation = { key, at: iat, ...(previous !== undefined ? { previous } : {}) };
          result.nextSteps.push(...serverReminder(op.name, name));
        }
        const who = target.token!.name ? `user "${target.token!.name}" (${key})` : `user ${key}`;
        result.notes.push(
          `nats-server cannot revoke a single token, so ${who}'s key is revoked in the account JWT for tokens issued at or before ${iso(iat)} (this token's iat): ` +
            'any other token of that user issued at or before that second is refused too (NATS semantics); tokens issued later are unaffected.',
        );
        for (const u of await storedUserTokens(op, name)) if (u.publicKey === key && u.iat <= iat) result.alsoRevoked.push({ name: u.name, publicKey: u.publicKey, iat: u.iat });
      }
    } else if (!target.token) {
      result.warnings.push(
        `No stored token has jti ${target.jti}, so only sigchain verifiers are told; nats-server never checks jtis. If it is a NATS user token, revoke it by giving the token itself (or its creds file) so its user key is also revoked at its iat.`,
      );
    } else if (opts.keyRevocation === false && user) {
      result.notes.push('Only the jti was recorded (--jti-only): sigchain verifiers refuse the token, but nats-server, which never checks jtis, still accepts it.');
    }
    if (result.alreadyRevoked && existing!.at <= at) result.notes.push(`The jti was already revoked since ${iso(existing!.at)}; that time is kept.`);
    if (result.at > now) result.warnings.push(`Verifiers refuse the token only from ${iso(result.at)}, which is in the future.`);
    list.jtis[target.jti] = entry;
    await writeRevokedJtis(op, name, list);
    return result;
  });
}

/**
 * Refuses a jti that is an account's current JWT: verifiers would then refuse every user of that
 * account (the chain goes through it), while nats-server, which never reads jtis, keeps
 * accepting them. A silent half-outage; `force` is the way to mean it.
 */
async function refuseCurrentAccountJti(op: OperatorEntities, jti: string): Promise<void> {
  for (const name of await op.listAccounts()) {
    let claims: AccountClaims;
    try {
      claims = (await readAccount(op, name)).claims;
    } catch {
      continue; // An unreadable account has no current JWT to protect.
    }
    if (claims.jti !== jti) continue;
    const users = (await op.listUsers(name)).length;
    throw new SigchainError(
      'REVOKES_CURRENT_ACCOUNT',
      `jti ${jti} is the current JWT of account "${name}" (${claims.sub}). Revoking it would make sigchain verifiers refuse that account and every one of its ${users} stored user${users === 1 ? '' : 's'} (\`verify\` fails for each), while nats-server, which never checks jtis, keeps accepting them. To stop the account on servers, disable it (\`sigchain edit account ${name} --conns 0\`) or revoke its users; to do this anyway, add --force.`,
      { account: name, public_key: claims.sub, jti, users },
    );
  }
}

function stripUser(t: JtiToken): Omit<JtiToken, 'user'> {
  const { user: _user, ...rest } = t;
  return rest;
}

// Which accounts' lists hold the jti: the named account's, else every account's.
type Recorded = { name: string; account: Awaited<ReturnType<typeof readAccount>>; list: Awaited<ReturnType<typeof readRevokedJtis>> };

/** The one account whose list revokes `jti`, with the account and the list as read. */
async function findRecorded(ws: Workspace, op: Awaited<ReturnType<Workspace['operator']>>, jti: string, account?: string): Promise<Recorded> {
  const candidates = account !== undefined ? [await ws.account(op, account)] : await op.listAccounts();
  const holders: Recorded[] = [];
  for (const a of candidates) {
    const acct = await readAccount(op, a);
    const list = await readRevokedJtis(op, a, acct.claims.sub);
    if (list.jtis[jti]) holders.push({ name: a, account: acct, list });
  }
  if (holders.length === 0) {
    throw new SigchainError('NOT_REVOKED', `jti ${jti} is not revoked in ${account !== undefined ? `account "${candidates[0]}"` : `any account of operator "${op.name}"`}. See \`sigchain revocations list-jtis\`.`, { jti });
  }
  if (holders.length > 1) {
    const names = holders.map((h) => h.name);
    throw new SigchainError('AMBIGUOUS_NAME', `jti ${jti} is revoked in several accounts (${names.join(', ')}): name one with -a.`, { jti, accounts: names });
  }
  return holders[0]!;
}

/**
 * Removes a jti revocation. When revoking it had also revoked the user's key in the account JWT
 * (and that entry is still the one it set), the key revocation goes back to what it was before,
 * or to what other revoked jtis of the same user still need; that re-signs the account with an
 * OPERATOR key. `NOT_REVOKED` when the jti is not in any list.
 *
 * @example
 * ```ts
 * await unrevokeJti(ws, { jti: 'GT4NUNMEF7ZMWCRBXVVUDKQT6ZYPZ77W4JRQXD3L24HKUJECQH7Q' });
 * ```
 */
export async function unrevokeJti(ws: Workspace, opts: UnrevokeJtiOptions): Promise<UnrevokeJtiResult> {
  return ws.store.locked(async () => {
    if ((opts.token === undefined) === (opts.jti === undefined)) throw new SigchainError('USAGE', 'Give either the token or its jti, not both.');
    const op = await ws.operator(opts.operator);
    const jti = opts.token !== undefined ? tokenForJti(opts.token, 'given').jti : checkJti(opts.jti!);
    const { name, account, list } = await findRecorded(ws, op, jti, opts.account);
    const removed: RevokedJti = { jti, ...list.jtis[jti]! };
    delete list.jtis[jti];
    const result: UnrevokeJtiResult = { operator: op.name, account: unchangedAccount(name, account.claims), jti, removed, warnings: [], nextSteps: [] };

    const kr = removed.keyRevocation;
    if (kr && opts.keyRevocation !== false) {
      const current = account.claims.nats.revocations?.[kr.key];
      if (current !== kr.at) {
        result.warnings.push(
          `The key revocation this jti revocation made for ${kr.key} (at ${iso(kr.at)}) was changed since (now ${current === undefined ? 'none' : iso(current)}), so it was left as it is. ` +
            'Change it with `sigchain revocations delete-user` / `add-user` if needed.',
        );
      } else {
        // Other revoked jtis of the same user may still need the key revoked up to their iat.
        const needed = revokedJtiEntries(list)
          .filter((e) => e.keyRevocation?.key === kr.key)
          .map((e) => e.keyRevocation!.at);
        if (kr.previous !== undefined) needed.push(kr.previous);
        const restoreTo = needed.length ? Math.max(...needed) : null;
        if (restoreTo !== current) {
          clearRevocation(account.claims, kr.key);
          if (restoreTo !== null) revoke(account.claims, kr.key, restoreTo);
          const issued = await resignForRevocation(ws, op, await readOperator(op), account, await toSigner(ws, opts.signer));
          await op.writeAccountJwt(name, issued.token);
          result.account = { name, publicKey: account.claims.sub, issuer: issued.signer.key.publicKey, resigned: true, signedBy: issued.signer.as };
          result.warnings.push(...issued.warnings);
          result.keyRevocation = { key: kr.key, restoredTo: restoreTo };
          result.nextSteps.push(...serverReminder(op.name, name));
        }
      }
    } else if (kr) {
      result.warnings.push(`The key revocation of ${kr.key} at ${iso(kr.at)} stays in the account JWT, so nats-server still refuses the token.`);
    }
    const all = account.claims.nats.revocations?.['*'];
    if (removed.iat !== undefined && all !== undefined && all >= removed.iat) result.warnings.push(`The "*" entry still refuses every user token issued at or before ${iso(all)}, this one included.`);
    await writeRevokedJtis(op, name, list);
    return result;
  });
}
