// `npm run quickstart` walks through in a fresh temporary home even when SIGCHAIN_HOME is set:
// the home named by the caller is left untouched. The build step is stubbed (npm on PATH is a
// no-op here): the tests run from the dist/ that step would rebuild.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

it('quickstart ignores SIGCHAIN_HOME and uses a fresh temporary home', (t) => {
  const mine = mkdtempSync(join(tmpdir(), 'sigchain-mine-'));
  const bin = mkdtempSync(join(tmpdir(), 'sigchain-stub-'));
  const tmp = mkdtempSync(join(tmpdir(), 'sigchain-qs-'));
  t.after(() => [mine, bin, tmp].forEach((d) => rmSync(d, { recursive: true, force: true })));
  writeFileSync(join(mine, 'keep'), 'a real home');
  writeFileSync(join(bin, 'npm'), '#!/bin/sh\nexit 0\n');
  chmodSync(join(bin, 'npm'), 0o755);
  const r = spawnSync('bash', [join(ROOT, 'scripts', 'quickstart.sh')], {
    encoding: 'utf8',
    env: { PATH: `${bin}:${process.env.PATH}`, HOME: tmp, TMPDIR: tmp, SIGCHAIN_HOME: mine, SIGCHAIN_NSC: '1' },
    timeout: 180_000,
  });
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  const used = /^SIGCHAIN_HOME=(\S+)/m.exec(r.stdout)?.[1];
  assert.ok(used && used !== mine && used.startsWith(join(tmp, 'sigchain-quickstart.')), r.stdout);
  assert.deepEqual(readdirSync(mine), ['keep']);
  assert.ok(readdirSync(used).includes('stores'));
});
