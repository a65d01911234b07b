// push against a "server" that answers garbage (a fake speaking just enough NATS protocol: a
// real nats-server's $SYS answers cannot be forged): every answer it cannot read is reported
// as refused, the server it stands for as "no answer", the exit code is 1 — and nothing hangs.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isSigchainError } from '../../../src/errors.js';
import { type Workspace, editOperator, pushAccounts, readAccount } from '../../../src/workspace/index.js';
import { runCli } from '../../helpers/cli.js';
import { type FakeAnswer, type FakeNats, startFakeNats } from '../../helpers/fake-nats.js';
import { tempWorkspace, walkthrough } from '../../nats/helpers.js';

const FAKE_ID = `NFAKE${'B'.repeat(51)}`;

describe('push to a server answering garbage', () => {
  const cleanup: Array<() => unknown> = [];
  let ws: Workspace;
  let fake: FakeNats;
  let accountKey: string;
  let script: (subject: string) => FakeAnswer | undefined = () => undefined;
  const list = () => [JSON.stringify({ data: [accountKey], server: { id: FAKE_ID, name: 'fake' } })];

  before(async () => {
    ws = tempWorkspace({ after: (fn) => cleanup.push(fn) });
    await walkthrough(ws);
    accountKey = (await readAccount(await ws.operator(), 'A')).claims.sub;
    fake = await startFakeNats({ id: FAKE_ID, name: 'fake', answer: (subject) => script(subject) });
    cleanup.push(() => fake.close());
    // Named as the operator's server: its probe tells who it is, so a list stops at its answer.
    await editOperator(ws, { serviceUrls: [fake.url] });
  });
  after(async () => {
    for (const fn of cleanup.reverse()) await fn();
  });

  it('garbage to the lookup and the update: "(unreadable answer)" refused, the server "no answer", SERVER_REFUSED, exit 1', async () => {
    script = (subject) => {
      if (subject === '$SYS.REQ.CLAIMS.LIST') return list();
      if (subject.endsWith('.CLAIMS.LOOKUP')) return [new Uint8Array([0xde, 0xad, 0xbe, 0xef]), 'eyJhbGciOiJub25lIn0.e30.x'];
      if (subject === '$SYS.REQ.CLAIMS.UPDATE') return ['<html>502</html>', '{"data":"jwt updated","server":{"id":"NX"}}', '{"data":{"message":"ok"},"server":{"id":42}}'];
      return undefined;
    };
    const t0 = Date.now();
    const r = await runCli(ws.paths.home.path, ['push', '-a', 'A', '--server', fake.url, '--timeout', '500ms', '--json']);
    assert.ok(Date.now() - t0 < 15_000, `took ${Date.now() - t0} ms`);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const j = JSON.parse(r.stdout) as { accounts: Array<{ account: string; servers: Array<{ server_id: string; server_name: string; status: string; reason?: string }> }>; error: { code: string } };
    assert.equal(j.error.code, 'SERVER_REFUSED');
    assert.deepEqual(
      j.accounts[0]!.servers.map((s) => [s.server_name, s.status, s.reason]),
      [
        ['(unreadable answer)', 'refused', '3 answers are not nats-server replies'],
        ['fake', 'no answer', undefined],
      ],
    );
    assert.ok(fake.requests.some((q) => q.subject === '$SYS.REQ.CLAIMS.UPDATE'), 'the garbage lookup did not stop the (verified) push');
  });

  it('garbage to the account list (awaited by -A): SERVER_REFUSED naming it, nothing pushed', async () => {
    script = (subject) => (subject === '$SYS.REQ.CLAIMS.LIST' ? ['not json', '{"data":{},"server":{"id":"N1"}}'] : undefined);
    const before = fake.requests.length;
    await assert.rejects(pushAccounts(ws, { accounts: 'all', server: fake.url, timeoutMs: 400 }), (e) => isSigchainError(e, 'SERVER_REFUSED') && /2 answer\(s\) that are not nats-server replies/.test((e as Error).message));
    assert.deepEqual(fake.requests.slice(before).map((q) => q.subject), ['$SYS.REQ.CLAIMS.LIST']);
  });

  it('a server dropping the connection on the update: "no answer" at once, not a hang', async () => {
    script = (subject) => (subject === '$SYS.REQ.CLAIMS.LIST' ? list() : subject === '$SYS.REQ.CLAIMS.UPDATE' ? 'close' : ['garbage']);
    const t0 = Date.now();
    const r = await pushAccounts(ws, { accounts: ['A'], server: fake.url, timeoutMs: 10_000 });
    assert.ok(Date.now() - t0 < 5000, `took ${Date.now() - t0} ms`);
    assert.deepEqual(r.accounts[0]!.servers.map((s) => [s.server_name, s.status]), [['fake', 'no answer']]);
  });
});
