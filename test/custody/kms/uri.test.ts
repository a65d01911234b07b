/**
 * cosign's KMS key URIs, as sigstore/sigstore parses them (pkg/signature/kms/{aws,gcp,hashivault}),
 * and what the kms keyring refuses before it calls any service.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { kmsKeyring, kmsSignerFromUri } from '../../../src/custody/kms/keyring.js';
import { formatKmsUri, isKmsUri, parseKmsUri } from '../../../src/custody/kms/uri.js';
import { KeyPair } from '../../../src/nkeys/keypair.js';
import { rejectsWith } from './common.js';

const ID = '1234abcd-12ab-34cd-56ef-1234567890ab';

test('awskms URIs: key id, multi-region id, key ARN, alias, alias ARN, with and without an endpoint (cosign examples)', () => {
  assert.deepEqual(parseKmsUri(`awskms:///${ID}`), { scheme: 'awskms', keyId: ID });
  assert.deepEqual(parseKmsUri('awskms:///mrk-1234abcd12ab34cd56ef1234567890ab'), { scheme: 'awskms', keyId: 'mrk-1234abcd12ab34cd56ef1234567890ab' });
  assert.deepEqual(parseKmsUri(`awskms://localhost:4566/${ID}`), { scheme: 'awskms', keyId: ID, endpoint: 'localhost:4566' });
  assert.deepEqual(parseKmsUri(`awskms:///arn:aws:kms:us-east-2:111122223333:key/${ID}`), { scheme: 'awskms', keyId: `arn:aws:kms:us-east-2:111122223333:key/${ID}`, region: 'us-east-2' });
  assert.deepEqual(parseKmsUri('awskms:///alias/ExampleAlias'), { scheme: 'awskms', keyId: 'alias/ExampleAlias' });
  assert.deepEqual(parseKmsUri('awskms://kms.example.com/arn:aws-us-gov:kms:us-gov-west-1:111122223333:alias/ExampleAlias'), {
    scheme: 'awskms',
    keyId: 'arn:aws-us-gov:kms:us-gov-west-1:111122223333:alias/ExampleAlias',
    endpoint: 'kms.example.com',
    region: 'us-gov-west-1',
  });
  for (const uri of [`awskms:///${ID}`, `awskms://localhost:4566/alias/x`, `awskms:///arn:aws:kms:us-east-2:111122223333:key/${ID}`]) assert.equal(formatKmsUri(parseKmsUri(uri)), uri);
});

test('gcpkms and hashivault URIs; cosign short forms read and written canonically', () => {
  const name = 'projects/p-1/locations/global/keyRings/ring/cryptoKeys/key/cryptoKeyVersions/2';
  const g = parseKmsUri(`gcpkms://${name}`);
  assert.deepEqual(g, { scheme: 'gcpkms', project: 'p-1', location: 'global', keyRing: 'ring', cryptoKey: 'key', version: '2', name });
  assert.equal(formatKmsUri(parseKmsUri(`gcpkms://${name.replace('cryptoKeyVersions', 'versions')}`)), `gcpkms://${name}`);
  assert.deepEqual(parseKmsUri('hashivault://nats-operator'), { scheme: 'hashivault', keyName: 'nats-operator' });
  assert.deepEqual(parseKmsUri('openbao://a.b_c-1'), { scheme: 'openbao', keyName: 'a.b_c-1' });
  assert.deepEqual(parseKmsUri('hashivault://k'), { scheme: 'hashivault', keyName: 'k' });
  assert.ok(isKmsUri('gcpkms://x') && isKmsUri('hashivault://x') && !isKmsUri('pkcs11:token=x'));
});

test('malformed key URIs are KEY_URI_INVALID, saying the form expected', () => {
  const bad: [string, RegExp][] = [
    ['awskms://', /awskms:\/\/\/KEY/],
    ['awskms:///not-a-key-id', /key id/],
    ['awskms:///alias/', /alias\/NAME/],
    ['awskms:///alias/has space', /alias/],
    [`awskms:///arn:aws:kms:us-east-2:12345:key/${ID}`, /ARN/],
    [`awskms://user:secret@host/${ID}`, /credentials never go in a key URI/],
    [`awskms://ho st/${ID}`, /HOST\[:PORT\]/],
    ['gcpkms://projects/p/locations/l/keyRings/r/cryptoKeys/k', /names no key version/],
    ['gcpkms://projects/p/locations/l/keyRings/r/cryptoKeys/k/cryptoKeyVersions/1/extra', /gcpkms:\/\/projects\/P/],
    ['hashivault://', /hashivault:\/\/NAME/],
    ['hashivault://-leading', /hashivault:\/\/NAME/],
    ['hashivault://a/b', /hashivault:\/\/NAME/],
    ['azurekms://vault.azure.net/key', /not a KMS key URI/],
  ];
  for (const [uri, why] of bad) {
    assert.throws(() => parseKmsUri(uri), (e: Error & { code?: string }) => e.code === 'KEY_URI_INVALID' && why.test(e.message), uri);
  }
  assert.throws(() => parseKmsUri(`awskms://user:secret@host/${ID}`), (e: Error) => !e.message.includes('secret'));
});

test('kms keyring: generate is KEYRING_UNSUPPORTED; a bad URI is refused when registered, before any request', async () => {
  const ring = kmsKeyring({ keys: [] });
  assert.equal(ring.backend, 'kms');
  await rejectsWith(ring.generate('account', ['issuing']), 'KEYRING_UNSUPPORTED', [], /keys register/);
  assert.deepEqual(await ring.list(), []);
  assert.throws(() => kmsKeyring({ keys: [{ uri: 'awskms:///nope', role: 'account', usages: ['issuing'] }] }), /KEY_URI_INVALID|not a key URI/);
  await rejectsWith(kmsSignerFromUri('hashivault://', { publicKey: KeyPair.create('account').publicKey, role: 'account', usages: ['issuing'] }), 'KEY_URI_INVALID');
});
