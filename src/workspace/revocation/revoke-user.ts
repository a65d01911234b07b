/**
 * Key revocations in the account JWT, with NATS's semantics: a user token is refused iff
 * `revocations[userKey] >= iat` or `revocations["*"] >= iat` (equal is refused). They live in
 * the ACCOUNT JWT, so an OPERATOR key signs them. nsc: `revocations add-user` / `delete-user`.
 */
import { type SignerLike, toSigner } from '../signing/signer-like.js';
import { clearRevocation, isRevoked, revoke } from '../../claims/nats/account.js';
import { SigchainError, isSigchainError } from '../../errors.js';
import { decodePublicKey } from '../../nkeys/codec.js';
import type { OperatorEntities } from '../../store/store.js';
import { readRevokedJtis, revokedJtiEntries } from '../../store/revoked-jtis.js';
import { readAccountInStore, readUser } from '../read.js';
import { iso, resignForRevocation, revocationTime, serverReminder, storedUserTokens } from './revocation-common.js';
import type { Workspace } from '../workspace.js';

/** Which user key a revocation is about: a stored user's name, a public key, or everyone. */
export interface UserKeyTarget {
  operator?: string;
  /** Account of the users; default the current one. */
  account?: string;
  /** A stored user, by name. */
  user?: string;
  /** A user public key (U…), e.g. of a user made outside this store; or `"*"`. */
  publicKey?: string;
  /** Every user of the account (the `"*"` entry). */
  all?: boolean;
}

/** Options of {@link revokeUser}. */
export interface RevokeUserOptions extends UserKeyTarget {
  /** Revoke tokens issued at or before this time (Unix seconds or a Date); default (or 0) now. */
  at?: number | Date;
  /** The OPERATOR key that re-signs the account (`-K`): a signing key, or the identity key. */
  signer?: SignerLike;
}

/** Options of {@link unrevokeUser}. */
export interface UnrevokeUserOptions extends UserKeyTarget {
  signer?: SignerLike;
}

/** A stored user hit (or no longer hit) by a revocation. */
export interface RevokedUser {
  name: string;
  publicKey: string;
  /** When its current token was issued. */
  iat: number;
}

/** The account after it was re-signed (or left as it was). */
export interface ResignedAccount {
  name: string;
  publicKey: string;
  /** The key that signed the account JWT now in the store. */
  issuer: string;
  /** Whether this operation re-signed it; false when nothing changed. */
  resigned: boolean;
  signedBy?: 'identity' | 'signing-key';
}

/** What {@link revokeUser} did. */
export interface RevokeUserResult {
  operator: string;
  account: ResignedAccount;
  /** The revoked key: a user public key, or `"*"`. */
  key: string;
  /** The stored user's name, when the key is one. */
  user?: string;
  /** The time asked for. */
  requested: number;
  /** The revocation time now in effect (later than `requested` when a later one was kept). */
  at: number;
  /** The time before, if the key was already revoked. */
  previous?: number;
  /** False when a later revocation was already there (revocations only move forward). */
  changed: boolean;
  /** Stored users whose current token the entry now refuses. */
  revokedUsers: RevokedUser[];
  warnings: string[];
  nextSteps: string[];
}

/** What {@link unrevokeUser} did. */
export interface UnrevokeUserResult {
  operator: string;
  account: ResignedAccount;
  key: string;
  user?: string;
  /** The revocation time that was removed. */
  removed: number;
  /** Stored users whose current token is accepted again (no other entry refuses it). */
  restoredUsers: RevokedUser[];
  warnings: string[];
  nextSteps: string[];
}

/** The key a target names, and the stored user's name when it is one. */
async function targetKey(op: OperatorEntities, account: string, t: UserKeyTarget): Promise<{ key: string; user?: string }> {
  const given = [t.user !== undefined, t.publicKey !== undefined, t.all === true].filter(Boolean).length;
  if (given !== 1) {
    throw new SigchainError('USAGE', "Name exactly one user to revoke: a stored user by name (-n USER), a user public key (-u U…), or every user of the account (-u '*').");
  }
  if (t.all || t.publicKey === '*') return { key: '*' };
  if (t.user !== undefined) {
    const u = await readUser(op, account, t.user);
    return { key: u.claims.sub, user: t.user };
  }
  const pub = t.publicKey!.trim();
  try {
    decodePublicKey(pub, ['user']);
  } catch (e) {
    if (!isSigchainError(e)) throw e;
    // The value is not echoed: it may be a seed pasted by mistake.
    throw new SigchainError(e.code, `${e.message} Revocations name user public keys (U…), or '*' for every user; an account is locked out with \`sigchain edit account --conns 0\` instead.`, e.details);
  }
  const found = await op.findUserByPublicKey(pub, account);
  return found ? { key: pub, user: found.name } : { key: pub };
}

/** The operator, account and key a revoke or unrevoke acts on. */
async function loadTarget(ws: Workspace, opts: UserKeyTarget) {
  const found = await readAccountInStore(ws, opts.operator, opts.account);
  return { ...found, ...(await targetKey(found.op, found.name, opts)) };
}

/**
 * Revokes a user key in the account JWT as of `at` (default now): every token of that user
 * (or, with `all` / `"*"`, of every user) issued at or before `at` is refused, by sigchain's
 * verifier and by nats-server once it loads the re-signed account. Equal is refused, so a token
 * re-issued in the same second is refused too. As in NATS, a revocation only moves forward: an
 * existing later one is kept (`changed: false`). Works for keys not in the store (nsc#302).
 * Re-signs the account with an OPERATOR key (`NO_APPROPRIATE_SIGNING_KEY` when none is at hand).
 *
 * @example
 * ```ts
 * const r = await revokeUser(ws, { account: 'A', user: 'U', signer: await ws.resolveKey(operatorSkPath) });
 * r.revokedUsers; // [{ name: 'U', … }]
 * await revokeUser(ws, { account: 'A', all: true, at: new Date('2026-01-01') });
 * ```
 */
export async function revokeUser(ws: Workspace, opts: RevokeUserOptions): Promise<RevokeUserResult> {
  return ws.store.locked(async () => {
    const { op, operator, name, account, key, user } = await loadTarget(ws, opts);
    const requested = revocationTime(opts.at);
    const now = Math.floor(Date.now() / 1000);
    const previous = account.claims.nats.revocations?.[key];
    revoke(account.claims, key, requested);
    const at = account.claims.nats.revocations![key]!;
    const changed = at !== previous;
    const result: RevokeUserResult = {
      operator: op.name,
      account: { name, publicKey: account.claims.sub, issuer: account.claims.iss!, resigned: false },
      key,
      ...(user ? { user } : {}),
      requested,
      at,
      ...(previous !== undefined ? { previous } : {}),
      changed,
      revokedUsers: [],
      warnings: [],
      nextSteps: [],
    };
    const who = key === '*' ? 'every user' : user ? `user "${user}"` : `user ${key}`;
    if (changed) {
      const issued = await resignForRevocation(ws, op, operator, account, await toSigner(ws, opts.signer));
      await op.writeAccountJwt(name, issued.token);
      result.account = { name, publicKey: account.claims.sub, issuer: issued.signer.key.publicKey, resigned: true, signedBy: issued.signer.as };
      result.warnings.push(...issued.warnings);
      result.nextSteps.push(...serverReminder(op.name, name));
    } else {
      result.warnings.push(
        `${who} of account "${name}" is already revoked for tokens issued at or before ${iso(at)}, which is not earlier than ${iso(requested)}: kept, and the account was not re-signed. ` +
          'A revocation only moves forward; to move it back, delete it first (`sigchain revocations delete-user`).',
      );
    }
    const users = await storedUserTokens(op, name);
    for (const u of users) if ((key === '*' || u.publicKey === key) && u.iat <= at) result.revokedUsers.push({ name: u.name, publicKey: u.publicKey, iat: u.iat });
    for (const u of users) {
      if (key !== '*' && u.publicKey === key && u.iat > at) {
        result.warnings.push(`User "${u.name}"'s current token was issued at ${iso(u.iat)}, after the revocation time ${iso(at)}, so it is NOT revoked. Revoke at a later time (--at) to refuse it.`);
      }
    }
    if (at > now) {
      result.warnings.push(`The revocation time ${iso(at)} is in the future: every token of ${who} issued until then, even one issued after this command, will be refused.`);
    }
    if (changed) {
      result.nextSteps.push(
        `Tokens of ${who} issued at or before ${iso(at)} are refused; a token issued later, even for the same key, is accepted. To let ${key === '*' ? 'users' : 'the user'} back in, re-issue its token on purpose (\`sigchain edit user ${user ?? 'NAME'} -a ${name} --lift-revocation\`: the new token is dated after the revocation); to keep a user out, do not re-issue it.`,
      );
    }
    return result;
  });
}

/**
 * Removes a key revocation from the account JWT (`nsc revocations delete-user`): unlike
 * {@link revokeUser} this may move back in time; clear, then revoke again at an earlier time.
 * `NOT_REVOKED` when the key has no revocation. Re-signs the account with an OPERATOR key.
 *
 * @example
 * ```ts
 * await unrevokeUser(ws, { account: 'A', user: 'U' });
 * ```
 */
export async function unrevokeUser(ws: Workspace, opts: UnrevokeUserOptions): Promise<UnrevokeUserResult> {
  return ws.store.locked(async () => {
    const { op, operator, name, account, key, user } = await loadTarget(ws, opts);
    const removed = account.claims.nats.revocations?.[key];
    const who = key === '*' ? 'every user ("*")' : user ? `user "${user}" (${key})` : `user ${key}`;
    if (removed === undefined) {
      const listed = Object.keys(account.claims.nats.revocations ?? {});
      throw new SigchainError('NOT_REVOKED', `Account "${name}" has no revocation for ${who}. Revoked keys: ${listed.length ? listed.join(', ') : '(none)'}. See \`sigchain revocations list-users -a ${name}\`.`, {
        account: name,
        key,
      });
    }
    clearRevocation(account.claims, key);
    const issued = await resignForRevocation(ws, op, operator, account, await toSigner(ws, opts.signer));
    await op.writeAccountJwt(name, issued.token);
    const result: UnrevokeUserResult = {
      operator: op.name,
      account: { name, publicKey: account.claims.sub, issuer: issued.signer.key.publicKey, resigned: true, signedBy: issued.signer.as },
      key,
      ...(user ? { user } : {}),
      removed,
      restoredUsers: [],
      warnings: [...issued.warnings],
      nextSteps: serverReminder(op.name, name),
    };
    const list = account.claims.nats.revocations;
    for (const u of await storedUserTokens(op, name)) {
      const wasHit = (key === '*' || u.publicKey === key) && u.iat <= removed;
      if (wasHit && !isRevoked(list, u.publicKey, u.iat)) result.restoredUsers.push({ name: u.name, publicKey: u.publicKey, iat: u.iat });
    }
    const all = list?.['*'];
    if (key !== '*' && all !== undefined && all >= removed) {
      result.warnings.push(`The "*" entry still refuses every token issued at or before ${iso(all)}, so tokens of ${who} issued by then stay revoked.`);
    }
    const jtis = revokedJtiEntries(await readRevokedJtis(op, name, account.claims.sub)).filter((e) => e.keyRevocation?.key === key);
    if (jtis.length) {
      result.warnings.push(
        `${jtis.length} token(s) revoked by jti relied on this key revocation (${jtis.map((e) => e.jti).join(', ')}): sigchain verifiers still refuse them, but nats-server now accepts them. ` +
          'Revoke them again (`sigchain revoke jti`), or delete them (`sigchain revocations delete-jti`).',
      );
    }
    return result;
  });
}
