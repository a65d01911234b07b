/**
 * `pull`: the account JWTs a cluster's resolver holds, into the store — each verified by
 * sigchain's own verifier before it touches the store, a newer remote token taken, an older one
 * refused unless asked (`overwriteNewer`); `diff` writes nothing.
 */
import { SigchainError } from '../../errors.js';
import { isPublicKey } from '../../nkeys/codec.js';
import { safeName } from '../../store/names.js';
import { readAccount } from '../read.js';
import type { Workspace } from '../workspace.js';
import { accountVerifier, natsOperator, openCluster, pool } from './session.js';

/** What happened to one account. */
export type PullStatus = 'pulled' | 'added' | 'unchanged' | 'kept-newer' | 'overwrote-newer' | 'refused' | 'not-found' | 'differs';

/** One account's outcome. */
export interface PullOutcome {
  account: string;
  public_key: string;
  status: PullStatus;
  local_iat?: number;
  remote_iat?: number;
  reason?: string;
}

/** What {@link pullAccounts} takes. */
export interface PullOptions {
  operator?: string;
  /** Account names (or public keys) to pull; `all` for every account the servers hold. */
  accounts: string[] | 'all';
  server?: string;
  timeoutMs?: number;
  /** List what differs, write nothing. */
  diff?: boolean;
  /** Replace a newer local token with an older remote one. */
  overwriteNewer?: boolean;
}

/** True when nothing was refused, missing, or kept over a remote token. */
export function pullSucceeded(r: { accounts: PullOutcome[] }): boolean {
  return r.accounts.every((a) => a.status !== 'refused' && a.status !== 'not-found' && a.status !== 'kept-newer');
}

/** A folder for an account new to the store: its name when usable and free, else its public key. */
async function newFolder(op: Awaited<ReturnType<typeof natsOperator>>['op'], name: string, pub: string): Promise<string> {
  try {
    const n = safeName(name, 'account');
    return (await op.hasAccount(n)) ? pub : n;
  } catch {
    return pub;
  }
}

/** The newest of several tokens for one account: latest iat, ties by the text (so every run picks the same). */
function newest<T extends { jwt: string; iat: number }>(tokens: T[]): T | undefined {
  return [...tokens].sort((a, b) => b.iat - a.iat || (a.jwt < b.jwt ? -1 : a.jwt > b.jwt ? 1 : 0))[0];
}

/**
 * Pulls account JWTs from a cluster's resolver (`$SYS.REQ.ACCOUNT.<A>.CLAIMS.LOOKUP` for named
 * accounts, `$SYS.REQ.CLAIMS.PACK` for all). A remote token sigchain's verifier refuses is
 * `refused` (`ACCOUNT_UNTRUSTED` in its reason) and never written.
 *
 * @example
 * ```ts
 * const r = await pullAccounts(ws, { accounts: 'all', diff: true });
 * for (const a of r.accounts) console.log(a.account, a.local_iat, a.remote_iat);
 * ```
 */
export async function pullAccounts(ws: Workspace, o: PullOptions): Promise<{ accounts: PullOutcome[] }> {
  const { op, operator } = await natsOperator(ws, o.operator);
  const cluster = await openCluster(ws, op, operator, { ...(o.server !== undefined ? { server: o.server } : {}), ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}), purpose: 'pull' });
  const remote = new Map<string, string[]>();
  const wanted: Array<{ spec: string; publicKey: string | undefined }> = [];
  try {
    if (o.accounts === 'all') {
      const { tokens, complete } = await cluster.session.pack(cluster.timeoutMs * 4);
      if (!complete) throw new SigchainError('SERVER_REFUSED', `The server did not send its whole store within ${cluster.timeoutMs * 4} ms; nothing was pulled. Try again with a longer --timeout.`);
      for (const [pub, jwt] of tokens) remote.set(pub, [jwt]);
      // Accounts another server lists but the packing server lacked: ask them one by one.
      const all = new Set([...cluster.holdings.values()].flatMap((s) => [...s]));
      for (const pub of all) if (!remote.has(pub)) wanted.push({ spec: pub, publicKey: pub });
    } else {
      for (const spec of o.accounts) {
        const pub = isPublicKey(spec) ? spec : (await readAccount(op, spec).catch(() => undefined))?.claims.sub;
        if (!pub) throw new SigchainError('STORE_NOT_FOUND', `No account "${spec}" in operator "${op.name}"; name a new account by its public key (A…).`);
        wanted.push({ spec, publicKey: pub });
      }
    }
    await pool(wanted, 16, async (w) => {
      const holders = [...cluster.holdings.values()].filter((s) => s.has(w.publicKey!)).length;
      const got = holders ? await cluster.session.lookup(w.publicKey!, { timeoutMs: cluster.timeoutMs, expect: holders }) : [];
      if (got.length) remote.set(w.publicKey!, [...(remote.get(w.publicKey!) ?? []), ...got]);
    });
  } finally {
    await cluster.close();
  }
  const local = new Map<string, { name: string; token: string; iat: number }>();
  for (const name of await op.listAccounts()) {
    try {
      const s = await readAccount(op, name);
      local.set(s.claims.sub, { name, token: s.token, iat: s.claims.iat ?? 0 });
    } catch {
      // a damaged local token is replaced by a verified remote one like a missing one
    }
  }
  const out: PullOutcome[] = [];
  const verify = accountVerifier(operator.token);
  const keys = o.accounts === 'all' ? [...remote.keys()] : wanted.map((w) => w.publicKey!);
  for (const pub of keys) {
    const mine = local.get(pub);
    const name = mine?.name ?? pub;
    const verified: Array<{ jwt: string; iat: number; name?: string }> = [];
    const refusals: string[] = [];
    for (const jwt of remote.get(pub) ?? []) {
      const c = verify(jwt);
      if ('why' in c) {
        refusals.push(c.why);
        continue;
      }
      if (c.sub !== pub) {
        refusals.push(`a server answered for ${pub} with a token about ${c.sub}`);
        continue;
      }
      verified.push({ jwt, iat: c.iat, ...(c.name ? { name: c.name } : {}) });
    }
    const best = newest(verified);
    const base = { account: name, public_key: pub, ...(mine ? { local_iat: mine.iat } : {}) };
    if (!best) {
      out.push(refusals.length ? { ...base, status: 'refused', reason: `ACCOUNT_UNTRUSTED: ${refusals[0]}` } : { ...base, status: 'not-found', reason: 'no server holds this account' });
      continue;
    }
    const withRemote = { ...base, remote_iat: best.iat };
    if (mine && mine.token === best.jwt) {
      if (!o.diff) out.push({ ...withRemote, status: 'unchanged' });
      continue;
    }
    if (o.diff) {
      out.push({ ...withRemote, status: 'differs' });
      continue;
    }
    const localNewer = mine !== undefined && mine.iat >= best.iat;
    if (localNewer && !o.overwriteNewer) {
      out.push({ ...withRemote, status: 'kept-newer', reason: `the store's token (iat ${mine.iat}) is newer than the servers' (iat ${best.iat}); --overwrite-newer takes the servers' anyway` });
      continue;
    }
    const folder = mine?.name ?? (await newFolder(op, best.name ?? pub, pub));
    await op.writeAccountJwt(folder, best.jwt);
    out.push({ ...withRemote, account: folder, status: !mine ? 'added' : localNewer ? 'overwrote-newer' : 'pulled' });
  }
  return { accounts: out };
}
