/**
 * The native part of sigchain's key agent (native/peercred, built by `npm install`): who is on
 * the other end of a unix socket (SO_PEERCRED: the kernel's answer, not the peer's claim), and
 * hardening of the agent's own process (core-file limit 0, not dumpable, so not ptrace-able by
 * its own uid either). Node has no API for either. Without the addon the agent refuses to start
 * (`AGENT_FAILURE`) rather than run with no peer check.
 */
import type { Socket } from 'node:net';
import { createRequire } from 'node:module';
import { SigchainError } from '../../errors.js';

/** A socket peer, as the kernel reports it. */
export interface PeerCredentials {
  readonly pid: number;
  readonly uid: number;
  readonly gid: number;
}

interface Addon {
  peercred(fd: number): PeerCredentials;
  harden(): { core: number; dumpable?: number };
}

// dist/src/custody/agent/peercred.js → <package root>/native/peercred/build/Release/peercred.node
const ADDON_PATH = new URL('../../../../native/peercred/build/Release/peercred.node', import.meta.url);

let loaded: Addon | undefined;
let failure: string | undefined;

function addon(): Addon {
  if (loaded) return loaded;
  if (failure === undefined) {
    try {
      loaded = createRequire(import.meta.url)(ADDON_PATH.pathname) as Addon;
      return loaded;
    } catch (e) {
      failure = e instanceof Error ? e.message : String(e);
    }
  }
  throw new SigchainError(
    'AGENT_FAILURE',
    `sigchain's key agent needs its native addon (native/peercred) to check who connects, and it is not built here (${process.platform === 'linux' ? failure : 'it is Linux-only'}). The agent will not run unchecked: run \`npm rebuild sigchain\` (needs python3, make and a C compiler), or use OpenSSH's ssh-agent.`,
  );
}

/** Throws `AGENT_FAILURE` unless the addon is loaded (call before starting an agent). */
export function requirePeerCredentials(): void {
  addon();
}

/**
 * The uid, gid and pid of the process at the other end of an accepted unix socket.
 *
 * @example
 * ```ts
 * server.on('connection', (s) => { const { uid } = peerCredentials(s); if (uid !== process.getuid!()) s.destroy(); });
 * ```
 */
export function peerCredentials(socket: Socket): PeerCredentials {
  // A pipe handle's fd (libuv exposes it on Unix); -1 or missing once closed.
  const fd = (socket as unknown as { _handle?: { fd?: number } })._handle?.fd;
  if (typeof fd !== 'number' || fd < 0) throw new SigchainError('AGENT_FAILURE', 'The connection has no file descriptor to check its peer.');
  return addon().peercred(fd);
}

/**
 * Sets this process's core-file limit to 0 and marks it not dumpable (Linux), so no core file
 * or same-uid debugger ever sees the keys. Returns what the kernel now reports.
 */
export function hardenProcess(): { core: number; dumpable?: number } {
  return addon().harden();
}
