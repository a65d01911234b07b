/**
 * Signing through a key agent over its unix socket, against in-process node:crypto signing of
 * the same bytes, in the same run:
 *
 * - `agent.sign_1_client`: one client, one request at a time (each op one signature).
 * - `agent.sign_32_clients`: 32 clients (32 connections) signing at once; each op is one round of
 *   32 concurrent signatures, reported as signatures per second.
 *
 * `ours` is sigchain's agent (`sigchain agent start --foreground`, a separate process); the peer
 * `ssh_agent` is OpenSSH's `ssh-agent -D` under the same load; `node_crypto` signs in-process
 * (32 signatures per op in the 32-client figure). `agent_no_audit` is the same agent server with no
 * audit hook (bench/agent-no-audit.ts), and `agent.audit_32_clients` gives the audit log's cost as a
 * share of the agent's rate. The note of the 1-client figure gives the p50
 * and p99 round trip of each agent over 2,000 sequential signatures. Without `ssh-agent` on PATH
 * that peer is left out.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { sign } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLI_PATH as CLI } from '../test/helpers/cli.js';
import { AgentClient } from '../src/custody/agent/client.js';
import { formatComment } from '../src/custody/agent/comment.js';
import { decodePublicKey } from '../src/nkeys/codec.js';
import { KeyPair } from '../src/nkeys/index.js';
import { type Case, type Settings, measure } from './harness.js';
import { nodeKeysFor } from './node-keys.js';
import { type Figure, GOALS, figuresOf } from './report.js';

const CLIENTS = 32;
const NO_AUDIT = fileURLToPath(new URL('./agent-no-audit.js', import.meta.url));

interface Agent {
  socket: string;
  child: ChildProcess;
}

async function listening(socket: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    const ok = await new Promise<boolean>((res) => {
      const s = connect(socket);
      s.once('connect', () => (s.destroy(), res(true)));
      s.once('error', () => res(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`bench: no agent listens on ${socket}`);
}

type AgentKind = 'sigchain' | 'sigchain_no_audit' | 'openssh';
const IMPL: Record<AgentKind, string> = { sigchain: 'ours', sigchain_no_audit: 'agent_no_audit', openssh: 'ssh_agent' };

async function startAgent(kind: AgentKind, dir: string): Promise<Agent> {
  const socket = join(dir, `${kind}.sock`);
  const child =
    kind === 'sigchain'
      ? spawn(process.execPath, [CLI, 'agent', 'start', '--foreground', '--json', '--socket', socket], { stdio: 'ignore', env: { ...process.env, SIGCHAIN_HOME: dir } })
      : kind === 'sigchain_no_audit'
        ? spawn(process.execPath, [NO_AUDIT, socket], { stdio: 'ignore' })
        : spawn('ssh-agent', ['-D', '-a', socket], { stdio: 'ignore' });
  await listening(socket);
  return { socket, child };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** p50 and p99 round trip, in µs, of `n` sequential signatures through `client`. */
async function roundTrips(client: AgentClient, key: Uint8Array, data: Uint8Array, n: number): Promise<{ p50: number; p99: number }> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    await client.sign(key, data);
    times.push(Number(process.hrtime.bigint() - t0) / 1000);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99) };
}

/** Starts both agents, loads one account key, measures; returns the two figures. */
export async function agentFigures(settings: Settings, quick: boolean, progress: (msg: string) => void): Promise<Record<string, Figure>> {
  const dir = mkdtempSync(join(tmpdir(), 'sigchain-bench-agent-'));
  const agents: Agent[] = [];
  const clients: AgentClient[] = [];
  try {
    const haveSsh = spawnSync('ssh-agent', ['-h'], { stdio: 'ignore' }).error === undefined;
    const kp = KeyPair.create('account');
    const raw = decodePublicKey(kp.publicKey).raw;
    // A user JWT's signing input is the usual payload (~400 bytes).
    const data = Buffer.from(`eyJ0eXAiOiJKV1QiLCJhbGciOiJlZDI1NTE5LW5rZXkifQ.${Buffer.alloc(300, 'a').toString('base64url')}`);
    const { privateKey } = nodeKeysFor(kp);
    const pools = new Map<string, AgentClient[]>();
    for (const kind of (haveSsh ? ['sigchain', 'sigchain_no_audit', 'openssh'] : ['sigchain', 'sigchain_no_audit']) as AgentKind[]) {
      const agent = await startAgent(kind, dir);
      agents.push(agent);
      const pool = Array.from({ length: CLIENTS }, () => new AgentClient(agent.socket));
      clients.push(...pool);
      await pool[0]!.add(kp, { comment: formatComment(kp.publicKey, ['issuing']) });
      await Promise.all(pool.map((c) => c.sign(raw, data))); // connect every client
      pools.set(IMPL[kind], pool);
    }

    const one: Case[] = [...pools].filter(([impl]) => impl !== 'agent_no_audit').map(([impl, pool]) => ({ impl, async: true, run: () => pool[0]!.sign(raw, data) }));
    one.push({ impl: 'node_crypto', run: () => sign(null, data, privateKey) });
    const many: Case[] = [...pools].map(([impl, pool]) => ({ impl, async: true, run: () => Promise.all(pool.map((c) => c.sign(raw, data))) }));
    many.push({
      impl: 'node_crypto',
      run: () => {
        let last: Buffer | undefined;
        for (let i = 0; i < CLIENTS; i++) last = sign(null, data, privateKey);
        return last;
      },
    });

    progress(`measuring agent.sign_1_client (${one.map((c) => c.impl).join(', ')})…\n`);
    const figures = figuresOf('agent.sign_1_client', await measure({ figure: 'agent.sign_1_client', cases: one }, settings));
    progress(`measuring agent.sign_32_clients (${many.map((c) => c.impl).join(', ')})…\n`);
    // One op is a round of 32 signatures across two processes (~2 ms): 60 ms boxes hold too few
    // of them for a steady ratio, so this figure runs longer boxes (fewer rounds).
    const manySettings = settings.boxMs < 60 ? settings : { ...settings, boxMs: 250, rounds: 12 };
    const manyFig = figuresOf('agent.sign_32_clients', await measure({ figure: 'agent.sign_32_clients', cases: many }, manySettings));
    // One op was a round of 32 signatures: report signatures per second (ratios are unchanged).
    for (const f of Object.values(manyFig)) {
      f.ops_per_s *= CLIENTS;
      for (const k of Object.keys(f.peers_ops_per_s)) f.peers_ops_per_s[k]! *= CLIENTS;
      f.note = `${CLIENTS} clients on ${CLIENTS} connections signing at once; signatures per second`;
    }
    Object.assign(figures, manyFig);
    // The audit log's share of the agent's rate, as its own figure so the goal is judged on it.
    const withLog = manyFig['agent.sign_32_clients'];
    if (withLog?.vs.agent_no_audit !== undefined) {
      const ratio = withLog.vs.agent_no_audit;
      const goal = GOALS['agent.audit_32_clients']!;
      figures['agent.audit_32_clients'] = {
        ops_per_s: withLog.ops_per_s,
        vs: { agent_no_audit: ratio },
        peers_ops_per_s: { agent_no_audit: withLog.peers_ops_per_s.agent_no_audit! },
        goal: { peer: goal.peer, min_ratio: goal.min, met: ratio >= goal.min },
        note: `the agent with its audit log against the same agent server with no audit hook, 32 clients: the log costs ${(100 * (1 - ratio)).toFixed(1)}% of the agent's rate (median of the per-round ratios)`,
      };
    }

    const n = quick ? 50 : 2000;
    const rt: string[] = [];
    for (const [impl, pool] of pools) {
      const { p50, p99 } = await roundTrips(pool[0]!, raw, data, n);
      rt.push(`${impl} p50 ${p50.toFixed(0)} µs, p99 ${p99.toFixed(0)} µs`);
    }
    figures['agent.sign_1_client']!.note = `round trip over ${n} sequential signatures: ${rt.join('; ')}`;
    return figures;
  } finally {
    for (const c of clients) c.close();
    // The agent seals its audit log as it stops: wait for it before removing its home.
    await Promise.all(agents.map((a) => new Promise<void>((res) => (a.child.exitCode !== null ? res() : (a.child.once('exit', () => res()), a.child.kill('SIGTERM'))))));
    rmSync(dir, { recursive: true, force: true });
  }
}
