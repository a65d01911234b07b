// The system account sigchain creates carries nsc's monitoring exports, and a real nats-server
// honours them: an account importing `account-monitoring-services` gets answers about its own
// connections, one importing `account-monitoring-streams` sees its own connect events, and the
// account token position keeps every importer to its own account's data.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { NatsConnection } from '@nats-io/transport-node';
import { encodeAccount } from '../../src/claims/nats/encode.js';
import type { Import } from '../../src/claims/nats/types.js';
import { memoryResolverConfig } from '../../src/nats/server-config.js';
import { KeyPair } from '../../src/nkeys/keypair.js';
import { addAccount, addOperator, addUser, readAccount, readOperator } from '../../src/workspace/index.js';
import type { Workspace } from '../../src/workspace/workspace.js';
import type { RunningServer } from '../helpers/nats-server.js';
import { connectCreds, creds, startServer, tempWorkspace, waitForLog, withConnection } from './helpers.js';

type Imports = (own: string, sys: string, other: string) => Import[];

interface Tree {
  sys: string;
  a: string;
  b: string;
  creds: { a: string; a2: string; b: string };
  srv: RunningServer;
}

/**
 * Operator O with the SYS sigchain made, accounts A (users u, u2) and B (user u), A and B
 * re-issued with `imports` (sigchain has no `add import`, so the importing accounts are built
 * with the claim builders and signed by the operator key, as `nsc add import` would), served
 * by a real nats-server from the memory-resolver config. `withoutSysExports` re-issues SYS
 * without its exports, as sigchain made it before: the control that shows what they do.
 */
async function tree(t: { after(fn: () => unknown): void }, ws: Workspace, imports: { A?: Imports; B?: Imports }, withoutSysExports = false): Promise<Tree> {
  const o = await addOperator(ws, 'O');
  const a = (await addAccount(ws, 'A')).account.publicKey;
  const b = (await addAccount(ws, 'B')).account.publicKey;
  const u = await addUser(ws, 'u', { account: 'A' });
  const u2 = await addUser(ws, 'u2', { account: 'A' });
  const bu = await addUser(ws, 'u', { account: 'B' });
  const op = await ws.operator('O');
  const sys = o.systemAccount!.publicKey;
  const operatorKey = KeyPair.fromSeed((await ws.keys.getKey(o.operator.publicKey)).seed);
  const reissue = async (name: string, list: Import[] | undefined, drop = false): Promise<string> => {
    const c = await readAccount(op, name);
    if (!list && !drop) return c.token;
    if (list) c.claims.nats.imports = list;
    if (drop) delete c.claims.nats.exports;
    return encodeAccount(c.claims, operatorKey);
  };
  const config = memoryResolverConfig({
    operatorJwt: (await readOperator(op)).token,
    accountJwts: [await reissue('SYS', undefined, withoutSysExports), await reissue('A', imports.A?.(a, sys, b)), await reissue('B', imports.B?.(b, sys, a))],
  });
  const srv = await startServer(t, config);
  return { sys, a, b, creds: { a: creds(u.user.credsPath), a2: creds(u2.user.credsPath), b: creds(bu.user.credsPath) }, srv };
}

const services: Imports = (own, sys) => [{ name: 'connz', subject: `$SYS.REQ.ACCOUNT.${own}.CONNZ`, account: sys, type: 'service' }];
const streams: Imports = (own, sys) => [{ name: 'events', subject: `$SYS.ACCOUNT.${own}.>`, account: sys, type: 'stream' }];

interface Connz {
  data?: { num_connections?: number; connections?: unknown[] };
}

async function connz(nc: NatsConnection, account: string): Promise<Connz> {
  return (await nc.request(`$SYS.REQ.ACCOUNT.${account}.CONNZ`, '', { timeout: 2000 })).json<Connz>();
}

/** The first message on `subject` after `trigger` ran, within 2 s. */
async function firstEvent(nc: NatsConnection, subject: string, trigger: () => Promise<unknown>): Promise<{ subject: string; body: Record<string, unknown> }> {
  const sub = nc.subscribe(subject, { max: 1 });
  await nc.flush();
  const got = (async () => {
    for await (const m of sub) return { subject: m.subject, body: m.json<Record<string, unknown>>() };
    throw new Error(`no message on ${subject}`);
  })();
  await trigger();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no event on ${subject} within 2 s`)), 2000);
  });
  try {
    return await Promise.race([got, timeout]);
  } finally {
    clearTimeout(timer);
    sub.unsubscribe();
  }
}

describe('system account exports on a real nats-server', () => {
  it('the server loads SYS with both exports and authorizes imports of them', async (t) => {
    const tr = await tree(t, tempWorkspace(t), { A: (own, sys, other) => [...services(own, sys, other), ...streams(own, sys, other)] });
    // The server loads an account (and its imports) when its first user connects.
    await withConnection(tr.srv.url, tr.creds.a, (nc) => nc.flush());
    await waitForLog(tr.srv, new RegExp(`Adding service import ${tr.sys}/SYS:"\\$SYS\\.REQ\\.ACCOUNT\\.${tr.a}\\.CONNZ" for ${tr.a}/A`));
    await waitForLog(tr.srv, new RegExp(`Adding stream import ${tr.sys}/SYS:"\\$SYS\\.ACCOUNT\\.${tr.a}\\.>" for ${tr.a}/A`));
    assert.doesNotMatch(tr.srv.log(), /not authorized|\[ERR\]/);
  });

  it("a user of an account importing account-monitoring-services gets its account's CONNZ", async (t) => {
    const tr = await tree(t, tempWorkspace(t), { A: services });
    const other = await connectCreds(tr.srv.url, tr.creds.b);
    t.after(() => other.close());
    const reply = await withConnection(tr.srv.url, tr.creds.a, async (nc) => {
      const second = await connectCreds(tr.srv.url, tr.creds.a2);
      try {
        return await connz(nc, tr.a);
      } finally {
        await second.close();
      }
    });
    // A's two connections (u and u2); B's connection is not A's business.
    assert.equal(reply.data?.num_connections, 2, JSON.stringify(reply));
    assert.equal(reply.data?.connections?.length, 2);
  });

  it('a user of an account importing account-monitoring-streams sees its account connect events', async (t) => {
    const tr = await tree(t, tempWorkspace(t), { A: streams });
    const event = await withConnection(tr.srv.url, tr.creds.a, (nc) =>
      firstEvent(nc, `$SYS.ACCOUNT.${tr.a}.CONNECT`, async () => {
        const second = await connectCreds(tr.srv.url, tr.creds.a2);
        await second.close();
      }),
    );
    assert.equal(event.subject, `$SYS.ACCOUNT.${tr.a}.CONNECT`);
    assert.equal((event.body.client as { acc?: string }).acc, tr.a);
  });

  it("the account token position refuses an import of another account's data", async (t) => {
    // B imports A's monitoring subjects: the server refuses both imports, so B gets no answer.
    const tr = await tree(t, tempWorkspace(t), { B: (_own, sys, a) => [...services(a, sys, _own), ...streams(a, sys, _own)] });
    await withConnection(tr.srv.url, tr.creds.b, async (nc) => {
      await waitForLog(tr.srv, new RegExp(`Error adding service import to account \\[${tr.b}/B\\]: service import not authorized`));
      await waitForLog(tr.srv, new RegExp(`Error adding stream import to account \\[${tr.b}/B\\]: stream import not authorized`));
      await assert.rejects(connz(nc, tr.a), /no responders/);
    });
  });

  it('control: without the exports (sigchain before nsc parity) the stream import is not authorized', async (t) => {
    // nats-server 2.9 adds its own service exports to the system account, so only the stream
    // import tells the two apart; with nsc's exports in the JWT (tests above) both are allowed.
    const tr = await tree(t, tempWorkspace(t), { A: streams }, true);
    await withConnection(tr.srv.url, tr.creds.a, (nc) => nc.flush());
    await waitForLog(tr.srv, new RegExp(`Error adding stream import to account \\[${tr.a}/A\\]: stream import not authorized`));
  });
});
