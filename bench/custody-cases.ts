/**
 * Issue 9's custody figures, each against in-process node:crypto signing of the same bytes in
 * the same run: a signer of the memory backend, of the encrypted backend (after unlock), of a
 * SoftHSM2 token (pkcs11), and the memory signer wrapped by the audit log (fdatasync'd append
 * before each signature) with 1 and with 32 signatures in flight. The unlock of a sealed key
 * (age's scrypt at work factor 18) is timed against the age-encryption package's own pure-JS
 * passphrase identity on the same file.
 */
import { sign } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { audited } from '../src/custody/audited.js';
import { encryptedKeyring, openSeed, sealSeed } from '../src/custody/encrypted.js';
import { memoryKeyring } from '../src/custody/memory.js';
import { KeyPair } from '../src/nkeys/keypair.js';
import { KeyStore } from '../src/store/keystore.js';
import { openAuditLog } from '../src/store/audit/log.js';
import { type Group, type Settings, measure } from './harness.js';
import { nodeKeysFor } from './node-keys.js';
import { pkcs11Groups } from './pkcs11-cases.js';
import { type Figure, GOALS, figuresOf } from './report.js';

const context = { usage: 'authentication', kind: 'message' } as const;

/** `inflight` concurrent loops of `op` for `ms`; operations per second. */
async function rate(ms: number, inflight: number, op: () => Promise<unknown>): Promise<number> {
  let n = 0;
  const start = performance.now();
  const end = start + ms;
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

/** Measures every custody figure. */
export async function custodyFigures(settings: Settings, quick: boolean, progress: (msg: string) => void): Promise<Record<string, Figure>> {
  const out: Record<string, Figure> = {};
  const dir = mkdtempSync(join(tmpdir(), 'sigchain-bench-custody-'));
  try {
    const kp = KeyPair.create('user');
    const { privateKey } = nodeKeysFor(kp);
    const data = Buffer.from('header.payload of a typical token, about this long or a little more');
    const bare = { impl: 'node_crypto', run: () => sign(null, data, privateKey) };

    const memory = await memoryKeyring().importKey(kp, ['authentication']);
    const keys = new KeyStore(join(dir, 'keys'));
    const ring = encryptedKeyring(keys, async () => 'bench passphrase', { workFactor: quick ? 10 : 18 });
    const sealed = KeyPair.create('user');
    await ring.importKey(sealed, ['authentication']);
    const encrypted = await encryptedKeyring(keys, async () => 'bench passphrase').signer(sealed.publicKey);
    await encrypted.sign(data, context); // the unlock, once: the figure is signing after it
    const groups: Group[] = [
      { figure: 'custody.sign_memory', cases: [{ impl: 'ours', async: true, run: () => memory.sign(data, context) }, bare] },
      { figure: 'custody.sign_encrypted', cases: [{ impl: 'ours', async: true, run: () => encrypted.sign(data, context) }, bare] },
    ];
    const hsm = await pkcs11Groups().catch(() => undefined);
    if (hsm) groups.push(...hsm.groups);
    try {
      for (const group of groups) {
        progress(`measuring ${group.figure} (${group.cases.map((c) => c.impl).join(', ')})…\n`);
        Object.assign(out, figuresOf(group.figure, await measure(group, settings)));
      }
    } finally {
      await hsm?.close();
    }

    // The audit log: its cost is the disk's fdatasync, shared by the signatures in flight.
    const log = openAuditLog(join(dir, 'audit'));
    const logged = audited(memory, log, 'bench');
    const ms = quick ? 100 : 2000;
    for (const inflight of [1, 32]) {
      const figure = `custody.audit_${inflight === 1 ? '1' : '32'}_in_flight`;
      progress(`measuring ${figure} (ours, memory_signer)…\n`);
      const plain = await rate(ms, inflight, () => memory.sign(data, context));
      const withLog = await rate(ms, inflight, () => logged.sign(data, context));
      out[figure] = { ops_per_s: Math.round(withLog), vs: { memory_signer: Number((withLog / plain).toFixed(3)) }, peers_ops_per_s: { memory_signer: Math.round(plain) }, note: `${figure}: an audited signature (its record written to the log before it is returned, synced within 50 ms), ${inflight} in flight` };
    }
    await log.close?.();

    // Unlock: open one sealed file, ours (node:crypto scrypt) against age-encryption's pure-JS scrypt.
    progress('measuring custody.unlock_encrypted (ours, age_encryption_js)…\n');
    const file = await sealSeed(sealed, 'bench passphrase', quick ? 10 : 18);
    const age = await import('age-encryption');
    const times = { ours: [] as number[], age_encryption_js: [] as number[] };
    for (let i = 0; i < (quick ? 1 : 3); i++) {
      let t = performance.now();
      await openSeed(file, 'bench passphrase', sealed.publicKey, 'bench');
      times.ours.push(performance.now() - t);
      const d = new age.Decrypter();
      d.addPassphrase('bench passphrase');
      t = performance.now();
      await d.decrypt(file, 'text');
      times.age_encryption_js.push(performance.now() - t);
    }
    const best = (v: number[]): number => Math.min(...v);
    const oursMs = best(times.ours);
    const peerMs = best(times.age_encryption_js);
    out['custody.unlock_encrypted'] = {
      ops_per_s: Number((1000 / oursMs).toFixed(2)),
      vs: { age_encryption_js: Number((peerMs / oursMs).toFixed(3)) },
      peers_ops_per_s: { age_encryption_js: Number((1000 / peerMs).toFixed(2)) },
      seconds: Number((oursMs / 1000).toFixed(3)),
      note: `custody.unlock_encrypted: opening one sealed key (scrypt work factor ${quick ? 10 : 18}) took ${oursMs.toFixed(0)} ms (goal: under 1 s); age-encryption's pure-JS scrypt ${peerMs.toFixed(0)} ms`,
    };
    for (const name of Object.keys(out)) {
      const goal = GOALS[name];
      const f = out[name]!;
      if (goal && f.vs[goal.peer] !== undefined && !f.goal) f.goal = { peer: goal.peer, min_ratio: goal.min, met: f.vs[goal.peer]! >= goal.min };
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}
