// Real key agents for tests: OpenSSH's ssh-agent and sigchain's own (the built CLI, a separate
// process), each in a fresh temp folder, stopped when the test ends. Also an OpenSSH private-key
// file writer, so `ssh-add FILE` can load an nkey as ssh-add users would.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { decodePublicKey, decodeSeed } from '../../../src/nkeys/codec.js';
import type { KeyPair } from '../../../src/nkeys/keypair.js';
import { CLI_PATH } from '../../helpers/cli.js';

export interface RunningAgent {
  readonly socket: string;
  readonly pid: number;
  readonly dir: string;
  readonly child: ChildProcess;
  /** Resolves with the exit code (or signal name) once the process has exited. */
  readonly exited: Promise<number | string>;
}

/** A fresh temp folder, removed after the test. */
export function tempDir(t: TestContext, prefix = 'sigchain-agent-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function exitedOf(child: ChildProcess): Promise<number | string> {
  return new Promise((res) => {
    if (child.exitCode !== null || child.signalCode !== null) res(child.exitCode ?? child.signalCode!);
    else child.once('exit', (code, signal) => res(code ?? signal ?? -1));
  });
}

/** Waits until something accepts connections on `socket`. */
export async function waitListening(socket: string, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    const ok = await new Promise<boolean>((res) => {
      const s = connect(socket);
      s.once('connect', () => {
        s.destroy();
        res(true);
      });
      s.once('error', () => res(false));
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`nothing listens on ${socket}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function stopAfter(t: TestContext, agent: RunningAgent): void {
  t.after(async () => {
    if (agent.child.exitCode === null && agent.child.signalCode === null) {
      agent.child.kill('SIGTERM');
      await agent.exited;
    }
  });
}

/** OpenSSH's `ssh-agent -D -a SOCK`, in a fresh folder. */
export async function startOpensshAgent(t: TestContext): Promise<RunningAgent> {
  const dir = tempDir(t, 'ssh-agent-test-');
  const socket = join(dir, 'agent.sock');
  const child = spawn('ssh-agent', ['-D', '-a', socket], { stdio: ['ignore', 'ignore', 'pipe'] });
  const agent: RunningAgent = { socket, pid: child.pid!, dir, child, exited: exitedOf(child) };
  stopAfter(t, agent);
  await waitListening(socket);
  return agent;
}

/** `sigchain agent start --foreground --json --socket SOCK` (the built CLI), in a fresh folder. */
export async function startSigchainAgent(t: TestContext, opts: { socket?: string; env?: NodeJS.ProcessEnv } = {}): Promise<RunningAgent> {
  const dir = tempDir(t);
  const socket = opts.socket ?? join(dir, 'agent.sock');
  const child = spawn(process.execPath, [CLI_PATH, 'agent', 'start', '--foreground', '--json', '--socket', socket], {
    env: { PATH: process.env.PATH, HOME: dir, SIGCHAIN_HOME: dir, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = exitedOf(child);
  let out = '';
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  const pid = await new Promise<number>((res, rej) => {
    child.stdout!.on('data', (d) => {
      out += d;
      try {
        const j = JSON.parse(out) as { pid?: number; error?: unknown };
        if (typeof j.pid === 'number') res(j.pid);
        else rej(new Error(`agent start said ${out}`));
      } catch {
        // not whole yet
      }
    });
    void exited.then((code) => rej(new Error(`agent start exited ${code}: ${out} ${err}`)));
  });
  const agent: RunningAgent = { socket, pid, dir, child, exited };
  stopAfter(t, agent);
  return agent;
}

/**
 * An unencrypted OpenSSH private key file ("openssh-key-v1", PROTOCOL.key) holding the nkey
 * `key`, as `ssh-keygen -t ed25519` writes them, so real `ssh-add FILE` loads it.
 */
export function writeOpensshKey(path: string, key: KeyPair, comment: string): void {
  const str = (b: Uint8Array | string): Buffer => {
    const v = typeof b === 'string' ? Buffer.from(b) : Buffer.from(b);
    const n = Buffer.alloc(4);
    n.writeUInt32BE(v.length);
    return Buffer.concat([n, v]);
  };
  const u32 = (n: number): Buffer => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(n);
    return b;
  };
  const pub = decodePublicKey(key.publicKey).raw;
  const seed = decodeSeed(key.seed).raw;
  const pubBlob = Buffer.concat([str('ssh-ed25519'), str(pub)]);
  const check = 0x5167a1c3;
  let priv = Buffer.concat([u32(check), u32(check), str('ssh-ed25519'), str(pub), str(Buffer.concat([seed, pub])), str(comment)]);
  const pad: number[] = [];
  for (let i = 1; (priv.length + pad.length) % 8 !== 0; i++) pad.push(i);
  priv = Buffer.concat([priv, Buffer.from(pad)]);
  const body = Buffer.concat([Buffer.from('openssh-key-v1\0'), str('none'), str('none'), str(''), u32(1), str(pubBlob), str(priv)]);
  const b64 = body.toString('base64').replace(/.{1,70}/g, '$&\n');
  writeFileSync(path, `-----BEGIN OPENSSH PRIVATE KEY-----\n${b64}-----END OPENSSH PRIVATE KEY-----\n`, { mode: 0o600 });
}
