// `sigchain host` and `sigchain call` as processes on a real nats-server: the start line, calls
// that pass and calls refused with their code, and a cluster key rotated through the hosts'
// config files and SIGHUP while a steady stream of calls runs, without losing one; SIGTERM exits 0.
import assert from 'node:assert/strict';
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { chmodSync, rmSync, writeFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isSigchainError } from '../../src/errors.js';
import { type Host, echoActor, startHost } from '../../src/host/index.js';
import { KeyPair } from '../../src/nkeys/keypair.js';
import { CLI_PATH, runCli, tempHome } from '../helpers/cli.js';
import { type RunningServer, startNatsServer } from '../helpers/nats-server.js';

let srv: RunningServer;
const home = tempHome('sigchain-host-');
const children: ChildProcessWithoutNullStreams[] = [];
const libHosts: Host[] = [];
before(async () => {
  srv = await startNatsServer('');
});
after(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  for (const h of libHosts) await h.stop();
  await srv.stop();
  rmSync(home, { recursive: true, force: true });
});

function config(name: string, seed: KeyPair, issuers: KeyPair[]): string {
  const path = isAbsolute(name) ? name : join(home, name);
  writeFileSync(path, JSON.stringify({ cluster_seed: seed.seed, cluster_issuers: issuers.map((k) => k.publicKey) }), { mode: 0o600 });
  chmodSync(path, 0o600);
  return path;
}

/** A running `sigchain host`, its stdout read line by line. */
interface HostProcess {
  child: ChildProcessWithoutNullStreams;
  start: { host_id: string; lattice: string; actors: Array<{ name: string; public_key: string }> };
  /** Resolves with the next stdout line (JSON) after the call. */
  nextLine(): Promise<Record<string, unknown>>;
  stderr(): string;
}

async function startCliHost(args: string[]): Promise<HostProcess> {
  const child = spawn(process.execPath, [CLI_PATH, 'host', '--nats-url', srv.url, ...args], {
    env: { PATH: process.env.PATH, HOME: home, SIGCHAIN_HOME: home, SIGCHAIN_KEYRING_BACKEND: 'file' },
  });
  children.push(child);
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  const lines: string[] = [];
  const waiting: Array<(l: string) => void> = [];
  let buf = '';
  child.stdout.on('data', (d) => {
    buf += d;
    for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      const w = waiting.shift();
      if (w) w(line);
      else lines.push(line);
    }
  });
  const nextLine = () =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no line from sigchain host within 10 s; stderr:\n${err}`)), 10_000);
      const take = (l: string) => {
        clearTimeout(timer);
        resolve(JSON.parse(l) as Record<string, unknown>);
      };
      const l = lines.shift();
      if (l !== undefined) take(l);
      else waiting.push(take);
    });
  const start = (await nextLine()) as unknown as HostProcess['start'];
  return { child, start, nextLine, stderr: () => err };
}

function exited(child: ChildProcessWithoutNullStreams): Promise<number | null> {
  return child.exitCode !== null ? Promise.resolve(child.exitCode) : new Promise((r) => child.once('exit', (code) => r(code)));
}

describe('sigchain host and sigchain call on a real nats-server', () => {
  it('prints its start line, answers calls, refuses an outside cluster key with its code, exits 0 on SIGTERM', async () => {
    const key = KeyPair.create('cluster');
    const outside = KeyPair.create('cluster');
    const h = await startCliHost(['--config', config('one.json', key, [key]), '--lattice', 'cli1']);
    assert.deepEqual(Object.keys(h.start), ['host_id', 'lattice', 'actors']);
    assert.match(h.start.host_id, /^N[A-Z2-7]{55}$/);
    assert.equal(h.start.lattice, 'cli1');
    assert.equal(h.start.actors.length, 1);
    const echo = h.start.actors[0]!.public_key;
    assert.match(echo, /^M[A-Z2-7]{55}$/);

    const ok = await runCli(home, ['call', '--nats-url', srv.url, '--lattice', 'cli1', echo, 'Echo.Echo', 'hello lattice', '--cluster-seed', key.seed]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.stdout, 'hello lattice');
    const json = await runCli(home, ['call', '--nats-url', srv.url, '--lattice', 'cli1', echo, 'Echo.Echo', 'hi', '--json'], { WASMCLOUD_CLUSTER_SEED: key.seed });
    assert.equal(json.code, 0, json.stderr);
    const answer = JSON.parse(json.stdout) as { id: string; msg: string; msg_base64: string };
    assert.equal(answer.msg, 'hi');
    assert.equal(answer.msg_base64, Buffer.from('hi').toString('base64'));

    const refused = await runCli(home, ['call', '--nats-url', srv.url, '--lattice', 'cli1', echo, 'Echo.Echo', 'hi', '--cluster-seed', outside.seed, '--json']);
    assert.equal(refused.code, 1);
    assert.equal((JSON.parse(refused.stdout) as { error: { code: string } }).error.code, 'ISSUER_NOT_TRUSTED');
    const plain = await runCli(home, ['call', '--nats-url', srv.url, '--lattice', 'cli1', echo, 'Echo.Echo', '--cluster-seed', outside.seed]);
    assert.equal(plain.code, 1);
    assert.match(plain.stderr, /code ISSUER_NOT_TRUSTED/);
    // The refusal is in the host's log; the seed never is.
    assert.match(h.stderr(), /ISSUER_NOT_TRUSTED/);
    assert.ok(!h.stderr().includes(key.seed) && !h.stderr().includes(outside.seed));
    const nobody = await runCli(home, ['call', '--nats-url', srv.url, '--lattice', 'other', echo, 'Echo.Echo', '--cluster-seed', key.seed, '--json']);
    assert.equal((JSON.parse(nobody.stdout) as { error: { code: string } }).error.code, 'NO_RESPONDERS');
    const usage = await runCli(home, ['call', '--nats-url', srv.url, echo, 'Echo.Echo']);
    assert.equal(usage.code, 2);

    h.child.kill('SIGTERM');
    assert.equal(await exited(h.child), 0);
  });

  it('a cluster key rotated through config files and SIGHUP loses no call under a steady stream', async () => {
    const oldKey = KeyPair.create('cluster');
    const newKey = KeyPair.create('cluster');
    const paths = ['a.json', 'b.json'].map((n) => config(n, oldKey, [oldKey]));
    const cli = await Promise.all(paths.map((p) => startCliHost(['--config', p])));
    // An in-process host on the same lattice makes the calls (and is rotated with reload()).
    let callerSettings = { key: oldKey, issuers: [oldKey] };
    const caller = await startHost({ natsUrl: srv.url, cluster: () => ({ key: callerSettings.key, issuers: callerSettings.issuers.map((k) => k.publicKey) }), actors: [echoActor()] });
    libHosts.push(caller);
    const targets = cli.map((h) => h.start.actors[0]!.public_key);

    let stop = false;
    let done = 0;
    const failures: string[] = [];
    const loops = [0, 1, 2, 3].map(async (n) => {
      while (!stop) {
        const body = `call ${n}.${done}`;
        try {
          const got = new TextDecoder().decode(await caller.call(targets[n % 2]!, 'Echo.Echo', body));
          if (got !== body) failures.push(`wrong answer: ${got}`);
          done++;
        } catch (e) {
          failures.push(isSigchainError(e) ? `${e.code}: ${e.message}` : String(e));
            break; // one failure fails the test; spinning on it would only hide it
        }
      }
    });
    const counts: number[] = [done];
    const pause = () => new Promise((r) => setTimeout(r, 150));
    const step = async (seed: KeyPair, issuers: KeyPair[]) => {
      for (let i = 0; i < cli.length; i++) {
        config(paths[i]!, seed, issuers);
        cli[i]!.child.kill('SIGHUP');
        const line = await cli[i]!.nextLine();
        assert.deepEqual(line, { reloaded: true, issuer: seed.publicKey, issuers: issuers.map((k) => k.publicKey) });
        await pause();
      }
      callerSettings = { key: seed, issuers };
      await caller.reload();
      await pause();
      counts.push(done);
    };
    try {
      await pause();
      counts.push(done);
      await step(oldKey, [oldKey, newKey]);
      await step(newKey, [oldKey, newKey]);
      await step(newKey, [newKey]);
    } finally {
      stop = true;
      await Promise.all(loops);
    }
    assert.deepEqual(failures, []);
    for (let i = 1; i < counts.length; i++) assert.ok(counts[i]! - counts[i - 1]! > 10, `calls per phase: ${counts.join(', ')}`);

    // Rotated for real: the old seed is refused, the new one answered.
    const old = await runCli(home, ['call', '--nats-url', srv.url, targets[0]!, 'Echo.Echo', 'x', '--cluster-seed', oldKey.seed, '--json']);
    assert.equal((JSON.parse(old.stdout) as { error: { code: string } }).error.code, 'ISSUER_NOT_TRUSTED');
    const fresh = await runCli(home, ['call', '--nats-url', srv.url, targets[1]!, 'Echo.Echo', 'rotated', '--config', paths[1]!]);
    assert.equal(fresh.stdout, 'rotated');

    // A config made unreadable as JSON is refused on SIGHUP; the host keeps its keys and serves on.
    writeFileSync(paths[0]!, '{ not json', { mode: 0o600 });
    cli[0]!.child.kill('SIGHUP');
    const bad = await cli[0]!.nextLine();
    assert.equal(bad.reloaded, false);
    assert.equal((bad.error as { code: string }).code, 'USAGE');
    assert.equal(new TextDecoder().decode(await caller.call(targets[0]!, 'Echo.Echo', 'still')), 'still');

    for (const h of cli) h.child.kill('SIGTERM');
    assert.deepEqual(await Promise.all(cli.map((h) => exited(h.child))), [0, 0]);
  });
});
