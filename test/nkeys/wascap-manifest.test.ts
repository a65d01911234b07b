// The repository's copy of wasmCloud's fixtures is what upstream published: every data file in
// test/fixtures/wascap has the size and SHA-256 MANIFEST.json records, and every file the tests
// read is there (a fresh clone needs nothing outside the repository).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { WASCAP_FIXTURES_DIR, WASCAP_SEEDS, loadManifest } from './wascap-fixtures.js';

// Ours, not upstream's: the note on where the files come from, and the licence they keep.
const OWN_FILES = new Set(['MANIFEST.json', 'README.md', 'LICENSE']);

describe('wascap fixtures in the repository', () => {
  const manifest = loadManifest();
  const copied = readdirSync(WASCAP_FIXTURES_DIR).filter((f) => !OWN_FILES.has(f));

  it('live inside the repository', () => {
    const root = fileURLToPath(new URL('../../../', import.meta.url));
    const rel = relative(root, resolve(WASCAP_FIXTURES_DIR));
    assert.equal(rel, join('test', 'fixtures', 'wascap'));
  });

  it('every copied file has the size and sha256 MANIFEST.json records', () => {
    assert.ok(copied.length > 0);
    for (const file of copied) {
      const entry = manifest.find((e) => e.file === file);
      assert.ok(entry, `${file} is not in MANIFEST.json`);
      const bytes = readFileSync(join(WASCAP_FIXTURES_DIR, file));
      assert.equal(bytes.length, entry.size, `${file} size`);
      assert.equal(createHash('sha256').update(bytes).digest('hex'), entry.sha256, `${file} sha256`);
    }
  });

  it('holds every file the tests read', () => {
    for (const f of WASCAP_SEEDS) assert.ok(copied.includes(f.file), `${f.file} is missing from ${WASCAP_FIXTURES_DIR}`);
  });

  it('MANIFEST.json entries are well formed (a hash to check every listed file against)', () => {
    for (const e of manifest) {
      assert.match(e.sha256, /^[0-9a-f]{64}$/, e.file);
      assert.ok(Number.isSafeInteger(e.size) && e.size > 0, e.file);
    }
  });
});
