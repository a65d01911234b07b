import { OperatorStore } from '../../store/operator-store.js';
import { addTags } from '../../claims/nats/common.js';
import { formatCreds } from '../../claims/nats/creds.js';
import { newUserClaims } from '../../claims/nats/user.js';
import type { UserClaims } from '../../claims/nats/types.js';
import { SigchainError } from '../../errors.js';
import { defaultUsages } from '../../keys/usage.js';
import { KeyPair } from '../../nkeys/keypair.js';
import { PRIVATE_DIR_MODE, SECRET_FILE_MODE } from '../../store/atomic.js';
import { jwtNamesSync } from '../../store/bulk-read.js';
import { DurableBatch, type NewFile, writerThreads } from '../../store/bulk-write.js';
import { checkTokenFor } from '../../store/jwt-files.js';
import { namedOnce, usersTakenError } from '../../store/names.js';
import { applyUserEdit, editSetsPermissions } from '../edits/user-edit.js';
import { readAccount, readOperator } from '../read.js';
import { type Issued, userIssuer } from '../signing/issue.js';
import type { Workspace } from '../workspace.js';
import type { AddUserOptions, AddUserResult } from './add-user.js';
import { type UserKeyText, newUserKeys } from './user-keys.js';

/** What {@link addUsers} made: every user, in the order named. */
export interface AddUsersResult {
  operator: string;
  account: string;
  users: Array<AddUserResult['user']>;
  warnings: string[];
  /** Where the time went, in seconds: keys made, tokens signed (while earlier slices were written), the writes until the last was done, synced, renamed into place. */
  phases: { keys: number; sign: number; write: number; sync: number; rename: number };
}

/** Options of {@link addUsers}: those of `addUser`, the same for every user, and progress. */
export interface AddUsersOptions extends AddUserOptions {
  /**
   * Called as the users are made: `done` of `total` signed and handed to the writers, then
   * `total` once every file is in place (a call of 100,000 users takes tens of seconds).
   */
  onProgress?: (done: number, total: number) => void;
}

/** The most users one call creates: a batch is one lock and one set of files in memory. */
export const MAX_USERS_PER_BATCH = 100_000;

/** From this many files on, one filesystem sync beats an fsync per file. */
const SYNCFS_FROM = 64;

/** Users signed at a time: one audit group commit each, and what the writer threads write while the next is signed. */
const SLICE = 512;

/** The names checked: plain, each once, at least one. */
function checkedNames(names: readonly string[]): string[] {
  if (!names.length) throw new SigchainError('USAGE', 'Name at least one user to add.');
  if (names.length > MAX_USERS_PER_BATCH) throw new SigchainError('USAGE', `${names.length} users in one call is more than ${MAX_USERS_PER_BATCH}; add them in batches.`);
  return namedOnce(names, 'user');
}

/**
 * Creates many users of one account at once, each as {@link addUser} makes one (a user key
 * stored with its usages, a JWT signed by `opts.signer` or the best key at hand, a creds file),
 * with the same options for all. All or nothing: every name is checked (plain, given once, not
 * taken) before anything is written, and every user's claims before any user is signed; if one
 * fails, nothing of the batch is left (keys already written are removed). Made at the speed of
 * the disk: one store lock for the batch, the signer chosen once, the keys' files written as
 * the keys are made, the users signed a slice at a time while writer threads write the previous
 * slice's files, all through one `DurableBatch` (every byte synced before its file appears,
 * seeds and creds in place before the JWTs that make the users exist, put in place in stages
 * as the batch is written) instead of two fsyncs per file.
 *
 * @example
 * ```ts
 * const r = await addUsers(ws, ['web-1', 'web-2', 'web-3'], { account: 'A' });
 * r.users.map((u) => u.credsPath); // …/creds/O/A/web-1.creds, …
 * ```
 */
export async function addUsers(ws: Workspace, names: readonly string[], opts: AddUsersOptions = {}): Promise<AddUsersResult> {
  const wanted = checkedNames(names);
  return ws.store.locked(() =>
    ws.keys.locked(async () => {
      const op = await ws.operator(opts.operator);
      const operator = await readOperator(op);
      const accountName = await ws.account(op, opts.account);
      // One listing answers "is this name taken" for every name (nothing is written if one is).
      // A directory store is written file by file below; another store (KV) through its own writes.
      const dirOp = op instanceof OperatorStore ? op : undefined;
      const existing = new Set(dirOp ? jwtNamesSync(dirOp.usersDir(accountName)) : await op.listUsers(accountName));
      const taken = wanted.filter((n) => existing.has(n));
      if (taken.length) throw usersTakenError(taken, accountName);
      const account = await readAccount(op, accountName);
      const usages = defaultUsages('user');
      const plainSeeds = ws.custody.backendFor('user') === 'file';
      const created = new Date().toISOString();
      const keyPaths: string[] = [];
      if (plainSeeds) await ws.keys.prepare();
      const perUser = (plainSeeds ? 2 : 0) + (dirOp ? 2 : 1);
      const batch = new DurableBatch({ dirMode: PRIVATE_DIR_MODE, how: perUser * wanted.length >= SYNCFS_FROM ? 'auto' : 'fsync', writers: writerThreads(perUser * wanted.length) });
      const t0 = performance.now();
      let t1 = t0;
      let keys: UserKeyText[] = [];
      let claimsList: UserClaims[] = [];
      const issued: Issued[] = [];
      const tokens: string[] = [];
      let signing = 0;
      try {
        // Each run of keys goes to the writer threads as soon as it is made (usage record, phase
        // 0; seed, phase 1): they write while the rest of the keys are made and the users signed.
        keys = await newUserKeys(
          wanted.length,
          plainSeeds
            ? (chunk) => {
                const files: NewFile[] = [];
                for (const key of chunk) {
                  files.push(...ws.keys.newKeyFiles(key.publicKey, key.seed, usages, 0, created));
                  keyPaths.push(ws.keys.keyPath(key.publicKey));
                }
                return batch.add(files);
              }
            : undefined,
        );
        t1 = performance.now();
        claimsList = wanted.map((name, i) => {
          const claims = newUserClaims(name, keys[i]!.publicKey);
          if (opts.edit) applyUserEdit(claims.nats, opts.edit);
          if (opts.tags?.length) addTags(claims, ...opts.tags);
          if (opts.expiry) claims.exp = opts.expiry;
          if (opts.start) claims.nbf = opts.start;
          return claims;
        });
        const issuer = await userIssuer(ws, account, operator.claims.nats.strict_signing_key_usage === true, claimsList, {
          ...(opts.signer ? { explicit: opts.signer } : {}),
          ownPermissions: opts.edit ? editSetsPermissions(opts.edit) : false,
        });
        // formatCreds checks the first user fully (the JWT verifies, the seed is its subject's); the
        // rest are made by the same code from keys made here, so they reuse its exact frame.
        let frame: [string, string, string] | undefined;
        const creds = (token: string, seed: string): string => {
          if (frame) return frame[0] + token + frame[1] + seed + frame[2];
          const text = formatCreds(token, seed);
          const j = text.indexOf(token);
          const s = text.indexOf(seed, j + token.length);
          frame = [text.slice(0, j), text.slice(j + token.length, s), text.slice(s + seed.length)];
          return text;
        };
        // A slice is signed while the writer threads write the one before it.
        for (let at = 0; at < wanted.length; at += SLICE) {
          const s0 = performance.now();
          const slice = await issuer.issue(claimsList.slice(at, at + SLICE), at);
          signing += performance.now() - s0;
          const files: NewFile[] = [];
          for (let i = at; i < at + slice.length; i++) {
            const key = keys[i]!;
            issued.push(slice[i - at]!);
            const { token } = checkTokenFor('user', issued[i]!.token);
            tokens.push(token);
            // Phases: usage record (0), then seed (added with the keys) and creds (1), then the JWT that makes the user exist (2).
            files.push({ path: ws.keys.credsPath(op.name, accountName, wanted[i]!), data: creds(token, key.seed), mode: SECRET_FILE_MODE, phase: 1 });
            if (dirOp) files.push({ path: dirOp.userJwtPath(accountName, wanted[i]!), data: token, mode: SECRET_FILE_MODE, phase: 2 });
          }
          await batch.add(files);
          // Less than the total until the files (and a KV store's entries) are in place.
          opts.onProgress?.(Math.min(at + slice.length, wanted.length - 1), wanted.length);
        }
        // Another backend (sealed, an agent…) stores each key its own way, before any user exists.
        if (!plainSeeds) for (const k of keys) keyPaths.push(ws.custody.whereIs(await ws.custody.importKey(KeyPair.fromSeed(k.seed), usages)));
      } catch (e) {
        await batch.abort();
        await forgetKeys(ws, keys.slice(0, keyPaths.length), plainSeeds);
        throw e;
      }
      const written = await batch.commit();
      // Keys and creds are on disk first, as in a directory store: no user exists without its key.
      // The store adds every user or none; if none, this call's keys and creds go again.
      if (!dirOp) {
        try {
          await op.addUsers(accountName, wanted.map((name, i) => ({ name, token: tokens[i]! })));
        } catch (e) {
          batch.undoCommitted();
          await forgetKeys(ws, keys, plainSeeds);
          throw e;
        }
      }
      opts.onProgress?.(wanted.length, wanted.length);
      const warnings = [...new Set(issued.flatMap((x) => x.warnings))];
      return {
        operator: op.name,
        account: accountName,
        users: wanted.map((name, i) => ({
          name,
          publicKey: keys[i]!.publicKey,
          issuer: issued[i]!.signer.key.publicKey,
          ...(claimsList[i]!.nats.issuer_account ? { issuerAccount: claimsList[i]!.nats.issuer_account! } : {}),
          scoped: issued[i]!.signer.scope !== undefined,
          keyPath: keyPaths[i]!,
          credsPath: ws.keys.credsPath(op.name, accountName, name),
        })),
        warnings,
        phases: { keys: (t1 - t0) / 1000, sign: signing / 1000, ...written.seconds },
      };
    }),
  );
}

/** Removes keys this call stored outside its batch (another backend than plain files), as far as it can. */
async function forgetKeys(ws: Workspace, keys: readonly UserKeyText[], plainSeeds: boolean): Promise<void> {
  if (plainSeeds) return; // those were files of the batch, undone with it
  for (const k of keys) await ws.keys.removeKey(k.publicKey).catch(() => false);
}
