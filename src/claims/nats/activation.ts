import { createHash } from 'node:crypto';
import { SigchainError } from '../../errors.js';
import { base32Encode } from '../../nkeys/base32.js';
import { requireKey } from './common.js';
import { type ActivationClaims, type ExportType, NATS_JWT_VERSION } from './types.js';

/**
 * New activation claims: the exporting account lets `importingAccount` import `subject`
 * of kind `kind`. Pass `issuerAccount` when a signing key of the exporter will sign.
 *
 * @example
 * ```ts
 * const act = newActivationClaims('grant', importer.publicKey, 'orders.>', 'stream');
 * const token = encodeActivation(act, exporterKey);
 * ```
 */
export function newActivationClaims(name: string, importingAccount: string, subject: string, kind: ExportType, issuerAccount?: string): ActivationClaims {
  requireKey(importingAccount, ['account']);
  if (kind !== 'stream' && kind !== 'service') throw new SigchainError('INVALID_CLAIMS', `An activation kind is "stream" or "service", not ${JSON.stringify(kind)}.`);
  const claims: ActivationClaims = { name, sub: importingAccount, nats: { subject, kind, type: 'activation', version: NATS_JWT_VERSION } };
  if (issuerAccount) claims.nats.issuer_account = requireKey(issuerAccount, ['account']);
  return claims;
}

// Go cleanSubject: the subject up to its first wildcard token; "_" if it starts with one.
function cleanSubject(subject: string): string {
  const tokens = subject.split('.');
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i] === '*' || tokens[i] === '>') return i === 0 ? '_' : tokens.slice(0, i).join('.');
  }
  return subject;
}

/**
 * Go `ActivationClaims.HashID`: the name resolvers store an activation under —
 * base32 (with padding) of SHA-256 of `iss.sub.<subject up to its first wildcard>`.
 * Needs `iss` set, so pass decoded claims.
 *
 * @example
 * ```ts
 * activationHashId(decodeActivation(token));
 * ```
 */
export function activationHashId(claims: ActivationClaims): string {
  const { iss, sub } = claims;
  const subject = claims.nats.subject;
  if (!iss || !sub || !subject) throw new SigchainError('INVALID_CLAIMS', 'An activation hash needs iss, sub and nats.subject: pass decoded (signed) activation claims.');
  const raw = base32Encode(createHash('sha256').update(`${iss}.${sub}.${cleanSubject(subject)}`).digest());
  return raw + '='.repeat((8 - (raw.length % 8)) % 8);
}
