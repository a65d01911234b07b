/**
 * Every use of a private key leaves a record in the audit log before its signature is handed
 * back: {@link audited} wraps any backend's Signer so that it does. Refusals are recorded too,
 * since a key asked to sign outside its usages is exactly what an audit should show.
 */
import { hash } from 'node:crypto';
import { SigchainError } from '../errors.js';
import type { AuditCaller, AuditRecordInput, AuditSink } from '../keys/audit-record.js';
import { type SignContext, type Signer, withSign } from '../keys/signer.js';

// Codes of checks that say no before the key is touched: recorded as `refused`, not `error`.
const REFUSALS = new Set(['KEY_USAGE_VIOLATION', 'KEY_RETIRED', 'AGENT_CONSTRAINT_VIOLATION', 'NONCE_NOT_INCREASING', 'KEYRING_PASSPHRASE_REQUIRED', 'KEYRING_BAD_PASSPHRASE', 'PKCS11_PIN_INCORRECT']);

/**
 * `signer`, with every signature (and every refusal) recorded in `sink` first. The record holds
 * the SHA-256 of the bytes, never the bytes nor a secret. If the record cannot be written,
 * the signature is dropped and `AUDIT_WRITE_FAILED` thrown; a refusal is recorded as `refused`
 * (a backend failure as `error`) and rethrown as it was (if that record cannot be written
 * either, the refusal is still what is thrown: nothing was signed).
 *
 * @example
 * ```ts
 * const signer = audited(await ring.signer(pub), openAuditLog(dir), 'sign');
 * const sig = await signer.sign(bytes, { usage: 'authentication', kind: 'message' }); // logged, then returned
 * ```
 */
export function audited(signer: Signer, sink: AuditSink, caller: AuditCaller): Signer {
  const record = (data: Uint8Array, context: SignContext, result: AuditRecordInput['result'], code?: string): AuditRecordInput => ({
    time: new Date().toISOString(),
    key: signer.publicKey,
    backend: signer.backend,
    usage: context.usage,
    kind: context.kind,
    ...(context.subject !== undefined ? { subject: context.subject } : {}),
    sha256: hash('sha256', data, 'hex'),
    caller,
    result,
    ...(code !== undefined ? { code } : {}),
  });
  return withSign(signer, async (data: Uint8Array, context: SignContext): Promise<Uint8Array> => {
    let sig: Uint8Array;
    try {
      sig = await signer.sign(data, context);
    } catch (e) {
      const code = e instanceof SigchainError ? e.code : 'INTERNAL';
      await sink.append(record(data, context, REFUSALS.has(code) ? 'refused' : 'error', code)).catch(() => undefined);
      throw e;
    }
    try {
      await sink.append(record(data, context, 'ok'));
    } catch (e) {
      if (e instanceof SigchainError && e.code === 'AUDIT_WRITE_FAILED') throw e;
      throw new SigchainError('AUDIT_WRITE_FAILED', `The audit log could not record the signature by ${signer.publicKey}, so it was not returned: ${(e as Error)?.message ?? e}. Check that the audit folder may be written and has space.`, { publicKey: signer.publicKey }, { cause: e });
    }
    return sig;
  });
}
