// `sigchain agent start|stop|add|list|lock|unlock` as a user runs them: eval lines, a 0600 socket
// in a 0700 folder, keys loaded from the key store with their usages, lock and unlock, stop.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { it } from 'node:test';
import { promisify } from 'node:util';
import { type CliResult, CLI_PATH, cli, runCli, tempHome } from '../helpers/cli.js';

const run = promisify(execFile);
const SEED = /S[OAUNCXMV][A-Z2-7]{56}/;

function evalLines(stdout: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of stdout.matchAll(/^(\w+)=([^;]+); export \1;$/gm)) out[m[1]!] = m[2]!;
  return out;
}

function noSeed(...results: CliResult[]): void {
  for (const r of results) assert.doesNotMatch(r.stdout + r.stderr, SEED);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

it('agent start prints eval lines; add, list, lock, unlock and stop work; ssh-add sees the key', async (t) => {
  const home = tempHome();
  const started = await cli(home, ['agent', 'start']);
  const vars = evalLines(started.stdout);
  const socket = vars.SIGCHAIN_AUTH_SOCK!;
  const pid = Number(vars.SIGCHAIN_AGENT_PID);
  t.after(() => {
    if (alive(pid)) process.kill(pid, 'SIGTERM');
  });
  assert.ok(socket && pid > 0, started.stdout);
  assert.equal(statSync(socket).mode & 0o777, 0o600);
  assert.equal(statSync(dirname(socket)).mode & 0o777, 0o700);
  assert.match(readFileSync(`/proc/${pid}/limits`, 'utf8'), /^Max core file size\s+0\s+0\s/m);
  const env = { SIGCHAIN_AUTH_SOCK: socket, SIGCHAIN_AGENT_PID: String(pid) };

  const pub = JSON.parse((await cli(home, ['generate', 'nkey', '--account', '--store', '--usage', 'issuing,authentication', '--json'])).stdout).public_key as string;
  const widened = await runCli(home, ['agent', 'add', pub, '--usage', 'identity', '--json'], env);
  assert.equal(JSON.parse(widened.stdout).error.code, 'KEY_USAGE_VIOLATION');
  const added = await cli(home, ['agent', 'add', pub, '--usage', 'issuing', '--lifetime', '8h', '--only', `user-jwt:${pub}`, '--json'], env);
  assert.deepEqual(JSON.parse(added.stdout), { public_key: pub, usages: ['issuing'], lifetime_seconds: 28800, only: [`user-jwt:${pub}`], socket });
  const listed = JSON.parse((await cli(home, ['agent', 'list', '--json'], env)).stdout);
  assert.equal(listed.agent, 'sigchain');
  assert.deepEqual(listed.keys.map((k: { public_key: string; role: string; usages: string[] }) => [k.public_key, k.role, k.usages]), [[pub, 'account', ['issuing']]]);
  const sshList = await run('ssh-add', ['-l'], { env: { PATH: process.env.PATH, SSH_AUTH_SOCK: socket } });
  assert.match(sshList.stdout, new RegExp(`sigchain:${pub} usage=issuing \\(ED25519\\)`));

  // Lock: no passphrase and no terminal is refused, not a hang.
  const noPass = await runCli(home, ['agent', 'lock', '--json'], env);
  assert.equal(JSON.parse(noPass.stdout).error.code, 'KEYRING_PASSPHRASE_REQUIRED');
  const passFile = join(home, 'lock-pass');
  writeFileSync(passFile, 's3cret\n');
  await cli(home, ['agent', 'lock', '--passphrase-file', passFile], env);
  assert.deepEqual(JSON.parse((await cli(home, ['agent', 'list', '--json'], env)).stdout).keys, []);
  const wrong = await runCli(home, ['agent', 'unlock', '--json'], { ...env, SIGCHAIN_PASSPHRASE: 'nope' });
  assert.equal(JSON.parse(wrong.stdout).error.code, 'AGENT_FAILURE');
  await cli(home, ['agent', 'unlock'], { ...env, SIGCHAIN_PASSPHRASE: 's3cret' });
  assert.equal(JSON.parse((await cli(home, ['agent', 'list', '--json'], env)).stdout).keys.length, 1);

  const stopped = await cli(home, ['agent', 'stop'], env);
  assert.equal(stopped.stdout, 'unset SIGCHAIN_AUTH_SOCK; unset SIGCHAIN_AGENT_PID;\n');
  assert.equal(alive(pid), false);
  assert.equal(existsSync(socket), false, 'socket removed');
  assert.equal(existsSync(dirname(socket)), false, 'and the folder agent start made for it');
  noSeed(started, added, widened, stopped);
  const gone = await runCli(home, ['agent', 'list', '--json'], env);
  assert.equal(JSON.parse(gone.stdout).error.code, 'AGENT_UNAVAILABLE');
});

it('agent stop by SIGCHAIN_AGENT_PID; --foreground prints the same lines and stays attached', async () => {
  const home = tempHome();
  const socket = join(home, 'fg.sock');
  const child = spawn(process.execPath, [CLI_PATH, 'agent', 'start', '--foreground', '--socket', socket], { env: { PATH: process.env.PATH, SIGCHAIN_HOME: home, HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  await new Promise<void>((res) => child.stdout.on('data', (d) => ((out += d), out.includes('SIGCHAIN_AGENT_PID') && res())));
  const vars = evalLines(out);
  assert.equal(vars.SIGCHAIN_AUTH_SOCK, socket);
  assert.equal(Number(vars.SIGCHAIN_AGENT_PID), child.pid);
  const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
  await cli(home, ['agent', 'stop'], { SIGCHAIN_AGENT_PID: String(child.pid) });
  assert.equal(await exited, 0);
  assert.equal(existsSync(socket), false);
  // A pid that is not the agent is left alone.
  const notAgent = await runCli(home, ['agent', 'stop', '--json'], { SIGCHAIN_AGENT_PID: String(process.pid) });
  assert.equal(JSON.parse(notAgent.stdout).error.code, 'AGENT_FAILURE');
});

it('agent commands with no agent named or none answering: AGENT_UNAVAILABLE', async () => {
  const home = tempHome();
  for (const args of [['agent', 'list'], ['agent', 'stop'], ['agent', 'lock'], ['agent', 'add', 'ACZ2SFSRVWCBV3U3BDKJQTE5MZ5H6LNPXXR3VWCROGVMGD4TZ7WBMOQR']]) {
    const r = await runCli(home, [...args, '--json']);
    assert.equal(JSON.parse(r.stdout).error.code, 'AGENT_UNAVAILABLE', args.join(' '));
  }
  const r = await runCli(home, ['agent', 'list', '--json'], { SIGCHAIN_AUTH_SOCK: join(home, 'nothing.sock') });
  assert.equal(JSON.parse(r.stdout).error.code, 'AGENT_UNAVAILABLE');
});
