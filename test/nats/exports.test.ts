// Exports and imports on a real nats-server 2.9.10 (memory resolver): a user of the importing
// account receives what a user of the exporting account publishes on the exported stream, and
// calls its exported services, public and private (with the activation the exporter's signing
// key made through custody). An account that imported nothing gets nothing. Deleting the import
// and reloading cuts the importer off.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { NatsConnection } from '@nats-io/transport-node';
import { addAccount, addExport, addImport, addUser, deleteImport, generateActivation, readAccount, type Workspace } from '../../src/workspace/index.js';
import type { RunningServer } from '../helpers/nats-server.js';
import { connectCreds, creds, serverConfig, startServer, tempWorkspace, waitForLog, walkthrough } from './helpers.js';

function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
    }),
  ]);
}

/** The first message on `subject` (as `nc` sees it), or undefined if none comes within `ms`. */
async function firstMessage(nc: NatsConnection, subject: string, publish: () => Promise<void>, ms = 1500): Promise<{ subject: string; data: string } | undefined> {
  const sub = nc.subscribe(subject, { max: 1, timeout: ms });
  const got = (async () => {
    try {
      for await (const m of sub) return { subject: m.subject, data: m.string() };
    } catch {
      return undefined; // the subscription's timeout: nothing came
    }
    return undefined;
  })();
  await nc.flush();
  await publish();
  return within(got, ms + 1000, `a message on ${subject}`);
}

/** Answers every request on `subject` with `<prefix>:<request>`. */
function serve(nc: NatsConnection, subject: string, prefix: string): void {
  const sub = nc.subscribe(subject);
  void (async () => {
    for await (const m of sub) m.respond(`${prefix}:${m.string()}`);
  })();
}

async function request(nc: NatsConnection, subject: string, body: string): Promise<string> {
  return (await nc.request(subject, body, { timeout: 2000 })).string();
}

/** A: exporter (operator and account signing keys, as the walkthrough makes them); B imports; C does not. */
async function exporterAndImporter(ws: Workspace) {
  const w = await walkthrough(ws);
  const opSk = await ws.resolveSigner(w.opSk.path);
  const accSk = await ws.resolveSigner(w.accSk.path);
  await addAccount(ws, 'B', { signer: opSk });
  await addAccount(ws, 'C', { signer: opSk });
  await addExport(ws, { account: 'A', subject: 'orders.>', signer: opSk });
  await addExport(ws, { account: 'A', subject: 'help', type: 'service', signer: opSk });
  await addExport(ws, { account: 'A', subject: 'secret.*', type: 'service', private: true, signer: opSk });
  await addImport(ws, { account: 'B', srcAccount: 'A', remoteSubject: 'orders.>', localSubject: 'a.orders.>', signer: opSk });
  await addImport(ws, { account: 'B', srcAccount: 'A', remoteSubject: 'help', service: true, localSubject: 'a.help', signer: opSk });
  const act = await generateActivation(ws, { account: 'A', target: 'B', subject: 'secret.*', signer: accSk });
  assert.equal(act.signedBy, 'signing-key');
  await addImport(ws, { account: 'B', token: act.token, localSubject: 'a.secret.*', signer: opSk });
  const ub = await addUser(ws, 'UB', { account: 'B' });
  const uc = await addUser(ws, 'UC', { account: 'C' });
  return { w, opSk, ub, uc };
}

describe('exports and imports on a real nats-server', () => {
  it('an importing user receives the exported stream and calls the public and the private (activated) services', async (t) => {
    const ws = tempWorkspace(t);
    const { w, ub, uc } = await exporterAndImporter(ws);
    const srv: RunningServer = await startServer(t, await serverConfig(ws));
    const a = await connectCreds(srv.url, creds(w.u.user.credsPath));
    const b = await connectCreds(srv.url, creds(ub.user.credsPath));
    const c = await connectCreds(srv.url, creds(uc.user.credsPath));
    t.after(async () => {
      await a.close();
      await b.close();
      await c.close();
    });

    const got = await firstMessage(b, 'a.orders.>', async () => {
      a.publish('orders.eu.42', 'order 42');
      await a.flush();
    });
    assert.deepEqual(got, { subject: 'a.orders.eu.42', data: 'order 42' });

    serve(a, 'help', 'help');
    serve(a, 'secret.*', 'secret');
    await a.flush();
    assert.equal(await request(b, 'a.help', 'hi'), 'help:hi');
    assert.equal(await request(b, 'a.secret.x', 'psst'), 'secret:psst');

    // C imported nothing: the stream never reaches it and the services do not answer it.
    const none = await firstMessage(c, '>', async () => {
      a.publish('orders.eu.43', 'order 43');
      await a.flush();
    }, 500);
    assert.equal(none, undefined);
    await assert.rejects(request(c, 'help', 'hi'), /no responders|503|timeout/i);
  });

  it('after delete import and a reload, the importer is cut off from the service', async (t) => {
    const ws = tempWorkspace(t);
    const { w, ub, opSk } = await exporterAndImporter(ws);
    const srv = await startServer(t, await serverConfig(ws));
    const a = await connectCreds(srv.url, creds(w.u.user.credsPath));
    const b = await connectCreds(srv.url, creds(ub.user.credsPath));
    t.after(async () => {
      await a.close();
      await b.close();
    });
    serve(a, 'secret.*', 'secret');
    await a.flush();
    assert.equal(await request(b, 'a.secret.y', 'one'), 'secret:one');
    await a.close();
    await b.close();
    await deleteImport(ws, { account: 'B', subject: 'secret.*', signer: opSk });
    const from = srv.log().length;
    await srv.reload(await serverConfig(ws));
    const bKey = (await readAccount(await ws.operator(), 'B')).claims.sub;
    await waitForLog(srv, new RegExp(`Updating account claims: ${bKey}`), from);
    // Fresh connections of the same users: nats.js (reconnect off) closes its own on the reload.
    const a2 = await connectCreds(srv.url, creds(w.u.user.credsPath));
    const b2 = await connectCreds(srv.url, creds(ub.user.credsPath));
    t.after(async () => {
      await a2.close();
      await b2.close();
    });
    serve(a2, 'secret.*', 'secret');
    serve(a2, 'help', 'help');
    await a2.flush();
    assert.equal(await request(a2, 'secret.z', 'A itself'), 'secret:A itself', 'the exporter still serves its own users');
    await assert.rejects(request(b2, 'a.secret.y', 'two'), /no responders|503|timeout/i);
    assert.equal(await request(b2, 'a.help', 'still'), 'help:still', 'the other imports stay');
  });
});
