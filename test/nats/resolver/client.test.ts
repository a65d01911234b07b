// The resolver client against what a real nats-server never sends: answers that are not JSON,
// JSON of the wrong types, oversized answers, a flood of answers, silence, and a connection
// dropped mid-request — parsed directly, and over the wire from a fake server speaking just
// enough NATS protocol. Every case ends with a bounded result, in bounded time.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { MAX_ANSWERS, MAX_JSON_ANSWER, ResolverSession, type SessionUser, parseServerAnswer } from '../../../src/nats/resolver/client.js';
import { KeyPair } from '../../../src/nkeys/keypair.js';
import { type FakeAnswer, type FakeNats, startFakeNats } from '../../helpers/fake-nats.js';

const bytes = (s: string) => ({ data: new TextEncoder().encode(s) });
const ACC = KeyPair.create('account').publicKey;

describe('parseServerAnswer: anything but a nats-server reply is undefined (garbage)', () => {
  it('refuses what is not a JSON object naming its server', () => {
    for (const s of ['', 'not json', '[1,2]', 'null', '42', '"text"', '{"data":[]}', '{"data":[],"server":"N1"}', '{"data":[],"server":{"id":5}}', '{"data":[],"server":{"name":"x"}}', '{"data":[],"server":[]}', '\u0000\u00ff{']) {
      assert.equal(parseServerAnswer(bytes(s)), undefined, s);
    }
    assert.equal(parseServerAnswer({ data: undefined }), undefined, 'an oversized answer (its bytes dropped)');
    assert.equal(parseServerAnswer({ data: new Uint8Array([0xff, 0xfe, 0x00, 0x7b]) }), undefined, 'bytes that are not UTF-8');
  });

  it('reads a reply, bounding the names it repeats', () => {
    const long = 'N'.repeat(10_000);
    const p = parseServerAnswer(bytes(JSON.stringify({ data: { message: 'jwt updated' }, server: { id: long, name: long } })));
    assert.ok(p);
    assert.equal(p.server.id.length, 128);
    assert.equal(p.server.name.length, 128);
    assert.deepEqual(parseServerAnswer(bytes('{"error":{"description":"no"},"server":{"id":"N1"}}')), { server: { id: 'N1', name: 'N1' }, error: { description: 'no' } });
  });

  it('property (fast-check, 500 runs): any bytes or any JSON value give undefined or a reply with bounded server names, never an exception', () => {
    const anyJson = fc.jsonValue({ maxDepth: 6 });
    const answer = fc.oneof(
      fc.uint8Array({ maxLength: 2048 }),
      anyJson.map((v) => new TextEncoder().encode(JSON.stringify(v))),
      fc.record({ data: anyJson, error: fc.option(anyJson, { nil: undefined }), server: fc.oneof(anyJson, fc.record({ id: fc.string(), name: fc.option(fc.string(), { nil: undefined }) })) }).map((v) => new TextEncoder().encode(JSON.stringify(v))),
    );
    fc.assert(
      fc.property(answer, (data) => {
        const p = parseServerAnswer({ data });
        if (p === undefined) return;
        assert.equal(typeof p.server.id, 'string');
        assert.ok(p.server.id.length > 0 && p.server.id.length <= 128 && p.server.name.length <= 128);
      }),
      { numRuns: 500, seed: 20261205 },
    );
  });

  it('survives deep nesting', () => {
    const deep = `{"data":${'['.repeat(100_000)}${']'.repeat(100_000)},"server":{"id":"N1"}}`;
    assert.ok(parseServerAnswer(bytes(deep)));
  });
});

describe('ResolverSession against a fake server speaking garbage', () => {
  const key = KeyPair.create('user');
  const user: SessionUser = { jwt: 'eyJ.fake.jwt', publicKey: key.publicKey, signNonce: (n) => key.sign(n) };
  let script: (subject: string) => FakeAnswer | undefined = () => undefined;
  let fake: FakeNats;
  before(async () => {
    fake = await startFakeNats({ answer: (subject) => script(subject) });
  });
  after(() => fake.close());

  async function session(): Promise<ResolverSession> {
    return ResolverSession.open({ servers: [fake.url], user, connectTimeoutMs: 2000 });
  }

  it('a list: garbage, wrong types and entries that are not account keys are dropped, counted, and never stand in for a server', async () => {
    script = () => ['not json', '{"data":"x","server":{"id":"N1"}}', JSON.stringify({ data: ['AAA', 5, ACC, '../x', `${ACC} x`, { a: 1 }], server: { id: 'N2', name: 'n2' } }), '[1,2]'];
    const s = await session();
    try {
      const t0 = performance.now();
      const r = await s.list({ timeoutMs: 5000, expect: 1 });
      assert.ok(performance.now() - t0 < 2000, 'stopped at the one readable answer');
      assert.deepEqual(r.answers, [{ server: { id: 'N2', name: 'n2' }, accounts: [ACC] }]);
      assert.equal(r.garbage, 2, 'the answers before the readable one');
      // Garbage alone never counts: the request waits its timeout, then reports it.
      script = () => ['not json', '{"data":[],"server":{"id":7}}'];
      const g = await s.list({ timeoutMs: 300, expect: 1 });
      assert.deepEqual(g, { answers: [], garbage: 2 });
    } finally {
      await s.close();
    }
  });

  it('an update: wrongly typed errors are refusals with a reason of our own; wrongly typed data and oversized answers are garbage', async () => {
    const oversized = JSON.stringify({ data: { message: 'x'.repeat(MAX_JSON_ANSWER) }, server: { id: 'N9' } });
    script = () => ['{"error":{"description":123},"server":{"id":"N3"}}', '{"data":null,"server":{"id":"N4"}}', '{"data":"jwt updated","server":{"id":"N5"}}', oversized, JSON.stringify({ error: { description: 'e'.repeat(5000) }, server: { id: 'N6' } })];
    const s = await session();
    try {
      const r = await s.update('eyJ.a.b', { timeoutMs: 1500, expect: 2 });
      assert.deepEqual(r.replies.map((x) => [x.server.id, x.ok, x.message.length > 100 ? x.message.length : x.message]), [['N3', false, 'refused (no reason given)'], ['N6', false, 1000]]);
      assert.equal(r.garbage, 3);
    } finally {
      await s.close();
    }
  });

  it('a flood of answers ends the request (bounded memory), long before its timeout', async () => {
    const junk = 'g'.repeat(100);
    script = () => Array.from({ length: MAX_ANSWERS * 3 }, () => junk);
    const s = await session();
    try {
      const t0 = performance.now();
      const r = await s.update('eyJ.a.b', { timeoutMs: 20_000, expect: 3 });
      assert.ok(performance.now() - t0 < 10_000, `took ${performance.now() - t0} ms`);
      assert.equal(r.replies.length, 0);
      assert.ok(r.garbage <= MAX_ANSWERS && r.garbage > 0, String(r.garbage));
      // The session still works afterwards; the flood's tail is dropped as stray.
      script = () => ['{"data":{"message":"jwt updated"},"server":{"id":"N1"}}'];
      const ok = await s.update('eyJ.a.b', { timeoutMs: 5000, expect: 1 });
      assert.deepEqual(ok.replies.map((x) => x.message), ['jwt updated']);
    } finally {
      await s.close();
    }
  });

  it('silence ends at the timeout; a lookup or pack of garbage yields nothing usable', async () => {
    const s = await session();
    try {
      script = () => undefined;
      const t0 = performance.now();
      assert.deepEqual(await s.update('eyJ.a.b', { timeoutMs: 300, expect: 1 }), { replies: [], garbage: 0 });
      assert.ok(performance.now() - t0 < 2000);
      script = () => [new Uint8Array([0, 1, 2, 255]), ''];
      assert.equal((await s.lookup(ACC, { timeoutMs: 300 })).length, 1, 'an empty answer is no token; the bytes are returned for the caller to refuse');
      script = () => ['no bar here', `${ACC}|eyJ.x.y`, '|nokey'];
      const unfinished = await s.pack(300);
      assert.equal(unfinished.complete, false, 'no end-of-stream message: incomplete');
      assert.deepEqual([...unfinished.tokens.keys()], [ACC]);
      script = () => [`${ACC}|eyJ.x.y`, ''];
      assert.equal((await s.pack(2000)).complete, true);
    } finally {
      await s.close();
    }
  });

  it('a later count (`until`) ends a request as soon as that many answered, or at once if they already did', async () => {
    const s = await session();
    try {
      script = () => [`eyJ.one.${'a'.repeat(10)}`];
      const t0 = performance.now();
      const held = await s.lookup(ACC, { timeoutMs: 20_000, expect: 3, until: new Promise((r) => setTimeout(() => r(1), 200)) });
      assert.equal(held.length, 1);
      assert.ok(performance.now() - t0 < 5000, `took ${performance.now() - t0} ms`);
      script = () => undefined;
      const none = await s.lookup(ACC, { timeoutMs: 20_000, expect: 3, until: Promise.resolve(0) });
      assert.deepEqual(none, []);
    } finally {
      await s.close();
    }
  });

  it('a server that drops the connection mid-request ends every pending request at once', async () => {
    const s = await session();
    try {
      script = (subject) => (subject === '$SYS.REQ.CLAIMS.UPDATE' ? 'close' : undefined);
      const t0 = performance.now();
      const pending = s.list({ timeoutMs: 20_000 });
      const r = await s.update('eyJ.a.b', { timeoutMs: 20_000, expect: 3 });
      assert.deepEqual(r, { replies: [], garbage: 0 });
      assert.deepEqual(await pending, { answers: [], garbage: 0 });
      assert.ok(performance.now() - t0 < 5000, `took ${performance.now() - t0} ms`);
    } finally {
      await s.close();
    }
  });
});
