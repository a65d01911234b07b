// `nats server-config --resolver full|cache`: nsc's --nats-resolver shape, started for real.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { decodeOperator } from '../../src/claims/nats/decode.js';
import { addAccount, addOperator } from '../../src/workspace/index.js';
import type { Workspace } from '../../src/workspace/workspace.js';
import { cli, runCli } from '../helpers/cli.js';
import { freePort, startNatsServer } from '../helpers/nats-server.js';
import { freshHome } from './fixtures-b.js';

describe('nats server-config --resolver', () => {
  let home: string;
  let ws: Workspace;
  const dirs: string[] = [];
  before(async () => {
    ({ home, ws } = freshHome());
    await addOperator(ws, 'O', { generateSigningKey: true });
    await addAccount(ws, 'A');
  });
  after(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  test('full: operator, system account, the resolver block, only SYS preloaded; a real nats-server starts from it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sigchain-jwt-'));
    dirs.push(dir);
    const r = await cli(home, ['nats', 'server-config', '--resolver', 'full', '--resolver-dir', dir, '--allow-delete', '--interval', '30s']);
    const sys = decodeOperator(await (await ws.operator()).readOperatorJwt()).nats.system_account!;
    assert.match(r.stdout, new RegExp(`^system_account: ${sys}$`, 'm'));
    assert.match(r.stdout, new RegExp(`resolver \\{\\n    type: full\\n    dir: ${JSON.stringify(dir).replace(/[/.]/g, '\\$&')}\\n    allow_delete: true\\n    interval: "30s"\\n    timeout: "1.9s"\\n\\}`));
    const preloaded = [...r.stdout.matchAll(/^ {2}(A[A-Z2-7]{55}): /gm)].map((m) => m[1]);
    assert.deepEqual(preloaded, [sys]);
    const defaults = (await cli(home, ['nats', 'server-config', '--resolver', 'full'])).stdout;
    assert.match(defaults, /dir: "\.\/jwt"\n {4}allow_delete: false\n {4}interval: "2m"/);
    const srv = await startNatsServer(r.stdout);
    try {
      assert.match(srv.log(), /Managing all jwt in exclusive directory/);
    } finally {
      await srv.stop();
    }
  });

  test('cache: type cache with a ttl, no interval or allow_delete; starts; --interval with cache is a usage error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sigchain-jwt-'));
    dirs.push(dir);
    const r = await cli(home, ['nats', 'server-config', '--resolver', 'cache', '--resolver-dir', dir]);
    assert.match(r.stdout, /type: cache\n {4}dir: .*\n {4}ttl: "1h"\n {4}timeout: "1\.9s"/);
    assert.doesNotMatch(r.stdout, /interval|allow_delete/);
    const srv = await startNatsServer(r.stdout);
    try {
      assert.match(srv.log(), /Managing some jwt in exclusive directory/);
    } finally {
      await srv.stop();
    }
    for (const bad of [['--resolver', 'cache', '--interval', '1m'], ['--resolver', 'cache', '--allow-delete'], ['--resolver', 'full', '--interval', 'soon'], ['--resolver', 'disk'], ['--allow-delete']]) {
      const x = await runCli(home, ['nats', 'server-config', ...bad]);
      assert.equal(x.code, 2, `${bad.join(' ')}: ${x.stderr}`);
    }
  });

  test('a cluster block: two servers routed from the generated configs', async () => {
    const [c1, c2] = [await freePort(), await freePort()];
    const confs = [];
    for (const [i, [mine, peer]] of [[c1, c2], [c2, c1]].entries()) {
      const dir = mkdtempSync(join(tmpdir(), 'sigchain-jwt-'));
      dirs.push(dir);
      const r = await cli(home, ['nats', 'server-config', '--resolver', 'full', '--resolver-dir', dir, '--server-name', `s${i}`, '--cluster', 'C', '--cluster-listen', `127.0.0.1:${mine}`, '--routes', `nats-route://127.0.0.1:${peer}`]);
      confs.push(r.stdout);
    }
    assert.match(confs[0]!, /cluster \{\n {4}name: "C"\n {4}listen: 127\.0\.0\.1:\d+\n {4}routes: \[\n {8}"nats-route:\/\/127\.0\.0\.1:\d+"\n {4}\]\n\}/);
    const servers = await Promise.all(confs.map((c) => startNatsServer(c)));
    try {
      const t0 = Date.now();
      while (!servers.every((s) => /Route connection created/.test(s.log()))) {
        assert.ok(Date.now() - t0 < 5000, servers.map((s) => s.log()).join('\n'));
        await new Promise((r) => setTimeout(r, 50));
      }
    } finally {
      await Promise.all(servers.map((s) => s.stop()));
    }
    const x = await runCli(home, ['nats', 'server-config', '--resolver', 'full', '--cluster', 'C']);
    assert.equal(x.code, 2);
  });
});
