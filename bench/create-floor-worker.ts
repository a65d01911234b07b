/**
 * Worker of the `create_floor` and `safe_create_floor` peers (see `create-floor.ts`): for each
 * user of its range, the least creating a user can do: a random seed made a key, one signature,
 * four new files. Safe: each file written under a temp name, renamed into place (record, seed,
 * creds, then the JWT) when the parent says every byte is synced.
 */
import { createPrivateKey, createPublicKey, randomBytes, sign } from 'node:crypto';
import { closeSync, openSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import type { CreateFloorInput } from './create-floor.js';

function create(path: string, bytes: Buffer): void {
  const fd = openSync(path, 'wx', 0o600);
  try {
    writeSync(fd, bytes);
  } finally {
    closeSync(fd);
  }
}

const A = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const { root, from, to, input, metaBytes, credsBytes, safe } = workerData as CreateFloorInput;
// Final names in the order they are renamed into place (safe only).
const placed: string[] = [];
const put = (path: string, bytes: Buffer): void => {
  if (!safe) return create(path, bytes);
  create(`${path}.tmp`, bytes);
  placed.push(path);
};
const data = Buffer.from(input, 'ascii');
const meta = Buffer.alloc(metaBytes, 0x61);
const creds = Buffer.alloc(credsBytes, 0x62);
for (let i = from; i < to; i++) {
  const key = createPrivateKey({ key: { kty: 'OKP', crv: 'Ed25519', d: randomBytes(32).toString('base64url'), x: '' }, format: 'jwk' });
  const pub = Buffer.from(createPublicKey(key).export({ format: 'jwk' }).x!, 'base64url');
  const token = Buffer.concat([data, Buffer.from('.'), Buffer.from(sign(null, data, key).toString('base64url'))]);
  const a = A[pub[0]! & 31]!;
  const b = A[pub[1]! & 31]!;
  const name = `U${a}${b}${pub.toString('hex')}`;
  put(join(root, 'keys', `U${a}`, `${a}${b}`, `${name}.json`), meta);
  put(join(root, 'keys', `U${a}`, `${a}${b}`, `${name}.nk`), Buffer.from(`SU${pub.toString('hex')}`));
  put(join(root, 'creds', `u${i}.creds`), creds);
  put(join(root, 'users', `u${i}.jwt`), token);
}
parentPort!.postMessage('written');
if (safe) {
  parentPort!.once('message', () => {
    for (const path of placed) renameSync(`${path}.tmp`, path);
    parentPort!.postMessage('placed');
  });
}
