// A writer killed mid-way leaves temp files and its lock; the next command, even one that only
// reads, removes them. A real `sigchain add user` is SIGKILLed while it writes, again and again.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { CLI_PATH, cli, tempHome } from '../helpers/cli.js';

function temps(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(dir, prefix))) {
    const rel = prefix ? join(prefix, name) : name;
    if (lstatSync(join(dir, rel)).isDirectory()) out.push(...temps(dir, rel));
    else if (name.endsWith('.tmp') || name === '.sigchain.lock') out.push(rel);
  }
  return out;
}

function deadPid(): number {
  return Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
}

describe('tidying after a crash', () => {
  it('a read-only command removes the temp files and the lock a dead writer left', async () => {
    const home = tempHome('sigchain-tidy-');
    await cli(home, ['add', 'operator', 'O']);
    const users = join(home, 'stores', 'O', 'accounts', 'SYS', 'users');
    const dead = deadPid();
    writeFileSync(join(users, `.U.jwt.${dead}.a1b2c3d4e5f6.tmp`), 'half a token');
    writeFileSync(join(home, 'stores', '.sigchain.lock'), JSON.stringify({ pid: dead, hostname: hostname(), time: new Date().toISOString(), token: 'f'.repeat(24) }));
    mkdirSync(join(home, 'keys'), { recursive: true });
    writeFileSync(join(home, `.sigchain.lock.${'a'.repeat(24)}.tmp`), JSON.stringify({ pid: dead, hostname: hostname(), token: 'a'.repeat(24) }));
    assert.equal(temps(home).length, 3);
    const r = await cli(home, ['list', 'accounts', '--json']);
    assert.ok(JSON.parse(r.stdout).accounts.length > 0);
    assert.deepEqual(temps(home), []);
  });

  it('`add user` SIGKILLed at random points: after each kill the next `list users` leaves nothing behind, and no user is half-written', async () => {
    const home = tempHome('sigchain-tidy-kill-');
    await cli(home, ['add', 'operator', 'O']);
    await cli(home, ['add', 'account', 'A']);
    // Kill until three kills have landed mid-write (litter seen), so the test proves the clean-up.
    let litter = 0;
    for (let i = 0; i < 60 && litter < 3; i++) {
      const child = spawn(process.execPath, [CLI_PATH, 'add', 'user', `U${i}`, '-a', 'A'], { env: { PATH: process.env.PATH, HOME: home, SIGCHAIN_HOME: home, SIGCHAIN_KEYRING_BACKEND: 'file' }, stdio: 'ignore' });
      const exited = new Promise((resolve) => child.once('exit', resolve));
      await sleep(30 + Math.random() * 150);
      child.kill('SIGKILL');
      await exited;
      if (temps(home).length) litter++;
      const r = await cli(home, ['list', 'users', '-a', 'A', '--json']);
      assert.deepEqual(temps(home), [], `round ${i}`);
      // Every user listed is whole: its JWT decodes (describe refuses anything else).
      for (const u of (JSON.parse(r.stdout) as { users: { name: string }[] }).users) await cli(home, ['describe', 'user', u.name, '-a', 'A', '--json']);
    }
    assert.ok(litter > 0, 'no kill landed while a file was being written: the clean-up went untested');
    assert.ok(existsSync(join(home, 'stores', 'O')));
  });
});
