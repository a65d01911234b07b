// Glue for the real-server tests: a workspace in a temp folder, the memory-resolver config
// sigchain writes for it, a real nats-server (stopped after the test), and nats.js connections
// made from the creds files sigchain wrote.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type NatsConnection, connect, credsAuthenticator } from '@nats-io/transport-node';
import { memoryResolverConfig } from '../../src/nats/server-config.js';
import { KeyPair } from '../../src/nkeys/keypair.js';
import { Workspace, addAccount, addOperator, addUser, editAccount, editOperator, readAccount, readOperator } from '../../src/workspace/index.js';
import { type RunningServer, startNatsServer } from '../helpers/nats-server.js';

type After = { after(fn: () => unknown): void };

/** A workspace in a fresh temp folder, removed after the test. */
export function tempWorkspace(t: After): Workspace {
  const home = mkdtempSync(join(tmpdir(), 'sigchain-natsws-'));
  t.after(() => rmSync(home, { recursive: true, force: true }));
  return Workspace.open({ env: { SIGCHAIN_KEYRING_BACKEND: 'file', SIGCHAIN_HOME: home, HOME: home } });
}

/** The memory-resolver server config for the current operator and all its accounts (+ extra account JWTs). */
export async function serverConfig(ws: Workspace, extraAccountJwts: string[] = [], extraLines = ''): Promise<string> {
  const op = await ws.operator();
  const accountJwts = [];
  for (const name of await op.listAccounts()) accountJwts.push((await readAccount(op, name)).token);
  return memoryResolverConfig({ operatorJwt: (await readOperator(op)).token, accountJwts: [...accountJwts, ...extraAccountJwts] }) + extraLines;
}

/** A real nats-server in debug mode (auth failures are only explained in its log), stopped after the test. */
export async function startServer(t: After, config: string): Promise<RunningServer> {
  const srv = await startNatsServer(config, { debug: true });
  t.after(() => srv.stop());
  return srv;
}

/** Connects with a creds file's text, as an application would. */
export function connectCreds(url: string, creds: string): Promise<NatsConnection> {
  return connect({ servers: url, authenticator: credsAuthenticator(new TextEncoder().encode(creds)), reconnect: false, timeout: 2000 });
}

/** Connects, runs `fn`, and always closes the connection. */
export async function withConnection<T>(url: string, creds: string, fn: (nc: NatsConnection) => Promise<T>): Promise<T> {
  const nc = await connectCreds(url, creds);
  try {
    return await fn(nc);
  } finally {
    await nc.close();
  }
}

/** The text of a creds file. */
export function creds(path: string): string {
  return readFileSync(path, 'utf8');
}

function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
    }),
  ]);
}

/** Subscribes to `subject`, publishes to it and requires the message back. */
export async function roundTrip(nc: NatsConnection, subject: string): Promise<void> {
  const sub = nc.subscribe(subject, { max: 1 });
  const got = (async () => {
    for await (const m of sub) return m.string();
    return undefined;
  })();
  await nc.flush();
  const body = `hello ${Math.random()}`;
  nc.publish(subject, body);
  assert.equal(await within(got, 2000, `a message on ${subject}`), body);
}

/** Publishes to `subject` and requires the server to answer with a Permissions Violation for it. */
export async function expectPublishViolation(nc: NatsConnection, subject: string): Promise<string> {
  const violation = (async () => {
    for await (const s of nc.status()) {
      if (s.type === 'error' && /Permissions Violation for Publish/.test(String(s.error?.message))) return String(s.error.message);
    }
    return '';
  })();
  nc.publish(subject, 'x');
  await nc.flush();
  const message = await within(violation, 2000, `a permissions violation for ${subject}`);
  assert.ok(message.includes(`"${subject}"`), message);
  return message;
}

/**
 * Requires the server to refuse a login with these creds: the client sees nats-server's
 * "Authorization Violation" and the debug log gives the reason, which must match `reason`.
 */
export async function expectAuthViolation(srv: RunningServer, credsText: string, reason: RegExp): Promise<void> {
  const from = srv.log().length;
  await assert.rejects(connectCreds(srv.url, credsText), (e: Error) => {
    assert.equal(e.name, 'AuthorizationError', `${e.name}: ${e.message}`);
    assert.match(e.message, /Authorization Violation/);
    return true;
  });
  await waitForLog(srv, reason, from);
}

/** Waits (briefly) until the server log, from offset `from`, matches `pattern`. */
export async function waitForLog(srv: RunningServer, pattern: RegExp, from = 0, ms = 2000): Promise<string> {
  const started = Date.now();
  for (;;) {
    const text = srv.log().slice(from);
    const m = pattern.exec(text);
    if (m) return m[0];
    if (Date.now() - started > ms) assert.fail(`the server log does not match ${pattern}:\n${text}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * The seed walkthrough: operator O2 with a generated, stored signing key (added with
 * `edit operator --sk`), account A signed with `-K <operator SK .nk>`, an account signing key
 * added with the operator SK, and user U signed with `-K <account SK .nk>`.
 */
export async function walkthrough(ws: Workspace) {
  const o = await addOperator(ws, 'O2');
  const opSk = KeyPair.create('operator');
  const opSkPath = await ws.keys.storeKey(opSk);
  await editOperator(ws, { addSigningKeys: [opSk.publicKey] });
  const a = await addAccount(ws, 'A', { signer: await ws.resolveSigner(opSkPath) });
  const accSk = KeyPair.create('account');
  const accSkPath = await ws.keys.storeKey(accSk);
  await editAccount(ws, { addSigningKeys: [accSk.publicKey], signer: await ws.resolveSigner(opSkPath) });
  const u = await addUser(ws, 'U', { signer: await ws.resolveSigner(accSkPath) });
  return { o, a, u, opSk: { publicKey: opSk.publicKey, path: opSkPath }, accSk: { publicKey: accSk.publicKey, path: accSkPath } };
}
