import { spawn } from 'node:child_process';
import { mkdtempSync, rmdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ErrorCode, ErrorCodes, SigchainError } from '../../errors.js';
import { hardenProcess, requirePeerCredentials } from '../../custody/agent/peercred.js';
import { type AgentSignRecord, startAgentServer } from '../../custody/agent/server.js';
import { type Command, type CommandContext, flag, str } from '../command.js';
import { stderr, stdout } from '../output/stdio.js';
import { shellExport } from './agent-support.js';
import { openWorkspace } from './support.js';

const USAGE = 'agent start [--socket PATH] [--foreground]';

const DEFAULT_DIR_PREFIX = 'sigchain-agent-';

function tryRmdir(dir: string): void {
  try {
    rmdirSync(dir);
  } catch {
    // not empty, or gone: leave it
  }
}

/** How long `agent start` waits for the background agent to say it listens. */
const READY_TIMEOUT_MS = 15_000;

/**
 * Every signature the agent makes, and every request it refuses, goes to the audit log of the
 * sigchain home it was started with, caller = the peer's uid and pid, before the answer leaves.
 * The log's head is sealed a moment after the last record and when the agent stops.
 */
async function auditHook(ctx: CommandContext): Promise<{ onSign: (record: AgentSignRecord) => Promise<void>; seal: () => Promise<void> }> {
  const { auditLogOf } = await import('../../workspace/audit.js');
  const log = auditLogOf(openWorkspace(ctx));
  let timer: NodeJS.Timeout | undefined;
  const seal = async (): Promise<void> => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    const r = await log.seal().catch((e: Error) => ({ sealed: false, problem: e.message }));
    if (!r.sealed) ctx.printer.info(`sigchain agent: the audit log was not sealed: ${(r as { problem?: string }).problem ?? 'unknown'}`);
  };
  // One time text per millisecond: a busy agent signs several times in each.
  let ms = 0;
  let iso = '';
  const now = (): string => {
    const t = Date.now();
    if (t !== ms) (ms = t), (iso = new Date(t).toISOString());
    return iso;
  };
  const onSign = async (r: AgentSignRecord): Promise<void> => {
    await log.append({
      time: now(),
      key: r.key,
      backend: 'agent',
      // A plain ssh-agent client names no usage: proving possession is what it asks for.
      usage: r.usage ?? 'authentication',
      kind: r.kind,
      ...(r.subject !== undefined ? { subject: r.subject } : {}),
      sha256: r.sha256,
      caller: { uid: r.caller.uid, pid: r.caller.pid },
      result: r.result === 'signed' ? 'ok' : 'refused',
      ...(r.reason !== undefined ? { code: r.reason } : {}),
    });
    if (!timer) {
      timer = setTimeout(() => void seal(), 1000);
      timer.unref();
    }
  };
  return { onSign, seal };
}

/** `sigchain agent start`: sigchain's own key agent, on the ssh-agent protocol. */
export const agentStartCommand: Command = {
  words: ['agent', 'start'],
  summary: "Start sigchain's key agent (an ssh-agent that knows what it signs) and print its environment for eval",
  usage: USAGE,
  description: [
    "Starts sigchain's key agent in the background and prints, for `eval`:",
    '  SIGCHAIN_AUTH_SOCK=PATH; export SIGCHAIN_AUTH_SOCK;',
    '  SIGCHAIN_AGENT_PID=N; export SIGCHAIN_AGENT_PID;',
    'It speaks the ssh-agent protocol, so `ssh-add -l`, `ssh-add -D` and `ssh-add -x/-X` work against',
    'it (point SSH_AUTH_SOCK at it), and holds keys in memory only: load them with `sigchain agent add`.',
    'Unlike ssh-agent it can restrict what a key signs (`agent add --only`) and reports every',
    'signature to the audit log.',
    '',
    'The socket is made 0600 in a fresh 0700 folder under the temp dir (or at --socket), and the agent',
    'closes any connection whose peer (as the kernel reports it, SO_PEERCRED) is neither its own user',
    'nor root. It runs with core files off and is not dumpable. A second agent on a socket in use',
    'is refused (AGENT_SOCKET_IN_USE); a dead socket file is replaced. SIGTERM or `sigchain agent stop`',
    'ends it and removes the socket. --foreground keeps it attached (it still prints the lines).',
  ].join('\n'),
  examples: ['sigchain agent start > agent.env && . ./agent.env   # or: eval "$(sigchain agent start)"', 'sigchain agent start --socket /run/user/1000/sigchain.sock --foreground', 'sigchain agent start --json'],
  options: {
    socket: { type: 'string', valueName: 'PATH', description: 'Where to listen (default: a new 0700 folder under the temp dir).' },
    foreground: { type: 'boolean', description: 'Stay in the foreground (until SIGTERM or Ctrl-C).' },
  },
  args: { min: 0, max: 0 },
  async run(ctx) {
    // Refuse before forking: without the peer check the agent must not run at all.
    requirePeerCredentials();
    const given = str(ctx, 'socket');
    const socket = given ? resolve(given) : join(mkdtempSync(join(tmpdir(), DEFAULT_DIR_PREFIX)), `agent.${process.pid}`);
    const started = flag(ctx, 'foreground') ? await serveHere(ctx, socket) : await startInBackground(ctx, socket);
    ctx.printer.result({ socket: started.socket, pid: started.pid }, `${shellExport('SIGCHAIN_AUTH_SOCK', started.socket)}\n${shellExport('SIGCHAIN_AGENT_PID', String(started.pid))}\n`);
    await started.done;
  },
};

interface Started {
  socket: string;
  pid: number;
  /** Settles when the agent has stopped (foreground) or at once (background). */
  done: Promise<void>;
}

async function serveHere(ctx: CommandContext, socket: string): Promise<Started> {
  hardenProcess();
  const audit = await auditHook(ctx);
  const agent = await startAgentServer({ socket, onSign: audit.onSign, env: ctx.env, log: (line) => ctx.printer.info(`sigchain agent: ${line}`) });
  const stop = (): void => void agent.close();
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  process.once('SIGHUP', stop);
  // Once detached, nobody reads our output: a write to a closed pipe must not kill the agent.
  stdout.stream().on('error', () => {});
  stderr.stream().on('error', () => {});
  const done = agent.closed.then(async () => {
    await audit.seal();
    // The fresh folder `agent start` made for its socket goes too (rmdir: only if empty).
    if (basename(dirname(agent.socket)).startsWith(DEFAULT_DIR_PREFIX)) tryRmdir(dirname(agent.socket));
    process.off('SIGTERM', stop);
    process.off('SIGINT', stop);
    process.off('SIGHUP', stop);
  });
  return { socket: agent.socket, pid: process.pid, done };
}

/** Runs `sigchain agent start --foreground --json` detached and waits for its first answer. */
function startInBackground(ctx: CommandContext, socket: string): Promise<Started> {
  const main = fileURLToPath(new URL('../main.js', import.meta.url));
  const child = spawn(process.execPath, [main, 'agent', 'start', '--foreground', '--json', '--socket', socket], {
    detached: true,
    cwd: '/',
    env: ctx.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise<Started>((resolvePromise, reject) => {
    let out = '';
    let err = '';
    let settled = false;
    const finish = (e?: Error, started?: Started): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.stdout.destroy();
      child.stderr.destroy();
      if (e) reject(e);
      else {
        child.unref();
        resolvePromise(started!);
      }
    };
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      finish(new SigchainError('AGENT_FAILURE', `The agent did not start within ${READY_TIMEOUT_MS / 1000} s.${err ? ` It said: ${err.trim()}` : ''}`));
    }, READY_TIMEOUT_MS);
    const parsed = (): Record<string, unknown> | undefined => {
      try {
        return JSON.parse(out) as Record<string, unknown>;
      } catch {
        return undefined;
      }
    };
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString('utf8');
      const j = parsed();
      if (j && typeof j.socket === 'string' && typeof j.pid === 'number') finish(undefined, { socket: j.socket, pid: j.pid, done: Promise.resolve() });
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
    child.on('error', (e) => finish(new SigchainError('AGENT_FAILURE', `Could not start the agent: ${e.message}.`)));
    child.on('exit', () => {
      const j = parsed();
      const e = j?.error as { code?: string; message?: string } | undefined;
      if (e?.code && Object.hasOwn(ErrorCodes, e.code)) finish(new SigchainError(e.code as ErrorCode, e.message ?? e.code));
      else finish(new SigchainError('AGENT_FAILURE', `The agent stopped before it listened.${err ? ` It said: ${err.trim()}` : ''}`));
    });
  });
}
