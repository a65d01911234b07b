// A big folder read by two threads (jwt-dir-read.ts) gives exactly the entries of the one-thread
// reader, odd files included: whichever thread reads a file, its facts, its error code and its
// message are the same, and the order is the folder's sorted order.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { isSigchainError } from '../../src/errors.js';
import { readJwtDir } from '../../src/store/jwt-dir-read.js';
import { type JwtDirEntry, readJwtDirSync } from '../../src/store/jwt-files.js';
import { buildUserStore } from '../helpers/big-store.js';

const b64 = (s: string): string => Buffer.from(s).toString('base64url');

function plain(entries: JwtDirEntry[]): unknown[] {
  return entries.map((e) => (e.error ? { name: e.name, code: e.error.code, message: e.error.message, details: e.error.details, sigchain: isSigchainError(e.error) } : e));
}

describe('readJwtDir', () => {
  it('two threads read a folder as one does, odd files included', async (t) => {
    const home = mkdtempSync(join(tmpdir(), 'sigchain-jwtdir-'));
    t.after(() => rmSync(home, { recursive: true, force: true }));
    const store = await buildUserStore(join(home, 'store'), 3);
    const dir = join(home, 'users');
    mkdirSync(dir);
    const [a, b, c] = store.users.map((u) => u.token);
    // Enough files for several chunks on each thread.
    for (let i = 0; i < 1600; i++) writeFileSync(join(dir, `u${String(i).padStart(5, '0')}.jwt`), [a, b, c][i % 3]!, { mode: 0o600 });
    const [h, p, s] = a!.split('.');
    const odd: Record<string, string | Buffer> = {
      'broken.jwt': 'not a jwt',
      'empty.jwt': '',
      'dup.jwt': `${h}.${b64(`{"sub":"${store.users[0]!.publicKey}","sub":"${store.users[1]!.publicKey}"}`)}.${s}`,
      'deep.jwt': `${h}.${b64(`${'['.repeat(101)}${']'.repeat(101)}`)}.${s}`,
      'badsig.jwt': `${h}.${p}.${s!.slice(0, -2)}`,
      'nbsp.jwt': Buffer.concat([Buffer.from(a!), Buffer.from([0xa0])]),
      'spaced.jwt': `\n  ${b}\n\n`,
      'account.jwt': await store.ws.store.openOperator('O').then((op) => op.readAccountJwt('A')),
      '.hidden.jwt': a!,
      'notes.txt': 'x',
    };
    for (const [name, text] of Object.entries(odd)) writeFileSync(join(dir, name), text, { mode: 0o600 });
    mkdirSync(join(dir, 'folder.jwt'));
    for (const tokens of [false, true]) {
      const one = plain(readJwtDirSync(dir, { tokens }));
      assert.equal(one.length, 1608);
      assert.ok(one.some((e) => (e as { code?: string }).code === 'STORE_CORRUPT'));
      assert.deepEqual(plain(await readJwtDir(dir, { tokens, parallelFrom: 0, helperOnly: true })), one, 'every file read by the second thread');
      assert.deepEqual(plain(await readJwtDir(dir, { tokens, parallelFrom: 0, force: true })), one, 'files shared between the threads');
      assert.deepEqual(plain(await readJwtDir(dir, { tokens })), one, 'a small folder, on this thread');
    }
  });
});
