/**
 * Finding the blast radius of a compromised signing key: who lists it, what it signed, what can
 * and cannot be re-issued. Reads only. `applyCompromise` acts on the same scan, under the lock.
 */
import type { Signer } from '../../keys/signer.js';
import { basename, dirname, sep } from 'node:path';
import { isRevoked, signingKeyScope } from '../../claims/nats/account.js';
import { restrictionOf } from '../../keys/restrictions.js';
import type { AccountClaims, Import, OperatorClaims } from '../../claims/nats/types.js';
import { SigchainError, isSigchainError } from '../../errors.js';
import { b64urlDecode } from '../../jwt/base64url.js';
import { decodeJwt } from '../../jwt/decode.js';
import { decodePublicKey, isSeed } from '../../nkeys/codec.js';
import { KeyPair } from '../../nkeys/keypair.js';
import type { Role } from '../../nkeys/roles.js';
import type { OperatorStore } from '../../store/operator-store.js';
import { jwtNamesSync, namesInDirSync, readTextSync } from '../../store/bulk-read.js';
import { smallFilesReader } from '../../store/native-fs.js';
import { JWT_READ_CHUNK } from '../../store/jwt-files.js';
import { type CompromiseJournal, backupKey, readBackup, readJournal } from './journal.js';
import { swapSigningKey } from './swap-signing-key.js';
import type { CompromiseParent, CompromisePlan, Unsearched } from './types.js';
import { issueAccount } from '../signing/issue.js';
import { type Stored, isWascapStored, readAccount, readOperator } from '../read.js';
import { readWascapAccount, readWascapOperator } from '../wasmcloud/read.js';
import type { UserJob } from './reissue-users.js';
import { assertSignerMay } from '../signing/signer-usage.js';
import type { Workspace } from '../workspace.js';

/** The shape of a user public key: also keeps a subject from steering a path. */
const USER_KEY = /^U[A-Z2-7]{55}$/;

/** A parent with what applying needs beyond the plan's view of it. */
export interface ParentWork {
  view: CompromiseParent;
  /** For accounts: the account as read. */
  account?: Stored<AccountClaims>;
}

/** An activation to re-issue: import `index` of account `importer`. */
export interface ActivationJob {
  importer: string;
  index: number;
  /** The exporting account (the parent that listed the key). */
  exporter: string;
}

/** Everything the scan found in one operator's store. */
export interface OperatorWork {
  op: OperatorStore;
  operator: Stored<OperatorClaims>;
  journal: CompromiseJournal | undefined;
  parents: ParentWork[];
  /** Readable accounts by name. */
  accounts: Map<string, Stored<AccountClaims>>;
  /** Operator signing key: accounts it signed. */
  accountJobs: string[];
  /** Account signing key: users it signed, by account. */
  userJobs: Map<string, UserJob[]>;
  /** Users an interrupted run re-issued already, by account (their creds are checked again). */
  doneUsers: Map<string, UserJob[]>;
  activationJobs: ActivationJob[];
  /** An interrupted run's backup of the user tokens (`account/user` → token), read once here. */
  backup: Map<string, string>;
}

/** The plan and the work behind it. */
export interface Scan {
  plan: CompromisePlan;
  work: OperatorWork[];
}

function identityError(key: string, what: string, how: string): SigchainError {
  return new SigchainError(
    'COMPROMISED_KEY_IS_IDENTITY',
    `${key} is the identity key of ${what}, not a signing key. An identity key is the entity's name: it cannot be taken out of a token and replaced by another key, ` +
      `so "remove the signing key, add a new one, re-issue what it signed" does not apply. Replacing it is identity rotation, a different operation: ${how} ` +
      'Meanwhile, have verifiers ban the key (a policy\'s banned keys).',
    { publicKey: key },
  );
}

/**
 * A wasmCloud (wascap) operator's tree is searched for `key` too, but sigchain cannot re-issue
 * wascap tokens yet: when the key is used there, stop with what to do by hand instead of
 * passing over it (a compromise must not look handled while a wascap account still trusts it).
 */
async function refuseWascapUse(op: OperatorStore, key: string): Promise<void> {
  const o = (await readWascapOperator(op)).claims;
  if (o.sub === key) {
    throw identityError(key, `wasmCloud (wascap) operator "${op.name}"`, 'make a new wascap operator (`sigchain add operator NAME --format wascap --generate-signing-key`), add its accounts again under it and re-sign their modules (`sigchain wasm sign`).');
  }
  const uses: string[] = [];
  let account = false;
  if ((o.wascap.valid_signers ?? []).includes(key)) uses.push(`operator "${op.name}" lists it in valid_signers`);
  for (const name of await op.listAccounts()) {
    let a;
    try {
      a = (await readWascapAccount(op, name)).claims;
    } catch {
      continue; // an unreadable account cannot be judged here; `sigchain verify` refuses it anyway
    }
    if (a.sub === key) {
      throw identityError(key, `wasmCloud (wascap) account "${name}" (operator "${op.name}")`, `add a new account (\`sigchain add account NAME --format wascap --operator ${op.name} --generate-signing-key\`) and re-sign its modules with its signing key (\`sigchain wasm sign\`).`);
    }
    if (a.iss === key) uses.push(`it signed account "${name}"`);
    if ((a.wascap.valid_signers ?? []).includes(key)) uses.push(`account "${name}" lists it in valid_signers`), (account = true);
  }
  if (!uses.length) return;
  const how = account
    ? `add a new account (\`sigchain add account NAME --format wascap --operator ${op.name} --generate-signing-key\`) and re-sign every module the key signed with the new account's signing key (\`sigchain wasm sign MODULE.wasm -o OUT.wasm -K KEY\`)`
    : `make a new wascap operator with a new signing key (\`sigchain add operator NAME --format wascap --generate-signing-key\`), add its accounts again under it and re-sign their modules`;
  throw new SigchainError(
    'WRONG_CLAIM_TYPE',
    `${key} is used by wasmCloud (wascap) operator "${op.name}": ${uses.join('; ')}. sigchain cannot re-issue wascap tokens yet, so \`keys compromised\` changes nothing: ${how}. ` +
      `Meanwhile, have verifiers ban the key (\`sigchain verify MODULE.wasm --ban ${key}\`).`,
    { expected: 'nats', got: 'wascap', operator: op.name, publicKey: key, uses },
  );
}

function codeOf(e: unknown): string {
  return isSigchainError(e) ? e.code : 'unreadable';
}

/**
 * Facts of a stored token from its payload alone: no signature check (the caller says why that
 * is enough) and no header parse; the re-issue decodes the whole token again before signing.
 */
function peek(token: string): { iss?: string; sub?: string; iat?: number; type?: string } | undefined {
  const first = token.indexOf('.');
  const second = token.indexOf('.', first + 1);
  if (first < 0 || second < 0) return undefined;
  const bytes = b64urlDecode(token.slice(first + 1, second));
  if (!bytes) return undefined;
  let c: Record<string, unknown>;
  try {
    c = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (!c || typeof c !== 'object') return undefined;
  const nats = c.nats as Record<string, unknown> | undefined;
  return {
    ...(typeof c.iss === 'string' ? { iss: c.iss } : {}),
    ...(typeof c.sub === 'string' ? { sub: c.sub } : {}),
    ...(typeof c.iat === 'number' ? { iat: c.iat } : {}),
    ...(typeof nats?.type === 'string' ? { type: nats.type } : {}),
  };
}


function readToken(path: string): string | undefined {
  return readTextSync(path)?.trim();
}

function isJwtImport(imp: Import): imp is Import & { token: string } {
  return typeof imp.token === 'string' && imp.token.split('.').length === 3 && !/^https?:/i.test(imp.token);
}

function revokedAt(list: Record<string, number> | undefined, key: string): number | undefined {
  return Math.max(list?.[key] ?? 0, list?.['*'] ?? 0) || undefined;
}

function when(unix: number | undefined): string {
  return unix ? new Date(unix * 1000).toISOString().replace('.000Z', 'Z') : 'an unknown time';
}

/**
 * Reads every operator's store and works out what a compromise of `key` touches.
 * Throws `COMPROMISED_KEY_IS_IDENTITY` when `key` is an entity's identity key, and
 * `NKEY_PUBLIC_EXPECTED` when a seed was given.
 */
export async function scanCompromise(ws: Workspace, key: string, opts: { signer?: Signer | undefined } = {}): Promise<Scan> {
  const text = typeof key === 'string' ? key.trim() : '';
  // A seed pasted here must never be echoed back.
  if (isSeed(text)) throw new SigchainError('NKEY_PUBLIC_EXPECTED', 'Give the public key of the compromised signing key (O… or A…), not its seed. Keep the seed out of shells and logs: it is exposed already.');
  const role: Role = decodePublicKey(text).role;
  key = text;
  const plan: CompromisePlan = { publicKey: key, role, status: 'not-listed', parents: [], reissue: [], alreadyReissued: 0, cannot: [], untouched: 0, notes: [], unsearched: [] };
  const work: OperatorWork[] = [];

  // The scan and the re-issue read and write the store's files in bulk: a directory store only.
  const store = ws.directoryStore('`keys compromised`');
  for (const opName of await store.listOperators()) {
    const op = await store.openOperator(opName);
    let operator: Stored<OperatorClaims>;
    try {
      operator = await readOperator(op);
    } catch (e) {
      if (isSigchainError(e, 'WRONG_CLAIM_TYPE') && isWascapStored(await op.readOperatorJwt())) {
        await refuseWascapUse(op, key);
        plan.notes.push(`Operator "${opName}" is a wasmCloud (wascap) operator; neither it nor its accounts list ${key}.`);
      } else {
        plan.notes.push(`Operator "${opName}" was not searched: its JWT cannot be read (${codeOf(e)}).`);
        plan.unsearched.push({ kind: 'operator', operator: opName, name: opName, code: codeOf(e) });
      }
      continue;
    }
    if (operator.claims.sub === key) {
      throw identityError(key, `operator "${opName}"`, 'make a new operator identity, re-sign the operator JWT and every account its old identity signed (as `nsc reissue operator` does), and restart every server with the new operator JWT.');
    }
    const accounts = new Map<string, Stored<AccountClaims>>();
    for (const name of await op.listAccounts()) {
      try {
        const a = await readAccount(op, name);
        if (a.claims.sub === key) {
          throw identityError(key, `account "${name}" (operator "${opName}")`, 'create a new account, re-issue its users and imports under it, push it, then delete the old account.');
        }
        accounts.set(name, a);
      } catch (e) {
        if (isSigchainError(e, 'COMPROMISED_KEY_IS_IDENTITY')) throw e;
        plan.notes.push(`Account "${name}" of operator "${opName}" was not searched: its JWT cannot be read (${codeOf(e)}).`);
        plan.unsearched.push({ kind: 'account', operator: opName, account: name, name, code: codeOf(e) });
      }
    }
    if (role === 'user') {
      for (const [name, a] of accounts) {
        for (const user of await op.listUsers(name)) {
          if (peek(readToken(op.userJwtPath(name, user)) ?? '')?.sub === key) {
            throw identityError(key, `user "${user}" of account "${a.name}" (operator "${opName}")`, `revoke the user in its account (its revocation list) and add a new user with a new key.`);
          }
        }
      }
    }

    const journal = await readJournal(op, key);
    const w: OperatorWork = { op, operator, journal, parents: [], accounts, accountJobs: [], userJobs: new Map(), doneUsers: new Map(), activationJobs: [], backup: new Map() };
    findParents(w, key);
    if (w.parents.length === 0) {
      if (journal) plan.notes.push(`An interrupted run left ${op.dir}/.compromise-${key}.json, but no parent it names lists ${key} or its replacement any more: the tokens were changed by hand. Delete that file once you have checked them.`);
      if (role === 'operator' || role === 'account') findOrphans(w, key, plan);
      continue;
    }
    await checkParentSigners(ws, w, key, opts.signer);
    if (journal?.phase === 'children') w.backup = await readBackup(op, key);
    if (role === 'operator') scanAccounts(w, key, plan);
    else {
      for (const p of w.parents) scanUsers(ws, w, p, key, w.backup, plan);
      scanActivations(w, key, plan);
    }
    plan.parents.push(...w.parents.map((p) => p.view));
    work.push(w);
  }

  if (plan.parents.length) plan.status = work.some((w) => w.journal) ? 'resuming' : 'listed';
  else if (role !== 'operator' && role !== 'account') {
    plan.notes.push(`${key} is ${role === 'user' ? 'a user key' : `a ${role} key`}: in NATS only operator (O…) and account (A…) keys are signing keys, so no entity can list it.`);
  } else if (plan.unsearched.length) {
    plan.notes.push(`No operator or account that could be read lists ${key} as a signing key, but the search was incomplete: ${describeUnsearched(plan.unsearched)} could not be read, and may list it or hold tokens it signed.`);
  } else if (!plan.cannot.length) {
    plan.notes.push(`No operator or account in the store lists ${key} as a signing key, and no token in the store is signed by it: there is nothing to re-issue (it was never used here, or it was handled already).`);
  } else {
    plan.notes.push(`No operator or account in the store lists ${key} as a signing key any more, yet ${plan.cannot.length} token(s) in the store are still signed by it: it was removed without re-issuing what it signed.`);
  }
  return { plan, work };
}

/**
 * The parts of the store a compromise scan could not read, in words:
 * `account "B" of operator "O" (STORE_CORRUPT)`, joined with commas.
 *
 * @example
 * ```ts
 * describeUnsearched(plan.unsearched); // 'account "B" of operator "O" (STORE_CORRUPT)'
 * ```
 */
export function describeUnsearched(list: readonly Unsearched[]): string {
  return list
    .map((u) => {
      const where = u.kind === 'operator' ? `operator "${u.name}"` : u.kind === 'account' ? `account "${u.name}" of operator "${u.operator}"` : u.kind === 'users' ? `the users of account "${u.account}" (operator "${u.operator}")` : `${u.kind} "${u.name}" of account "${u.account}" (operator "${u.operator}")`;
      return `${where} (${u.code})`;
    })
    .join(', ');
}

/** The parents in one operator: entities listing the key, or (after an interruption) its replacement. */
function findParents(w: OperatorWork, key: string): void {
  const fromJournal = (kind: 'operator' | 'account', name: string) => w.journal?.parents.find((p) => p.kind === kind && p.name === name);
  const opClaims = w.operator.claims;
  const opKeys = opClaims.nats.signing_keys ?? [];
  const jo = fromJournal('operator', w.op.name);
  if (opKeys.includes(key) || (jo && opKeys.includes(jo.replacement))) {
    const restriction = restrictionOf(opClaims.nats, opKeys.includes(key) ? key : jo!.replacement);
    w.parents.push({
      view: { kind: 'operator', operator: w.op.name, name: w.op.name, publicKey: opClaims.sub, scope: null, ...(restriction !== undefined ? { restriction } : {}), ...(jo ? { replacement: jo.replacement } : {}), replaced: !opKeys.includes(key) },
    });
  }
  for (const [name, a] of w.accounts) {
    const listed = signingKeyScope(a.claims, key);
    const ja = fromJournal('account', name);
    const replacementListed = ja ? signingKeyScope(a.claims, ja.replacement) !== undefined : false;
    if (listed === undefined && !replacementListed) continue;
    const scope = listed !== undefined ? listed : (signingKeyScope(a.claims, ja!.replacement) ?? null);
    const restriction = restrictionOf(a.claims.nats, listed !== undefined ? key : ja!.replacement);
    w.parents.push({
      view: { kind: 'account', operator: w.op.name, name, publicKey: a.claims.sub, scope, ...(restriction !== undefined ? { restriction } : {}), ...(ja ? { replacement: ja.replacement } : {}), replaced: listed === undefined },
      account: a,
    });
  }
}

/** Whether each parent's token can be re-signed now; sets `signer` or `blocked`. Changes nothing. */
async function checkParentSigners(ws: Workspace, w: OperatorWork, key: string, signer: Signer | undefined): Promise<void> {
  for (const p of w.parents) {
    if (p.view.replaced) continue;
    try {
      if (p.view.kind === 'operator') {
        const identity = w.operator.claims.sub;
        let k = signer;
        k ??= await ws.custody.trySigner(identity);
        if (!k) {
          throw new SigchainError('NO_APPROPRIATE_SIGNING_KEY', `Operator "${w.op.name}" must be re-signed without ${key}, and an operator token is signed by the operator's identity key ${identity}, which is not held here (not in the key store, plain or sealed; not registered). Pass it with -K (its seed or .nk file).`, { allowed: [identity] });
        }
        if (k.publicKey !== identity) {
          throw new SigchainError('NO_APPROPRIATE_SIGNING_KEY', `An operator token is self-signed: only operator "${w.op.name}"'s identity key ${identity} can re-sign it, not ${k.publicKey}. Pass the identity key with -K.`, { allowed: [identity] });
        }
        await assertSignerMay(ws, k, 'identity', `the token of operator "${w.op.name}"`);
        p.view.signer = { publicKey: identity, as: 'identity' };
      } else {
        // A trial issue of the claims as they will be (a stand-in for the replacement key): the
        // same choice, and the same refusal, as the real one, but nothing is signed.
        const claims = structuredClone(p.account!.claims);
        swapSigningKey('account', claims, key, KeyPair.create('account').publicKey, p.view.scope);
        const issued = await issueAccount(ws, w.operator, claims, signer, { previous: p.account!.claims, dryRun: true });
        p.view.signer = { publicKey: issued.signer.key.publicKey, as: issued.signer.as };
      }
    } catch (e) {
      if (!isSigchainError(e)) throw e;
      const opClaims = w.operator.claims.nats;
      const sks = (opClaims.signing_keys ?? []).filter((k) => k !== key);
      const needs = p.view.kind === 'operator' || sks.length === 0 ? w.operator.claims.sub : sks[0]!;
      p.view.blocked = { code: e.code, message: e.message, needs };
    }
  }
}

/** Operator signing key: the accounts it signed. */
function scanAccounts(w: OperatorWork, key: string, plan: CompromisePlan): void {
  const replacement = w.parents[0]!.view.replacement;
  for (const [name, a] of w.accounts) {
    const iss = a.claims.iss;
    if (iss === key) {
      w.accountJobs.push(name);
      plan.reissue.push({ kind: 'account', operator: w.op.name, account: name, name, publicKey: a.claims.sub });
    } else if (replacement && iss === replacement) plan.alreadyReissued++;
    else plan.untouched++;
  }
}

/** Account signing key: the users of `p` it signed (or that an interrupted run left to restore). */

/**
 * Where a user's seed is. Seed folders are listed once each rather than asking for every file:
 * a compromise scans thousands of users, and on some machines each file query costs ~10 µs.
 */
function seedSources(): (job: UserJob) => UserJob['seed'] {
  const listed = new Map<string, Set<string>>();
  const has = (path: string): boolean => {
    const dir = dirname(path);
    let names = listed.get(dir);
    if (!names) listed.set(dir, (names = namesInDirSync(dir)));
    return names.has(basename(path));
  };
  return (job) => (has(job.seedPath) ? 'key-store' : has(job.credsPath) ? 'creds-file' : 'none');
}

function scanUsers(ws: Workspace, w: OperatorWork, p: ParentWork, key: string, backup: Map<string, string>, plan: CompromisePlan): void {
  if (p.view.kind !== 'account') return;
  const account = p.view.name;
  const claims = p.account!.claims;
  const replacement = p.view.replacement;
  const jobs: UserJob[] = [];
  const done: UserJob[] = [];
  const usersDir = w.op.usersDir(account);
  let names: string[];
  try {
    names = jwtNamesSync(usersDir);
  } catch (e) {
    plan.cannot.push({ kind: 'user', operator: w.op.name, account, name: '*', reason: `the users of account "${account}" cannot be listed (${codeOf(e)})` });
    plan.unsearched.push({ kind: 'users', operator: w.op.name, account, name: '*', code: codeOf(e) });
    return;
  }
  // Paths by concatenation: names come from the folder listing, subjects are checked below,
  // and path.join with its checks costs more per user than reading the file.
  const credsDir = ws.keys.accountCredsDir(w.op.name, account);
  const userKeysDir = ws.keys.roleKeysDir('U');
  const seedSource = seedSources();
  const at = smallFilesReader(usersDir, names.map((n) => `${n}.jwt`), JWT_READ_CHUNK, { ascii: true });
  for (let i = 0; i < names.length; i++) {
    const user = names[i]!;
    const jwtPath = `${usersDir}${sep}${user}.jwt`;
    // Read natively, a slice of files per call; what that cannot take (or any byte that is not
    // ASCII, which UTF-8 reads otherwise) is read again the node:fs way.
    const text = at(i);
    let token = typeof text === 'string' ? text.trim() : readToken(jwtPath);
    let facts = token === undefined ? undefined : peek(token);
    const saved = backup.get(backupKey(account, user));
    const savedFacts = saved === undefined ? undefined : peek(saved);
    let fromBackup = false;
    // After a power cut a rewritten file may hold stale bytes (or none): its backup says what it held.
    if (savedFacts && (!facts || facts.sub !== savedFacts.sub)) {
      token = saved;
      facts = savedFacts;
      fromBackup = true;
    }
    if (!token || !facts) {
      plan.cannot.push({ kind: 'user', operator: w.op.name, account, name: user, reason: `its JWT file cannot be read as a token (${token === undefined ? 'unreadable' : 'MALFORMED_TOKEN'})` });
      continue;
    }
    if (facts.type !== 'user') continue;
    const sub = facts.sub ?? '';
    if (!USER_KEY.test(sub)) {
      plan.cannot.push({ kind: 'user', operator: w.op.name, account, name: user, reason: 'its subject is not a user public key' });
      continue;
    }
    const job: UserJob = { account, user, sub, token, jwtPath, credsPath: `${credsDir}${sep}${user}.creds`, seedPath: `${userKeysDir}${sep}${sub.slice(1, 3)}${sep}${sub}.nk`, seed: 'none' };
    if (facts.iss === key) {
      const at = revokedAt(claims.nats.revocations, sub);
      if (isRevoked(claims.nats.revocations, sub, facts.iat ?? 0)) {
        plan.cannot.push({ kind: 'user', operator: w.op.name, account, name: user, reason: `it is revoked (since ${when(at)}): a new token would be issued after the revocation and lift it. It stays signed by the compromised key, which servers refuse` });
        continue;
      }
      job.seed = seedSource(job);
      jobs.push(job);
      plan.reissue.push({ kind: 'user', operator: w.op.name, account, name: user, publicKey: sub, creds: job.seed, ...(fromBackup ? { fromBackup } : {}) });
      if (job.seed === 'none') plan.cannot.push({ kind: 'creds', operator: w.op.name, account, name: user, reason: 'no seed at hand (not in the key store, no creds file): it gets its new JWT; its creds are up to the user, who holds the seed' });
    } else if (replacement && facts.iss === replacement) {
      plan.alreadyReissued++;
      if (saved !== undefined) {
        job.seed = seedSource(job);
        done.push(job);
      }
    } else plan.untouched++;
  }
  w.userJobs.set(account, jobs);
  w.doneUsers.set(account, done);
}

/** Account signing key: activations it signed, carried in the imports of any account. */
function scanActivations(w: OperatorWork, key: string, plan: CompromisePlan): void {
  const exporters = new Map(w.parents.filter((p) => p.view.kind === 'account').map((p) => [p.view.publicKey, p]));
  const replacements = new Set(w.parents.map((p) => p.view.replacement).filter((r): r is string => !!r));
  for (const [name, a] of w.accounts) {
    (a.claims.nats.imports ?? []).forEach((imp, index) => {
      if (!isJwtImport(imp)) return;
      let act: Record<string, unknown>;
      const label = imp.name || imp.subject;
      try {
        act = decodeJwt<Record<string, unknown>>(imp.token).claims;
      } catch (e) {
        // Who signed it is unknown: it may be the leaked key.
        plan.unsearched.push({ kind: 'activation', operator: w.op.name, account: name, name: label, code: codeOf(e) });
        return;
      }
      if (typeof act.iss === 'string' && replacements.has(act.iss)) {
        plan.alreadyReissued++;
        return;
      }
      if (act.iss !== key) return;
      const nats = (act.nats ?? {}) as { issuer_account?: string; subject?: string };
      const exporter = exporters.get(nats.issuer_account ?? '') ?? (exporters.size === 1 ? [...exporters.values()][0] : undefined);
      if (!exporter) {
        plan.cannot.push({ kind: 'activation', operator: w.op.name, account: name, name: label, reason: `its issuer_account names no account that lists ${key}` });
        return;
      }
      const exp = (exporter.account!.claims.nats.exports ?? []).find((e) => e.subject === nats.subject);
      const importer = a.claims.sub;
      if (exp && isRevoked(exp.revocations, importer, typeof act.iat === 'number' ? act.iat : 0)) {
        plan.cannot.push({ kind: 'activation', operator: w.op.name, account: name, name: label, reason: `the export revoked it (since ${when(revokedAt(exp.revocations, importer))}): re-issuing would lift that` });
        return;
      }
      w.activationJobs.push({ importer: name, index, exporter: exporter.view.name });
      plan.reissue.push({ kind: 'activation', operator: w.op.name, account: name, name: label, publicKey: importer });
    });
  }
}

/** No entity lists the key: report the tokens still signed by it (a signing key removed by hand). */
function findOrphans(w: OperatorWork, key: string, plan: CompromisePlan): void {
  const why = `${key} is listed by no entity any more (removed by hand?), so servers already refuse it; sigchain cannot know which key should take over`;
  for (const [name, a] of w.accounts) {
    if (a.claims.iss === key) plan.cannot.push({ kind: 'account', operator: w.op.name, account: name, name, reason: `${why}: re-sign it with \`sigchain edit account ${name} -K <operator signing key>\`` });
    if (decodePublicKey(key).role !== 'account') continue;
    let names: string[] = [];
    try {
      names = jwtNamesSync(w.op.usersDir(name));
    } catch {
      continue;
    }
    for (const user of names) {
      if (peek(readToken(w.op.userJwtPath(name, user)) ?? '')?.iss === key) {
        plan.cannot.push({ kind: 'user', operator: w.op.name, account: name, name: user, reason: `${why}: re-issue it with \`sigchain edit user ${user} -a ${name} -K <account signing key>\`` });
      }
    }
  }
}
