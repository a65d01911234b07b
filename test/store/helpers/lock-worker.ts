// A separate process that uses the store lock, for the cross-process lock tests.
//   count <dir> <counterFile> <n> <startFile> [nolock]   n read-sleep-write increments of a counter file
//   hold  <dir> <ms> [releaseFile]                        take the lock, print LOCKED, hold it for ms or until releaseFile exists
//   try   <dir> <timeoutMs>                               print TRYING, try to take the lock, then print {"ok"} or {"code","message"}
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { isSigchainError } from '../../../src/errors.js';
import { withStoreLock } from '../../../src/store/lock.js';

const [cmd, dir, ...rest] = process.argv.slice(2);

async function increment(counter: string): Promise<void> {
  const n = Number(readFileSync(counter, 'utf8'));
  // Widen the read→write window so that without the lock, updates would be lost.
  await sleep(2);
  writeFileSync(counter, String(n + 1));
}

if (cmd === 'count') {
  const [counter, n, start, nolock] = rest as [string, string, string, string | undefined];
  writeFileSync(`${start}.ready.${process.pid}`, '');
  while (!existsSync(start)) await sleep(1);
  for (let i = 0; i < Number(n); i++) {
    if (nolock) await increment(counter);
    else await withStoreLock(dir!, () => increment(counter), { timeoutMs: 30_000 });
  }
} else if (cmd === 'hold') {
  await withStoreLock(dir!, async () => {
    process.stdout.write('LOCKED\n');
    const until = Date.now() + Number(rest[0]);
    while (Date.now() < until && !(rest[1] && existsSync(rest[1]))) await sleep(5);
  });
} else if (cmd === 'try') {
  process.stdout.write('TRYING\n');
  const started = Date.now();
  try {
    await withStoreLock(dir!, () => undefined, { timeoutMs: Number(rest[0]) });
    process.stdout.write(JSON.stringify({ ok: true, waitedMs: Date.now() - started }));
  } catch (e) {
    if (!isSigchainError(e)) throw e;
    process.stdout.write(JSON.stringify({ ok: false, code: e.code, message: e.message, details: e.details, waitedMs: Date.now() - started }));
  }
} else {
  throw new Error(`unknown command ${cmd}`);
}
