/**
 * Moving a store between its two homes: `store export DIR` writes the workspace's store (a
 * NATS KV store, or a directory) to DIR in nsc's layout, so nsc reads it; `store import DIR`
 * loads such a folder into the workspace's store. `watch` follows a KV store's changes.
 * Tokens only: no private key is read or written by any of these.
 */
import { resolve } from 'node:path';
import { SigchainError } from '../errors.js';
import { FsStore } from '../store/fs-store.js';
import { verifyStoredToken } from '../store/jwt-files.js';
import { KvStore, type KvChange } from '../store/kv/kv-store.js';
import { type RevokedJtiList, readRevokedJtis, writeRevokedJtis } from '../store/revoked-jtis.js';
import type { EntityStore, OperatorEntities } from '../store/store.js';
import type { Workspace } from './workspace.js';

/** One entity moved by {@link exportStore} or {@link importStore}. */
export interface TransferredEntity {
  kind: 'operator' | 'account' | 'user' | 'revocations';
  /** `Op`, `Op/Acct` or `Op/Acct/User`. */
  name: string;
  /**
   * `added` (was not there), `updated` (replaced by a newer token, or revocations merged),
   * `unchanged` (the same token), `kept` (the target holds a newer token: not rolled back).
   */
  status: 'added' | 'updated' | 'unchanged' | 'kept';
}

/** What a transfer did. */
export interface TransferResult {
  /** The directory written or read. */
  dir: string;
  /** The store read or written (`nats://…/bucket` or a folder). */
  store: string;
  entities: TransferredEntity[];
}

/**
 * Writes every operator, account, user and revoked-jti list of the workspace's store to `dir`
 * in nsc's layout (`<Op>/.nsc`, `<Op>/<Op>.jwt`, `<Op>/accounts/<A>/<A>.jwt`,
 * `<Op>/accounts/<A>/users/<U>.jwt`; revocations beside the account JWT). No keys. An
 * operator folder already in `dir` is `STORE_EXISTS` (nothing is overwritten); an entry of a KV
 * store that does not verify is `KV_ENTRY_INVALID` (nothing untrusted is exported).
 *
 * @example
 * ```ts
 * const ws = Workspace.open({ store: 'nats://127.0.0.1:4222' });
 * await exportStore(ws, '/tmp/nsc-stores'); // then: nsc --data-dir /tmp/nsc-stores list accounts
 * ```
 */
export async function exportStore(ws: Workspace, dir: string): Promise<TransferResult> {
  const target = new FsStore(resolve(dir));
  const entities: TransferredEntity[] = [];
  const source = ws.store;
  for (const name of await source.listOperators()) {
    const op = await source.openOperator(name);
    if (await target.hasOperator(name)) throw new SigchainError('STORE_EXISTS', `Operator ${name} already exists in ${target.dir}. Export into an empty folder (nothing was overwritten).`, { kind: 'operator', name, dir: target.dir });
    const out = await target.createOperator(name, await op.readOperatorJwt(), { managed: op.info.managed });
    entities.push({ kind: 'operator', name, status: 'added' });
    for (const a of await op.listAccounts()) {
      await out.addAccount(a, await op.readAccountJwt(a));
      entities.push({ kind: 'account', name: `${name}/${a}`, status: 'added' });
      const jtis = await op.readRevokedJtisText(a);
      if (jtis) {
        await out.writeRevokedJtisText(a, jtis.text);
        entities.push({ kind: 'revocations', name: `${name}/${a}`, status: 'added' });
      }
      for (const u of await op.listUsers(a)) {
        await out.addUser(a, u, await op.readUserJwt(a, u));
        entities.push({ kind: 'user', name: `${name}/${a}/${u}`, status: 'added' });
      }
    }
  }
  return { dir: target.dir, store: source.location, entities };
}

// A token read from a folder is checked before it goes anywhere others will trust it.
function checked(token: string, where: string): { token: string; iat: number } {
  try {
    const f = verifyStoredToken(token);
    return { token: token.trim(), iat: f.iat ?? 0 };
  } catch (e) {
    const why = e instanceof SigchainError ? e.code : String(e);
    throw new SigchainError('STORE_CORRUPT', `${where} does not hold a token that verifies (${why}): nothing of it was imported. Fix or remove it, then import again.`, { path: where, cause: why });
  }
}

// Which of two tokens of one entity to keep: the newer; never roll back to an older one.
function decide(current: string | undefined, incoming: { token: string; iat: number }): TransferredEntity['status'] {
  if (current === undefined) return 'added';
  if (current.trim() === incoming.token) return 'unchanged';
  const now = verifyStoredToken(current).iat ?? 0;
  return incoming.iat > now ? 'updated' : 'kept';
}

async function readIf(read: () => Promise<string>, has: () => Promise<boolean>): Promise<string | undefined> {
  return (await has()) ? read() : undefined;
}

/**
 * Loads a folder in nsc's layout (what `store export` or nsc wrote) into the workspace's store.
 * Each entity is one compare-and-set change: added when missing, replaced only by a newer
 * token (by `iat`; an older or equally old different one is `kept`, never rolled back), and
 * revoked-jti lists merged (a revocation is never dropped by an import). Every token must
 * verify first (`STORE_CORRUPT` naming the file otherwise). Keys are not imported.
 *
 * @example
 * ```ts
 * const r = await importStore(Workspace.open({ store: 'nats://127.0.0.1:4222' }), '/backup/stores');
 * r.entities.filter((e) => e.status === 'added').length;
 * ```
 */
export async function importStore(ws: Workspace, dir: string): Promise<TransferResult> {
  const source = new FsStore(resolve(dir));
  const operators = await source.listOperators();
  if (operators.length === 0) throw new SigchainError('STORE_NOT_FOUND', `${source.dir} holds no operator in nsc's layout (<Op>/.nsc, <Op>/<Op>.jwt). Point at the folder \`store export\` wrote (or nsc's stores folder).`, { dir: source.dir });
  const target: EntityStore = ws.store;
  const entities: TransferredEntity[] = [];
  for (const name of operators) {
    const from = await source.openOperator(name);
    const opToken = checked(await from.readOperatorJwt(), from.jwtPath);
    const status = await target.locked(async () => {
      if (!(await target.hasOperator(name))) {
        await target.createOperator(name, opToken.token, { managed: from.info.managed });
        return 'added' as const;
      }
      const to = await target.openOperator(name);
      const s = decide(await to.readOperatorJwt(), opToken);
      if (s === 'updated') await to.writeOperatorJwt(opToken.token);
      return s;
    });
    entities.push({ kind: 'operator', name, status });
    const to = await target.openOperator(name);
    for (const a of await from.listAccounts()) {
      const acct = checked(await from.readAccountJwt(a), from.accountJwtPath(a));
      const s = await target.locked(async () => {
        const st = decide(await readIf(() => to.readAccountJwt(a), () => to.hasAccount(a)), acct);
        if (st === 'added' || st === 'updated') await to.writeAccountJwt(a, acct.token);
        return st;
      });
      entities.push({ kind: 'account', name: `${name}/${a}`, status: s });
      const publicKey = verifyStoredToken(acct.token).sub;
      const incoming = await readRevokedJtis(from, a, publicKey);
      if (Object.keys(incoming.jtis).length) entities.push({ kind: 'revocations', name: `${name}/${a}`, status: await mergeJtis(target, to, a, publicKey, incoming) });
      for (const u of await from.listUsers(a)) {
        const user = checked(await from.readUserJwt(a, u), from.userJwtPath(a, u));
        const su = await target.locked(async () => {
          const st = decide(await readIf(() => to.readUserJwt(a, u), () => to.hasUser(a, u)), user);
          if (st === 'added' || st === 'updated') await to.writeUserJwt(a, u, user.token);
          return st;
        });
        entities.push({ kind: 'user', name: `${name}/${a}/${u}`, status: su });
      }
    }
  }
  return { dir: source.dir, store: target.location, entities };
}

// Revocations only grow through an import: the union, the target's entry winning for a jti in both.
async function mergeJtis(target: EntityStore, to: OperatorEntities, account: string, publicKey: string, incoming: RevokedJtiList): Promise<TransferredEntity['status']> {
  return target.locked(async () => {
    const current = await readRevokedJtis(to, account, publicKey);
    const missing = Object.keys(incoming.jtis).filter((j) => !(j in current.jtis));
    if (missing.length === 0) return 'unchanged';
    const had = Object.keys(current.jtis).length;
    for (const j of missing) current.jtis[j] = incoming.jtis[j]!;
    current.account = publicKey;
    await writeRevokedJtis(to, account, current);
    return had ? 'updated' : 'added';
  });
}

/**
 * Follows the changes made to the workspace's KV store until `signal` aborts: each put or
 * delete of an operator, account, user or revoked-jti list, as it lands. `USAGE` for a
 * directory store; `KV_BUCKET_MISSING`, `STORE_UNREACHABLE` as every KV read.
 *
 * @example
 * ```ts
 * const stop = new AbortController();
 * process.once('SIGINT', () => stop.abort());
 * await watchStore(ws, (c) => console.log(JSON.stringify(c)), stop.signal);
 * ```
 */
export async function watchStore(ws: Workspace, onChange: (change: KvChange) => void, signal: AbortSignal): Promise<void> {
  if (!(ws.store instanceof KvStore)) {
    throw new SigchainError('USAGE', `watch follows a store shared through NATS, and this workspace keeps its entities in the folder ${ws.store.location}. Pass --store nats://HOST:PORT (or set $SIGCHAIN_STORE).`);
  }
  await ws.store.watch(onChange, signal);
}

export type { KvChange };
