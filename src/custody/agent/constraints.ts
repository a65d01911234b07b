/**
 * `agent add --only KIND…`: what a key in sigchain's agent may sign, judged from the bytes
 * themselves (OpenSSH's agent signs whatever it is sent; this one knows what it signs).
 *
 * - `nonce-claim`: Arkeo's claim text `CONTRACT:NONCE:CHAIN` (NONCE a positive 63-bit decimal).
 * - `user-jwt[:ACCOUNT]`: the `header.payload` of a NATS user JWT, read as strictly as every
 *   token sigchain reads (src/jwt + src/claims/nats, after signing: the signature is returned only
 *   if the whole token decodes as a user JWT issued by this key), of ACCOUNT if named (the
 *   account the token says it belongs to, `issuer_account` or else `iss`, must be ACCOUNT).
 * - `invocation`: the `header.payload` of a wasmCloud invocation token (what a cluster key signs
 *   for an invocation), read as strictly as every wascap token (after signing: the signature is
 *   returned only if the whole token decodes as an invocation token issued by this key).
 *
 * The same reading names the kind and subject of every signature for the audit record.
 */
import { SigchainError, isSigchainError } from '../../errors.js';
import { decodeUser } from '../../claims/nats/decode.js';
import { decodeWascap } from '../../claims/wascap/codec.js';
import type { SignKind } from '../../keys/signer.js';
import { isPublicKey } from '../../nkeys/codec.js';

/** One `--only` kind. */
export type OnlyKind = { readonly kind: 'nonce-claim' } | { readonly kind: 'user-jwt'; readonly account?: string } | { readonly kind: 'invocation' };

/** The kinds `--only` takes, for help and errors. */
export const ONLY_KINDS = ['nonce-claim', 'user-jwt[:ACCOUNT]', 'invocation'] as const;

/**
 * Parses `--only` values (each may hold several, comma-separated). USAGE for an unknown kind or
 * an ACCOUNT that is not an account public key.
 *
 * @example
 * ```ts
 * parseOnly(['user-jwt:ACX…', 'nonce-claim']); // [{ kind: 'user-jwt', account: 'ACX…' }, { kind: 'nonce-claim' }]
 * ```
 */
export function parseOnly(specs: readonly string[]): OnlyKind[] {
  const out: OnlyKind[] = [];
  for (const spec of specs.flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean)) {
    if (spec === 'nonce-claim' || spec === 'invocation') out.push({ kind: spec });
    else if (spec === 'user-jwt') out.push({ kind: 'user-jwt' });
    else if (spec.startsWith('user-jwt:')) {
      const account = spec.slice('user-jwt:'.length);
      if (!isPublicKey(account, ['account'])) throw new SigchainError('USAGE', `--only user-jwt:ACCOUNT takes an account public key (A…); ${JSON.stringify(account)} is not one.`);
      out.push({ kind: 'user-jwt', account });
    } else throw new SigchainError('USAGE', `--only ${JSON.stringify(spec)} is not a kind the agent can check. Use ${ONLY_KINDS.join(', ')}.`);
  }
  return out;
}

/** The wire form of kinds (the `only@sigchain.dev` constraint's list). */
export function formatOnly(kinds: readonly OnlyKind[]): string[] {
  return kinds.map((k) => (k.kind === 'user-jwt' && k.account ? `user-jwt:${k.account}` : k.kind));
}

/** What bytes are, for the audit record. */
export interface Classified {
  readonly kind: SignKind;
  readonly subject?: string;
}

const NONCE_CLAIM = /^([0-9A-Za-z._-]{1,128}):([1-9][0-9]{0,18}):([0-9A-Za-z._-]{1,128})$/;
const MAX_NONCE = (1n << 63n) - 1n;
const SIGNING_INPUT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const B64URL = /^[A-Za-z0-9_-]+$/;

/** The contract of a well-formed nonce claim, or undefined. */
export function nonceClaimContract(data: Uint8Array): string | undefined {
  if (data.length > 300) return undefined;
  const m = NONCE_CLAIM.exec(Buffer.from(data).toString('latin1'));
  if (!m || BigInt(m[2]!) > MAX_NONCE) return undefined;
  return m[1];
}

/**
 * A cheap guess at what unconstrained bytes are, for the audit record only (never a decision):
 * a nonce claim, a JWT's signing input (subject read, not verified), else a message.
 */
export function classify(data: Uint8Array): Classified {
  const contract = nonceClaimContract(data);
  if (contract) return { kind: 'nonce-claim', subject: contract };
  if (data.length <= 256 * 1024) {
    // Called for every signature the agent audits: no copies, and no exception for bytes that
    // are not JSON (the common case of a plain message shaped like a signing input).
    const bytes = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    // A JWT's signing input starts with a base64url JSON header (`eyJ` is `{"`) and holds one dot.
    const dot = bytes.indexOf(0x2e);
    if (bytes[0] === 0x65 && bytes[1] === 0x79 && bytes[2] === 0x4a && dot > 0 && bytes.indexOf(0x2e, dot + 1) < 0) {
      // A payload that starts with `{` starts with `e` in base64url: any other byte is a message.
      const text = bytes[dot + 1] === 0x65 ? bytes.toString('latin1', dot + 1) : '';
      if (text && B64URL.test(text)) {
        const payload = Buffer.from(text, 'base64url');
        if (payload[0] === 0x7b /* { */) {
          try {
            const claims = JSON.parse(payload.toString('utf8')) as { sub?: unknown };
            return { kind: 'jwt', ...(typeof claims?.sub === 'string' ? { subject: claims.sub } : {}) };
          } catch {
            // not JSON: a message
          }
        }
      }
    }
  }
  return { kind: 'message' };
}

/**
 * Signs `data` with `sign` only if one of `kinds` admits it; the signature of a JWT is returned
 * only after the whole token decoded. Refuses with `AGENT_CONSTRAINT_VIOLATION`, saying why.
 * `sign` may answer later (a key held by reference signs in its token).
 *
 * @example
 * ```ts
 * const { signature, kind, subject } = await signWithin([{ kind: 'nonce-claim' }], bytes, (d) => edSign(null, d, key));
 * ```
 */
export async function signWithin(kinds: readonly OnlyKind[], data: Buffer, sign: (data: Buffer) => Buffer | Promise<Buffer>): Promise<Classified & { signature: Buffer }> {
  const reasons: string[] = [];
  for (const k of kinds) {
    if (k.kind === 'nonce-claim') {
      const contract = nonceClaimContract(data);
      if (contract) return { signature: await sign(data), kind: 'nonce-claim', subject: contract };
      reasons.push('not a nonce claim CONTRACT:NONCE:CHAIN');
    } else if (k.kind === 'invocation') {
      const text = data.toString('latin1');
      if (!SIGNING_INPUT.test(text)) {
        reasons.push('not the header.payload of an invocation token');
        continue;
      }
      const signature = await sign(data);
      try {
        const t = decodeWascap(`${text}.${signature.toString('base64url')}`, { expect: 'invocation', checkTime: false });
        return { signature, kind: 'invocation', subject: t.claims.sub };
      } catch (e) {
        reasons.push(`not a wasmCloud invocation token (${isSigchainError(e) ? e.code : 'unreadable'})`);
      }
    } else {
      const text = data.toString('latin1');
      if (!SIGNING_INPUT.test(text)) {
        reasons.push('not the header.payload of a JWT');
        continue;
      }
      const signature = await sign(data);
      let why: string | undefined;
      let subject: string | undefined;
      try {
        const claims = decodeUser(`${text}.${signature.toString('base64url')}`);
        subject = claims.sub;
        const account = claims.nats.issuer_account || claims.iss;
        if (k.account && account !== k.account) why = `a user JWT of account ${account}, not ${k.account}`;
      } catch (e) {
        why = `not a NATS user JWT this key issues (${isSigchainError(e) ? e.code : 'unreadable'})`;
      }
      if (!why) return { signature, kind: 'jwt', ...(subject ? { subject } : {}) };
      signature.fill(0); // made, judged, never handed out
      reasons.push(why);
    }
  }
  throw new SigchainError('AGENT_CONSTRAINT_VIOLATION', `The key may sign only ${formatOnly(kinds).join(', ')}; these bytes are ${reasons.join('; ')}. Nothing was signed.`);
}
