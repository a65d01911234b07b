import * as nodeCrypto from 'node:crypto';
import { base32Encode } from '../nkeys/base32.js';
import { goJson } from './go-json.js';

/** The standard claims the Go library hashes into `jti`. */
export interface JtiInput {
  aud?: string | undefined;
  exp?: number | undefined;
  iat: number;
  iss: string;
  name?: string | undefined;
  nbf?: number | undefined;
  sub: string;
}

const NKEY_TEXT = /^[A-Z2-7]*$/;

// One-shot hashing (Node 20.12+) skips building a Hash object per token.
const oneShot = (nodeCrypto as { hash?: (alg: string, data: string, enc: 'buffer') => Buffer }).hash;
const sha512_256 = oneShot ? (data: string): Buffer => oneShot('sha512-256', data, 'buffer') : (data: string): Buffer => nodeCrypto.createHash('sha512-256').update(data).digest();

/**
 * The `jti` exactly as the Go library (and so nsc) computes it: base32 (no padding) of
 * SHA-512/256 over the JSON of aud, exp, iat, iss, name, nbf, sub with empty ones left out.
 * The `nats` object is not covered, so two tokens with the same standard claims share a jti.
 */
export function goJti(c: JtiInput): string {
  // The JSON Go writes for these fields, built directly: this runs once per token signed.
  let json = '';
  const add = (key: string, value: string | number | undefined): void => {
    // Keys (base32) and whole numbers are written as they are; other text goes through goJson.
    if (value) json += `${json ? ',' : '{'}"${key}":${typeof value === 'number' ? JSON.stringify(value) : NKEY_TEXT.test(value) ? `"${value}"` : goJson(value)}`;
  };
  add('aud', c.aud);
  add('exp', c.exp);
  add('iat', c.iat);
  add('iss', c.iss);
  add('name', c.name);
  add('nbf', c.nbf);
  add('sub', c.sub);
  return base32Encode(sha512_256(json ? `${json}}` : '{}'));
}
