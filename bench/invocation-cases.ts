/**
 * The replay cache's memory under load (issue 10 item 5): `replayCacheMemory(n)` admits `n`
 * fresh invocation IDs (UUID text, as 0.82 writes them) into a default cache (300 s window,
 * 100,000 IDs) on a simulated clock of `perSecond` invocations a second, and reports the heap
 * after a full collection, at a quarter, a half and the end of the run, beside the heap before
 * the cache existed. Flat memory shows as `heapBytes` equal at every checkpoint once the cache
 * is full. At the default 1,000 a second, 300,000 IDs would be live: the cache holds 100,000 and
 * refuses the rest (REPLAY_CACHE_FULL) until windows end.
 */
import { createHash, createPrivateKey, createPublicKey, sign as cryptoSign, verify as cryptoVerify, randomBytes, randomUUID } from 'node:crypto';
import { type InvocationRequest, ReplayCache, type ReplayCacheOptions, actorEntity, signInvocationSync, verifyInvocation } from '../src/invocation/index.js';
import { KeyPair } from '../src/nkeys/keypair.js';
import { type Group, collectGarbage } from './harness.js';
import type { Figure } from './report.js';

/** What {@link replayCacheMemory} measured. */
export interface ReplayCacheMemory {
  insertions: number;
  admitted: number;
  refusedFull: number;
  /** IDs held at the end. */
  size: number;
  /** Heap used (bytes, after a full collection) before the cache was made. */
  baselineHeapBytes: number;
  /** Heap used above the baseline at 25%, 50% and 100% of the insertions. */
  heapBytesAt: { quarter: number; half: number; end: number };
  /** Heap above the baseline at the end, per ID held. */
  bytesPerId: number;
  /** Mean time of one admission, in nanoseconds (ID generation excluded). */
  nsPerAdmit: number;
}

function heapUsed(): number {
  collectGarbage();
  return process.memoryUsage().heapUsed;
}

/**
 * Admits `n` fresh IDs and reports the heap (see the module notes).
 *
 * @example
 * ```ts
 * const m = replayCacheMemory(1_000_000); // m.heapBytesAt.end ≈ m.heapBytesAt.half
 * ```
 */
export function replayCacheMemory(n = 1_000_000, perSecond = 1000, options: ReplayCacheOptions = {}): ReplayCacheMemory {
  const baseline = heapUsed();
  const cache = new ReplayCache(options);
  const at = { quarter: 0, half: 0, end: 0 };
  let admitted = 0;
  let refusedFull = 0;
  let ns = 0n;
  const t0 = 1_700_000_000_000;
  const batch = 10_000;
  const ids: string[] = new Array<string>(batch);
  for (let done = 0; done < n; ) {
    const m = Math.min(batch, n - done);
    // Flat strings, as the decoder makes them: randomUUID() returns a rope of ~20 pieces
    // (640 bytes), which would be measured instead of the cache.
    for (let i = 0; i < m; i++) ids[i] = Buffer.from(randomUUID(), 'latin1').toString('latin1');
    const start = process.hrtime.bigint();
    for (let i = 0; i < m; i++) {
      const r = cache.admit(ids[i]!, undefined, t0 + ((done + i) * 1000) / perSecond);
      if (r === undefined) admitted++;
      else if (r.code === 'REPLAY_CACHE_FULL') refusedFull++;
    }
    ns += process.hrtime.bigint() - start;
    done += m;
    if (done === Math.floor(n / 4) || (done < n / 4 && done + batch > n / 4)) at.quarter = heapUsed() - baseline;
    if (done === Math.floor(n / 2) || (done < n / 2 && done + batch > n / 2)) at.half = heapUsed() - baseline;
  }
  ids.fill('');
  at.end = heapUsed() - baseline;
  return {
    insertions: n,
    admitted,
    refusedFull,
    size: cache.size,
    baselineHeapBytes: baseline,
    heapBytesAt: at,
    bytesPerId: cache.size === 0 ? 0 : Math.round(at.end / cache.size),
    nsPerAdmit: Number(ns) / n,
  };
}

/**
 * A pool of signed invocations with distinct IDs (and tokens) over one shared `size`-byte body:
 * every verification judges a token it has not seen, as a host does.
 */
function pool(size: number, n: number, cluster: KeyPair): InvocationRequest[] {
  const msg = new Uint8Array(size).map((_, i) => (i * 31 + 7) & 0xff);
  const out: InvocationRequest[] = [];
  const iat = Math.floor(Date.now() / 1000);
  for (let i = 0; i < n; i++) {
    out.push(signInvocationSync({ origin: actorEntity(ORIGIN), target: actorEntity(TARGET), operation: 'Echo.Echo', msg, host_id: HOST }, cluster, { iat }));
  }
  return out;
}

const ORIGIN = 'MDNX3CB6VBXG55GOJ6UYON7AMK6SLYPB6GLPRZGTEE6625EFLJDQKWWR';
const TARGET = 'MB2ZQB6ROOMAYBO4ZCTFYWN7YIVBWA3MTKZYAQKJMTIHE2ELLRW2E3ZW';
const HOST = 'NAGASFIHF5SBGTNTZUOVWT3O63SJUMIFUL7BH52T3UAFKQW7PPP46KFU';
/** Invocations per pool: the replay cache starts afresh when the pool wraps (so it never reads REPLAY). */
const POOL = 8192;

/**
 * Invocation sign and verify (issue 10 item 7), per payload size, against the floor of any
 * implementation: a bare node:crypto Ed25519 sign (or verify) of the token's signing input plus
 * a SHA-256 of the payload. `verify` is a host's whole check (shape, token, issuer, URLs, hash,
 * age) with the replay cache; `replay_cache` is verify with the cache against verify without it.
 */
export function invocationGroups(): Group[] {
  const raw = randomBytes(32);
  const cluster = KeyPair.fromRawSeed('cluster', raw);
  // The same key, as a bare node:crypto KeyObject for the peer.
  const priv = createPrivateKey({ key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), raw]), format: 'der', type: 'pkcs8' });
  const pub = createPublicKey(priv);
  const groups: Group[] = [];
  for (const [label, size] of [['1k', 1024], ['64k', 64 * 1024]] as const) {
    const reqs = pool(size, POOL, cluster);
    const issuers = new Set([cluster.publicKey]);
    // Every verification must succeed before it is timed.
    for (const r of reqs.slice(0, 16)) if (!verifyInvocation(r, { issuers }).valid) throw new Error('bench: a signed invocation did not verify');
    const parts = reqs.map((r) => {
      const [h, p, s] = r.encoded_claims.split('.') as [string, string, string];
      return { input: Buffer.from(`${h}.${p}`), sig: Buffer.from(s, 'base64url'), msg: r.msg };
    });
    const fields = { origin: actorEntity(ORIGIN), target: actorEntity(TARGET), operation: 'Echo.Echo', msg: reqs[0]!.msg, host_id: HOST };
    let i = 0;
    let j = 0;
    let k = 0;
    let cache = new ReplayCache();
    const withCache = (): unknown => {
      if (k === POOL) {
        k = 0;
        cache = new ReplayCache();
      }
      return verifyInvocation(reqs[k++]!, { issuers, replay: cache }).valid || fail();
    };
    const without = (): unknown => verifyInvocation(reqs[(j = (j + 1) % POOL)]!, { issuers }).valid || fail();
    const bareVerify = (): unknown => {
      const x = parts[(i = (i + 1) % POOL)]!;
      return cryptoVerify(null, x.input, pub, x.sig) && createHash('sha256').update(x.msg).digest();
    };
    const x0 = parts[0]!;
    groups.push(
      {
        figure: `invocation.sign_${label}`,
        cases: [
          { impl: 'ours', run: () => signInvocationSync(fields, cluster) },
          { impl: 'node_crypto', run: () => [cryptoSign(null, x0.input, priv), createHash('sha256').update(x0.msg).digest()] },
        ],
      },
      { figure: `invocation.verify_${label}`, cases: [{ impl: 'ours', run: withCache }, { impl: 'node_crypto', run: bareVerify }] },
      { figure: `invocation.replay_cache_${label}`, cases: [{ impl: 'ours', run: withCache }, { impl: 'without_cache', run: without }] },
    );
  }
  return groups;
}

function fail(): never {
  throw new Error('bench: an invocation was refused while timed');
}

/** The replay cache's memory after `n` invocations, as a figure whose note gives the numbers. */
export function replayCacheFigure(quick: boolean, progress: (msg: string) => void): Record<string, Figure> {
  const n = quick ? 20_000 : 1_000_000;
  progress(`measuring invocation.replay_cache_memory (${n.toLocaleString('en-US')} invocations)…\n`);
  const m = replayCacheMemory(n);
  const mib = (b: number): string => (b / 1048576).toFixed(1);
  return {
    'invocation.replay_cache_memory': {
      ops_per_s: Math.round(1e9 / m.nsPerAdmit),
      vs: {},
      peers_ops_per_s: {},
      note: `${n.toLocaleString('en-US')} invocations at 1,000/s into a default cache (300 s, 100,000 IDs): heap above baseline ${mib(m.heapBytesAt.quarter)} / ${mib(m.heapBytesAt.half)} / ${mib(m.heapBytesAt.end)} MiB at 25/50/100% (${m.bytesPerId} bytes per ID held, ${m.size.toLocaleString('en-US')} held, ${m.refusedFull.toLocaleString('en-US')} refused as REPLAY_CACHE_FULL); ${m.nsPerAdmit.toFixed(0)} ns per admission (ops/s = admissions per second)`,
    },
  };
}
