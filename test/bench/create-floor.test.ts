// The create_floor peers of `store.add_users_bulk` make exactly the files they claim to, and the
// safe one leaves none under a temp name: a floor that skipped work would flatter the goal.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { createFloor } from '../../bench/create-floor.js';

const roots: string[] = [];
after(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

function everyFile(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath ?? e.path, e.name));
}

for (const safe of [false, true]) {
  it(`${safe ? 'safe_create_floor' : 'create_floor'}: four files a user, each under its final name, with the bytes asked for`, async () => {
    const root = mkdtempSync(join(tmpdir(), 'sigchain-create-floor-'));
    roots.push(root);
    const n = 40;
    const perSecond = await createFloor(root, n, 2, 'eyJhbGciOiJlZDI1NTE5LW5rZXkifQ.eyJzdWIiOiJVIn0', 120, 900, safe);
    assert.ok(perSecond > 0);
    const files = everyFile(root);
    assert.equal(files.length, 4 * n, files.slice(0, 5).join(', '));
    assert.deepEqual(files.filter((f) => f.endsWith('.tmp')), []);
    assert.equal(files.filter((f) => f.endsWith('.json')).length, n);
    assert.equal(files.filter((f) => f.endsWith('.nk')).length, n);
    const creds = files.filter((f) => f.endsWith('.creds'));
    assert.equal(creds.length, n);
    assert.equal(readFileSync(creds[0]!).length, 900);
    const jwts = files.filter((f) => f.endsWith('.jwt'));
    assert.equal(jwts.length, n);
    assert.match(readFileSync(jwts[0]!, 'utf8'), /^eyJhbGciOiJlZDI1NTE5LW5rZXkifQ\.eyJzdWIiOiJVIn0\.[A-Za-z0-9_-]{86}$/);
  });
}
