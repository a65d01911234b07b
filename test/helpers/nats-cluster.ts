// Three (or more) real nats-server processes on 127.0.0.1, routed into one cluster, each with
// the NATS-based full resolver in its own temp directory. Free ports, killed and removed after.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { natsResolverConfig } from '../../src/nats/server-config.js';
import { freePort, natsServerBinary } from './nats-server.js';

export interface ClusterNode {
  readonly name: string;
  readonly port: number;
  readonly clusterPort: number;
  readonly url: string;
  readonly resolverDir: string;
  /** Everything the server logged since it was (re)started. */
  log(): string;
  running(): boolean;
}

export interface NatsCluster {
  readonly nodes: ClusterNode[];
  /** The client URLs, for `edit operator --service-url`. */
  readonly urls: string[];
  stop(i: number): Promise<void>;
  /** The process id of node i (to SIGSTOP it: a hung server). */
  pid(i: number): number;
  /** Starts node i again; with `emptyDir` its resolver directory is wiped first; `limit` caps its store. */
  start(i: number, opts?: StartOptions): Promise<void>;
  /** Waits until every running node has a route to every other running node. */
  routed(ms?: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * A free port below Linux's ephemeral range (32768+), picked at random: ports asked of the
 * kernel (port 0) come from that range, and another test file running at the same time can be
 * handed the same one between our check and the server's bind ("address already in use").
 */
// Ports this process has handed out: a port is free until its server binds it, so two picks of
// one cluster (a client port and a monitoring port) could otherwise be the same.
const handedOut = new Set<number>();

async function quietPort(): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (handedOut.has(port)) continue;
    handedOut.add(port);
    const free = await new Promise<boolean>((resolve) => {
      const srv = createServer();
      srv.once('error', () => resolve(false));
      srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
    });
    if (free) return port;
  }
  return freePort();
}

/** Ports picked before the operator JWT is made, so it can name the servers (service URLs). */
export async function clusterPorts(n = 3): Promise<Array<{ port: number; clusterPort: number }>> {
  const out = [];
  for (let i = 0; i < n; i++) out.push({ port: await quietPort(), clusterPort: await quietPort() });
  return out;
}

export interface StartOptions {
  emptyDir?: boolean;
  /** nats-server's resolver `limit`: the store refuses accounts beyond it ("jwt store is full"). */
  limit?: number;
  /** This start's `allow_delete` (default: the cluster's). */
  allowDelete?: boolean;
}

export interface ClusterOptions {
  operatorJwt: string;
  systemAccountJwt: string;
  ports: Array<{ port: number; clusterPort: number }>;
  interval?: string;
  allowDelete?: boolean;
  /** Protocol tracing (-DV): every message each server sees is in its log. */
  trace?: boolean;
}

function waitLog(get: () => string, pattern: RegExp, ms: number, child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const tick = () => {
      if (pattern.test(get())) return resolve();
      if (child.exitCode !== null) return reject(new Error(`nats-server exited (${child.exitCode}):\n${get()}`));
      if (Date.now() - t0 > ms) return reject(new Error(`nats-server did not log ${pattern} within ${ms} ms:\n${get()}`));
      setTimeout(tick, 20);
    };
    tick();
  });
}

export async function startCluster(o: ClusterOptions): Promise<NatsCluster> {
  const root = mkdtempSync(join(tmpdir(), 'sigchain-cluster-'));
  const names = o.ports.map((_, i) => `n${i + 1}`);
  const procs: Array<ChildProcess | undefined> = [];
  // A monitoring port per node tells when routes are up (nats-server's /routez).
  const monitorPorts: number[] = [];
  for (let i = 0; i < o.ports.length; i++) monitorPorts.push(await quietPort());
  const logs: string[] = o.ports.map(() => '');
  const nodes: ClusterNode[] = o.ports.map((p, i) => ({
    name: names[i]!,
    port: p.port,
    clusterPort: p.clusterPort,
    url: `nats://127.0.0.1:${p.port}`,
    resolverDir: join(root, names[i]!, 'jwt'),
    log: () => logs[i]!,
    running: () => procs[i] !== undefined && procs[i]!.exitCode === null,
  }));
  const start = async (i: number, opts: StartOptions = {}) => {
    const node = nodes[i]!;
    if (opts.emptyDir) rmSync(node.resolverDir, { recursive: true, force: true });
    mkdirSync(node.resolverDir, { recursive: true });
    const conf = natsResolverConfig({
      operatorJwt: o.operatorJwt,
      systemAccountJwt: o.systemAccountJwt,
      type: 'full',
      dir: node.resolverDir,
      interval: o.interval ?? '2m',
      allowDelete: opts.allowDelete ?? o.allowDelete ?? false,
      serverName: node.name,
      ...(opts.limit !== undefined ? { limit: opts.limit } : {}),
      listen: `127.0.0.1:${node.port}`,
      cluster: { name: 'sigchain-test', listen: `127.0.0.1:${node.clusterPort}`, routes: nodes.filter((_, j) => j !== i).map((n) => `nats-route://127.0.0.1:${n.clusterPort}`) },
    });
    const path = join(root, node.name, 'server.conf');
    // The monitoring port is the helper's own: when another process took it since it was picked,
    // the node starts again on a fresh one (the client and route ports are in the operator JWT).
    for (let attempt = 1; ; attempt++) {
      writeFileSync(path, `${conf}\nhttp: 127.0.0.1:${monitorPorts[i]}\n`);
      logs[i] = '';
      const child = spawn(natsServerBinary(), ['-c', path, ...(o.trace ? ['-DV'] : [])], { stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout!.on('data', (d) => (logs[i] += d));
      child.stderr!.on('data', (d) => (logs[i] += d));
      procs[i] = child;
      try {
        await waitLog(() => logs[i]!, /Server is ready/, 10_000, child);
        return;
      } catch (e) {
        if (attempt >= 3 || !/can't listen to the monitor port/.test(logs[i]!)) throw e;
        monitorPorts[i] = await quietPort();
      }
    }
  };
  const stop = (i: number) =>
    new Promise<void>((resolve) => {
      const child = procs[i];
      if (!child || child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  const cluster: NatsCluster = {
    nodes,
    urls: nodes.map((n) => n.url),
    stop,
    start,
    pid: (i) => procs[i]!.pid!,
    async routed(ms = 10_000) {
      const t0 = Date.now();
      for (;;) {
        const up = nodes.filter((n) => n.running());
        const ok = await Promise.all(
          up.map(async (n) => {
            try {
              const r = await fetch(`http://127.0.0.1:${monitorPorts[nodes.indexOf(n)]}/routez`);
              const j = (await r.json()) as { num_routes?: number };
              return (j.num_routes ?? 0) >= up.length - 1;
            } catch {
              return false;
            }
          }),
        );
        if (ok.every(Boolean)) return;
        if (Date.now() - t0 > ms) throw new Error(`routes did not form within ${ms} ms`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async close() {
      await Promise.all(nodes.map((_, i) => stop(i)));
      rmSync(root, { recursive: true, force: true });
    },
  };
  try {
    await Promise.all(nodes.map((_, i) => start(i)));
    await cluster.routed();
  } catch (e) {
    await cluster.close();
    throw e;
  }
  return cluster;
}
