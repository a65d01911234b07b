// Starts a real nats-server (the Debian package, installed by .ci/run) on 127.0.0.1.
// A missing binary fails the test loudly: a skipped server must never look like a pass.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function natsServerBinary(): string {
  for (const p of ['/usr/sbin/nats-server', '/usr/bin/nats-server', '/usr/local/bin/nats-server']) if (existsSync(p)) return p;
  const which = spawnSync('sh', ['-c', 'command -v nats-server'], { encoding: 'utf8' });
  if (which.status === 0 && which.stdout.trim()) return which.stdout.trim();
  throw new Error('nats-server is not installed. Run `apt-get install -y nats-server` (as .ci/run does) and run the tests again.');
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

export interface RunningServer {
  readonly port: number;
  readonly url: string;
  readonly configPath: string;
  /** Everything the server wrote to stderr (it logs there), for diagnosing failures. */
  log(): string;
  /** Writes a new configuration and sends SIGHUP; resolves once the server logged the reload. */
  reload(config: string): Promise<void>;
  stop(): Promise<void>;
}

function waitFor(getLog: () => string, pattern: RegExp, from: number, ms: number, child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const tick = () => {
      const text = getLog().slice(from);
      if (pattern.test(text)) return resolve();
      if (child.exitCode !== null) return reject(new Error(`nats-server exited (${child.exitCode}):\n${getLog()}`));
      if (Date.now() - started > ms) return reject(new Error(`nats-server did not log ${pattern} within ${ms} ms:\n${getLog()}`));
      setTimeout(tick, 20);
    };
    tick();
  });
}

/** Starts nats-server with `config` on a free loopback port. Always `stop()` it (use t.after). */
export async function startNatsServer(config: string, opts: { debug?: boolean } = {}): Promise<RunningServer> {
  const dir = mkdtempSync(join(tmpdir(), 'sigchain-nats-'));
  const configPath = join(dir, 'server.conf');
  writeFileSync(configPath, config);
  const port = await freePort();
  let log = '';
  const child = spawn(natsServerBinary(), ['-c', configPath, '-a', '127.0.0.1', '-p', String(port), ...(opts.debug ? ['-D'] : [])], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d) => (log += d));
  child.stderr!.on('data', (d) => (log += d));
  await waitFor(() => log, /Server is ready/, 0, 10_000, child);
  return {
    port,
    url: `nats://127.0.0.1:${port}`,
    configPath,
    log: () => log,
    async reload(next: string) {
      writeFileSync(configPath, next);
      const from = log.length;
      child.kill('SIGHUP');
      await waitFor(() => log, /Reloaded server configuration|reload/i, from, 10_000, child);
    },
    stop() {
      return new Promise((resolve) => {
        const done = () => {
          rmSync(dir, { recursive: true, force: true });
          resolve();
        };
        if (child.exitCode !== null) return done();
        child.once('exit', done);
        child.kill('SIGTERM');
      });
    },
  };
}
