import type { AsyncSigner, Signer } from '../nkeys/keypair.js';
import { b64urlEncode } from './base64url.js';
import { NATS_FORMAT, type TokenFormat } from './formats.js';
import { utf8ToB64url } from './scratch.js';

const headerCache = new Map<TokenFormat, string>();
function encodedHeader(format: TokenFormat): string {
  let h = headerCache.get(format);
  if (!h) headerCache.set(format, (h = b64urlEncode(format.stringify(format.header))));
  return h;
}

/** The ASCII bytes Ed25519 signs: `b64url(header).b64url(payload)`. */
export function signingInput(claims: object, format: TokenFormat = NATS_FORMAT): string {
  return `${encodedHeader(format)}.${utf8ToB64url(format.stringify(claims))}`;
}

/**
 * Signs `claims` (already in field order, with `iss` set to the signer) into a compact JWT.
 * Low level: the claims builders in `sigchain/claims` set iss, iat, jti and defaults.
 *
 * @example
 * ```ts
 * const token = signJwt({ jti, iat, iss: kp.publicKey, sub, nats }, kp);
 * ```
 */
export function signJwt(claims: object, signer: Signer, format: TokenFormat = NATS_FORMAT): string {
  const input = signingInput(claims, format);
  // Not the shared scratch buffer: a signer is any code (a keyring entry, an audited key) and may
  // itself encode or decode a token while it signs.
  return `${input}.${b64urlEncode(signer.sign(Buffer.from(input, 'ascii')))}`;
}

/** {@link signJwt} for signers whose key is held elsewhere (key daemon, HSM, KMS). */
export async function signJwtAsync(claims: object, signer: AsyncSigner | Signer, format: TokenFormat = NATS_FORMAT): Promise<string> {
  const input = signingInput(claims, format);
  const sig = await signer.sign(Buffer.from(input, 'ascii'));
  return `${input}.${b64urlEncode(sig)}`;
}
