/**
 * Distribution (issue 11 item 7): pushing accounts to a real three-server cluster with the full
 * resolver, and the time from the push of a revocation to the revoked user's connection closing
 * on each server.
 *
 * `push.accounts_1000_3_servers`: `pushAccounts` of 1,000 accounts (10 with --quick) — verify,
 * lookup, update, three answers each — against its peer `bare_requests`, the same UPDATE
 * requests sent straight through the resolver client (no verifying, no lookup, same 32 in
 * flight). The note gives the share of wall time spent waiting on the servers.
 * `push.revocation_close_ms`: p50/p99 per server of push start → the revoked user's connection
 * closed. Timings are printed, never asserted. Needs nats-server; skipped with a note otherwise.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { ResolverSession } from '../src/nats/resolver/client.js';
import { Workspace, addAccount, addOperator, addUser, editOperator, mintSystemUser, pushAccounts, pushSucceeded, readAccount, readOperator, revokeUser } from '../src/workspace/index.js';
import { clusterPorts, startCluster } from '../test/helpers/nats-cluster.js';
import type { Figure } from './report.js';

function hasNatsServer(): boolean {
  for (const p of ['/usr/sbin/nats-server', '/usr/bin/nats-server', '/usr/local/bin/nats-server']) if (existsSync(p)) return true;
  return spawnSync('sh', ['-c', 'command -v nats-server'], { encoding: 'utf8' }).status === 0;
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/**
 * The push figures (see the module notes).
 *
 * @example
 * ```ts
 * Object.assign(report.figures, await pushFigures(quick, progress));
 * ```
 */
export async function pushFigures(quick: boolean, progress: (msg: string) => void): Promise<Record<string, Figure>> {
  if (!hasNatsServer()) {
    progress('skipping push.*: nats-server is not installed (apt-get install -y nats-server), so no push figure was measured\n');
    return {};
  }
  const home = mkdtempSync(join(tmpdir(), 'sigchain-bench-push-'));
  const ws = Workspace.open({ env: { SIGCHAIN_KEYRING_BACKEND: 'file', SIGCHAIN_HOME: home, HOME: home }, custody: { noAudit: true } });
  const n = quick ? 10 : 1000;
  let cluster: Awaited<ReturnType<typeof startCluster>> | undefined;
  try {
    progress(`building ${n} accounts and a three-server cluster…\n`);
    await addOperator(ws, 'O', { generateSigningKey: true });
    const ports = await clusterPorts(3);
    await editOperator(ws, { serviceUrls: ports.map((p) => `nats://127.0.0.1:${p.port}`) });
    for (let i = 0; i < n; i++) await addAccount(ws, `A${i}`);
    const op = await ws.operator();
    const operator = await readOperator(op);
    cluster = await startCluster({ operatorJwt: operator.token, systemAccountJwt: (await readAccount(op, 'SYS')).token, ports, interval: '2m' });
    const names = (await op.listAccounts()).filter((a) => a !== 'SYS');
    const tokens = await Promise.all(names.map(async (a) => (await readAccount(op, a)).token));

    progress(`measuring push.accounts_${n}_3_servers (ours, bare_requests)…\n`);
    // Peer first: the servers learn every account, so ours pays the lookups a real re-push pays.
    const m = await mintSystemUser(ws, op, operator);
    const s = await ResolverSession.open({ servers: [cluster.urls[0]!], user: m.user, connectTimeoutMs: 2000 });
    const b0 = performance.now();
    const bareLoop = performance.eventLoopUtilization();
    let next = 0;
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (next < tokens.length) await s.update(tokens[next++]!, { timeoutMs: 5000, expect: 3 });
      }),
    );
    const bareS = (performance.now() - b0) / 1000;
    const bareBusy = performance.eventLoopUtilization(bareLoop).utilization;
    await s.close();
    // Then ours on a store one step ahead (every account re-signed), so each push updates.
    await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 20));
    const { editAccount } = await import('../src/workspace/index.js');
    for (const a of names) await editAccount(ws, { account: a, tags: ['bench'] });
    const oursLoop = performance.eventLoopUtilization();
    const r = await pushAccounts(ws, { accounts: names, timeoutMs: 5000 });
    // The JS thread's busy share: stricter than the wait share (it counts the client's own
    // protocol work, and work done while requests are in flight), shown beside it.
    const oursBusy = performance.eventLoopUtilization(oursLoop).utilization;
    const oursS = r.timing.wallMs / 1000;
    const waitShare = r.timing.serverWaitMs / r.timing.wallMs;
    const failed = r.accounts.filter((a) => a.servers.some((x) => x.status !== 'updated')).length;
    const out: Record<string, Figure> = {};
    out[`push.accounts_${n}_3_servers`] = {
      ops_per_s: Math.round(n / oursS),
      vs: { bare_requests: Number((bareS / oursS).toFixed(3)) },
      peers_ops_per_s: { bare_requests: Math.round(n / bareS) },
      seconds: Number(oursS.toFixed(3)),
      units: n,
      note: `${n} accounts pushed to 3 routed nats-server 2.9 (full resolver, 127.0.0.1), 32 in flight: verify + lookup + update, all 3 answers each; ${(waitShare * 100).toFixed(1)}% of the wall time waiting on servers (sigchain's own work ${((1 - waitShare) * 100).toFixed(1)}%); JS thread busy ${(oursBusy * 100).toFixed(0)}% of the wall time (bare_requests ${(bareBusy * 100).toFixed(0)}%)${failed ? `; ${failed} account(s) not updated everywhere` : ''}. bare_requests: the same UPDATEs straight through the resolver client`,
    };

    // Revocation → connection closed, per server.
    const rounds = quick ? 1 : 10;
    progress(`measuring push.revocation_close_ms (${rounds} rounds)…\n`);
    const { connect, credsAuthenticator } = await import('@nats-io/transport-node');
    const { readFileSync } = await import('node:fs');
    const acc = 'A0';
    const { KeyPair } = await import('../src/nkeys/keypair.js');
    const sk = KeyPair.create('account');
    const skPath = await ws.keys.storeKey(sk);
    await new Promise((r2) => setTimeout(r2, 1000 - (Date.now() % 1000) + 20)); // a new second: no same-iat rollback
    await editAccount(ws, { account: acc, addSigningKeys: [sk.publicKey] });
    const ready = await pushAccounts(ws, { accounts: [acc] });
    if (!pushSucceeded(ready)) throw new Error(`the account with its signing key did not reach every server: ${JSON.stringify(ready.accounts)}`);
    const per: number[][] = cluster.nodes.map(() => []);
    for (let i = 0; i < rounds; i++) {
      const u = await addUser(ws, `u${i}`, { account: acc, signer: await ws.resolveSigner(skPath) });
      const credsText = readFileSync(u.user.credsPath);
      const conns = await Promise.all(cluster.urls.map((url) => connect({ servers: url, authenticator: credsAuthenticator(credsText), reconnect: false })));
      await new Promise((r2) => setTimeout(r2, 1000 - (Date.now() % 1000) + 20)); // a new second: no same-iat rollback
      await revokeUser(ws, { account: acc, user: `u${i}` });
      const t0 = performance.now();
      const closed = conns.map((nc) => nc.closed().then(() => performance.now() - t0));
      await pushAccounts(ws, { accounts: [acc] });
      // Bounded: a push that did not revoke must end the bench, not hang it.
      const ms = await Promise.race([Promise.all(closed), new Promise<never>((_, no) => setTimeout(() => no(new Error('a revoked user\'s connection stayed open 10 s after the push')), 10_000).unref())]);
      ms.forEach((v, j) => per[j]!.push(v));
    }
    const rows = per.map((v, j) => {
      const sorted = [...v].sort((a, b) => a - b);
      return `${cluster!.nodes[j]!.name} p50 ${pct(sorted, 50).toFixed(1)} ms, p99 ${pct(sorted, 99).toFixed(1)} ms`;
    });
    const all = per.flat().sort((a, b) => a - b);
    out['push.revocation_close_ms'] = {
      ops_per_s: Math.round(1000 / pct(all, 50)),
      vs: {},
      peers_ops_per_s: {},
      seconds: Number((pct(all, 99) / 1000).toFixed(4)),
      units: all.length,
      note: `push of a revocation -> the revoked user's live connection closed, ${rounds} rounds: ${rows.join('; ')} (ops_per_s is 1000/p50)`,
    };
    return out;
  } finally {
    await cluster?.close();
    rmSync(home, { recursive: true, force: true });
  }
}
