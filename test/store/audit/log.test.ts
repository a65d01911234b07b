// The audit log on disk: records chained and sealed; every kind of tampering named at the right
// record (edit, delete, reorder, cut tail, rewritten head); a crash's torn last line ignored and
// cut off by the next writer; no seed ever written.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { AuditLog, openAuditLog } from '../../../src/store/audit/log.js';
import { KeyPair } from '../../../src/nkeys/keypair.js';
import { auditDir, logLines, rec, writeLines } from './helpers.js';

async function filled(t: { after(fn: () => void): void }, n: number, seal = true): Promise<{ dir: string; log: AuditLog }> {
  const dir = auditDir(t);
  const log = openAuditLog(dir);
  for (let i = 1; i <= n; i++) await log.append(rec(i));
  if (seal) assert.deepEqual(await log.seal(), { sealed: true, records: n });
  return { dir, log };
}

/** `line` with the byte at offset `at` changed (to another hex digit, or to a `}` that breaks the JSON). */
function flipByte(line: string, at: number, breakJson = false): string {
  const c = breakJson ? '}' : line[at] === 'a' ? 'b' : 'a';
  return line.slice(0, at) + c + line.slice(at + 1);
}

describe('audit log', () => {
  it('chains records (seq, prev = sha256 of the previous line), 0600, verifies and reads with filters', async (t) => {
    const { dir, log } = await filled(t, 5);
    const lines = logLines(dir);
    assert.equal(lines.length, 5);
    const parsed = lines.map((l) => JSON.parse(l));
    assert.deepEqual(parsed.map((r) => r.seq), [1, 2, 3, 4, 5]);
    assert.equal(parsed[0].prev, '0'.repeat(64));
    const { createHash } = await import('node:crypto');
    for (let i = 1; i < 5; i++) assert.equal(parsed[i].prev, createHash('sha256').update(lines[i - 1]!).digest('hex'));
    assert.deepEqual(Object.keys(parsed[0]), ['seq', 'time', 'key', 'backend', 'usage', 'kind', 'subject', 'sha256', 'caller', 'result', 'prev']);
    assert.equal(statSync(join(dir, 'audit.log')).mode & 0o777, 0o600);
    assert.equal(statSync(join(dir, 'audit.nk')).mode & 0o777, 0o600);
    const v = await log.verify();
    assert.equal(v.ok, true);
    assert.equal(v.ok && v.records, 5);
    assert.equal(v.ok && v.sealed, 5);
    assert.match((v.ok && v.auditKey) || '', /^N/);
    assert.deepEqual(JSON.parse(readFileSync(join(dir, 'audit.json'), 'utf8')).usages, ['protocol']);

    await log.append(rec(6, { kind: 'nonce-claim', key: 'UOTHER', result: 'refused', code: 'NONCE_NOT_INCREASING' }));
    assert.deepEqual((await log.read({ kind: 'nonce-claim' })).map((r) => [r.seq, r.result, r.code]), [[6, 'refused', 'NONCE_NOT_INCREASING']]);
    assert.equal((await log.read({ key: 'UOTHER' })).length, 1);
    assert.equal((await log.read({ since: new Date(Date.now() + 60_000) })).length, 0);
    assert.equal((await log.read()).length, 6);
    // Appended after the seal: fine while the chain holds.
    assert.equal((await log.verify()).ok, true);
  });

  it('an empty or missing log verifies with 0 records; seal of nothing makes no key', async (t) => {
    const dir = auditDir(t);
    const log = new AuditLog(dir);
    assert.deepEqual(await log.verify(), { ok: true, records: 0, sealed: 0, torn: false });
    assert.deepEqual(await log.seal(), { sealed: true, records: 0 });
    assert.equal(existsSync(join(dir, 'audit.nk')), false);
    assert.equal(existsSync(dir), false, 'a seal of nothing makes no folder either');
  });

  it('a folder removed after records were written is not made again by the seal, which says so', async (t) => {
    const dir = auditDir(t);
    const log = new AuditLog(dir);
    await log.append(rec(1));
    rmSync(dir, { recursive: true });
    const r = await log.seal();
    assert.equal(r.sealed, false);
    assert.match(r.problem ?? '', /is gone/);
    assert.equal(existsSync(dir), false);
    await log.append(rec(2)); // a later record makes it again, from a fresh chain
    assert.deepEqual(await log.seal(), { sealed: true, records: 1 });
  });

  for (const k of [1, 3, 5, 6]) {
    for (const breakJson of [false, true]) {
      it(`editing one byte of record ${k} of 6 ${breakJson ? '(no longer JSON)' : '(still JSON)'} names record ${k}`, async (t) => {
        const { dir, log } = await filled(t, 6);
        const lines = logLines(dir);
        lines[k - 1] = flipByte(lines[k - 1]!, lines[k - 1]!.indexOf('"sha256":"') + 20, breakJson);
        writeLines(dir, lines);
        const v = await log.verify();
        assert.equal(v.ok, false);
        assert.equal(!v.ok && v.first_bad, k, JSON.stringify(v));
      });
    }
  }

  it('editing a value (subject) of a record, keeping valid JSON, names that record; also the last sealed one', async (t) => {
    const { dir, log } = await filled(t, 6);
    for (const k of [2, 6]) {
      const original = logLines(dir);
      const lines = [...original];
      lines[k - 1] = lines[k - 1]!.replace(`"subject":"s${k}"`, `"subject":"x${k}"`);
      writeLines(dir, lines);
      const v = await log.verify();
      assert.deepEqual(!v.ok && [v.first_bad], [k], JSON.stringify(v));
      writeLines(dir, original);
      assert.equal((await log.verify()).ok, true);
    }
  });

  it('deleting a middle record names its position', async (t) => {
    const { dir, log } = await filled(t, 6);
    const lines = logLines(dir);
    lines.splice(2, 1); // record 3
    writeLines(dir, lines);
    const v = await log.verify();
    assert.deepEqual(!v.ok && v.first_bad, 3, JSON.stringify(v));
  });

  it('swapping two records names the first position that holds the wrong one', async (t) => {
    const { dir, log } = await filled(t, 6);
    const lines = logLines(dir);
    [lines[3], lines[4]] = [lines[4]!, lines[3]!];
    writeLines(dir, lines);
    const v = await log.verify();
    assert.deepEqual(!v.ok && v.first_bad, 4, JSON.stringify(v));
  });

  it('cutting whole records off the end names the first missing one (the signed head counts them); seal will not cover it', async (t) => {
    const { dir, log } = await filled(t, 6);
    writeLines(dir, logLines(dir).slice(0, 4));
    const v = await log.verify();
    assert.deepEqual(!v.ok && [v.first_bad, v.records], [5, 4], JSON.stringify(v));
    const s = await log.seal();
    assert.equal(s.sealed, false);
    assert.match(s.problem!, /record 6/);
    assert.equal((await log.verify()).ok, false, 'the old head stays');
    // Everything cut: record 1 is the first missing.
    writeLines(dir, []);
    assert.deepEqual((await log.verify()) as unknown, { ok: false, first_bad: 1, records: 0, reason: 'the log holds 0 records but 6 were sealed: records 1–6 were cut off' });
    rmSync(join(dir, 'audit.log'));
    assert.equal(((await log.verify()) as { first_bad: number }).first_bad, 1);
  });

  it('a rewritten chain (every hash recomputed after an edit) is caught at the last sealed record', async (t) => {
    const { dir, log } = await filled(t, 4);
    const { createHash } = await import('node:crypto');
    const recs = logLines(dir).map((l) => JSON.parse(l));
    recs[1].subject = 'forged';
    let prev = '0'.repeat(64);
    const lines = recs.map((r) => {
      r.prev = prev;
      const line = JSON.stringify(r);
      prev = createHash('sha256').update(line).digest('hex');
      return line;
    });
    writeLines(dir, lines);
    const v = await log.verify();
    assert.deepEqual(!v.ok && v.first_bad, 4, JSON.stringify(v));
  });

  it('a head edited, re-signed by another key, or removed is caught; --audit-key pins the key', async (t) => {
    const { dir, log } = await filled(t, 3);
    const headPath = join(dir, 'head.json');
    const head = JSON.parse(readFileSync(headPath, 'utf8'));
    writeFileSync(headPath, JSON.stringify({ ...head, records: 2 }));
    assert.match(((await log.verify()) as { reason: string }).reason, /signature/);
    // A forger's own key: the signature holds, but it is not the audit key.
    const forger = KeyPair.create('server');
    const body = { version: 1, key: forger.publicKey, records: 2, bytes: head.bytes, head_hash: head.head_hash, time: head.time };
    const sig = Buffer.from(forger.sign(Buffer.from(`sigchain-audit-head-v1\0${JSON.stringify([1, body.key, 2, body.bytes, body.head_hash, body.time])}`))).toString('base64url');
    writeFileSync(headPath, JSON.stringify({ ...body, sig }));
    const v = await log.verify();
    assert.deepEqual(!v.ok && [v.first_bad], [1]);
    assert.match((v as { reason: string }).reason, /not by the audit key/);
    writeFileSync(headPath, JSON.stringify(head));
    assert.equal((await log.verify({ auditKey: head.key })).ok, true);
    assert.deepEqual(((await log.verify({ auditKey: forger.publicKey })) as { first_bad: number }).first_bad, 1);
    rmSync(headPath);
    assert.match(((await log.verify()) as { reason: string }).reason, /head.*missing/);
  });

  it('a torn last line (no newline) or an unparsable last line is not counted and is no error; the next append cuts it off', async (t) => {
    const { dir, log } = await filled(t, 3);
    const lines = logLines(dir);
    const half = lines[2]!.slice(0, 40);
    writeLines(dir, lines, half); // a 4th write cut short
    assert.deepEqual(await log.verify(), { ok: true, records: 3, sealed: 3, torn: true, auditKey: (JSON.parse(readFileSync(join(dir, 'head.json'), 'utf8')) as { key: string }).key });
    writeLines(dir, [...lines, '{"seq":4,"ti']); // with a newline, but not a record
    assert.equal(((await log.verify()) as { torn: boolean }).torn, true);
    // A fresh instance (another process) appends: the leftover goes, the chain goes on from record 3.
    const other = new AuditLog(dir);
    await other.append(rec(4));
    const after = logLines(dir);
    assert.equal(after.length, 4);
    assert.equal(JSON.parse(after[3]!).seq, 4);
    assert.deepEqual(await other.verify().then((v) => v.ok && [v.records, v.torn]), [4, false]);
    await other.close();
    // An unparsable line that is not the last is damage, not a crash.
    writeLines(dir, [after[0]!, 'garbage', ...after.slice(1)]);
    assert.deepEqual(((await log.verify()) as { first_bad: number }).first_bad, 2);
  });

  it('a whole-file torn write (the very first record cut short) leaves an empty, valid log', async (t) => {
    const dir = auditDir(t);
    const log = openAuditLog(dir);
    await log.append(rec(1));
    writeFileSync(join(dir, 'audit.log'), readFileSync(join(dir, 'audit.log'), 'utf8').slice(0, 30));
    assert.deepEqual(await log.verify(), { ok: true, records: 0, sealed: 0, torn: true });
    const other = new AuditLog(dir);
    await other.append(rec(2));
    await other.close();
    assert.deepEqual(logLines(dir).map((l) => JSON.parse(l).seq), [1]);
  });

  it('a seal over records only this process wrote reads none back, and an edit made before it still fails verify', async (t) => {
    const { dir, log } = await filled(t, 3);
    for (let i = 4; i <= 6; i++) await log.append(rec(i));
    const lines = logLines(dir);
    lines[4] = lines[4]!.replace('"subject":"s5"', '"subject":"x5"'); // same length, in place
    writeLines(dir, lines);
    // Not read back, so not refused: the head commits to the last line as this process wrote it.
    assert.deepEqual(await log.seal(), { sealed: true, records: 6 });
    const v = await log.verify();
    assert.deepEqual(!v.ok && [v.first_bad], [5], JSON.stringify(v));
  });

  it('the first seal of a log this process wrote from empty reads none back either', async (t) => {
    const { dir, log } = await filled(t, 3, false);
    const lines = logLines(dir);
    lines[1] = lines[1]!.replace('"subject":"s2"', '"subject":"x2"');
    writeLines(dir, lines);
    assert.deepEqual(await log.seal(), { sealed: true, records: 3 }, 'not read back');
    const v = await log.verify();
    assert.deepEqual(!v.ok && [v.first_bad], [2], JSON.stringify(v));
  });

  it('a new writer on a log its head seals whole reads none back; on a log with unsealed records it reads those', async (t) => {
    const { dir } = await filled(t, 3);
    const next = new AuditLog(dir); // another process, starting on a sealed log
    await next.append(rec(4));
    await next.append(rec(5));
    writeLines(dir, logLines(dir).map((l, i) => (i === 3 ? l.replace('"subject":"s4"', '"subject":"x4"') : l)));
    assert.deepEqual(await next.seal(), { sealed: true, records: 5 }, 'its own records are not read back');
    assert.deepEqual((await next.verify()).ok, false);
    await next.close();

    const { dir: dir2, log } = await filled(t, 2);
    await log.append(rec(3)); // not sealed
    const late = new AuditLog(dir2); // starts on a log whose head covers 2 of 3 records
    await late.append(rec(4));
    writeLines(dir2, logLines(dir2).map((l, i) => (i === 2 ? l.replace('"subject":"s3"', '"subject":"x3"') : l)));
    const r = await late.seal();
    assert.equal(r.sealed, false, 'read back: record 4 no longer extends the edited record 3');
    await late.close();
  });

  it('a record from another writer between two seals makes the seal read the records again', async (t) => {
    const { dir, log } = await filled(t, 2);
    const other = new AuditLog(dir); // another process's writer, as far as the file is concerned
    await other.append(rec(3));
    await log.append(rec(4));
    const lines = logLines(dir);
    lines[2] = lines[2]!.replace('"subject":"s3"', '"subject":"x3"');
    writeLines(dir, lines);
    const r = await log.seal();
    assert.equal(r.sealed, false, 'read back: record 4 no longer extends the edited record 3');
    writeLines(dir, logLines(dir).map((l, i) => (i === 2 ? l.replace('"subject":"x3"', '"subject":"s3"') : l)));
    assert.deepEqual(await log.seal(), { sealed: true, records: 4 });
    assert.deepEqual((await log.verify()).ok, true);
    await other.close();
  });

  it('two writers of one log in one process take turns with the lock: one never writes on the other\'s kept lock from a stale tail', async (t) => {
    // The lock a busy writer keeps between batches is its own, not the process's: a second
    // writer (a library caller that made its own AuditLog) must take it, and the first then
    // reads the file again instead of chaining onto the record it wrote last.
    for (let round = 0; round < 20; round++) {
      const dir = auditDir(t);
      const a = new AuditLog(dir);
      const b = new AuditLog(dir);
      await a.append(rec(1));
      await b.append(rec(2));
      await a.append(rec(3));
      await b.append(rec(4));
      const v = await a.verify();
      assert.deepEqual(v.ok && v.records, 4, JSON.stringify(v));
      await a.close();
      await b.close();
    }
  });

  it('concurrent appends in one process share writes (group commit) and keep one chain', async (t) => {
    const dir = auditDir(t);
    const log = openAuditLog(dir);
    await Promise.all(Array.from({ length: 300 }, (_, i) => log.append(rec(i))));
    const v = await log.verify();
    assert.deepEqual(v.ok && v.records, 300);
    assert.equal(openAuditLog(dir), log, 'one instance per folder');
  });

  it('no seed is ever written, even one passed as a subject or caller; long fields are cut', async (t) => {
    const dir = auditDir(t);
    const log = openAuditLog(dir);
    const kp = KeyPair.create('user');
    await log.append(rec(1, { subject: `oops ${kp.seed}`, caller: `sign -K ${kp.seed}` }));
    await log.append(rec(2, { subject: 'x'.repeat(5000) }));
    const text = readFileSync(join(dir, 'audit.log'), 'utf8');
    assert.equal(text.includes(kp.seed), false);
    assert.match(text, /\[seed removed\]/);
    assert.ok(logLines(dir)[1]!.length < 1000);
    assert.equal((await log.verify()).ok, true);
  });

  it('a record that is not one is refused before anything is written (AUDIT_WRITE_FAILED)', async (t) => {
    const dir = auditDir(t);
    const log = openAuditLog(dir);
    await assert.rejects(log.append(rec(1, { sha256: 'not hex' })), { code: 'AUDIT_WRITE_FAILED' });
    await log.append(rec(2));
    assert.deepEqual(logLines(dir).map((l) => JSON.parse(l).seq), [1]);
  });
});
