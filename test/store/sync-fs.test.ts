// syncFileSystems: one syncfs per filesystem on Linux, else an fsync per written path.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { syncFileSystems } from '../../src/store/sync-fs.js';

it('syncs by filesystem where it can, else file by file (skipping paths that are gone)', async (t) => {
  const d = mkdtempSync(join(tmpdir(), 'sigchain-sync-'));
  t.after(() => rmSync(d, { recursive: true, force: true }));
  const files = Array.from({ length: 20 }, (_, i) => join(d, `f${i}`));
  for (const f of files) writeFileSync(f, f);
  assert.equal(await syncFileSystems([d], [...files, d]), process.platform === 'linux' ? 'syncfs' : 'fsync');
  assert.equal(await syncFileSystems([d], [...files, join(d, 'gone'), d], 'fsync'), 'fsync');
  for (const f of files) assert.equal(readFileSync(f, 'utf8'), f);
});
