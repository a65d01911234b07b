import { createHash } from 'node:crypto';
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

/**
 * The `jti` exactly as the Go library (and so nsc) computes it: base32 (no padding) of
 * SHA-512/256 over the JSON of aud, exp, iat, iss, name, nbf, sub with empty ones left out.
 * The `nats` object is not covered, so two tokens with the same standard claims share a jti.
 */
export function goJti(c: JtiInput): string {
  const data: Record<string, unknown> = {};
  if (c.aud) data.aud = c.aud;
  if (c.exp) data.exp = c.exp;
  if (c.iat) data.iat = c.iat;
  if (c.iss) data.iss = c.iss;
  if (c.name) data.name = c.name;
  if (c.nbf) data.nbf = c.nbf;
  if (c.sub) data.sub = c.sub;
  return base32Encode(createHash('sha512-256').update(goJson(data)).digest());
}
