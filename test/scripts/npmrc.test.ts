// The repository's .npmrc must not silence npm's own errors: `npm run` of a script that does
// not exist, in this folder, says so on stderr and exits non-zero.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { it } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

it("npm's errors are shown in this repository", () => {
  assert.doesNotMatch(readFileSync(`${ROOT}.npmrc`, 'utf8').replace(/^#.*$/gm, ''), /loglevel\s*=\s*silent|^\s*silent\s*=\s*true/m);
  const r = spawnSync('npm', ['run', 'no-such-script-here'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /Missing script/i);
});
