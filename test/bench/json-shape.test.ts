// `bench --json` in quick mode: stdout is exactly one JSON object of the documented shape.
// Only the shape is checked; timings on a shared machine prove nothing.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { it } from 'node:test';
import { fileURLToPath } from 'node:url';

const BENCH = fileURLToPath(new URL('../../bench/main.js', import.meta.url));

const FIGURES: Record<string, string[]> = {
  'nkey.sign': ['node_crypto', 'nats_nkeys'],
  'nkey.verify': ['node_crypto', 'nats_nkeys'],
  'jwt.user.encode': ['node_crypto', 'nats_jwt'],
  'jwt.user.decode_verify': ['node_crypto', 'nats_jwt'],
  'jwt.user.decode_verify_cached': ['node_crypto', 'nats_jwt'],
  'reissue.users_10k': ['node_crypto', 'disk_floor'],
  'reissue.resign_10k': ['node_crypto'],
  'trust.chain_verify_warm': ['node_crypto', 'node_crypto_one_token', 'nats_jwt'],
  'cli.startup.version': ['node_bare'],
  'cli.startup.describe_operator': ['node_bare'],
  'agent.sign_1_client': ['node_crypto', 'ssh_agent'],
  'agent.sign_32_clients': ['node_crypto', 'ssh_agent'],
  'store.add_users_bulk': ['disk_floor', 'create_floor', 'safe_create_floor'],
  'store.list_users_10k': ['bare_read'],
  'store.keys_list_10k': ['bare_read'],
  'store.verify_files_10k': [],
};

const positive = (n: unknown): boolean => typeof n === 'number' && Number.isFinite(n) && n > 0;

it('bench --json (quick) prints one JSON object with every figure and peer', () => {
  const r = spawnSync(process.execPath, [BENCH, '--json'], {
    env: { ...process.env, SIGCHAIN_BENCH_QUICK: '1' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.equal(r.status, 0, `bench failed: ${r.stderr}`);
  assert.equal(r.stdout.trim().split('\n').length, 1, 'one line of output');
  const report = JSON.parse(r.stdout) as { figures: Record<string, { ops_per_s: unknown; vs: Record<string, unknown>; goal?: { met: unknown } }>; settings: { quick: unknown } };
  assert.equal(report.settings.quick, true);
  for (const [name, peers] of Object.entries(FIGURES)) {
    const f = report.figures[name];
    assert.ok(f, `figure ${name} present`);
    assert.ok(positive(f.ops_per_s), `${name}.ops_per_s is a positive number: ${String(f.ops_per_s)}`);
    for (const peer of peers) assert.ok(positive(f.vs[peer]), `${name}.vs.${peer} is a positive number: ${String(f.vs[peer])}`);
  }
  assert.equal(typeof report.figures['jwt.user.decode_verify']!.goal?.met, 'boolean', 'the decode_verify goal is reported');
  const reissue = report.figures['reissue.users_10k'] as { seconds?: unknown; units?: unknown; goal?: { met: unknown; min_ratio: unknown } };
  assert.ok(positive(reissue.seconds), 'the re-issue time is reported in seconds');
  assert.equal(reissue.units, 1000, 'quick mode re-issues 1,000 users');
  assert.equal(reissue.goal?.min_ratio, 0.4, 'judged against the disk floor (issue 8)');
  assert.equal((reissue.goal as { peer?: unknown } | undefined)?.peer, 'disk_floor');
  assert.equal(typeof reissue.goal?.met, 'boolean', 'the re-issue goal is reported');
  assert.equal(report.figures['reissue.resign_10k']!.goal, undefined, 'the in-memory 0.8x goal was withdrawn');
  assert.equal(typeof report.figures['trust.chain_verify_warm']!.goal?.met, 'boolean', 'the chain_verify_warm goal is reported');
  for (const name of ['cli.startup.version', 'cli.startup.describe_operator']) {
    assert.equal(typeof report.figures[name]!.goal?.met, 'boolean', `the ${name} goal is reported`);
  }
});

it('bench without --json prints a table naming every figure', () => {
  const r = spawnSync(process.execPath, [BENCH, '--quick'], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, `bench failed: ${r.stderr}`);
  for (const name of Object.keys(FIGURES)) assert.match(r.stdout, new RegExp(`^${name.replaceAll('.', '\\.')}\\s`, 'm'));
  assert.match(r.stdout, /vs node_crypto/);
  assert.match(r.stdout, /^trust\.chain_verify_warm: vs node_crypto_one_token \d/m, 'peers outside the table columns get a line');
  assert.throws(() => JSON.parse(r.stdout));
});
