// push and pull against a real three-server cluster with the full resolver (one cluster for the
// whole file): served by all three, unchanged on a re-run, revocations closing live
// connections everywhere, a stolen older account JWT refused, a server restarted empty catching
// up, one server down then back, a partial refusal converging, and no seed on the wire.
import assert from 'node:assert/strict';
import { existsSync, lstatSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { NatsConnection } from '@nats-io/transport-node';
import { decodeAccount } from '../../../src/claims/nats/decode.js';
import { isSigchainError } from '../../../src/errors.js';
import { ResolverSession } from '../../../src/nats/resolver/client.js';
import { type Workspace, addAccount, editAccount, editOperator, mintSystemUser, pullAccounts, pushAccounts, pushSucceeded, readAccount, readOperator, revokeUser } from '../../../src/workspace/index.js';
import { runCli } from '../../helpers/cli.js';
import { type NatsCluster, clusterPorts, startCluster } from '../../helpers/nats-cluster.js';
import { freePort } from '../../helpers/nats-server.js';
import { connectCreds, creds, tempWorkspace, walkthrough } from '../../nats/helpers.js';

const INTERVAL_S = 2;

interface World {
  ws: Workspace;
  home: string;
  cluster: NatsCluster;
  w: Awaited<ReturnType<typeof walkthrough>>;
}

const cleanup: Array<() => unknown> = [];
const T = { after: (fn: () => unknown) => cleanup.push(fn) };
let world: World;

async function nextSecond(): Promise<void> {
  // Two tokens of one account signed in the same second look like a rollback (same iat, other content).
  await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 20));
}

function statuses(r: { accounts: Array<{ account: string; servers: Array<{ server_name: string; status: string }> }> }, account: string): Record<string, string> {
  const a = r.accounts.find((x) => x.account === account);
  assert.ok(a, `no outcome for ${account}: ${JSON.stringify(r)}`);
  return Object.fromEntries(a.servers.map((s) => [s.server_name, s.status]));
}

async function closedWithin(nc: NatsConnection, ms: number): Promise<number> {
  const t0 = performance.now();
  const res = await Promise.race([nc.closed().then(() => performance.now() - t0), new Promise<number>((r) => setTimeout(() => r(-1), ms))]);
  return res;
}

async function heldOn(node: { resolverDir: string }, pub: string): Promise<string | undefined> {
  const path = join(node.resolverDir, `${pub}.jwt`);
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
}

describe('push/pull on a three-server cluster (full resolver)', () => {
  before(async () => {
    const ws = tempWorkspace(T);
    const w = await walkthrough(ws);
    const ports = await clusterPorts(3);
    await editOperator(ws, { serviceUrls: ports.map((p) => `nats://127.0.0.1:${p.port}`) });
    const op = await ws.operator();
    const operator = await readOperator(op);
    const sys = await readAccount(op, 'SYS');
    const cluster = await startCluster({ operatorJwt: operator.token, systemAccountJwt: sys.token, ports, interval: `${INTERVAL_S}s`, allowDelete: true, trace: true });
    cleanup.push(() => cluster.close());
    world = { ws, home: ws.paths.home.path, cluster, w };
  });
  after(async () => {
    for (const fn of cleanup.reverse()) await fn();
  });

  it('a push to one server is served by all three; a re-run is unchanged', async () => {
    const { ws, cluster, w } = world;
    const r = await pushAccounts(ws, { accounts: 'all', server: cluster.urls[0]! });
    assert.ok(pushSucceeded(r), JSON.stringify(r, null, 2));
    assert.deepEqual(statuses(r, 'A'), { n1: 'updated', n2: 'updated', n3: 'updated' });
    assert.equal(r.systemUserSigner.as, 'signing-key');
    for (const node of cluster.nodes) {
      const nc = await connectCreds(node.url, creds(w.u.user.credsPath));
      await nc.close();
    }
    const again = await pushAccounts(ws, { accounts: ['A'] });
    assert.deepEqual(statuses(again, 'A'), { n1: 'unchanged', n2: 'unchanged', n3: 'unchanged' });
  });

  it('the minted system user: at most 15 minutes, resolver subjects only, signed by a SYS signing key', async () => {
    const { ws } = world;
    const op = await ws.operator();
    const operator = await readOperator(op);
    const m = await mintSystemUser(ws, op, operator);
    const claims = JSON.parse(Buffer.from(m.user.jwt.split('.')[1]!, 'base64url').toString()) as { iat: number; exp: number; nats: { pub: { allow: string[] }; sub: { allow: string[] }; issuer_account: string } };
    assert.ok(claims.exp - claims.iat <= 900 && claims.exp > claims.iat);
    assert.deepEqual(claims.nats.pub.allow.sort(), ['$SYS.REQ.ACCOUNT.*.CLAIMS.LOOKUP', '$SYS.REQ.CLAIMS.DELETE', '$SYS.REQ.CLAIMS.LIST', '$SYS.REQ.CLAIMS.PACK', '$SYS.REQ.CLAIMS.UPDATE']);
    assert.deepEqual(claims.nats.sub.allow, ['_INBOX.>']);
    assert.equal(claims.nats.issuer_account, operator.claims.nats.system_account);
  });

  it('a server refuses a token it cannot take: reported per server, refused', async () => {
    const { ws, cluster, w } = world;
    const op = await ws.operator();
    const m = await mintSystemUser(ws, op, await readOperator(op));
    const s = await ResolverSession.open({ servers: [cluster.urls[1]!], user: m.user, connectTimeoutMs: 2000 });
    try {
      const userJwt = readFileSync(w.u.user.credsPath, 'utf8').split('\n')[1]!;
      const { replies } = await s.update(userJwt, { timeoutMs: 2000, expect: 3 });
      assert.equal(replies.length, 3);
      for (const r of replies) assert.equal(r.ok, false, r.message);
    } finally {
      await s.close();
    }
  });

  it('a revoked user pushed has its live connections closed on every server', async () => {
    const { ws, cluster, w } = world;
    const conns = await Promise.all(cluster.nodes.map((n) => connectCreds(n.url, creds(w.u.user.credsPath))));
    await nextSecond();
    await revokeUser(ws, { account: 'A', user: 'U' });
    const r = await pushAccounts(ws, { accounts: ['A'] });
    assert.ok(pushSucceeded(r), JSON.stringify(r));
    const ms = await Promise.all(conns.map((nc) => closedWithin(nc, 3000)));
    for (const [i, t] of ms.entries()) assert.ok(t >= 0, `the connection on ${cluster.nodes[i]!.name} stayed open`);
    console.log(`# revocation push -> connection closed (ms): ${ms.map((t) => t.toFixed(1)).join(', ')}`);
    await assert.rejects(connectCreds(cluster.urls[2]!, creds(w.u.user.credsPath)));
  });

  it('keys compromised --apply --push locks out the old creds everywhere; a stolen older account JWT is refused', async () => {
    const { ws, cluster, w, home } = world;
    await nextSecond();
    // A user who still connects, signed by the soon-compromised account signing key.
    const { addUser } = await import('../../../src/workspace/index.js');
    const v = await addUser(ws, 'V', { account: 'A', signer: await ws.resolveSigner(w.accSk.path) });
    await pushAccounts(ws, { accounts: ['A'] }); // nothing changed for A, but servers must hold the current token
    const oldCreds = creds(v.user.credsPath);
    const live = await Promise.all(cluster.nodes.map((n) => connectCreds(n.url, oldCreds)));
    const stolen = (await readAccount(await ws.operator(), 'A')).token;
    assert.ok(decodeAccount(stolen).nats.signing_keys?.some((k) => (typeof k === 'string' ? k : k.key) === w.accSk.publicKey));
    await nextSecond();
    const r = await runCli(home, ['keys', 'compromised', w.accSk.publicKey, '--apply', '--push', '--json']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const out = JSON.parse(r.stdout) as { pushed: Array<{ account: string; servers: Array<{ status: string }> }> };
    assert.ok(out.pushed.some((a) => a.account === 'A' && a.servers.length === 3 && a.servers.every((s) => s.status === 'updated')), r.stdout);
    for (const nc of live) assert.ok((await closedWithin(nc, 3000)) >= 0, 'an old-creds connection stayed open');
    for (const node of cluster.nodes) await assert.rejects(connectCreds(node.url, oldCreds), `old creds still connect to ${node.name}`);
    const fresh = creds(v.user.credsPath);
    assert.notEqual(fresh, oldCreds);
    for (const node of cluster.nodes) await (await connectCreds(node.url, fresh)).close();

    // The thief (or a stale machine) pushes the older JWT that still lists the removed key.
    const op = await ws.operator();
    const current = (await readAccount(op, 'A')).token;
    await op.writeAccountJwt('A', stolen);
    try {
      const refused = await runCli(home, ['push', '-a', 'A', '--json']);
      assert.equal(refused.code, 1, refused.stdout + refused.stderr);
      const j = JSON.parse(refused.stdout) as { accounts: unknown[]; error: { code: string; details: { newer: { jti: string; iat: number; server_id: string } } } };
      assert.equal(j.error.code, 'PUSH_ROLLBACK_REFUSED');
      const cur = decodeAccount(current);
      assert.deepEqual({ jti: j.error.details.newer.jti, iat: j.error.details.newer.iat }, { jti: cur.jti, iat: cur.iat });
      assert.match(j.error.details.newer.server_id, /^N[A-Z2-7]{55}$/);
      for (const node of cluster.nodes) assert.equal(await heldOn(node, cur.sub), current, `${node.name} was rolled back`);
      for (const node of cluster.nodes) await assert.rejects(connectCreds(node.url, oldCreds));
    } finally {
      await op.writeAccountJwt('A', current);
    }
  });

  it('pull: --diff lists differences and writes nothing; a newer remote token is taken; an older one refused', async () => {
    const { ws, home } = world;
    const op = await ws.operator();
    const current = (await readAccount(op, 'A')).token;
    await nextSecond();
    await editAccount(ws, { account: 'A', tags: ['pulled'] });
    const newer = (await readAccount(op, 'A')).token;
    await pushAccounts(ws, { accounts: ['A'] });
    await op.writeAccountJwt('A', current); // this machine is behind
    const diff = await runCli(home, ['pull', '-A', '--diff', '--json']);
    assert.equal(diff.code, 0, diff.stderr);
    const d = JSON.parse(diff.stdout) as { diff: Array<{ account: string; local_iat: number; remote_iat: number }> };
    assert.deepEqual(d.diff.map((x) => x.account), ['A']);
    assert.ok(d.diff[0]!.remote_iat > d.diff[0]!.local_iat);
    assert.equal((await readAccount(op, 'A')).token, current, '--diff wrote');
    const pulled = await pullAccounts(ws, { accounts: ['A'] });
    assert.equal(pulled.accounts[0]!.status, 'pulled');
    assert.equal((await readAccount(op, 'A')).token, newer);
    // Now the store is ahead: pulling would roll it back.
    await nextSecond();
    await editAccount(ws, { account: 'A', tags: ['local-only'] });
    const ahead = (await readAccount(op, 'A')).token;
    const r = await runCli(home, ['pull', '-a', 'A', '--json']);
    assert.equal(r.code, 1);
    assert.equal((JSON.parse(r.stdout) as { error: { code: string } }).error.code, 'PULL_ROLLBACK_REFUSED');
    assert.equal((await readAccount(op, 'A')).token, ahead);
    await pushAccounts(ws, { accounts: ['A'] });
  });

  it('pull --overwrite-newer takes the servers\' older token over a newer one in the store', async () => {
    const { ws, home, cluster } = world;
    const op = await ws.operator();
    const remote = (await readAccount(op, 'A')).token; // what the servers hold after the test above
    await nextSecond();
    await editAccount(ws, { account: 'A', tags: ['ahead-again'] });
    const ahead = decodeAccount((await readAccount(op, 'A')).token);
    const r = await runCli(home, ['pull', '-a', 'A', '--overwrite-newer', '--json']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const j = JSON.parse(r.stdout) as { accounts: Array<{ account: string; status: string; local_iat: number; remote_iat: number }> };
    assert.deepEqual(j.accounts.map((a) => [a.account, a.status]), [['A', 'overwrote-newer']]);
    assert.equal(j.accounts[0]!.local_iat, ahead.iat);
    assert.ok(j.accounts[0]!.remote_iat < ahead.iat!);
    assert.equal((await readAccount(op, 'A')).token, remote);
    for (const node of cluster.nodes) assert.equal(await heldOn(node, ahead.sub), remote, `${node.name} changed`);
  });

  it('a server restarted with an empty resolver directory catches up within one interval', async () => {
    const { ws, cluster } = world;
    const a = (await readAccount(await ws.operator(), 'A')).token;
    const pub = decodeAccount(a).sub;
    await cluster.stop(2);
    await cluster.start(2, { emptyDir: true });
    assert.equal(await heldOn(cluster.nodes[2]!, pub), undefined);
    const t0 = Date.now();
    await cluster.routed();
    while ((await heldOn(cluster.nodes[2]!, pub)) !== a) {
      assert.ok(Date.now() - t0 < INTERVAL_S * 1000 + 1500, 'n3 did not catch up within one interval');
      await new Promise((r) => setTimeout(r, 50));
    }
    console.log(`# empty server caught up in ${Date.now() - t0} ms (interval ${INTERVAL_S}s)`);
  });

  it('one server down: the others are updated, it is "no answer" (SERVER_REFUSED); a re-run after it returns converges', async () => {
    const { ws, cluster, home } = world;
    await cluster.stop(1);
    await nextSecond();
    await editAccount(ws, { account: 'A', tags: ['while-n2-down'] });
    const r = await runCli(home, ['push', '-a', 'A', '--timeout', '700ms', '--json']);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const j = JSON.parse(r.stdout) as { accounts: Array<{ servers: Array<{ server_name: string; status: string }> }>; error: { code: string } };
    assert.equal(j.error.code, 'SERVER_REFUSED');
    const lines = j.accounts[0]!.servers;
    assert.deepEqual(lines.filter((s) => s.status === 'updated').map((s) => s.server_name).sort(), ['n1', 'n3']);
    assert.deepEqual(lines.filter((s) => s.status === 'no answer').map((s) => s.server_name), [cluster.urls[1]]);
    await cluster.start(1);
    await cluster.routed();
    const again = await pushAccounts(ws, { accounts: ['A'] });
    assert.ok(pushSucceeded(again), JSON.stringify(again));
    const token = (await readAccount(await ws.operator(), 'A')).token;
    for (const node of cluster.nodes) assert.equal(await heldOn(node, decodeAccount(token).sub), token);
  });

  it('a partial refusal (one full store) is SERVER_REFUSED per server; a re-run after the fix converges', async () => {
    const { ws, cluster } = world;
    // n3 keeps no more accounts than it holds now: a new one is refused there ("jwt store is full").
    const held = readdirSync(cluster.nodes[2]!.resolverDir).filter((f) => f.endsWith('.jwt')).length;
    await cluster.stop(2);
    await cluster.start(2, { limit: held });
    await cluster.routed();
    await addAccount(ws, 'B');
    const r = await pushAccounts(ws, { accounts: ['B'] });
    assert.deepEqual(statuses(r, 'B'), { n1: 'updated', n2: 'updated', n3: 'refused' });
    assert.match(r.accounts[0]!.servers.find((s) => s.server_name === 'n3')!.reason!, /full/);
    await cluster.stop(2);
    await cluster.start(2);
    await cluster.routed();
    const again = await pushAccounts(ws, { accounts: ['B'] });
    assert.ok(pushSucceeded(again), JSON.stringify(again));
  });

  it('--account-removal deletes on every server (allow_delete), operator-signed', async () => {
    const { cluster, home, ws } = world;
    const pub = (await readAccount(await ws.operator(), 'B')).claims.sub;
    const r = await runCli(home, ['push', '--account-removal', 'B', '--json']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const j = JSON.parse(r.stdout) as { accounts: Array<{ account: string; servers: Array<{ status: string }> }> };
    assert.deepEqual(j.accounts[0]!.servers.map((s) => s.status), ['deleted', 'deleted', 'deleted']);
    for (const node of cluster.nodes) assert.equal(await heldOn(node, pub), undefined);
  });

  it('push -A --prune deletes what the servers hold beyond the store; a server without allow_delete refuses (SERVER_REFUSED), a re-run converges', async () => {
    const { ws, home, cluster } = world;
    const op = await ws.operator();
    type Out = { accounts: Array<{ account: string; public_key: string; servers: Array<{ server_name: string; status: string; reason?: string }> }>; error?: { code: string } };
    const gone = async (name: string): Promise<string> => {
      await addAccount(ws, name);
      const pub = (await readAccount(op, name)).claims.sub;
      assert.ok(pushSucceeded(await pushAccounts(ws, { accounts: [name] })));
      await op.deleteAccount(name); // the servers hold it, the store no longer does
      return pub;
    };
    const p = await gone('P');
    const r = await runCli(home, ['push', '-A', '--prune', '--json']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const j = JSON.parse(r.stdout) as Out;
    assert.deepEqual(Object.fromEntries(j.accounts.find((a) => a.public_key === p)!.servers.map((s) => [s.server_name, s.status])), { n1: 'deleted', n2: 'deleted', n3: 'deleted' });
    assert.ok(j.accounts.filter((a) => a.public_key !== p).every((a) => a.servers.every((s) => s.status === 'unchanged' || s.status === 'updated')), r.stdout);
    for (const node of cluster.nodes) assert.equal(await heldOn(node, p), undefined, `${node.name} still holds P`);

    // n3 comes back without allow_delete: it refuses the delete the others carry out.
    const q = await gone('Q');
    await cluster.stop(2);
    await cluster.start(2, { allowDelete: false });
    await cluster.routed();
    const refused = await runCli(home, ['push', '-A', '--prune', '--json']);
    assert.equal(refused.code, 1, refused.stdout + refused.stderr);
    const k = JSON.parse(refused.stdout) as Out;
    assert.equal(k.error?.code, 'SERVER_REFUSED');
    const lines = Object.fromEntries(k.accounts.find((a) => a.public_key === q)!.servers.map((s) => [s.server_name, s]));
    assert.deepEqual([lines.n1?.status, lines.n2?.status, lines.n3?.status], ['deleted', 'deleted', 'refused'], refused.stdout);
    assert.match(lines.n3!.reason ?? '', /delete/i, 'the refusal carries the server\'s reason');
    console.log(`# n3 without allow_delete: ${lines.n3!.reason}`);
    assert.ok(await heldOn(cluster.nodes[2]!, q), 'n3 kept Q');
    assert.equal(await heldOn(cluster.nodes[0]!, q), undefined);

    await cluster.stop(2);
    await cluster.start(2);
    await cluster.routed();
    // n3 comes back holding Q, and a full resolver hands what it holds to its peers when it
    // joins: let that settle first (up to 3 s), or its copy can reach n2 just after the prune.
    for (const until = Date.now() + 3000; Date.now() < until; await sleep(100)) {
      if ((await Promise.all(cluster.nodes.map((n) => heldOn(n, q)))).every(Boolean)) break;
    }
    const again = await runCli(home, ['push', '-A', '--prune', '--json']);
    assert.equal(again.code, 0, again.stdout + again.stderr);
    for (const node of cluster.nodes) assert.equal(await heldOn(node, q), undefined, `${node.name} still holds Q`);
  });

  it('faults: nothing listening is SERVER_UNREACHABLE; a hung server is "no answer" within the timeout; an untrusted account is never sent', async () => {
    const { home, cluster, ws } = world;
    const port = await freePort();
    const down = await runCli(home, ['push', '-a', 'A', '--server', `nats://127.0.0.1:${port}`, '--timeout', '500ms', '--json']);
    assert.equal(down.code, 1);
    assert.equal((JSON.parse(down.stdout) as { error: { code: string } }).error.code, 'SERVER_UNREACHABLE');
    // A hung server (stopped, not dead): its TCP port accepts, it never speaks.
    const t0 = Date.now();
    process.kill(cluster.pid(2), 'SIGSTOP');
    try {
      const r = await pushAccounts(ws, { accounts: ['A'], server: cluster.urls[0]!, timeoutMs: 600 });
      const s = statuses(r, 'A');
      assert.equal(s.n1, 'unchanged');
      assert.ok(Object.values(s).includes('no answer'), JSON.stringify(s));
      assert.ok(Date.now() - t0 < 5000, `took ${Date.now() - t0} ms`);
    } finally {
      process.kill(cluster.pid(2), 'SIGCONT');
    }
    // A foreign operator's account in the store: sigchain refuses it before connecting.
    const { KeyPair } = await import('../../../src/nkeys/keypair.js');
    const { encodeAccount } = await import('../../../src/claims/nats/encode.js');
    const { newAccountClaims } = await import('../../../src/claims/nats/account.js');
    const foreign = KeyPair.create('account');
    const op = await ws.operator();
    await op.addAccount('F', encodeAccount(newAccountClaims('F', foreign.publicKey), KeyPair.create('operator')));
    try {
      await assert.rejects(pushAccounts(ws, { accounts: ['F'] }), (e) => isSigchainError(e, 'ACCOUNT_UNTRUSTED'));
      for (const node of cluster.nodes) assert.equal(await heldOn(node, foreign.publicKey), undefined);
    } finally {
      await op.deleteAccount('F');
    }
  });

  it('no seed went over the wire: the servers\' protocol traces hold none', async () => {
    const { cluster, ws } = world;
    const logs = cluster.nodes.map((n) => n.log()).join('\n');
    assert.match(logs, /\$SYS\.REQ\.CLAIMS\.UPDATE/, 'the trace does not show the pushes');
    assert.match(logs, /CONNECT \{/);
    assert.doesNotMatch(logs, /S[OACUNX][A-Z2-7]{56}/);
    // Every seed this home holds, searched for literally.
    const seeds: string[] = [];
    const walk = (d: string) => {
      for (const f of readdirSync(d)) {
        const p = join(d, f);
        if (lstatSync(p).isDirectory()) walk(p);
        else if (f.endsWith('.nk')) seeds.push(readFileSync(p, 'utf8').trim());
      }
    };
    walk(ws.paths.keystoreDir.path);
    assert.ok(seeds.length > 3);
    for (const s of seeds) assert.ok(!logs.includes(s));
  });
});

