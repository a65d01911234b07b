// sigchain's key agent, as a real separate process on a real socket, spoken to by real OpenSSH
// tools (ssh-add -l / -D / -x / -X) and by sigchain's client: constraints, lock, lifetime, many
// clients, bad peers (oversize, disconnecting, another uid), kill -9, two agents on one socket.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import * as jwtjs from '@nats-io/jwt';
import { newUserClaims } from '../../../src/claims/nats/user.js';
import { encodeUser, encodeUserAsync } from '../../../src/claims/nats/encode.js';
import { signInvocationSync } from '../../../src/invocation/sign.js';
import { AgentClient } from '../../../src/custody/agent/client.js';
import { formatComment } from '../../../src/custody/agent/comment.js';
import { type AgentSignRecord, startAgentServer } from '../../../src/custody/agent/server.js';
import { bare, MSG } from '../../../src/custody/agent/protocol.js';
import { isSigchainError } from '../../../src/errors.js';
import { decodePublicKey } from '../../../src/nkeys/codec.js';
import { KeyPair, verifySignature } from '../../../src/nkeys/keypair.js';
import { runCli } from '../../helpers/cli.js';
import { startSigchainAgent, tempDir, waitListening } from './agents.js';

const run = promisify(execFile);
const raw = (kp: KeyPair): Uint8Array => decodePublicKey(kp.publicKey).raw;
const bytes = (s: string): Buffer => Buffer.from(s);

async function sshAdd(socket: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; out: string }> {
  try {
    const r = await run('ssh-add', args, { env: { PATH: process.env.PATH, SSH_AUTH_SOCK: socket, ...env } });
    return { code: 0, out: r.stdout + r.stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, out: x.stdout + x.stderr };
  }
}

/** A user JWT for `account` signed through `sign` (the agent), returned whole. */
async function userJwtVia(client: AgentClient, signer: KeyPair, issuerAccount?: string): Promise<string> {
  const claims = newUserClaims('alice', KeyPair.create('user').publicKey);
  if (issuerAccount) claims.nats.issuer_account = issuerAccount;
  return encodeUserAsync(claims, { publicKey: signer.publicKey, sign: (d: Uint8Array) => client.sign(raw(signer), d, { usage: 'issuing', kind: 'jwt' }) });
}

describe("sigchain's key agent", () => {
  it('OpenSSH tools work against it: ssh-add -l lists a key it holds, -x/-X lock and unlock (askpass), -D removes all', async (t) => {
    const agent = await startSigchainAgent(t);
    const client = new AgentClient(agent.socket);
    t.after(() => client.close());
    const kp = KeyPair.create('account');
    await client.add(kp, { comment: formatComment(kp.publicKey, ['issuing']) });
    const listed = await sshAdd(agent.socket, ['-l']);
    assert.equal(listed.code, 0);
    assert.match(listed.out, new RegExp(`^256 SHA256:\\S+ sigchain:${kp.publicKey} usage=issuing \\(ED25519\\)$`, 'm'));

    const dir = tempDir(t);
    writeFileSync(join(dir, 'pass'), 'correct horse\n');
    writeFileSync(join(dir, 'askpass.sh'), `#!/bin/sh\nhead -n1 ${join(dir, 'pass')}\n`, { mode: 0o700 });
    const askpass = { SSH_ASKPASS: join(dir, 'askpass.sh'), SSH_ASKPASS_REQUIRE: 'force', DISPLAY: ':0' };
    assert.equal((await sshAdd(agent.socket, ['-x'], askpass)).code, 0, 'ssh-add -x locks');
    assert.match((await sshAdd(agent.socket, ['-l'])).out, /no identities/, 'locked: nothing listed');
    assert.deepEqual(await client.list(), []);
    await assert.rejects(client.sign(raw(kp), bytes('x'), { usage: 'issuing', kind: 'message' }), (e) => isSigchainError(e, 'AGENT_CONSTRAINT_VIOLATION') && /locked/.test(e.message));
    await assert.rejects(client.sign(raw(kp), bytes('x')), (e) => isSigchainError(e, 'AGENT_FAILURE'), 'a plain ssh sign request gets SSH_AGENT_FAILURE');
    await assert.rejects(client.unlock('wrong'), (e) => isSigchainError(e, 'AGENT_FAILURE'));
    assert.equal((await sshAdd(agent.socket, ['-X'], askpass)).code, 0, 'ssh-add -X unlocks');
    const sig = await client.sign(raw(kp), bytes('x'), { usage: 'issuing', kind: 'message' });
    assert.ok(verifySignature(kp.publicKey, bytes('x'), sig));
    // sigchain's own lock/unlock interoperate with ssh-add's.
    await client.lock('pw');
    assert.match((await sshAdd(agent.socket, ['-l'])).out, /no identities/);
    writeFileSync(join(dir, 'pass'), 'pw\n');
    assert.equal((await sshAdd(agent.socket, ['-X'], askpass)).code, 0);

    assert.equal((await sshAdd(agent.socket, ['-D'])).code, 0);
    assert.deepEqual(await client.list(), []);
  });

  it('--only nonce-claim signs claim text and nothing else: SSH_AGENT_FAILURE for ssh clients, AGENT_CONSTRAINT_VIOLATION for sigchain', async (t) => {
    const agent = await startSigchainAgent(t);
    const client = new AgentClient(agent.socket);
    t.after(() => client.close());
    const kp = KeyPair.create('user');
    await client.add(kp, { comment: formatComment(kp.publicKey, ['authentication']), only: ['nonce-claim'] });
    const claim = bytes('4242:17:arkeo-mainnet-1');
    assert.ok(verifySignature(kp.publicKey, claim, await client.sign(raw(kp), claim, { usage: 'authentication', kind: 'nonce-claim' })));
    assert.ok(verifySignature(kp.publicKey, claim, await client.sign(raw(kp), claim)), 'a plain ssh request for claim text is signed too');
    for (const other of ['hello', '4242:0:arkeo', '4242:17:', '4242:17:chain:x', '4242:99999999999999999999:c']) {
      await assert.rejects(client.sign(raw(kp), bytes(other), { usage: 'authentication', kind: 'message' }), (e) => isSigchainError(e, 'AGENT_CONSTRAINT_VIOLATION'), other);
      await assert.rejects(client.sign(raw(kp), bytes(other)), (e) => isSigchainError(e, 'AGENT_FAILURE'), other);
    }
    // The usage the key was added for is enforced by the agent too.
    await assert.rejects(client.sign(raw(kp), claim, { usage: 'issuing', kind: 'nonce-claim' }), (e) => isSigchainError(e, 'KEY_USAGE_VIOLATION'));
  });

  it('--only user-jwt:ACCOUNT signs user JWTs of that account (the official @nats-io/jwt verifies them) and refuses others', async (t) => {
    const agent = await startSigchainAgent(t);
    const client = new AgentClient(agent.socket);
    t.after(() => client.close());
    const account = KeyPair.create('account');
    const sk = KeyPair.create('account'); // a signing key of `account`
    const stranger = KeyPair.create('account');
    await client.add(account, { comment: formatComment(account.publicKey, ['issuing']), only: [`user-jwt:${account.publicKey}`] });
    await client.add(sk, { comment: formatComment(sk.publicKey, ['issuing']), only: [`user-jwt:${account.publicKey}`] });
    await client.add(stranger, { comment: formatComment(stranger.publicKey, ['issuing']), only: ['user-jwt'] });

    const direct = await userJwtVia(client, account);
    assert.equal(jwtjs.decode<{ type: string }>(direct).nats.type, 'user', '@nats-io/jwt verifies the signature');
    const scoped = await userJwtVia(client, sk, account.publicKey);
    assert.equal(jwtjs.decode(scoped).iss, sk.publicKey);
    assert.ok(await userJwtVia(client, stranger), 'user-jwt without an account: any user JWT the key issues');

    await assert.rejects(userJwtVia(client, sk, stranger.publicKey), (e) => isSigchainError(e, 'AGENT_CONSTRAINT_VIOLATION') && /not A/.test(e.message), 'a user of another account');
    await assert.rejects(userJwtVia(client, stranger, stranger.publicKey).then(() => userJwtVia(client, account, stranger.publicKey)), (e) => isSigchainError(e, 'AGENT_CONSTRAINT_VIOLATION'));
    // An account JWT's signing input is not a user JWT; nor is arbitrary text.
    const acctInput = `${Buffer.from('{"typ":"JWT","alg":"ed25519-nkey"}').toString('base64url')}.${Buffer.from(JSON.stringify({ iss: account.publicKey, sub: account.publicKey, nats: { type: 'account', version: 2 } })).toString('base64url')}`;
    await assert.rejects(client.sign(raw(account), bytes(acctInput), { usage: 'issuing', kind: 'jwt' }), (e) => isSigchainError(e, 'AGENT_CONSTRAINT_VIOLATION'));
    await assert.rejects(client.sign(raw(account), bytes('4242:17:c')), (e) => isSigchainError(e, 'AGENT_FAILURE'));
  });

  it('--only invocation signs a wasmCloud invocation token and refuses other bytes; an unknown --only kind or a confirm constraint is refused at add', async (t) => {
    const agent = await startSigchainAgent(t);
    const client = new AgentClient(agent.socket);
    t.after(() => client.close());
    const kp = KeyPair.create('cluster');
    await client.add(kp, { comment: formatComment(kp.publicKey, ['protocol']), only: ['invocation'] });
    // What a cluster key signs for an invocation: its token's header.payload.
    const entity = () => ({ public_key: KeyPair.create('module').publicKey, link_name: '', contract_id: '' });
    const token = signInvocationSync({ origin: entity(), target: entity(), operation: 'Echo.Echo', msg: bytes('hi'), host_id: KeyPair.create('server').publicKey }, kp).encoded_claims;
    const input = Buffer.from(token.slice(0, token.lastIndexOf('.')), 'ascii');
    assert.ok(verifySignature(kp.publicKey, input, await client.sign(raw(kp), input, { usage: 'protocol', kind: 'invocation' })));
    const map = Buffer.from([0x81, 0xa1, 0x61, 0x01]); // {"a":1} in MessagePack: not what a cluster key signs
    for (const other of [map, bytes('{"a":1}'), Buffer.from(encodeUser(newUserClaims('u', KeyPair.create('user').publicKey), KeyPair.create('account')).split('.').slice(0, 2).join('.'))]) {
      await assert.rejects(client.sign(raw(kp), other, { usage: 'protocol', kind: 'invocation' }), (e) => isSigchainError(e, 'AGENT_CONSTRAINT_VIOLATION'));
    }
    await assert.rejects(client.add(KeyPair.create('user'), { comment: 'x', only: ['anything'] }), (e) => isSigchainError(e, 'AGENT_FAILURE'));
  });

  it('a key added with a lifetime is forgotten when it ends; a key whose seed does not match its public key is refused', async (t) => {
    const agent = await startSigchainAgent(t);
    const client = new AgentClient(agent.socket);
    t.after(() => client.close());
    const kp = KeyPair.create('user');
    await client.add(kp, { comment: 'short', lifetimeSeconds: 1 });
    assert.equal((await client.list()).length, 1);
    await new Promise((r) => setTimeout(r, 1300));
    assert.equal((await client.list()).length, 0);
    await assert.rejects(client.sign(raw(kp), bytes('x'), { usage: 'authentication', kind: 'message' }), (e) => isSigchainError(e, 'STORE_NOT_FOUND'));
    // A forged add: the public key of one key, the seed of another.
    const { encodeAddRequest } = await import('../../../src/custody/agent/protocol.js');
    const other = KeyPair.create('user');
    const forged = encodeAddRequest(raw(kp), (await import('../../../src/nkeys/codec.js')).decodeSeed(other.seed).raw, 'forged');
    const answer = await rawExchange(agent.socket, forged);
    assert.deepEqual(answer, bare(MSG.FAILURE));
  });

  it('32 concurrent clients sign at once, every signature verifies; each client gets its own answers', async (t) => {
    const agent = await startSigchainAgent(t);
    const keys = Array.from({ length: 4 }, () => KeyPair.create('account'));
    const admin = new AgentClient(agent.socket);
    t.after(() => admin.close());
    for (const k of keys) await admin.add(k, { comment: formatComment(k.publicKey, ['issuing']) });
    const clients = Array.from({ length: 32 }, () => new AgentClient(agent.socket));
    t.after(() => clients.forEach((c) => c.close()));
    const results = await Promise.all(
      clients.map(async (c, i) => {
        let ok = 0;
        for (let j = 0; j < 50; j++) {
          const k = keys[(i + j) % keys.length]!;
          const data = bytes(`client ${i} message ${j}`);
          const sig = await c.sign(raw(k), data, j % 2 ? { usage: 'issuing', kind: 'message' } : undefined);
          if (verifySignature(k.publicKey, data, sig)) ok++;
        }
        return ok;
      }),
    );
    assert.deepEqual(results, Array(32).fill(50));
  });

  it('a message over 256 KiB is refused from its header alone (FAILURE, connection closed) and the agent keeps serving', async (t) => {
    const agent = await startSigchainAgent(t);
    const header = Buffer.alloc(4);
    header.writeUInt32BE(256 * 1024 + 1);
    // Only the header is sent: the answer comes without the body ever arriving.
    const { answer, closed } = await new Promise<{ answer: Buffer; closed: boolean }>((res, rej) => {
      const s = connect(agent.socket);
      let got = Buffer.alloc(0);
      s.on('data', (d) => (got = Buffer.concat([got, d])));
      s.on('close', () => res({ answer: got, closed: true }));
      s.on('error', rej);
      s.on('connect', () => s.write(header));
      setTimeout(() => res({ answer: got, closed: false }), 3000);
    });
    assert.ok(closed, 'the agent closed the connection');
    assert.deepEqual(answer, bare(MSG.FAILURE));
    const c = new AgentClient(agent.socket);
    t.after(() => c.close());
    assert.deepEqual(await c.list(), []);
    // Exactly at the limit is read (and then refused as a request it does not know, not closed).
    const big = Buffer.alloc(4 + 256 * 1024);
    big.writeUInt32BE(256 * 1024);
    big[4] = 200;
    assert.deepEqual(await rawExchange(agent.socket, big), bare(MSG.FAILURE));
  });

  it('clients that disconnect mid-request (half a message, or before reading the answer) harm no one', async (t) => {
    const agent = await startSigchainAgent(t);
    const kp = KeyPair.create('user');
    const c = new AgentClient(agent.socket);
    t.after(() => c.close());
    await c.add(kp, { comment: 'k' });
    const { encodeSignRequest } = await import('../../../src/custody/agent/protocol.js');
    const req = encodeSignRequest(raw(kp), Buffer.alloc(200_000, 1));
    for (let i = 0; i < 20; i++) {
      await new Promise<void>((res) => {
        const s = connect(agent.socket, () => {
          s.write(i % 2 ? req.subarray(0, 1000 + i * 97) : Buffer.concat([req, req, req]), () => {
            s.destroy();
            res();
          });
        });
        s.on('error', () => res());
      });
    }
    const sig = await c.sign(raw(kp), bytes('still here'));
    assert.ok(verifySignature(kp.publicKey, bytes('still here'), sig));
    assert.equal(agent.child.exitCode, null, 'the agent still runs');
  });

  it('killed with -9 while 32 clients sign: every client gets AGENT_UNAVAILABLE, no hang; the audit log verifies to its last record; a new agent replaces the stale socket', async (t) => {
    const agent = await startSigchainAgent(t);
    const kp = KeyPair.create('account');
    const admin = new AgentClient(agent.socket);
    t.after(() => admin.close());
    await admin.add(kp, { comment: formatComment(kp.publicKey, ['issuing']) });
    const clients = Array.from({ length: 32 }, () => new AgentClient(agent.socket, { timeoutMs: 5000 }));
    t.after(() => clients.forEach((c) => c.close()));
    let signed = 0;
    const outcomes = clients.map(async (c) => {
      for (;;) {
        await c.sign(raw(kp), bytes('x'), { usage: 'issuing', kind: 'message' });
        signed++;
      }
    });
    while (signed < 200) await new Promise((r) => setTimeout(r, 5));
    process.kill(agent.pid, 'SIGKILL');
    const settled = await Promise.allSettled(outcomes);
    for (const s of settled) {
      assert.equal(s.status, 'rejected');
      assert.ok(isSigchainError((s as PromiseRejectedResult).reason, 'AGENT_UNAVAILABLE'), String((s as PromiseRejectedResult).reason));
    }
    await agent.exited;
    // Every signature a client got was in the audit log first; a record torn by the kill is not counted.
    const audit = await runCli(agent.dir, ['audit', 'verify', '--json']);
    assert.equal(audit.code, 0, audit.stdout + audit.stderr);
    assert.ok(JSON.parse(audit.stdout).records >= signed, `${JSON.parse(audit.stdout).records} records for ${signed} signatures returned`);
    assert.ok(existsSync(agent.socket), 'kill -9 leaves the socket file');
    await assert.rejects(new AgentClient(agent.socket).list(), (e) => isSigchainError(e, 'AGENT_UNAVAILABLE') && /nothing listens/.test(e.message));
    const again = await startSigchainAgent(t, { socket: agent.socket });
    await waitListening(again.socket);
    assert.deepEqual(await new AgentClient(again.socket).list(), [], 'a fresh agent, holding nothing: keys never touched disk');
  });

  it('a second agent on a socket in use is refused with AGENT_SOCKET_IN_USE; a path that is not a socket is left alone', async (t) => {
    const agent = await startSigchainAgent(t);
    const second = await runCli(agent.dir, ['agent', 'start', '--foreground', '--json', '--socket', agent.socket]);
    assert.equal(second.code, 1);
    assert.equal(JSON.parse(second.stdout).error.code, 'AGENT_SOCKET_IN_USE');
    const background = await runCli(agent.dir, ['agent', 'start', '--socket', agent.socket]);
    assert.equal(background.code, 1);
    assert.match(background.stderr, /AGENT_SOCKET_IN_USE/);
    const file = join(agent.dir, 'not-a-socket');
    writeFileSync(file, 'keep me');
    const onFile = await runCli(agent.dir, ['agent', 'start', '--foreground', '--json', '--socket', file]);
    assert.equal(JSON.parse(onFile.stdout).error.code, 'AGENT_SOCKET_IN_USE');
    assert.equal(readFileSync(file, 'utf8'), 'keep me');
    assert.deepEqual(await new AgentClient(agent.socket).list(), [], 'the first agent still serves');
  });

  it('a peer of another uid is refused even when the socket lets it in; root and the owner are served', { skip: process.getuid?.() !== 0 ? 'needs root to run a client as nobody' : false }, async (t) => {
    const agent = await startSigchainAgent(t);
    chmodSync(agent.dir, 0o755);
    chmodSync(agent.socket, 0o666); // the folder and socket let anyone in: the agent must still refuse
    const script = `const s=require('net').connect(${JSON.stringify(agent.socket)});let got=0,connected=false;s.on('connect',()=>{connected=true;s.write(Buffer.of(0,0,0,1,11));});s.on('data',d=>got+=d.length);s.on('error',()=>{});s.on('close',()=>console.log(JSON.stringify({got,connected,uid:process.getuid()})));`;
    const r = await run('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, '-e', script]);
    const seen = JSON.parse(r.stdout.trim()) as { got?: number; uid?: number; connected?: boolean };
    assert.equal(seen.uid, 65534, 'the client ran as nobody');
    assert.equal(seen.connected, true, 'the socket let it connect');
    assert.equal(seen.got, 0, 'the agent closed the connection without answering');
    assert.deepEqual(await new AgentClient(agent.socket).list(), [], 'root is still served');
  });

  it('SIGTERM removes the socket and exits 0; the agent runs with a core-file limit of 0 and only the socket in its folder', async (t) => {
    const agent = await startSigchainAgent(t);
    const c = new AgentClient(agent.socket);
    await c.add(KeyPair.create('account'), { comment: 'k' });
    c.close();
    const limits = readFileSync(`/proc/${agent.pid}/limits`, 'utf8');
    assert.match(limits, /^Max core file size\s+0\s+0\s/m);
    assert.deepEqual(readdirSync(agent.dir).filter((f) => f !== 'agent.sock'), [], 'nothing but the socket');
    process.kill(agent.pid, 'SIGTERM');
    assert.equal(await agent.exited, 0);
    assert.equal(existsSync(agent.socket), false);
  });
});

describe("sigchain's key agent in-process: the audit hook", () => {
  it('reports each signature (key, usage, kind, subject, sha256, caller uid/pid) before answering; a failing hook withholds the signature', async (t) => {
    const dir = tempDir(t);
    const records: AgentSignRecord[] = [];
    let failing = false;
    const server = await startAgentServer({
      socket: join(dir, 'a.sock'),
      onSign: async (r) => {
        if (failing) throw new Error('disk full');
        records.push(r);
      },
    });
    t.after(() => server.close());
    const c = new AgentClient(server.socket);
    t.after(() => c.close());
    const kp = KeyPair.create('user');
    await c.add(kp, { comment: formatComment(kp.publicKey, ['authentication']), only: ['nonce-claim'] });
    await c.sign(raw(kp), bytes('7:3:arkeo'), { usage: 'authentication', kind: 'nonce-claim', subject: '7' });
    await c.sign(raw(kp), bytes('7:4:arkeo'));
    await assert.rejects(c.sign(raw(kp), bytes('not a claim')));
    assert.equal(records.length, 3);
    const [a, b, refused] = records;
    assert.equal(a!.key, kp.publicKey);
    assert.equal(a!.usage, 'authentication');
    assert.equal(a!.kind, 'nonce-claim');
    assert.equal(a!.subject, '7');
    assert.equal(a!.sha256, (await import('node:crypto')).createHash('sha256').update('7:3:arkeo').digest('hex'));
    assert.deepEqual(a!.caller, { uid: process.getuid!(), pid: process.pid });
    assert.equal(a!.result, 'signed');
    assert.equal(b!.usage, undefined, 'a plain ssh request names no usage');
    assert.equal(b!.kind, 'nonce-claim', 'the agent tells the kind from the bytes');
    assert.equal(refused!.result, 'refused');
    assert.equal(refused!.reason, 'AGENT_CONSTRAINT_VIOLATION');
    assert.doesNotMatch(JSON.stringify(records), /S[OAUNCXMV][A-Z2-7]{56}|not a claim/, 'no seed, no payload');
    failing = true;
    await assert.rejects(c.sign(raw(kp), bytes('7:5:arkeo'), { usage: 'authentication', kind: 'nonce-claim' }), (e) => isSigchainError(e, 'AUDIT_WRITE_FAILED'));
    await assert.rejects(c.sign(raw(kp), bytes('7:5:arkeo')), (e) => isSigchainError(e, 'AGENT_FAILURE'));
  });

  it('answers garbage with FAILURE, and a client told garbage reports AGENT_FAILURE', async (t) => {
    const dir = tempDir(t);
    const server = await startAgentServer({ socket: join(dir, 'a.sock') });
    t.after(() => server.close());
    assert.deepEqual(await rawExchange(server.socket, Buffer.of(0, 0, 0, 3, MSG.SIGN_REQUEST, 1, 2)), bare(MSG.FAILURE));
    // A "agent" that answers nonsense.
    const { createServer } = await import('node:net');
    const liar = createServer((s) => s.on('data', () => s.write(Buffer.of(0, 0, 0, 2, 99, 1))));
    const liarSock = join(dir, 'liar.sock');
    await new Promise<void>((r) => liar.listen(liarSock, r));
    t.after(() => liar.close());
    const c = new AgentClient(liarSock);
    t.after(() => c.close());
    await assert.rejects(c.list(), (e) => isSigchainError(e, 'AGENT_FAILURE'));
    const silent = createServer(() => {});
    const silentSock = join(dir, 'silent.sock');
    await new Promise<void>((r) => silent.listen(silentSock, r));
    t.after(() => silent.close());
    const c2 = new AgentClient(silentSock, { timeoutMs: 200 });
    t.after(() => c2.close());
    await assert.rejects(c2.list(), (e) => isSigchainError(e, 'AGENT_UNAVAILABLE') && /did not answer within 200 ms/.test(e.message));
  });
});

/** Sends one framed message on a fresh connection and returns the first framed answer. */
function rawExchange(socket: string, message: Buffer): Promise<Buffer> {
  return new Promise((res, rej) => {
    const s = connect(socket, () => s.write(message));
    let got = Buffer.alloc(0);
    s.on('data', (d) => {
      got = Buffer.concat([got, d]);
      if (got.length >= 4 && got.length >= 4 + got.readUInt32BE(0)) {
        s.destroy();
        res(got.subarray(0, 4 + got.readUInt32BE(0)));
      }
    });
    s.on('error', rej);
    s.on('close', () => rej(new Error(`closed after ${got.length} bytes`)));
  });
}


