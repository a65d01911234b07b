// Cluster keys: the sources in order, the host's own key among the issuers, seeds and issuers of
// the wrong role refused, and an ad hoc key whose warning never holds the seed.
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { isSigchainError } from '../../src/errors.js';
import { resolveClusterKeys } from '../../src/invocation/index.js';

// wasmCloud 0.82's test keys (crates/host/src/wasmbus/mod.rs) and the dev-site's provisioning example.
const SEED = 'SCAIYCZTW775GJYX3MVWLURALVC3PULW43PTEKGH72JBMA3A7LOLGLQ2JA';
const PUB = 'CAQQHYABXBPDBZIGDZIT7E73HW66RPCFC3GGLQKSDDTVWUVOYZBYHUND';
const SEED2 = 'SCABNLVRXGEJEG5FBBPMMKMMY37FNKVLDY6YXHVL6WA4IRBEYD6ACIQKV4';
const PUB2 = 'CDMTUBVGADIQZFWBUZL7LEF7YHZF6CPSKO3HLOTLBQFY2FHDLZFAMYMD';
const OUTSIDE = 'CAT4QMKWIUTIX5ZBNOT2ICJHCSVVHGHLOHSXDSS5P2MIWRXHYHANTJZQ';
const HOST_SEED = 'SNAAGG2LW2FP2JTXDTLQNB4EOHQDHQR2Y75PYAVOCYUPGHUK24WA3RSZYI';
const HOST_PUB = 'NAGASFIHF5SBGTNTZUOVWT3O63SJUMIFUL7BH52T3UAFKQW7PPP46KFU';

const dir = mkdtempSync(join(tmpdir(), 'sigchain-cluster-'));
after(() => rmSync(dir, { recursive: true, force: true }));
function config(name: string, value: unknown, mode = 0o600): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(value));
  chmodSync(path, mode);
  return path;
}
function code(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (isSigchainError(e)) return e.code;
    throw e;
  }
  return 'none';
}

describe('resolveClusterKeys', () => {
  it('reads the seed and issuers from flags, appending its own key as 0.82 does', () => {
    const c = resolveClusterKeys({ clusterSeed: SEED, clusterIssuers: `${OUTSIDE}, ${PUB2}`, env: {} });
    assert.equal(c.key.publicKey, PUB);
    assert.deepEqual(c.issuers, [OUTSIDE, PUB2, PUB]);
    assert.equal(c.adhoc, false);
    assert.equal(c.warning, undefined);
    assert.deepEqual([c.seedSource, c.issuersSource], ['flag', 'flag']);
  });

  it('takes repeated --cluster-issuers and drops duplicates; keeps its key once', () => {
    const c = resolveClusterKeys({ clusterSeed: SEED, clusterIssuers: [PUB2, `${PUB},${PUB2}`], env: {} });
    assert.deepEqual(c.issuers, [PUB2, PUB]);
  });

  it('reads the environment (WASMCLOUD_CLUSTER_SEED, WASMCLOUD_CLUSTER_ISSUERS)', () => {
    const c = resolveClusterKeys({ env: { WASMCLOUD_CLUSTER_SEED: SEED2, WASMCLOUD_CLUSTER_ISSUERS: `${PUB},${PUB2}` } });
    assert.equal(c.key.publicKey, PUB2);
    assert.deepEqual(c.issuers, [PUB, PUB2]);
    assert.deepEqual([c.seedSource, c.issuersSource], ['env', 'env']);
  });

  it('reads a JSON --config (cluster_seed, cluster_issuers as a list or text); flags beat it, it beats the environment', () => {
    const file = config('host.json', { cluster_seed: SEED2, cluster_issuers: [OUTSIDE], other: 1 });
    const c = resolveClusterKeys({ configFile: file, env: { WASMCLOUD_CLUSTER_SEED: SEED, WASMCLOUD_CLUSTER_ISSUERS: PUB } });
    assert.equal(c.key.publicKey, PUB2);
    assert.deepEqual(c.issuers, [OUTSIDE, PUB2]);
    assert.deepEqual([c.seedSource, c.issuersSource], ['config', 'config']);
    const d = resolveClusterKeys({ clusterSeed: SEED, configFile: file, env: {} });
    assert.deepEqual([d.key.publicKey, d.seedSource, d.issuersSource], [PUB, 'flag', 'config']);
    const e = resolveClusterKeys({ configFile: config('issuers.json', { cluster_issuers: `${OUTSIDE},${PUB}` }, 0o644), env: { WASMCLOUD_CLUSTER_SEED: SEED } });
    assert.deepEqual(e.issuers, [OUTSIDE, PUB]);
  });

  it('refuses a seed of another role, a public key for a seed, and issuers that are not cluster keys', () => {
    assert.equal(code(() => resolveClusterKeys({ clusterSeed: HOST_SEED, env: {} })), 'NKEY_WRONG_ROLE');
    assert.equal(code(() => resolveClusterKeys({ env: { WASMCLOUD_CLUSTER_SEED: HOST_SEED } })), 'NKEY_WRONG_ROLE');
    assert.equal(code(() => resolveClusterKeys({ clusterSeed: PUB, env: {} })), 'NKEY_SEED_EXPECTED');
    assert.equal(code(() => resolveClusterKeys({ clusterSeed: SEED, clusterIssuers: HOST_PUB, env: {} })), 'NKEY_WRONG_ROLE');
    assert.equal(code(() => resolveClusterKeys({ clusterSeed: SEED, clusterIssuers: SEED2, env: {} })), 'NKEY_PUBLIC_EXPECTED');
    assert.equal(code(() => resolveClusterKeys({ clusterSeed: SEED, clusterIssuers: `${PUB.slice(0, -1)}A`, env: {} })), 'NKEY_BAD_CHECKSUM');
    // No message quotes the seed.
    try {
      resolveClusterKeys({ clusterSeed: HOST_SEED, env: {} });
    } catch (e) {
      assert.ok(!(e as Error).message.includes(HOST_SEED));
    }
  });

  it('refuses a config file with a seed that others may read, a non-object, or a missing file', () => {
    assert.equal(code(() => resolveClusterKeys({ configFile: config('open.json', { cluster_seed: SEED }, 0o644), env: {} })), process.platform === 'win32' ? 'none' : 'INSECURE_PERMISSIONS');
    assert.equal(code(() => resolveClusterKeys({ configFile: config('list.json', [SEED]), env: {} })), 'USAGE');
    assert.equal(code(() => resolveClusterKeys({ configFile: config('num.json', { cluster_seed: 5 }), env: {} })), 'USAGE');
    assert.equal(code(() => resolveClusterKeys({ configFile: join(dir, 'absent.json'), env: {} })), 'IO_ERROR');
  });

  it('with nothing given, generates an ad hoc key and warns without the seed', () => {
    const c = resolveClusterKeys({ env: {} });
    assert.equal(c.adhoc, true);
    assert.equal(c.key.role, 'cluster');
    assert.deepEqual(c.issuers, [c.key.publicKey]);
    assert.ok(c.warning);
    assert.match(c.warning, /single-host lattice/);
    assert.ok(c.warning.includes(c.key.publicKey));
    assert.ok(c.warning.includes(`sigchain keys export ${c.key.publicKey}`));
    assert.ok(!c.warning.includes(c.key.seed));
    assert.ok(!c.warning.includes(c.key.seed.slice(2, 20)));
    const d = resolveClusterKeys({ env: { WASMCLOUD_CLUSTER_SEED: '' }, clusterIssuers: OUTSIDE, exportCommand: (k) => `mytool export ${k}` });
    assert.equal(d.adhoc, true);
    assert.deepEqual(d.issuers, [OUTSIDE, d.key.publicKey]);
    assert.ok(d.warning?.includes(`mytool export ${d.key.publicKey}`));
  });
});
