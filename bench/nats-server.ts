/**
 * What the bench families that talk to a real nats-server share (host, kv): finding the binary,
 * starting one server on a free 127.0.0.1 port, and counting operations with several in flight.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { freePort, natsServerBinary as testsBinary } from '../test/helpers/nats-server.js';

/** The nats-server binary, or undefined when it is not installed (the figures are then skipped). */
export function natsServerBinary(): string | undefined {
  try {
    return testsBinary();
  } catch {
    return undefined;
  }
}

/**
 * Starts `bin` on a free port of 127.0.0.1 with `args` (e.g. `['-js', '-sd', dir]`) and waits
 * until it says it is ready (10 s at most).
 *
 * @example
 * ```ts
 * const { url, child } = await startNatsServer(natsServerBinary()!, ['-js', '-sd', dir]);
 * ```
 */
export async function startNatsServer(bin: string, args: readonly string[] = []): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(bin, [...args, '-a', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout!.on('data', (d) => (log += d));
  child.stderr!.on('data', (d) => (log += d));
  await new Promise<void>((resolve, reject) => {
    const started = Date.now();
    const tick = (): void => {
      if (/Server is ready/.test(log)) return resolve();
      if (child.exitCode !== null || Date.now() - started > 10_000) return reject(new Error(`nats-server did not start:\n${log}`));
      setTimeout(tick, 20);
    };
    tick();
  });
  return { url: `nats://127.0.0.1:${port}`, child };
}

/** Runs `inFlight` loops of `one()` for `ms` and returns completed operations per second. */
export async function rateInFlight(one: () => Promise<unknown>, inFlight: number, ms: number): Promise<number> {
  let n = 0;
  const end = performance.now() + ms;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (performance.now() < end) {
        await one();
        n++;
      }
    }),
  );
  return n / ((performance.now() - start) / 1000);
}
