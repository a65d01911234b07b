/**
 * `node dist/bench/audit-cost.js [SECONDS]`: what the audit log costs per signature on this disk.
 * Figures: in-process Ed25519 signing (node:crypto, no log) against the same signer wrapped by
 * `audited` over the real log (append + fdatasync before each signature is returned), with 1
 * signature in flight and with 32 (group commit: one write + one fdatasync per batch); and the
 * raw fdatasync'd append rate. Not yet part of `npm run bench` (its harness is the lead's).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { audited } from '../src/custody/audited.js';
import { memoryKeyring } from '../src/custody/memory.js';
import { KeyPair } from '../src/nkeys/keypair.js';
import { openAuditLog } from '../src/store/audit/log.js';

const seconds = Number(process.argv[2] ?? 2);
const data = new TextEncoder().encode('42:7:arkeo-main');
const ctx = { usage: 'authentication', kind: 'nonce-claim', subject: '42' } as const;

async function rate(inflight: number, op: () => Promise<unknown>): Promise<number> {
  let n = 0;
  const end = performance.now() + seconds * 1000;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: inflight }, async () => {
      while (performance.now() < end) {
        await op();
        n++;
      }
    }),
  );
  return n / ((performance.now() - start) / 1000);
}

const dir = mkdtempSync(join(tmpdir(), 'sigchain-audit-bench-'));
try {
  const kp = KeyPair.create('user');
  const inner = await (memoryKeyring()).importKey(kp, ['authentication']);
  const log = openAuditLog(join(dir, 'audit'));
  const signer = audited(inner, log, 'bench');
  const rows: Array<[string, number]> = [];
  rows.push(['node:crypto sign, no log (1 in flight)', await rate(1, async () => kp.sign(data))]);
  rows.push(['memory signer, no log (1 in flight)', await rate(1, () => inner.sign(data, ctx))]);
  rows.push(['audited memory signer (1 in flight)', await rate(1, () => signer.sign(data, ctx))]);
  rows.push(['audited memory signer (32 in flight)', await rate(32, () => signer.sign(data, ctx))]);
  rows.push(['memory signer, no log (32 in flight)', await rate(32, () => inner.sign(data, ctx))]);
  const base = rows[0]![1];
  for (const [name, r] of rows) console.log(`${name.padEnd(42)} ${r.toFixed(0).padStart(8)} /s   ${(r / base).toFixed(3)}x`);
  const v = await log.verify();
  console.log(`log: ${v.ok ? v.records : 'BAD'} records`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
