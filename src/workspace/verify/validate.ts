/**
 * `validate`: the store judged by the verifier, entity by entity. Each operator, account and
 * user token is verified with its chain (signatures, issuers against the parent's current
 * signing keys, roles, expiry, revocations, strict mode) under a policy that trusts the
 * store's operator; accounts' imports are judged against their exporters (`judgeImports`).
 * A problem is reported once, at the entity it belongs to: an expired account is the
 * account's problem, not each of its users'. Users are verified in bulk, over every core
 * when there are many (`verifyFiles`, `verifyMany`).
 */
import { type ErrorCode, type SigchainError, isSigchainError } from '../../errors.js';
import { judgeImports } from '../../trust/nats/imports.js';
import { memoryResolver } from '../../trust/resolver.js';
import type { LinkKind, Reason } from '../../trust/verdict.js';
import type { OperatorEntities } from '../../store/store.js';
import type { Workspace } from '../workspace.js';
import { readStoreTrust } from './store-trust.js';
import { jwtNamesSync } from '../../store/bulk-read.js';
import { type PlainPolicy, type VerifiedFile, fileWorkers, startVerifyWorkers, verifyFiles, verifyMany, verifyOnPool } from './verify-many.js';
import { OperatorStore } from '../../store/operator-store.js';
import { sep } from 'node:path';

/** One problem found by {@link validateStore}. */
export interface ValidationProblem {
  /** `operator NAME`, `account NAME` or `user ACCOUNT/NAME`. */
  entity: string;
  code: ErrorCode;
  message: string;
}

/** Options of {@link validateStore}. */
export interface ValidateOptions {
  /** The operator (default: the current one). */
  operator?: string;
  /** The account to judge besides the operator (default: the current one). */
  account?: string;
  /** Judge every account of the operator (and their users), not only one. */
  allAccounts?: boolean;
  /** Judge at this time (Unix seconds) instead of now. */
  now?: number;
  /** Threads that read and verify the users, this one included (default: every core when there are many: on a machine of 2 to 5 cores this thread with libuv's pool checking the signatures, else one thread per core). */
  workers?: number;
}

/** What {@link validateStore} judged and found. */
export interface ValidationReport {
  operator: string;
  accounts: string[];
  /** How many tokens were judged (operator, accounts, users). */
  checked: number;
  problems: ValidationProblem[];
}

async function attempt(read: () => Promise<string>): Promise<string | SigchainError> {
  try {
    return await read();
  } catch (e) {
    if (isSigchainError(e)) return e;
    throw e;
  }
}

// The reasons that belong to the entity verified: its own link (or the input, for a token too
// broken to place). The links above are judged as themselves.
function own(reasons: readonly Reason[], kind: LinkKind): Reason[] {
  return reasons.filter((r) => r.at === kind || r.at === 'input');
}

function problem(entity: string, r: { code: ErrorCode; message: string; field?: string }): ValidationProblem {
  return { entity, code: r.code, message: r.field && !r.message.includes(r.field) ? `${r.message} (${r.field})` : r.message };
}

/**
 * Judges the operator and the current account (or `opts.account`, or every account with
 * `allAccounts`) with all their users. Never throws for a bad token: every defect is a
 * problem in the report (a file that cannot be read is `STORE_CORRUPT`); throws for a store
 * that has no such operator or account (`STORE_NOT_FOUND`, `NO_CONTEXT`).
 *
 * @example
 * ```ts
 * const report = await validateStore(Workspace.open(), { allAccounts: true });
 * for (const p of report.problems) console.log(p.entity, p.code, p.message);
 * ```
 */
export async function validateStore(ws: Workspace, opts: ValidateOptions = {}): Promise<ValidationReport> {
  const op: OperatorEntities = await ws.operator(opts.operator);
  const accounts = opts.allAccounts ? await op.listAccounts() : (await op.listAccounts()).length === 0 && opts.account === undefined ? [] : [await ws.account(op, opts.account)];
  // A folder store's users are listed first, so that the threads that will judge them start now
  // and load their code while this one reads and judges the operator and the accounts.
  const folder = op instanceof OperatorStore ? op : undefined;
  const users = folder ? listUsers(folder, accounts) : undefined;
  const workers = opts.workers !== undefined ? Math.max(0, opts.workers - 1) : undefined;
  // Worker threads (where the pool is not used) load their code while the chain is read.
  const started = users && !verifyOnPool(users.length, workers) ? startVerifyWorkers(fileWorkers(users.length, workers)) : undefined;
  try {
    const trust = await readStoreTrust(ws);
    const problems: ValidationProblem[] = [];
    const opEntity = `operator ${op.name}`;
    const operatorJwt = await attempt(() => op.readOperatorJwt());
    const now = opts.now ?? Date.now() / 1000;
    const policy: PlainPolicy = { trustedOperators: typeof operatorJwt === 'string' ? [operatorJwt] : [], revokedJtis: trust.revokedJtis, now };
    let checked = 0;
    if (typeof operatorJwt !== 'string') {
      problems.push({ entity: opEntity, code: 'STORE_CORRUPT', message: `The operator's JWT cannot be read: ${operatorJwt.message} Until it is, its accounts cannot be judged against it.` });
    } else {
      // An operator JWT that is not a genuine operator token cannot be a root: judged as it is.
      try {
        const v = await verifyMany([operatorJwt], [], policy);
        for (const r of own(v.errors[0]!, 'operator')) problems.push(problem(opEntity, r));
      } catch (e) {
        if (!isSigchainError(e)) throw e;
        problems.push({ entity: opEntity, code: e.code, message: e.message });
        policy.trustedOperators = [];
      }
      checked++;
    }
    const noOperator = !policy.trustedOperators?.length;
    const stored = await allAccountTokens(op);
    const resolver = memoryResolver([...trust.resolver.operators(), ...stored]);
    const chain = [...(typeof operatorJwt === 'string' ? [operatorJwt] : [])];
    const accountTokens: Array<{ name: string; token: string }> = [];
    for (const name of accounts) {
      const token = await attempt(() => op.readAccountJwt(name));
      if (typeof token !== 'string') problems.push({ entity: `account ${name}`, code: 'STORE_CORRUPT', message: `The account's JWT cannot be read: ${token.message}` });
      else accountTokens.push({ name, token }), chain.push(token);
    }
    // Every account of the store may be a parent (issuer_account) or an exporter, not only those judged.
    const parents = [...new Set([...chain, ...stored])];
    const judged = await verifyMany(accountTokens.map((a) => a.token), parents, policy);
    accountTokens.forEach((a, i) => {
      const entity = `account ${a.name}`;
      // Without a readable operator no account's issuer can be trusted: that is the operator's
      // problem, reported once there, not an ISSUER_NOT_TRUSTED (with advice for `verify`) per account.
      for (const r of own(judged.errors[i]!, 'account')) if (!(noOperator && r.code === 'ISSUER_NOT_TRUSTED')) problems.push(problem(entity, r));
      for (const f of judgeImports(a.token, resolver, now)) problems.push(problem(entity, f));
      checked++;
    });
    // Most users are clean: their entity is named only when one has a problem.
    const judgeUser = (entity: () => string, f: VerifiedFile): void => {
      if (f.missing) return;
      // A KV entry that does not verify keeps its own code; a damaged file is STORE_CORRUPT.
      if (f.readError) problems.push({ entity: entity(), code: f.readError.code === 'KV_ENTRY_INVALID' ? 'KV_ENTRY_INVALID' : 'STORE_CORRUPT', message: `The user's JWT cannot be read: ${f.readError.message}` });
      else {
        if (f.errors.length) for (const r of own(f.errors, 'user')) problems.push(problem(entity(), r));
        checked++;
      }
    };
    if (folder && users) {
      // Every user of every account judged, read and verified in one pass over the cores (each
      // thread reads the files it judges).
      const judged = await verifyFiles(users.map((u) => u.path), parents, policy, started ? { started } : { workers });
      users.forEach((u, i) => judgeUser(() => `user ${u.account}/${u.name}`, judged[i]!));
    } else {
      // A store that is not a folder (KV): its entries are read and decoded by the store, then
      // verified and judged over the cores like files (each signature checked once, there).
      const entries: Array<{ account: string; name: string; token?: string; error?: { code: string; message: string } }> = [];
      for (const name of accounts) {
        let read: Awaited<ReturnType<typeof op.readUsers>> = [];
        try {
          read = await op.readUsers(name, { tokens: true, skipSignatures: true });
        } catch {
          // As above: no users to judge.
        }
        for (const u of read) entries.push({ account: name, name: u.name, ...(u.error ? { error: { code: u.error.code, message: u.error.message } } : { token: u.token! }) });
      }
      const ok = entries.filter((e) => e.token !== undefined);
      const judged = await verifyMany(ok.map((e) => e.token!), parents, policy, workers === undefined ? {} : { workers });
      let k = 0;
      for (const e of entries) {
        const entity = (): string => `user ${e.account}/${e.name}`;
        if (e.error) {
          judgeUser(entity, { readError: e.error, errors: [], warnings: [] });
          continue;
        }
        const errors = judged.errors[k]!;
        const warnings = judged.warnings[k]!;
        k++;
        // An entry whose signature does not verify is the store's KV_ENTRY_INVALID, as any read of
        // it says: the verifying read names the entry and its revision (rare: bad entries only).
        const readError = errors.some((r) => r.code === 'BAD_SIGNATURE' || r.code === 'MALFORMED_TOKEN') ? await unreadableUser(op, e.account, e.name) : undefined;
        judgeUser(entity, readError ? { readError, errors: [], warnings: [] } : { errors, warnings });
      }
    }
    return { operator: op.name, accounts, checked, problems };
  } finally {
    await started?.close();
  }
}

/** The coded error a verifying read of the user gives; undefined when it reads. */
async function unreadableUser(op: OperatorEntities, account: string, user: string): Promise<{ code: string; message: string } | undefined> {
  try {
    await op.readUserJwt(account, user);
    return undefined;
  } catch (e) {
    if (!isSigchainError(e)) throw e;
    return { code: e.code, message: e.message };
  }
}

function listUsers(op: OperatorStore, accounts: readonly string[]): Array<{ account: string; name: string; path: string }> {
  const users: Array<{ account: string; name: string; path: string }> = [];
  for (const name of accounts) {
    const dir = op.usersDir(name);
    let names: string[] = [];
    try {
      names = jwtNamesSync(dir);
    } catch {
      // An account whose users folder cannot be listed has no users to judge (its own JWT was).
    }
    // The names are the folder's own (a listing of safe names): their paths need no checks.
    for (const u of names) users.push({ account: name, name: u, path: `${dir}${sep}${u}.jwt` });
  }
  return users;
}

async function allAccountTokens(op: OperatorEntities): Promise<string[]> {
  const out: string[] = [];
  for (const name of await op.listAccounts()) {
    const t = await attempt(() => op.readAccountJwt(name));
    if (typeof t === 'string') out.push(t);
  }
  return out;
}

