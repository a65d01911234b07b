/**
 * `push`: account JWTs to every server of a cluster's NATS-based resolver, through
 * `$SYS.REQ.CLAIMS.UPDATE`, after sigchain's own verifier accepted each and after asking the
 * servers what they hold, so that no push rolls an account back to an older token; and deletes
 * (`--account-removal`, `--prune`) through an operator-signed `$SYS.REQ.CLAIMS.DELETE`.
 */
import { decodeAccount } from '../../claims/nats/decode.js';
import { encodeGenericAsync } from '../../claims/nats/encode.js';
import { SigchainError } from '../../errors.js';
import { isPublicKey } from '../../nkeys/codec.js';
import type { ServerIdentity, ServerReply } from '../../nats/resolver/client.js';
import { readAccount } from '../read.js';
import { operatorParent, pickSigner } from '../signing/issue.js';
import { tokenSigner } from '../signing/token-signer.js';
import type { Workspace } from '../workspace.js';
import { type Cluster, natsOperator, openCluster, pool, untrusted } from './session.js';

/** What a server did with one account. */
export type ServerStatus = 'updated' | 'unchanged' | 'refused' | 'no answer' | 'deleted';

/** One server's line for one account. */
export interface ServerOutcome {
  server_id: string;
  server_name: string;
  status: ServerStatus;
  reason?: string;
}

/** One account's outcome on every server. */
export interface AccountOutcome {
  account: string;
  public_key: string;
  servers: ServerOutcome[];
  /** Set when a server holds a newer token and the push was refused for it (no `--force`). */
  newer?: { jti: string; iat: number; server_id: string };
}

/** What {@link pushAccounts} takes. */
export interface PushOptions {
  operator?: string;
  /** Account names (or public keys) to push; `all` for every account of the operator. */
  accounts: string[] | 'all';
  server?: string;
  timeoutMs?: number;
  /** Push even over a newer token. */
  force?: boolean;
  /** With `all`: delete the accounts the servers hold that the store does not. */
  prune?: boolean;
  /** Accounts to delete from the servers (names in the store, or public keys). */
  removals?: string[];
  /** Requests in flight at once. Default 32. */
  concurrency?: number;
}

/** What {@link pushAccounts} did, per account and server, and where its time went. */
export interface PushResult {
  accounts: AccountOutcome[];
  /** The key that signed the minted system user. */
  systemUserSigner: { publicKey: string; as: 'identity' | 'signing-key' };
  /** The server connected to. */
  connectedTo: ServerIdentity;
  timing: { wallMs: number; serverWaitMs: number };
}

/** True when every line is `updated`, `unchanged` or `deleted`. */
export function pushSucceeded(r: { accounts: AccountOutcome[] }): boolean {
  return r.accounts.every((a) => !a.newer && a.servers.length > 0 && a.servers.every((s) => s.status === 'updated' || s.status === 'unchanged' || s.status === 'deleted'));
}

interface Target {
  name: string;
  publicKey: string;
  token: string;
  iat: number;
}

function outcomeLines(cluster: Cluster, replies: ServerReply[], garbage: number, ok: (r: ServerReply) => ServerOutcome): ServerOutcome[] {
  const lines: ServerOutcome[] = [];
  const seen = new Set<string>();
  for (const r of replies) {
    if (seen.has(r.server.id)) continue; // a server answers once; a second answer in its name is ignored
    seen.add(r.server.id);
    lines.push(r.ok ? ok(r) : { server_id: r.server.id, server_name: r.server.name, status: 'refused', reason: r.message });
  }
  for (let i = 0; i < garbage; i++) lines.push({ server_id: '', server_name: '(unreadable answer)', status: 'refused', reason: 'the answer is not a nats-server reply' });
  for (const [id, who] of cluster.expected) if (!seen.has(id)) lines.push({ server_id: id, server_name: who.name, status: 'no answer' });
  for (const url of cluster.silent) lines.push({ server_id: '', server_name: url, status: 'no answer', reason: 'no server answered at this service URL' });
  return lines;
}

async function pushOne(cluster: Cluster, t: Target, force: boolean): Promise<AccountOutcome> {
  const { session, timeoutMs } = cluster;
  const holders = [...cluster.holdings].filter(([, set]) => set.has(t.publicKey)).map(([id]) => id);
  // What the servers hold first: nats-server itself takes an older token over a newer one.
  const held = holders.length ? await session.lookup(t.publicKey, { timeoutMs, expect: holders.length }) : [];
  const readable = held.flatMap((jwt) => {
    try {
      const c = decodeAccount(jwt);
      return c.sub === t.publicKey ? [{ jwt, iat: c.iat ?? 0, jti: c.jti ?? '' }] : [];
    } catch {
      return []; // a token that does not decode is no reason to refuse, nor to skip
    }
  });
  const newer = readable.filter((h) => h.jwt !== t.token && (h.iat > t.iat || h.iat === t.iat)).sort((a, b) => b.iat - a.iat)[0];
  if (newer && !force) {
    // nats-server 2.9's lookup answers name no server: the newer token is held by one of these.
    const sid = holders[0] ?? cluster.session.connectedTo.id;
    const reason = `rollback refused: the server holds a newer token (jti ${newer.jti}, iat ${newer.iat}) than this one (iat ${t.iat}); --force pushes anyway`;
    return {
      account: t.name,
      public_key: t.publicKey,
      newer: { jti: newer.jti, iat: newer.iat, server_id: sid },
      servers: [...cluster.expected].map(([id, who]) => ({ server_id: id, server_name: who.name, status: 'refused' as const, reason })),
    };
  }
  const everyHolderSame = holders.length > 0 && readable.length === holders.length && readable.every((h) => h.jwt === t.token);
  const { replies, garbage } = await session.update(t.token, { timeoutMs, expect: cluster.expected.size });
  const lines = outcomeLines(cluster, replies, garbage, (r) => ({
    server_id: r.server.id,
    server_name: r.server.name,
    status: everyHolderSame && holders.includes(r.server.id) ? 'unchanged' : 'updated',
  }));
  return { account: t.name, public_key: t.publicKey, servers: lines };
}

/**
 * Pushes account JWTs to a cluster's resolver and reports every server's answer per account.
 * Refuses before connecting, with `ACCOUNT_UNTRUSTED`, when sigchain's verifier refuses a
 * token (nats-server would answer "jwt updated" even for a foreign operator's account).
 * A server holding a newer token than the one pushed gets nothing unless `force`: that account's
 * outcome carries `newer` and every line is `refused`. Deletes go in one request signed by an
 * operator key (`sub == iss`), which servers accept only with `allow_delete`.
 *
 * @example
 * ```ts
 * const r = await pushAccounts(ws, { accounts: 'all', server: 'nats://127.0.0.1:4222' });
 * for (const a of r.accounts) for (const s of a.servers) console.log(a.account, s.server_name, s.status);
 * ```
 */
export async function pushAccounts(ws: Workspace, o: PushOptions): Promise<PushResult> {
  const started = performance.now();
  const { op, operator } = await natsOperator(ws, o.operator);
  const names = o.accounts === 'all' ? await op.listAccounts() : o.accounts;
  const targets: Target[] = [];
  for (const spec of names) {
    const name = isPublicKey(spec) ? (await op.findAccountByPublicKey(spec))?.name : spec;
    if (name === undefined) throw new SigchainError('STORE_NOT_FOUND', `No account ${spec} in operator "${op.name}".`, { publicKey: spec });
    const stored = await readAccount(op, name);
    const why = untrusted(operator.token, stored.token);
    if (why) throw new SigchainError('ACCOUNT_UNTRUSTED', `sigchain's verifier refuses account "${name}", so it is not pushed (nats-server would take it and then fail its users): ${why}`, { account: name, publicKey: stored.claims.sub });
    targets.push({ name, publicKey: stored.claims.sub, token: stored.token, iat: stored.claims.iat ?? 0 });
  }
  // Deletes: named accounts, and with --prune those the servers hold that the store does not.
  const removals: Array<{ name: string; publicKey: string }> = [];
  for (const spec of o.removals ?? []) {
    if (isPublicKey(spec)) {
      if (!spec.startsWith('A')) throw new SigchainError('USAGE', `--account-removal takes an account name or public key (A…); got ${spec}.`);
      removals.push({ name: (await op.findAccountByPublicKey(spec))?.name ?? spec, publicKey: spec });
    } else {
      removals.push({ name: spec, publicKey: (await readAccount(op, spec)).claims.sub });
    }
  }
  if (removals.some((r) => r.publicKey === operator.claims.nats.system_account)) throw new SigchainError('USAGE', 'The system account cannot be deleted from the servers.');
  const cluster = await openCluster(ws, op, operator, { ...(o.server !== undefined ? { server: o.server } : {}), ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}), purpose: 'push' });
  try {
    const accounts = await pool(targets, o.concurrency ?? 32, (t) => pushOne(cluster, t, o.force === true));
    if (o.prune) {
      if (o.accounts !== 'all') throw new SigchainError('USAGE', '--prune deletes what the servers hold beyond the store; it needs -A (all accounts).');
      const local = new Set(targets.map((t) => t.publicKey));
      const remote = new Set([...cluster.holdings.values()].flatMap((s) => [...s]));
      for (const pub of remote) if (!local.has(pub) && pub !== operator.claims.nats.system_account && !removals.some((r) => r.publicKey === pub)) removals.push({ name: pub, publicKey: pub });
    }
    if (removals.length) {
      const signer = await pickSigner(ws, operatorParent(operator), 'delete requests', undefined, ['account']);
      // nats-server accepts a delete only self-signed (sub == iss) by a key its operator trusts.
      const request = await encodeGenericAsync({ sub: signer.key.publicKey, nats: { accounts: removals.map((r) => r.publicKey) } }, tokenSigner(signer.key, 'issuing', signer.key.publicKey));
      const { replies, garbage } = await cluster.session.delete(request, { timeoutMs: cluster.timeoutMs, expect: cluster.expected.size });
      const lines = outcomeLines(cluster, replies, garbage, (r) => ({ server_id: r.server.id, server_name: r.server.name, status: 'deleted', reason: r.message }));
      for (const r of removals) accounts.push({ account: r.name, public_key: r.publicKey, servers: lines.map((l) => ({ ...l })) });
    }
    return { accounts, systemUserSigner: cluster.signer, connectedTo: cluster.session.connectedTo, timing: { wallMs: performance.now() - started, serverWaitMs: cluster.session.waitedMs } };
  } finally {
    await cluster.session.close();
  }
}
