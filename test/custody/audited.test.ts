// `audited`: the record is on the sink before the signature is handed back; a refusal is recorded
// as refused and rethrown; a sink that fails keeps the signature back (AUDIT_WRITE_FAILED); the
// record holds the SHA-256 of the bytes, never the bytes nor the seed. Also end to end with the
// real log on disk.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { audited } from '../../src/custody/audited.js';
import { memoryKeyring } from '../../src/custody/memory.js';
import type { AuditRecordInput, AuditSink } from '../../src/keys/audit-record.js';
import { KeyPair, verifySignature } from '../../src/nkeys/keypair.js';
import { openAuditLog } from '../../src/store/audit/log.js';
import { auditDir } from '../store/audit/helpers.js';

const enc = new TextEncoder();

/** A sink that holds each append until released, and logs what happened in order. */
function gatedSink(events: string[]): AuditSink & { records: AuditRecordInput[]; release(): void } {
  const records: AuditRecordInput[] = [];
  let open: () => void = () => undefined;
  let gate = new Promise<void>((r) => (open = r));
  return {
    records,
    release() {
      open();
      gate = new Promise<void>((r) => (open = r));
    },
    async append(r) {
      events.push('append-start');
      await gate;
      records.push(r);
      events.push('append-done');
    },
  };
}

describe('audited signer', () => {
  it('records the use (sha256 of the bytes, caller, subject) before the signature is returned', async () => {
    const ring = memoryKeyring();
    const inner = await ring.importKey(KeyPair.create('user'), ['authentication']);
    const events: string[] = [];
    const sink = gatedSink(events);
    const signer = audited(inner, sink, { uid: 1000, pid: 42 });
    assert.deepEqual([signer.publicKey, signer.role, signer.backend, [...signer.usages]], [inner.publicKey, 'user', 'memory', ['authentication']]);
    const data = enc.encode('claim 42:7:arkeo');
    const pending = signer.sign(data, { usage: 'authentication', kind: 'nonce-claim', subject: '42' }).then((s) => {
      events.push('signature');
      return s;
    });
    await new Promise((r) => setTimeout(r, 30));
    assert.deepEqual(events, ['append-start'], 'no signature while the record is not written');
    sink.release();
    const sig = await pending;
    assert.deepEqual(events, ['append-start', 'append-done', 'signature']);
    assert.ok(verifySignature(inner.publicKey, data, sig));
    const r = sink.records[0]!;
    assert.deepEqual(
      { ...r, time: undefined },
      { time: undefined, key: inner.publicKey, backend: 'memory', usage: 'authentication', kind: 'nonce-claim', subject: '42', sha256: createHash('sha256').update(data).digest('hex'), caller: { uid: 1000, pid: 42 }, result: 'ok' },
    );
  });

  it('a refused use (KEY_USAGE_VIOLATION) is recorded as refused with its code and rethrown', async () => {
    const ring = memoryKeyring();
    const inner = await ring.importKey(KeyPair.create('account'), ['issuing']);
    const records: AuditRecordInput[] = [];
    const signer = audited(inner, { append: async (r) => void records.push(r) }, 'sign');
    await assert.rejects(signer.sign(enc.encode('x'), { usage: 'authentication', kind: 'message' }), { code: 'KEY_USAGE_VIOLATION' });
    assert.deepEqual(records.map((r) => [r.result, r.code, r.usage]), [['refused', 'KEY_USAGE_VIOLATION', 'authentication']]);
  });

  it('a backend failure is recorded as error and rethrown', async () => {
    const records: AuditRecordInput[] = [];
    const failing = { publicKey: 'UX', role: 'user' as const, usages: ['authentication' as const], backend: 'kms' as const, async sign(): Promise<Uint8Array> { throw Object.assign(new Error('down'), {}); } };
    const signer = audited(failing, { append: async (r) => void records.push(r) }, 'sign');
    await assert.rejects(signer.sign(enc.encode('x'), { usage: 'authentication', kind: 'message' }), /down/);
    assert.deepEqual(records.map((r) => [r.result, r.code, r.backend]), [['error', 'INTERNAL', 'kms']]);
  });

  it('when the record cannot be written the signature is not returned (AUDIT_WRITE_FAILED)', async () => {
    const ring = memoryKeyring();
    const inner = await ring.importKey(KeyPair.create('user'), ['authentication']);
    const signer = audited(inner, { append: async () => { throw new Error('disk full'); } }, 'sign');
    await assert.rejects(signer.sign(enc.encode('x'), { usage: 'authentication', kind: 'message' }), (e: { code?: string; message: string }) => e.code === 'AUDIT_WRITE_FAILED' && /disk full/.test(e.message));
  });

  it('end to end with the log on disk: one record per use, refusals included, and the seed nowhere in it', async (t) => {
    const dir = auditDir(t);
    const ring = memoryKeyring();
    const kp = KeyPair.create('user');
    const inner = await ring.importKey(kp, ['authentication']);
    const signer = audited(inner, openAuditLog(dir), 'sign');
    const sigs = await Promise.all(Array.from({ length: 20 }, (_, i) => signer.sign(enc.encode(`m${i}`), { usage: 'authentication', kind: 'message' })));
    await assert.rejects(signer.sign(enc.encode('y'), { usage: 'issuing', kind: 'jwt', subject: 'UABC' }), { code: 'KEY_USAGE_VIOLATION' });
    assert.equal(sigs.length, 20);
    const log = openAuditLog(dir);
    assert.deepEqual((await log.verify()).ok && (await log.read()).map((r) => r.result).filter((r) => r === 'refused').length, 1);
    assert.equal((await log.read()).length, 21);
    const text = readFileSync(join(dir, 'audit.log'), 'utf8');
    assert.equal(text.includes(kp.seed), false, 'no seed');
    assert.equal(text.includes(Buffer.from(kp.seed).toString('hex')), false);
    assert.equal(text.includes('"m1"'), false, 'no payload');
  });
});
