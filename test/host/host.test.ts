// Hosts on a real nats-server (127.0.0.1): they call each other's actors, refuse an outside
// cluster key, a captured invocation re-sent (REPLAY), a body changed in flight by a relay
// (HASH_MISMATCH) and an invocation redirected to another actor, and lose no call while the
// cluster key is rotated under a steady stream of calls. Random and cut-short bytes sent on an
// actor's subject are answered with coded errors, and the host keeps serving.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type NatsConnection, connect } from '@nats-io/transport-node';
import fc from 'fast-check';
import { ErrorCodes, isSigchainError } from '../../src/errors.js';
import { type ClusterSettings, type Host, call, echoActor, refusalError, sendInvocation, startHost } from '../../src/host/index.js';
import { actorEntity, decodeInvocation, decodeInvocationResponse, encodeInvocation } from '../../src/invocation/index.js';
import { KeyPair } from '../../src/nkeys/keypair.js';
import { type RunningServer, startNatsServer } from '../helpers/nats-server.js';

let srv: RunningServer;
const hosts: Host[] = [];
const conns: NatsConnection[] = [];
before(async () => {
  srv = await startNatsServer('');
});
after(async () => {
  for (const h of hosts) await h.stop();
  for (const c of conns) await c.close();
  await srv.stop();
});

const cluster = () => KeyPair.create('cluster');
const enc = new TextEncoder();
const dec = new TextDecoder();

async function host(settings: ClusterSettings | (() => ClusterSettings), lattice?: string): Promise<Host> {
  const h = await startHost({ natsUrl: srv.url, cluster: settings, actors: [echoActor()], ...(lattice ? { lattice } : {}) });
  hosts.push(h);
  return h;
}

async function raw(): Promise<NatsConnection> {
  const nc = await connect({ servers: srv.url, reconnect: false });
  conns.push(nc);
  return nc;
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (isSigchainError(e)) return e.code;
    throw e;
  }
  return 'none';
}

const echo = (h: Host) => h.actors[0]!.public_key;

describe('hosts on a real NATS lattice', () => {
  it('hosts that share issuers call each other, each with its own cluster key', async () => {
    const keys = [cluster(), cluster(), cluster()];
    const issuers = keys.map((k) => k.publicKey);
    const [a, b, c] = await Promise.all(keys.map((key) => host({ key, issuers })));
    const all = [a!, b!, c!];
    for (const from of all) {
      for (const to of all) {
        if (from === to) continue;
        const body = `from ${from.hostId} to ${to.hostId}`;
        assert.equal(dec.decode(await from.call(echo(to), 'wasmcloud:example/Echo.Echo', body)), body);
      }
    }
    // Bytes come back byte for byte, an empty body too.
    const bytes = Uint8Array.from({ length: 4096 }, (_, i) => (i * 7) & 0xff);
    assert.deepEqual(new Uint8Array(await a!.call(echo(b!), 'Echo.Echo', bytes)), bytes);
    assert.equal((await a!.call(echo(c!), 'Echo.Echo')).length, 0);
    assert.equal(b!.stats.accepted, 3); // from a and c, then the bytes from a
    // The one-shot caller (what `sigchain call` uses) signs with a cluster key too.
    assert.equal(dec.decode(await call({ natsUrl: srv.url, cluster: { key: keys[2]! }, target: echo(a!), operation: 'Echo.Echo', payload: 'hi' })), 'hi');
    assert.equal(await codeOf(a!.call(echo(b!), 'Echo.Missing', 'x')), 'UNKNOWN_OPERATION');
    assert.equal(await codeOf(a!.call(KeyPair.create('module').publicKey, 'Echo.Echo', 'x', { timeoutMs: 1000 })), 'NO_RESPONDERS');
  });

  it('a host whose cluster key is not among the issuers is refused (ISSUER_NOT_TRUSTED), before the actor runs', async () => {
    const inside = cluster();
    let ran = 0;
    const a = await startHost({ natsUrl: srv.url, cluster: { key: inside, issuers: [inside.publicKey] }, actors: [{ name: 'counter', publicKey: KeyPair.create('module').publicKey, operations: { 'Count.Up': () => String(++ran) } }] });
    hosts.push(a);
    const outsider = await host({ key: cluster(), issuers: [inside.publicKey] });
    assert.equal(await codeOf(outsider.call(echo(a), 'Count.Up')), 'ISSUER_NOT_TRUSTED');
    assert.equal(ran, 0);
    assert.equal(a.stats.refused.ISSUER_NOT_TRUSTED, 1);
    // It trusts the outsider's key, so the outsider's host accepts a's calls.
    assert.equal(dec.decode(await a.call(echo(outsider), 'Echo.Echo', 'ok')), 'ok');
    assert.equal(dec.decode(await a.call(echo(a), 'Count.Up')), '1');
  });

  it('a captured invocation re-sent is refused as REPLAY, even on another actor of the same host', async () => {
    const key = cluster();
    const a = await host({ key, issuers: [key.publicKey] });
    const b = await startHost({ natsUrl: srv.url, cluster: { key, issuers: [key.publicKey] }, actors: [echoActor(), echoActor(undefined, 'echo2')] });
    hosts.push(b);
    const spy = await raw();
    const captured: Uint8Array[] = [];
    const sub = spy.subscribe(`wasmbus.rpc.default.${echo(b)}`, { callback: (_e, m) => void captured.push(m.data) });
    await spy.flush();
    assert.equal(dec.decode(await a.call(echo(b), 'Echo.Echo', 'pay 10')), 'pay 10');
    // The spy's copy travels on its own connection: it may land after the answer reached the caller.
    for (const end = Date.now() + 2000; captured.length < 1 && Date.now() < end; ) await new Promise((r) => setTimeout(r, 5));
    sub.unsubscribe();
    assert.equal(captured.length, 1);
    const again = decodeInvocationResponse((await spy.request(`wasmbus.rpc.default.${echo(b)}`, captured[0]!, { timeout: 2000 })).data);
    assert.match(again.error ?? '', /^REPLAY: /);
    assert.equal(again.invocation_id, decodeInvocation(captured[0]!).id);
    assert.equal(refusalError(again.error!, {}).code, 'REPLAY');
    // Re-addressed to the host's other actor, the same token no longer matches its target.
    const other = b.actors[1]!.public_key;
    const moved = decodeInvocation(captured[0]!);
    moved.target = actorEntity(other);
    const res = decodeInvocationResponse((await spy.request(`wasmbus.rpc.default.${other}`, encodeInvocation(moved), { timeout: 2000 })).data);
    assert.match(res.error ?? '', /^TARGET_MISMATCH: /);
    // And sent as it was to the other actor's subject, it is refused as redirected.
    const redirected = decodeInvocationResponse((await spy.request(`wasmbus.rpc.default.${other}`, captured[0]!, { timeout: 2000 })).data);
    assert.match(redirected.error ?? '', /^TARGET_MISMATCH: /);
  });

  it('a body changed in flight by a relay is refused (HASH_MISMATCH); relayed unchanged, it is answered', async () => {
    const key = cluster();
    const b = await host({ key, issuers: [key.publicKey] });
    // The caller reaches b through a relay: it sends on lattice "relay", which the attacker serves.
    const mitm = await raw();
    let tamper = false;
    mitm.subscribe('wasmbus.rpc.relay.>', {
      callback: (_e, m) => {
        const req = decodeInvocation(m.data);
        if (tamper) req.msg = enc.encode(dec.decode(req.msg).replace('10', '99'));
        const target = m.subject.slice('wasmbus.rpc.relay.'.length);
        mitm.request(`wasmbus.rpc.default.${target}`, encodeInvocation(req), { timeout: 2000 }).then((r) => m.respond(r.data));
      },
    });
    await mitm.flush();
    const caller = await raw();
    const send = (payload: string) => sendInvocation(caller, { lattice: 'relay', key, hostId: KeyPair.create('server').publicKey, origin: actorEntity(KeyPair.create('module').publicKey), target: echo(b), operation: 'Echo.Echo', payload });
    assert.equal(dec.decode((await send('pay 10')).msg), 'pay 10');
    tamper = true;
    assert.equal(await codeOf(send('pay 10')), 'HASH_MISMATCH');
    assert.equal(b.stats.refused.HASH_MISMATCH, 1);
  });

  it('a cluster key rotated (new issuer everywhere, seeds switched, old issuer removed) loses no call', async () => {
    const oldKey = cluster();
    const newKey = cluster();
    let settings: ClusterSettings = { key: oldKey, issuers: [oldKey.publicKey] };
    // Each host re-reads its settings on reload(), as the CLI re-reads its config on SIGHUP.
    const views: ClusterSettings[] = [settings, settings, settings];
    const hs = await Promise.all([0, 1, 2].map((i) => host(() => views[i]!)));
    let stop = false;
    const failures: string[] = [];
    let done = 0;
    // Two callers per host, each calling the next host in turn, without pause.
    const loops = hs.flatMap((from, i) =>
      [0, 1].map(async () => {
        const to = hs[(i + 1) % hs.length]!;
        while (!stop) {
          try {
            const body = `${i}:${done}`;
            const got = dec.decode(await from.call(echo(to), 'Echo.Echo', body));
            if (got !== body) failures.push(`wrong answer ${got}`);
            done++;
          } catch (e) {
            failures.push(isSigchainError(e) ? `${e.code}: ${e.message}` : String(e));
            break; // one failure fails the test; spinning on it would only hide it
          }
        }
      }),
    );
    const pause = () => new Promise((r) => setTimeout(r, 150));
    const phases: number[] = [];
    const step = async (next: ClusterSettings[]) => {
      // One host at a time, as an operator editing configs and sending SIGHUP would.
      for (let i = 0; i < hs.length; i++) {
        views[i] = next[i]!;
        await hs[i]!.reload();
        await pause();
      }
      phases.push(done);
    };
    try {
      await pause();
      phases.push(done);
      await step(hs.map(() => ({ key: oldKey, issuers: [oldKey.publicKey, newKey.publicKey] })));
      await step(hs.map(() => ({ key: newKey, issuers: [oldKey.publicKey, newKey.publicKey] })));
      await step(hs.map(() => ({ key: newKey, issuers: [newKey.publicKey] })));
      await pause();
    } finally {
      stop = true;
      await Promise.all(loops);
    }
    phases.push(done);
    assert.deepEqual(failures, []);
    // Calls flowed in every phase (each is ≥ 450 ms of calls).
    for (let i = 1; i < phases.length; i++) assert.ok(phases[i]! - phases[i - 1]! > 20, `calls per phase: ${phases.join(', ')}`);
    for (const h of hs) assert.deepEqual(h.issuers, [newKey.publicKey]);
    // The rotation was real: the old key is refused now.
    assert.equal(await codeOf(call({ natsUrl: srv.url, cluster: { key: oldKey }, target: echo(hs[0]!), operation: 'Echo.Echo' })), 'ISSUER_NOT_TRUSTED');
    settings = { key: newKey, issuers: [] };
    assert.equal(dec.decode(await call({ natsUrl: srv.url, cluster: settings, target: echo(hs[0]!), operation: 'Echo.Echo', payload: 'new' })), 'new');
  });

  it('a bad reload leaves the host as it was', async () => {
    const key = cluster();
    const h = await host({ key, issuers: [] });
    await assert.rejects(h.reload({ key: KeyPair.create('account'), issuers: [] }), (e) => isSigchainError(e) && e.code === 'WRONG_KEY_ROLE');
    await assert.rejects(h.reload({ key, issuers: ['ABAD'] }), (e) => isSigchainError(e) && e.code.startsWith('NKEY_'));
    assert.equal(h.issuer, key.publicKey);
    assert.equal(dec.decode(await call({ natsUrl: srv.url, cluster: { key }, target: echo(h), operation: 'Echo.Echo', payload: 'still' })), 'still');
  });

  it('random and cut-short bytes on an actor subject get coded refusals, and the host keeps serving', async () => {
    const key = cluster();
    const h = await host({ key, issuers: [] });
    const nc = await raw();
    const subject = `wasmbus.rpc.default.${echo(h)}`;
    const valid = encodeInvocation((await import('../../src/invocation/index.js')).signInvocationSync({ origin: actorEntity(KeyPair.create('module').publicKey), target: actorEntity(echo(h)), operation: 'Echo.Echo', msg: enc.encode('x'.repeat(200)), host_id: h.hostId }, key));
    const input = fc.oneof(
      fc.uint8Array({ maxLength: 512 }),
      fc.integer({ min: 0, max: valid.length - 1 }).map((n) => valid.slice(0, n)),
      fc.tuple(fc.integer({ min: 0, max: valid.length - 1 }), fc.integer({ min: 0, max: 255 })).map(([i, b]) => {
        const copy = valid.slice();
        copy[i] = b;
        return copy;
      }),
    );
    await fc.assert(
      fc.asyncProperty(input, async (bytes) => {
        const res = decodeInvocationResponse((await nc.request(subject, bytes, { timeout: 2000 })).data);
        // A flipped byte may leave a valid invocation (in a field nothing signs): then it echoes.
        if (res.error === undefined) return;
        const code = /^([A-Z_]+): /.exec(res.error)?.[1];
        assert.ok(code !== undefined && Object.hasOwn(ErrorCodes, code), res.error);
      }),
      { numRuns: 150 },
    );
    assert.equal(dec.decode(await call({ natsUrl: srv.url, cluster: { key }, target: echo(h), operation: 'Echo.Echo', payload: 'alive' })), 'alive');
  });
});
