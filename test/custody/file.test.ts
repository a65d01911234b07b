import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileKeyring } from '../../src/custody/file.js';
import { KeyStore } from '../../src/store/keystore.js';
import { tempDir } from '../store/helpers/fixtures.js';
import { keyringContract } from './contract.js';

keyringContract({ backend: 'file' }, async (t) => {
  const root = tempDir(t, 'sigchain-file-ring-');
  return { ring: fileKeyring(new KeyStore(root)), reopen: async () => fileKeyring(new KeyStore(root)) };
});

test('file keyring: a generated key is a plain nsc .nk (the seed alone) with its usages recorded beside it', async (t) => {
  const root = tempDir(t, 'sigchain-file-ring-');
  const ks = new KeyStore(root);
  const s = await fileKeyring(ks).generate('account', ['issuing']);
  assert.match(readFileSync(ks.keyPath(s.publicKey), 'utf8'), /^SA[A-Z2-7]{56}$/);
  assert.deepEqual((await ks.getKeyMeta(s.publicKey)).usages, ['issuing']);
});
