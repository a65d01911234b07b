// The store's folder readers: readJwtDir (reads on libuv's pool, a slice ahead of the decoding)
// gives exactly what readJwtDirSync gives, for good tokens across many slices and for every kind
// of bad file, each with its coded error.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { encodeUser } from '../../src/claims/nats/encode.js';
import { newUserClaims } from '../../src/claims/nats/user.js';
import { KeyPair } from '../../src/nkeys/keypair.js';
import { type JwtDirEntry, readJwtDir, readJwtDirSync } from '../../src/store/jwt-files.js';

const view = (entries: JwtDirEntry[]) => entries.map((e) => (e.error ? [e.name, e.error.code] : [e.name, e.facts.sub, e.facts.name, e.token ?? null]));

it('readJwtDir reads a folder as readJwtDirSync does: 700 tokens over several slices, bad files each with their code', async (t) => {
  const d = mkdtempSync(join(tmpdir(), 'sigchain-jwtdir-'));
  t.after(() => rmSync(d, { recursive: true, force: true }));
  const account = KeyPair.create('account');
  for (let i = 0; i < 700; i++) writeFileSync(join(d, `u${String(i).padStart(3, '0')}.jwt`), `${encodeUser(newUserClaims(`u${i}`, KeyPair.create('user').publicKey), account)}\n`);
  writeFileSync(join(d, 'garbage.jwt'), 'not a token');
  writeFileSync(join(d, 'latin.jwt'), Buffer.from([0x65, 0x79, 0xe9]));
  // More than the native read takes at once: read the node:fs way, and still a token's facts.
  writeFileSync(join(d, 'padded.jwt'), `${encodeUser(newUserClaims('padded', KeyPair.create('user').publicKey), account)}${' '.repeat(20_000)}`);
  mkdirSync(join(d, 'folder.jwt')); // not a file: not listed
  for (const tokens of [false, true]) {
    const want = readJwtDirSync(d, { tokens });
    const got = await readJwtDir(d, { tokens });
    assert.deepEqual(view(got), view(want));
    assert.equal(got.length, 703);
    assert.deepEqual(got.filter((e) => e.error).map((e) => [e.name, e.error!.code]), [['garbage', 'STORE_CORRUPT'], ['latin', 'STORE_CORRUPT']]);
    assert.equal(got.find((e) => e.name === 'padded')?.facts?.name, 'padded');
  }
  assert.deepEqual(await readJwtDir(join(d, 'none')), [], 'a missing folder is an empty list');
});
