import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { AuditRecordInput } from '../../../src/keys/audit-record.js';
import { GENESIS, parseRecord, recordLine, sha256Hex } from '../../../src/store/audit/lines.js';

const SEED = 'SUAAVHZKVSTJHFVMQMRIRUJFDSM2LCSCGCR2HDRFAA5AKE5MMO5SVJUDPY';

// The line as JSON.stringify of the record object writes it: recordLine must write these bytes.
function reference(r: AuditRecordInput, seq: number, prev: string): string {
  const clean = (t: string) => {
    const c = t.replace(/S[OAUNCXMVP][A-Z2-7]{56}/g, '[seed removed]');
    return c.length > 256 ? `${c.slice(0, 255)}…` : c;
  };
  const line: Record<string, unknown> = { seq, time: r.time, key: r.key, backend: r.backend, usage: r.usage, kind: r.kind };
  if (r.subject !== undefined && r.subject !== '') line.subject = clean(r.subject);
  line.sha256 = r.sha256;
  line.caller = typeof r.caller === 'string' ? clean(r.caller) : { uid: r.caller.uid, pid: r.caller.pid };
  line.result = r.result;
  if (r.result !== 'ok') line.code = clean(String(r.code ?? 'UNKNOWN'));
  line.prev = prev;
  return JSON.stringify(line);
}

describe('audit record lines', () => {
  it('are the bytes JSON.stringify of the record writes, for any subject, caller and code text', () => {
    const text = fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.constant(`a "quoted" \\ ${SEED} \n\u2028 </script>`));
    fc.assert(
      fc.property(
        fc.record({
          subject: fc.option(text, { nil: undefined }),
          caller: fc.oneof(text, fc.record({ uid: fc.nat(), pid: fc.nat() })),
          result: fc.constantFrom('ok', 'refused', 'error') as fc.Arbitrary<AuditRecordInput['result']>,
          code: fc.option(text, { nil: undefined }),
          seq: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
        }),
        (o) => {
          const r: AuditRecordInput = {
            time: new Date(1796432098000).toISOString(),
            key: 'UAG7ADQUVKBGTSILYPSK2X5J2OZW7N524FMYW56VKFWXZJELS4DVCMAE',
            backend: 'memory',
            usage: 'authentication',
            kind: 'message',
            sha256: sha256Hex('x'),
            caller: o.caller,
            result: o.result,
            ...(o.subject !== undefined ? { subject: o.subject } : {}),
            ...(o.code !== undefined ? { code: o.code } : {}),
          };
          const line = recordLine(r, o.seq, GENESIS);
          assert.equal(line, reference(r, o.seq, GENESIS));
          assert.equal(typeof parseRecord(Buffer.from(line)), 'object', 'and it reads back as a record');
          assert.ok(!line.includes(SEED), 'never a seed');
        },
      ),
      { numRuns: 300, seed: 20261205 },
    );
  });

  it('sha256Hex is the SHA-256 of the bytes, in lowercase hex', () => {
    assert.equal(sha256Hex(''), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    assert.equal(sha256Hex(Buffer.from('abc')), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
