import { readFileSync } from 'node:fs';
import { SigchainError } from '../../errors.js';
import { AgentClient } from '../../custody/agent/client.js';
import { type Command, type CommandContext, str } from '../command.js';

const USAGE = 'agent stop [--socket PATH]';

/** `sigchain agent stop`: ends sigchain's key agent; its keys are gone with it. */
export const agentStopCommand: Command = {
  words: ['agent', 'stop'],
  summary: "Stop sigchain's key agent (named by --socket, SIGCHAIN_AUTH_SOCK or SIGCHAIN_AGENT_PID)",
  usage: USAGE,
  description: [
    "Stops sigchain's key agent and prints `unset` lines for eval. The agent is found by --socket, else",
    'SIGCHAIN_AUTH_SOCK (it is asked to stop over its socket), else SIGCHAIN_AGENT_PID (sent SIGTERM,',
    "after checking that process is sigchain's agent). The agent removes its socket; the keys it held",
    'existed only in its memory and are gone. It refuses to stop an agent that is not sigchain\'s',
    '(stop OpenSSH\'s with `ssh-agent -k`).',
  ].join('\n'),
  examples: ['sigchain agent stop   # or: eval "$(sigchain agent stop)" to unset the variables', 'sigchain agent stop --socket /run/user/1000/sigchain.sock'],
  options: {
    socket: { type: 'string', valueName: 'PATH', description: 'The agent socket (default: $SIGCHAIN_AUTH_SOCK).' },
  },
  args: { min: 0, max: 0 },
  async run(ctx) {
    const socket = str(ctx, 'socket') || ctx.env.SIGCHAIN_AUTH_SOCK;
    let pid: number;
    if (socket) {
      const client = new AgentClient(socket);
      try {
        pid = await client.stop();
      } finally {
        client.close();
      }
    } else if (ctx.env.SIGCHAIN_AGENT_PID) {
      pid = Number(ctx.env.SIGCHAIN_AGENT_PID);
      if (!Number.isSafeInteger(pid) || pid <= 1) throw new SigchainError('USAGE', `SIGCHAIN_AGENT_PID=${ctx.env.SIGCHAIN_AGENT_PID} is not a process id.`);
      checkIsAgent(pid);
      process.kill(pid, 'SIGTERM');
    } else {
      throw new SigchainError('AGENT_UNAVAILABLE', 'No agent is named: pass --socket PATH, or set SIGCHAIN_AUTH_SOCK or SIGCHAIN_AGENT_PID (`eval "$(sigchain agent start)"` sets both).');
    }
    await waitGone(pid, ctx);
    ctx.printer.result({ stopped: true, pid, ...(socket ? { socket } : {}) }, 'unset SIGCHAIN_AUTH_SOCK; unset SIGCHAIN_AGENT_PID;\n');
  },
};

/** Refuses to signal a process that is not `sigchain agent start` (a stale pid may have been reused). */
function checkIsAgent(pid: number): void {
  let cmdline: string[];
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    throw new SigchainError('AGENT_UNAVAILABLE', `No process ${pid} runs (SIGCHAIN_AGENT_PID): the agent has already stopped.`);
  }
  const at = cmdline.indexOf('agent');
  if (at < 0 || cmdline[at + 1] !== 'start') {
    throw new SigchainError('AGENT_FAILURE', `Process ${pid} (SIGCHAIN_AGENT_PID) is not sigchain's agent; it was left alone. Name the agent by --socket instead.`);
  }
}

async function waitGone(pid: number, ctx: CommandContext): Promise<void> {
  const until = Date.now() + 5000;
  while (Date.now() < until) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  ctx.printer.warn(`The agent (pid ${pid}) was asked to stop but is still running after 5 s.`);
}
