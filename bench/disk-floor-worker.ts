/**
 * Worker of the `disk_floor` peer (see `disk-floor.ts`): for each user of its slice, the least a
 * re-issue can do. Read the token and the seed, sign the token's signing input once, write the
 * token (the new signature in place of the old) and the creds text in place. No parsing, no
 * checks, no atomic replacement: nothing a real re-issue could do with less.
 */
import { createPrivateKey, sign } from 'node:crypto';
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import type { FloorInput } from './disk-floor.js';

function writeInPlace(path: string, bytes: Buffer): void {
  const fd = openSync(path, 'r+');
  try {
    writeSync(fd, bytes, 0, bytes.length, 0);
  } finally {
    closeSync(fd);
  }
}

const { users, privateKeyDer, frame } = workerData as FloorInput;
const privateKey = createPrivateKey({ key: Buffer.from(privateKeyDer), format: 'der', type: 'pkcs8' });
const [head, mid, tail] = frame.map((s) => Buffer.from(s, 'utf8')) as [Buffer, Buffer, Buffer];
for (const u of users) {
  const token = readFileSync(u.jwtPath);
  const seed = readFileSync(u.seedPath);
  const dot = token.lastIndexOf(0x2e);
  token.write(sign(null, token.subarray(0, dot), privateKey).toString('base64url'), dot + 1, 'latin1');
  writeInPlace(u.credsPath, Buffer.concat([head, token, mid, seed, tail]));
  writeInPlace(u.jwtPath, token);
}
parentPort!.postMessage(users.length);
