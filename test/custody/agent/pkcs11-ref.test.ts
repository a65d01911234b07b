// `sigchain agent add` of a key kept in a real SoftHSM2 token: the agent (a real separate
// process, started by the CLI) is handed a reference and the PIN, opens the key itself and signs
// through the token for sigchain clients and for real OpenSSH tools (ssh-add, ssh-keygen -Y),
// under --only, lock, lifetime and ssh-add -D; the key stays non-extractable in the token (as
// the real pkcs11-tool reads it), and the PIN appears in no output, log or file.
import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createPublicKey, verify } from 'node:crypto';
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { newUserClaims } from '../../../src/claims/nats/user.js';
import { encodeUserAsync } from '../../../src/claims/nats/encode.js';
import { AgentClient } from '../../../src/custody/agent/client.js';
import { ProtocolError, decodeAddRefRequest, ed25519Blob, encodeAddRefRequest } from '../../../src/custody/agent/protocol.js';
import { closeAllPkcs11, pkcs11Keyring } from '../../../src/custody/pkcs11/keyring.js';
import { isSigchainError } from '../../../src/errors.js';
import { decodePublicKey } from '../../../src/nkeys/codec.js';
import { KeyPair } from '../../../src/nkeys/keypair.js';
import { CLI_PATH, runCli } from '../../helpers/cli.js';
import { parseObjects, softHsm } from '../pkcs11/softhsm.js';
import { startOpensshAgent, tempDir, waitListening } from './agents.js';

const run = promisify(execFile);
// A PIN no other text in the run could hold by chance, so finding it anywhere means it leaked.
const PIN = '83619402757';
const hsm = softHsm('agent add by reference (pkcs11)', { pin: PIN });

const ed25519Of = (pub: string) => createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(decodePublicKey(pub).raw).toString('base64url') }, format: 'jwk' });
const json = (s: string) => JSON.parse(s) as Record<string, any>;

async function tool(cmd: string, args: string[], socket: string, input?: string): Promise<{ code: number; out: string }> {
  try {
    const p = run(cmd, args, { env: { PATH: process.env.PATH, SSH_AUTH_SOCK: socket } });
    if (input !== undefined) p.child.stdin!.end(input);
    const r = await p;
    return { code: 0, out: r.stdout + r.stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, out: x.stdout + x.stderr };
  }
}

/**
 * sigchain's agent as `sigchain agent start --foreground` runs it for people (not --json, so its
 * notes are printed), its stdout and stderr collected.
 */
async function startAgent(t: import('node:test').TestContext, env: NodeJS.ProcessEnv): Promise<{ socket: string; dir: string; child: ChildProcess; output: () => string; exited: Promise<unknown> }> {
  const dir = tempDir(t);
  const socket = join(dir, 'agent.sock');
  const child = spawn(process.execPath, [CLI_PATH, 'agent', 'start', '--foreground', '--socket', socket], { env: { PATH: process.env.PATH, HOME: dir, SIGCHAIN_HOME: dir, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise((r) => child.once('exit', r));
  t.after(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
  });
  await waitListening(socket);
  return { socket, dir, child, output: () => output, exited };
}

/** Every file under `dir` whose bytes hold `needle`. */
function filesHolding(dir: string, needle: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir, { recursive: true }) as string[]) {
    const p = join(dir, name);
    const st = statSync(p, { throwIfNoEntry: false });
    if (st?.isFile() && readFileSync(p).includes(needle)) out.push(p);
  }
  return out;
}

if (hsm) {
  describe('agent add by reference: a key kept in a PKCS#11 token (real SoftHSM2)', () => {
    it('the agent signs through the token for sigchain and ssh clients, within --only, lock, lifetime and ssh-add -D; the key and the PIN stay put', async (t) => {
      // A key made in the token, recorded in a fresh key store by its URI (which holds no PIN).
      const ring = await pkcs11Keyring({ uri: hsm.uri });
      const made = await ring.generate('account', ['issuing']);
      await ring.close();
      await closeAllPkcs11();
      const pub = made.publicKey;
      const home = tempDir(t, 'sigchain-ref-home-');
      const env = { SOFTHSM2_CONF: hsm.conf };
      const keyUri = `pkcs11:token=${hsm.label};object=${pub}?module-path=${hsm.modulePath}`;
      const reg = await runCli(home, ['keys', 'register', keyUri, '--account', '--usage', 'IssuingOnly', '--pin-file', hsm.pinFile, '--json'], env);
      assert.equal(reg.code, 0, reg.stdout + reg.stderr);
      assert.equal(json(reg.stdout).public_key, pub);

      const agent = await startAgent(t, env);
      const client = new AgentClient(agent.socket);
      t.after(() => client.close());
      const add = (args: string[], extra: NodeJS.ProcessEnv = {}) => runCli(home, ['agent', 'add', pub, '--socket', agent.socket, '--json', ...args], { ...env, ...extra });
      const cliOutputs: string[] = [];
      const added = async (args: string[], extra: NodeJS.ProcessEnv = {}) => {
        const r = await add(args, extra);
        cliOutputs.push(r.stdout, r.stderr);
        assert.equal(r.code, 0, r.stdout + r.stderr);
        return json(r.stdout);
      };

      // A wrong PIN is refused when the key is added, not at its first signature.
      const wrong = await add([], { SIGCHAIN_PKCS11_PIN: '000000' });
      cliOutputs.push(wrong.stdout, wrong.stderr);
      assert.equal(json(wrong.stdout).error.code, 'PKCS11_PIN_INCORRECT');
      assert.deepEqual(await client.list(), [], 'nothing held after a refused add');

      // A reference whose URI names another key than the one claimed: refused (PKCS11_KEY_NOT_FOUND).
      const impostor = KeyPair.create('account').publicKey;
      await assert.rejects(client.addRef({ publicKey: impostor, usages: ['issuing'], backend: 'pkcs11', uri: keyUri, pin: PIN }), (e) => isSigchainError(e, 'PKCS11_KEY_NOT_FOUND'));
      assert.deepEqual(await client.list(), []);

      // The PIN from --pin-file; the agent now holds the reference.
      const ok = await added(['--pin-file', hsm.pinFile]);
      assert.equal(ok.by_reference, true);
      assert.equal(ok.backend, 'pkcs11');
      const listed = await tool('ssh-add', ['-l'], agent.socket);
      assert.equal(listed.code, 0, listed.out);
      assert.match(listed.out, new RegExp(`^256 SHA256:\\S+ sigchain:${pub} usage=issuing \\(ED25519\\)$`, 'm'), 'ssh-add -l lists it');

      // sigchain's client: a user JWT signed in the token through the agent verifies.
      const raw = decodePublicKey(pub).raw;
      const userJwt = await encodeUserAsync(newUserClaims('alice', KeyPair.create('user').publicKey), { publicKey: pub, sign: (d: Uint8Array) => client.sign(raw, d, { usage: 'issuing', kind: 'jwt' }) });
      const [h, p, s] = userJwt.split('.');
      assert.ok(verify(null, Buffer.from(`${h}.${p}`), ed25519Of(pub), Buffer.from(s!, 'base64url')), 'the JWT signature verifies with node:crypto');
      await assert.rejects(client.sign(raw, Buffer.from('hi'), { usage: 'authentication', kind: 'message' }), (e) => isSigchainError(e, 'KEY_USAGE_VIOLATION'));

      // A plain ssh client: ssh-keygen -Y signs with the key the agent holds; ssh-keygen checks it.
      const dir = tempDir(t);
      const pubFile = join(dir, 'key.pub');
      writeFileSync(pubFile, `ssh-ed25519 ${ed25519Blob(raw).toString('base64')} ${pub}\n`);
      writeFileSync(join(dir, 'data'), 'hello from ssh');
      const signed = await tool('ssh-keygen', ['-Y', 'sign', '-f', pubFile, '-n', 'file', join(dir, 'data')], agent.socket);
      assert.equal(signed.code, 0, signed.out);
      const checked = await tool('ssh-keygen', ['-Y', 'check-novalidate', '-n', 'file', '-f', pubFile, '-s', join(dir, 'data.sig')], agent.socket, 'hello from ssh');
      assert.equal(checked.code, 0, checked.out);
      const plain = await client.sign(raw, Buffer.from('plain ssh-agent request'));
      assert.ok(verify(null, Buffer.from('plain ssh-agent request'), ed25519Of(pub), plain), 'a plain SIGN_REQUEST is signed in the token');

      // The private key never left the token: still sensitive and never extractable, and no file holds it.
      const objects = parseObjects(hsm.pkcs11Tool(['--token-label', hsm.label, '--login', '--pin', PIN, '-O']));
      const priv = objects.find((o) => o.header.startsWith('Private Key Object') && o.fields.label === pub);
      assert.ok(priv, 'the key is in the token');
      const access = priv.fields.Access!.split(',').map((x) => x.trim());
      assert.ok(access.includes('never extractable') && access.includes('sensitive') && !access.includes('extractable'), priv.fields.Access);
      assert.deepEqual(filesHolding(home, `${pub}.nk`), []);

      // Lock: nothing signed until unlocked.
      await client.lock('lock pass');
      await assert.rejects(client.sign(raw, Buffer.from('x'), { usage: 'issuing', kind: 'message' }), (e) => isSigchainError(e, 'AGENT_CONSTRAINT_VIOLATION'));
      await client.unlock('lock pass');

      // --only user-jwt: the same key again, now refusing any other bytes (to both kinds of client).
      await added(['--only', 'user-jwt', '--pin-file', hsm.pinFile]);
      assert.equal((await client.list()).length, 1, 'added again: replaced, not doubled');
      await assert.rejects(client.sign(raw, Buffer.from('not a token'), { usage: 'issuing', kind: 'message' }), (e) => isSigchainError(e, 'AGENT_CONSTRAINT_VIOLATION'));
      await assert.rejects(client.sign(raw, Buffer.from('not a token')), (e) => isSigchainError(e, 'AGENT_FAILURE'));
      const again = await encodeUserAsync(newUserClaims('bob', KeyPair.create('user').publicKey), { publicKey: pub, sign: (d: Uint8Array) => client.sign(raw, d, { usage: 'issuing', kind: 'jwt' }) });
      const [h2, p2, s2] = again.split('.');
      assert.ok(verify(null, Buffer.from(`${h2}.${p2}`), ed25519Of(pub), Buffer.from(s2!, 'base64url')));

      // ssh-add -D drops references too.
      assert.equal((await tool('ssh-add', ['-D'], agent.socket)).code, 0);
      assert.deepEqual(await client.list(), []);
      await assert.rejects(client.sign(raw, Buffer.from('x'), { usage: 'issuing', kind: 'message' }), (e) => isSigchainError(e, 'STORE_NOT_FOUND'));

      // --lifetime: the PIN from SIGCHAIN_PKCS11_PIN this time; gone after a second.
      await added(['--lifetime', '1'], { SIGCHAIN_PKCS11_PIN: PIN });
      assert.equal((await client.list()).length, 1);
      await new Promise((r) => setTimeout(r, 1200));
      assert.deepEqual(await client.list(), [], 'forgotten when its lifetime ended');

      // The audit log of the agent recorded the token's signatures and refusals; it verifies.
      const log = readFileSync(join(agent.dir, 'audit', 'audit.log'), 'utf8');
      const records = log
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .filter((r) => r.key === pub);
      assert.ok(records.some((r) => r.kind === 'jwt' && r.result === 'ok'), 'a JWT signature is recorded');
      assert.ok(records.some((r) => r.result === 'refused' && r.code === 'AGENT_CONSTRAINT_VIOLATION'), 'the --only refusal is recorded');

      // The PIN is nowhere: not in any output, not in the agent's log or files, not in the key store.
      await client.stop();
      await agent.exited;
      assert.match(agent.output(), /SIGCHAIN_AUTH_SOCK=/, "the agent's output was read");
      for (const text of [agent.output(), ...cliOutputs, log]) assert.ok(!text.includes(PIN), 'the PIN does not appear');
      assert.deepEqual(filesHolding(agent.dir, PIN), []);
      assert.deepEqual(filesHolding(home, PIN), []);
    });

    it("OpenSSH's ssh-agent cannot hold a reference: KEYRING_UNSUPPORTED, before any PIN is sent", async (t) => {
      const agent = await startOpensshAgent(t);
      const client = new AgentClient(agent.socket);
      t.after(() => client.close());
      const pub = KeyPair.create('account').publicKey;
      await assert.rejects(
        client.addRef({ publicKey: pub, usages: ['issuing'], backend: 'pkcs11', uri: `pkcs11:token=${hsm.label};object=${pub}?module-path=${hsm.modulePath}`, pin: PIN }),
        (e) => isSigchainError(e, 'KEYRING_UNSUPPORTED') && /not sigchain's/.test(e.message),
      );
      assert.equal((await tool('ssh-add', ['-l'], agent.socket)).code, 1, 'it holds nothing');
    });
  });
}

describe('add-ref@sigchain.dev on the wire', () => {
  it('carries the nkey, usages, URI, PIN and constraints, and reads back exactly; a malformed body is a ProtocolError', () => {
    const pub = KeyPair.create('account').publicKey;
    const ref = { publicKey: pub, usages: ['issuing'], backend: 'pkcs11', uri: 'pkcs11:token=T?module-path=/m.so', pin: '12 34' };
    const msg = encodeAddRefRequest(ref, { lifetime: 60, only: ['user-jwt', 'nonce-claim'] });
    const body = msg.subarray(4 + 1 + 4 + 'add-ref@sigchain.dev'.length);
    assert.deepEqual(decodeAddRefRequest(Buffer.from(body)), { ...ref, constraints: { lifetime: 60, only: ['user-jwt', 'nonce-claim'] } });
    const { pin: _pin, ...withoutPin } = ref;
    const noPin = encodeAddRefRequest(withoutPin).subarray(4 + 1 + 4 + 'add-ref@sigchain.dev'.length);
    assert.equal(decodeAddRefRequest(Buffer.from(noPin)).pin, undefined);
    const bad = Buffer.from(body);
    bad.writeUInt32BE(2, bad.indexOf(Buffer.from('/m.so')) + 5); // has-PIN must be 0 or 1
    assert.throws(() => decodeAddRefRequest(bad), ProtocolError);
    assert.throws(() => decodeAddRefRequest(Buffer.from(body.subarray(0, 10))), ProtocolError);
  });
});
