/**
 * `push`: account JWTs to every server of a cluster's NATS-based resolver, through
 * `$SYS.REQ.CLAIMS.UPDATE`, after sigchain's own verifier accepted each and after asking the
 * servers what they hold, so that no push rolls an account back to an older token; and deletes
 * (`--account-removal`, `--prune`) through an operator-signed `$SYS.REQ.CLAIMS.DELETE`.
 */
import { decodeAccount } from '../../claims/nats/decode.js';
import { decodeJwt } from '../../jwt/decode.js';
import { encodeGenericAsync } from '../../claims/nats/encode.js';
import { SigchainError } from '../../errors.js';
import { isPublicKey } from '../../nkeys/codec.js';
import type { ServerIdentity, ServerReply } from '../../nats/resolver/client.js';
import { readAccount } from '../read.js';
import { operatorParent, pickSigner } from '../signing/issue.js';
import { tokenSigner } from '../signing/token-signer.js';
import type { Workspace } from '../workspace.js';
import { type Cluster, accountVerifier, natsOperator, openCluster, pool } from './session.js';

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
  // One line however many: a server flooding garbage must not flood the report.
  if (garbage) lines.push({ server_id: '', server_name: '(unreadable answer)', status: 'refused', reason: garbage === 1 ? 'the answer is not a nats-server reply' : `${garbage} answers are not nats-server replies` });
  for (const [id, who] of cluster.expected) if (!seen.has(id)) lines.push({ server_id: id, server_name: who.name, status: 'no answer' });
  for (const url of cluster.silent) lines.push({ server_id: '', server_name: url, status: 'no answer', reason: 'no server answered at this service URL' });
  return lines;
}

/** A server's token for an account, as far as the rollback check needs it. */
interface Held {
  jwt: string;
  iat: number;
  jti: string;
}

/**
 * The servers' tokens (deduplicated: three servers usually hold one token) that would block
 * pushing `t`: newer, or as new with other content. Claims are read unverified first — most
 * held tokens are older and block nothing — and only a blocking one is verified: a token that
 * does not verify is no reason to refuse (as one that does not decode).
 */
function blocking(t: Target, held: readonly string[]): Held | undefined {
  let best: Held | undefined;
  for (const jwt of new Set(held)) {
    if (jwt === t.token) continue;
    let c: { sub?: unknown; iat?: unknown; jti?: unknown };
    try {
      c = decodeJwt<typeof c>(jwt).claims;
    } catch {
      continue;
    }
    const iat = typeof c.iat === 'number' ? c.iat : 0;
    if (c.sub !== t.publicKey || iat < t.iat || (best && best.iat >= iat)) continue;
    try {
      const v = decodeAccount(jwt);
      if (v.sub === t.publicKey) best = { jwt, iat: v.iat ?? 0, jti: v.jti ?? '' };
    } catch {
      // forged or damaged: ignored, as before the check
    }
  }
  return best;
}

/** An account that passed the rollback check and goes out in an update. */
interface Planned {
  t: Target;
  /** What the servers answered the lookup with. */
  held: string[];
}

/** The servers that hold `pub`, by the account list. */
function holdersOf(cluster: Cluster, pub: string): string[] {
  return [...cluster.holdings].filter(([, set]) => set.has(pub)).map(([id]) => id);
}

/** How long a lookup waits for every known server before asking which servers hold the account. */
const LIST_GRACE_MS = 250;

/**
 * What the servers hold of `t` (`$SYS.REQ.ACCOUNT.<A>.CLAIMS.LOOKUP`, one request answered by
 * every holder; nats-server 2.9 does not answer for an account it lacks). With the account
 * list in, the lookup waits for that many answers. Without it, for every known server's; a
 * lookup still short of them after a grace asks for the list, and then waits for as many
 * answers as the list names holders (or the timeout).
 */
async function lookupHeld(cluster: Cluster, t: Target): Promise<string[]> {
  const { session, timeoutMs } = cluster;
  if (cluster.holdingsKnown) {
    const n = holdersOf(cluster, t.publicKey).length;
    return n ? session.lookup(t.publicKey, { timeoutMs, expect: n }) : [];
  }
  let holders: (n: number) => void = () => undefined;
  const until = new Promise<number>((resolve) => (holders = resolve));
  const grace = setTimeout(() => void cluster.whenListed().then(() => holders(holdersOf(cluster, t.publicKey).length)), LIST_GRACE_MS);
  try {
    return await session.lookup(t.publicKey, { timeoutMs, expect: cluster.expected.size, until });
  } finally {
    clearTimeout(grace);
  }
}

/**
 * The rollback check of one account: what the servers hold against the token to push. Returns
 * the account's final outcome (refused for a newer token; unchanged when every server already
 * holds this token), or the update to send.
 */
async function check(cluster: Cluster, t: Target, force: boolean): Promise<AccountOutcome | Planned> {
  // What the servers hold first: nats-server itself takes an older token over a newer one.
  const held = await lookupHeld(cluster, t);
  const newer = blocking(t, held);
  if (newer && !force) {
    // nats-server 2.9's lookup answers name no server: the newer token is held by one of these.
    const sid = holdersOf(cluster, t.publicKey)[0] ?? cluster.session.connectedTo.id;
    const reason = `rollback refused: the server holds a newer token (jti ${newer.jti}, iat ${newer.iat}) than this one (iat ${t.iat}); --force pushes anyway`;
    return {
      account: t.name,
      public_key: t.publicKey,
      newer: { jti: newer.jti, iat: newer.iat, server_id: sid },
      servers: [...cluster.expected].map(([id, who]) => ({ server_id: id, server_name: who.name, status: 'refused' as const, reason })),
    };
  }
  if (cluster.silent.length === 0 && held.length === cluster.expected.size && held.every((h) => h === t.token)) {
    // Every server of the cluster answered with this very token: an update would change nothing.
    return { account: t.name, public_key: t.publicKey, servers: [...cluster.expected].map(([id, who]) => ({ server_id: id, server_name: who.name, status: 'unchanged' as const })) };
  }
  return { t, held };
}

/** `$SYS.REQ.CLAIMS.UPDATE` of one checked account: one line per server. */
async function update(cluster: Cluster, p: Planned): Promise<AccountOutcome> {
  const { replies, garbage } = await cluster.session.update(p.t.token, { timeoutMs: cluster.timeoutMs, expect: cluster.expected.size });
  // Without the list, every known server answered the lookup: all of them hold the account.
  const holders = cluster.holdingsKnown ? holdersOf(cluster, p.t.publicKey) : [...cluster.expected.keys()];
  const everyHolderSame = holders.length > 0 && p.held.length === holders.length && p.held.every((h) => h === p.t.token);
  const lines = outcomeLines(cluster, replies, garbage, (r) => ({
    server_id: r.server.id,
    server_name: r.server.name,
    status: everyHolderSame && holders.includes(r.server.id) ? 'unchanged' : 'updated',
  }));
  return { account: p.t.name, public_key: p.t.publicKey, servers: lines };
}

/**
 * Pushes account JWTs to a cluster's resolver and reports every server's answer per account.
 * Refuses before sending anything, with `ACCOUNT_UNTRUSTED`, when sigchain's verifier refuses a
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
  if (o.prune && o.accounts !== 'all') throw new SigchainError('USAGE', '--prune deletes what the servers hold beyond the store; it needs -A (all accounts).');
  const names = o.accounts === 'all' ? await op.listAccounts() : o.accounts;
  const verify = accountVerifier(operator.token);
  const width = o.concurrency ?? 32;
  // Two passes. The first reads and verifies every token and, as each is accepted, asks the
  // servers what they hold of it, while the cluster is still being opened (system user minted,
  // servers probed and listed): the verifier's work overlaps the servers'. Only once every token
  // is accepted does the second pass send updates, so a store with one refused token sends none.
  // Named accounts need the servers' account lists only for a lookup some server leaves unanswered; -A and deletes use them.
  const listOnDemand = o.accounts !== 'all' && !o.prune && !(o.removals ?? []).length;
  const opening = openCluster(ws, op, operator, { ...(o.server !== undefined ? { server: o.server } : {}), ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}), purpose: 'push', listOnDemand });
  let unopened: unknown;
  const reached = opening.catch((e: unknown) => {
    unopened = e; // thrown once every token is verified: a refusal of the store comes first
    return undefined;
  });
  let checked: Array<AccountOutcome | Planned>;
  const removals: Array<{ name: string; publicKey: string }> = [];
  try {
    checked = await pool(names, width, async (spec) => {
      const name = isPublicKey(spec) ? (await op.findAccountByPublicKey(spec))?.name : spec;
      if (name === undefined) throw new SigchainError('STORE_NOT_FOUND', `No account ${spec} in operator "${op.name}".`, { publicKey: spec });
      const token = await op.readAccountJwt(name);
      const v = verify(token);
      if ('why' in v) throw new SigchainError('ACCOUNT_UNTRUSTED', `sigchain's verifier refuses account "${name}", so it is not pushed (nats-server would take it and then fail its users): ${v.why}`, { account: name });
      const t: Target = { name, publicKey: v.sub, token, iat: v.iat };
      const cluster = await reached;
      return cluster ? check(cluster, t, o.force === true) : { t, held: [] };
    });
    // Deletes: named accounts, and with --prune those the servers hold that the store does not.
    for (const spec of o.removals ?? []) {
      if (isPublicKey(spec)) {
        if (!spec.startsWith('A')) throw new SigchainError('USAGE', `--account-removal takes an account name or public key (A…); got ${spec}.`);
        removals.push({ name: (await op.findAccountByPublicKey(spec))?.name ?? spec, publicKey: spec });
      } else {
        removals.push({ name: spec, publicKey: (await readAccount(op, spec)).claims.sub });
      }
    }
    if (removals.some((r) => r.publicKey === operator.claims.nats.system_account)) throw new SigchainError('USAGE', 'The system account cannot be deleted from the servers.');
  } catch (e) {
    void reached.then((c) => c?.close());
    throw e;
  }
  const cluster = await reached;
  if (!cluster) throw unopened;
  try {
    const accounts = await pool(checked, width, async (c) => ('t' in c ? update(cluster, c) : c));
    if (o.prune) {
      const local = new Set(checked.map((c) => ('t' in c ? c.t.publicKey : c.public_key)));
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
    await cluster.close();
  }
}
