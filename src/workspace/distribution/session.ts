/**
 * What push and pull share: which servers to talk to, the short-lived system user they talk as
 * (minted per command, its key in memory only, signed through custody), the cluster's servers
 * as they name themselves, and sigchain's own verdict on an account token.
 */
import type { AccountClaims, OperatorClaims } from '../../claims/nats/types.js';
import { newUserClaims } from '../../claims/nats/user.js';
import { SigchainError } from '../../errors.js';
import { ResolverSession, type ServerIdentity, type SessionUser, probeServer } from '../../nats/resolver/client.js';
import { KeyPair } from '../../nkeys/keypair.js';
import type { OperatorEntities } from '../../store/store.js';
import { definePolicy } from '../../trust/policy.js';
import { memoryResolver } from '../../trust/resolver.js';
import { verifyChainSync } from '../../trust/verify-chain.js';
import { type Stored, readAccount, readOperator } from '../read.js';
import { issueUser } from '../signing/issue.js';
import type { Workspace } from '../workspace.js';

/** Subjects the minted system user may publish to, and nothing else. */
export const SYSTEM_USER_PUB = ['$SYS.REQ.CLAIMS.UPDATE', '$SYS.REQ.CLAIMS.LIST', '$SYS.REQ.CLAIMS.DELETE', '$SYS.REQ.CLAIMS.PACK', '$SYS.REQ.ACCOUNT.*.CLAIMS.LOOKUP'];
/** Subjects it may subscribe to: its replies. */
export const SYSTEM_USER_SUB = ['_INBOX.>'];
/** The minted user's lifetime, seconds: at most 15 minutes. */
export const SYSTEM_USER_TTL = 15 * 60;
/** Default wait for servers' answers, milliseconds. */
export const DEFAULT_TIMEOUT_MS = 2000;

/** Which servers a command talks to, and why those. */
export interface ServerChoice {
  urls: string[];
  from: 'flag' | 'account_server_url' | 'operator_service_urls';
  /** The operator's service URLs: servers expected to answer (those that do not are `no answer`). */
  serviceUrls: string[];
}

const NATS_URL = /^(nats|tls|ws|wss):\/\//i;

/**
 * `--server URL` (commas allowed), else the operator's `account_server_url` when it is a NATS
 * URL, else the first of its `operator_service_urls`; `USAGE` when there is none.
 *
 * @example
 * ```ts
 * chooseServers(operator.claims, undefined); // { urls: ['nats://10.0.0.1:4222'], from: 'operator_service_urls', … }
 * ```
 */
export function chooseServers(operator: OperatorClaims, server: string | undefined): ServerChoice {
  const serviceUrls = (operator.nats.operator_service_urls ?? []).filter((u) => NATS_URL.test(u));
  if (server !== undefined) {
    const urls = server.split(',').map((s) => s.trim()).filter(Boolean);
    for (const u of urls) if (!NATS_URL.test(u)) throw new SigchainError('USAGE', `--server takes nats://HOST:PORT URLs; got "${u}".`);
    if (urls.length) return { urls, from: 'flag', serviceUrls };
  }
  const asu = operator.nats.account_server_url;
  if (asu && NATS_URL.test(asu)) return { urls: [asu], from: 'account_server_url', serviceUrls };
  if (serviceUrls.length) return { urls: [serviceUrls[0]!], from: 'operator_service_urls', serviceUrls };
  throw new SigchainError('USAGE', `Operator "${operator.name ?? operator.sub}" records no NATS server: give --server nats://HOST:PORT, or record the servers with \`sigchain edit operator --service-url nats://HOST:PORT\`.`);
}

/** The operator's system account as stored. */
export async function systemAccount(op: OperatorEntities, operator: Stored<OperatorClaims>): Promise<Stored<AccountClaims>> {
  const pub = operator.claims.nats.system_account;
  if (!pub) throw new SigchainError('INVALID_CLAIMS', `Operator "${op.name}" names no system account; push and pull talk as a system-account user. Run \`sigchain edit operator --system-account SYS\`.`);
  // The system account is nearly always named SYS (as `add operator` and nsc make it): try that
  // folder before reading every account of a large store.
  const likely = (await op.hasAccount('SYS')) ? await readAccount(op, 'SYS').catch(() => undefined) : undefined;
  if (likely?.claims.sub === pub) return likely;
  const found = await op.findAccountByPublicKey(pub);
  if (!found) throw new SigchainError('STORE_NOT_FOUND', `Operator "${op.name}"'s system account ${pub} is not in the store, so no system user can be signed for it.`, { publicKey: pub });
  return readAccount(op, found.name);
}

/** The minted system user, and who signed it. */
export interface MintedUser {
  user: SessionUser;
  /** The key that signed the user JWT, and whether it is a signing key or the identity key. */
  signer: { publicKey: string; as: 'identity' | 'signing-key' };
  exp: number;
}

/**
 * Mints the short-lived system user push and pull connect as: a fresh user key kept in memory
 * only (never stored, never sent), a JWT valid for at most 15 minutes, allowed to publish only
 * on the resolver's request subjects and to subscribe only to `_INBOX.>`. It is signed through
 * custody by an unscoped signing key of the system account whose private key is at hand, else
 * by the system account's identity key (not under a strict operator).
 *
 * @example
 * ```ts
 * const { user } = await mintSystemUser(ws, op, operator);
 * ```
 */
export async function mintSystemUser(ws: Workspace, op: OperatorEntities, operator: Stored<OperatorClaims>, purpose = 'push'): Promise<MintedUser> {
  const sys = await systemAccount(op, operator);
  const key = KeyPair.create('user');
  const claims = newUserClaims(`sigchain-${purpose}`, key.publicKey);
  claims.nats.pub = { allow: [...SYSTEM_USER_PUB] };
  claims.nats.sub = { allow: [...SYSTEM_USER_SUB] };
  const now = Math.floor(Date.now() / 1000);
  claims.exp = now + SYSTEM_USER_TTL;
  const issued = await issueUser(ws, sys, operator.claims.nats.strict_signing_key_usage === true, claims, { ownPermissions: true });
  if (issued.signer.scope) {
    throw new SigchainError('NO_APPROPRIATE_SIGNING_KEY', `Only a scoped signing key of system account "${sys.name}" is at hand; a scoped key gives users its template's permissions, not the resolver's subjects. Add an unscoped signing key to the system account.`);
  }
  return {
    user: { jwt: issued.token, publicKey: key.publicKey, signNonce: (nonce) => key.sign(nonce) },
    signer: { publicKey: issued.signer.key.publicKey, as: issued.signer.as },
    exp: claims.exp,
  };
}

/** An open session and the servers expected to answer. */
export interface Cluster {
  session: ResolverSession;
  choice: ServerChoice;
  /** Servers known to exist: the service URLs that answered a probe, and every server that answered the list. */
  expected: Map<string, ServerIdentity>;
  /** Service URLs no server answered at: reported as `no answer`. */
  silent: string[];
  /** Which accounts each server holds (`$SYS.REQ.CLAIMS.LIST`), by server id: final once `holdingsKnown`. */
  holdings: Map<string, Set<string>>;
  /** True once `holdings` is final (at once, unless opened with `listOnDemand`). */
  holdingsKnown: boolean;
  /** Asks for the account list if no one did yet; settles (never rejects) once `holdings` is final. */
  whenListed(): Promise<void>;
  /** Closes the session (and the list's own connection, if still open). */
  close(): Promise<void>;
  timeoutMs: number;
  signer: MintedUser['signer'];
}

/**
 * Connects as a freshly minted system user and learns the cluster: probes the operator's
 * service URLs (which server is where), then asks every server which accounts it holds.
 * `SERVER_UNREACHABLE` when no server answers at all.
 *
 * With `listOnDemand`, when every service URL answered its probe (the servers are known),
 * the list is not asked for up front: a nats-server holding many accounts takes a while to
 * list them (~0.3 s for 1,000, server CPU on every server), which a push of accounts every
 * server already holds — a revocation — does not need: each lookup is answered by every known
 * server. Only a lookup some server leaves unanswered asks for the list (`whenListed`), to
 * learn how many hold the account.
 */
export async function openCluster(ws: Workspace, op: OperatorEntities, operator: Stored<OperatorClaims>, o: { server?: string; timeoutMs?: number; purpose?: string; listOnDemand?: boolean }): Promise<Cluster> {
  const choice = chooseServers(operator.claims, o.server);
  const timeoutMs = o.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const minted = await mintSystemUser(ws, op, operator, o.purpose);
  const session = await ResolverSession.open({ servers: choice.urls, user: minted.user, connectTimeoutMs: timeoutMs, name: `sigchain ${o.purpose ?? 'push'}` });
  try {
    const expected = new Map<string, ServerIdentity>();
    if (session.connectedTo.id) expected.set(session.connectedTo.id, session.connectedTo);
    const silent: string[] = [];
    const probes = await Promise.all(choice.serviceUrls.map(async (u) => ({ u, who: await probeServer(u, minted.user, timeoutMs) })));
    for (const { u, who } of probes) {
      if (who) expected.set(who.id, who);
      else silent.push(u);
    }
    // With every service URL answering, the list can stop at that many answers; otherwise it waits the timeout.
    const known = silent.length === 0 && choice.serviceUrls.length > 0;
    const holdings = new Map<string, Set<string>>();
    const cluster: Cluster = { session, choice, expected, silent, holdings, holdingsKnown: false, whenListed: () => Promise.resolve(), timeoutMs, signer: minted.signer, close: () => session.close() };
    if (known && o.listOnDemand) {
      // Asked only when a lookup is not answered by every known server (see the note above).
      // nats-server answers one connection's requests in turn, and a long list would hold up
      // the lookups and updates behind it: it goes over a connection of its own.
      let lister: ResolverSession | undefined;
      let listing: Promise<void> | undefined;
      let closed = false;
      cluster.whenListed = () => {
        listing ??= (async () => {
          lister = await ResolverSession.open({ servers: choice.urls, user: minted.user, connectTimeoutMs: timeoutMs, name: `sigchain ${o.purpose ?? 'push'} (list)` }).catch(() => undefined);
          if (closed) await lister?.close(); // the command ended while it connected: its requests end at once
          const listed = await (lister ?? session).list({ timeoutMs, expect: expected.size });
          await lister?.close();
          // Only servers already known: every one of them was probed, and each line reports them.
          for (const a of listed.answers) if (expected.has(a.server.id)) holdings.set(a.server.id, new Set(a.accounts));
          cluster.holdingsKnown = true;
        })();
        return listing;
      };
      cluster.close = async () => {
        closed = true;
        await Promise.all([session.close(), lister?.close()]);
      };
      return cluster;
    }
    const listed = await session.list(known ? { timeoutMs, expect: expected.size } : { timeoutMs });
    for (const a of listed.answers) {
      expected.set(a.server.id, a.server);
      holdings.set(a.server.id, new Set(a.accounts));
    }
    cluster.holdingsKnown = true;
    cluster.whenListed = () => Promise.resolve();
    if (listed.answers.length === 0 && listed.garbage > 0) {
      throw new SigchainError('SERVER_REFUSED', `Connected to ${session.connectedTo.name || choice.urls.join(',')}, but the account list got ${listed.garbage} answer(s) that are not nats-server replies: is this a nats-server with a NATS-based resolver?`, { url: choice.urls.join(','), garbage: listed.garbage });
    }
    if (listed.answers.length === 0) {
      throw new SigchainError('SERVER_UNREACHABLE', `Connected to ${session.connectedTo.name || choice.urls.join(',')}, but no server answered the account list within ${timeoutMs} ms: is it running with a NATS-based resolver (\`sigchain nats server-config --resolver full\`)?`, { url: choice.urls.join(',') });
    }
    return cluster;
  } catch (e) {
    await session.close();
    throw e;
  }
}

/** An account token sigchain's verifier accepted: what push and pull need of its claims. */
export interface AcceptedAccount {
  sub: string;
  iat: number;
  jti: string;
  name?: string;
}

/**
 * sigchain's verifier for one operator's account tokens, warm: the operator's JWT is read and
 * verified once (resolver and policy built once), so each account costs one Ed25519 verify.
 * Returns the accepted token's facts, or why it is refused (a token of another kind is refused).
 *
 * @example
 * ```ts
 * const verify = accountVerifier(operator.token);
 * const v = verify(accountJwt);
 * if ('why' in v) throw new Error(v.why);
 * ```
 */
export function accountVerifier(operatorJwt: string): (accountJwt: string) => AcceptedAccount | { why: string } {
  const resolver = memoryResolver([operatorJwt]);
  const policy = definePolicy({ trustedOperators: [operatorJwt] });
  return (accountJwt) => {
    const verdict = verifyChainSync(accountJwt, { resolver, policy });
    const leaf = verdict.chain[0];
    const label = leaf?.name ?? leaf?.sub ?? 'the token';
    if (!leaf || leaf.kind !== 'account') {
      return { why: `${label}: not an account JWT${verdict.errors.length ? ` (${verdict.errors.map((r) => `${r.code}: ${r.message}`).join('; ')})` : ''}` };
    }
    if (!verdict.valid) return { why: `${label}: ${verdict.errors.map((r) => `${r.code}: ${r.message}`).join('; ')}` };
    return { sub: leaf.sub, iat: leaf.iat ?? 0, jti: leaf.jti ?? '', ...(leaf.name !== undefined ? { name: leaf.name } : {}) };
  };
}

/** Runs `fn` over `items`, at most `width` at a time, keeping order; after a failure no new item starts. */
export async function pool<T, R>(items: readonly T[], width: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= items.length) return;
      try {
        out[i] = await fn(items[i]!, i);
      } catch (e) {
        next = items.length; // the others finish what they hold and stop
        throw e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(width, items.length)) }, worker));
  return out;
}

/** The operator and its verified JWT, for a NATS operation. */
export async function natsOperator(ws: Workspace, name?: string): Promise<{ op: OperatorEntities; operator: Stored<OperatorClaims> }> {
  const op = await ws.operator(name);
  return { op, operator: await readOperator(op) };
}
