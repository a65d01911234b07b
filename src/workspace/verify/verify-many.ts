/**
 * Verifying many tokens against one set of parents and one policy: inline for a few, over
 * every core for many. One core of node:crypto verifies Ed25519 at about 0.6x of Go's
 * crypto/ed25519, so a store of 10,000 users is judged as fast as nats-io/jwt only by using
 * every core. Two ways: worker threads, each building its own resolver and policy from plain
 * data (the chain's tokens, the policy's options), judging its share and sending back only the
 * errors (most tokens are valid, and a verdict's chain is not needed here); or, for files on a
 * machine of a few cores, this thread alone with the signatures checked on libuv's thread pool
 * (`verifyJwtsAhead`), which starts in microseconds where a worker takes ~60 ms to load its code.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { PolicyOptions } from '../../trust/policy.js';
import { memoryResolver } from '../../trust/resolver.js';
import type { Reason } from '../../trust/verdict.js';
import { definePolicy } from '../../trust/policy.js';
import { verifyChainSync } from '../../trust/verify-chain.js';
import { JWT_READ_CHUNK, readJwtTextSync, storedJwtError } from '../../store/jwt-files.js';
import { readSmallFilesByPath } from '../../store/native-fs.js';
import { forgetVerified, verifyJwtsAhead } from '../../jwt/verify-ahead.js';
import { trimSpace } from '../../text.js';

/** The policy as plain data, so that it crosses a thread boundary (no functions). */
export interface PlainPolicy extends Omit<PolicyOptions, 'now' | 'revokedJtis' | 'trustedOperators' | 'bannedKeys'> {
  trustedOperators?: string[];
  bannedKeys?: string[];
  revokedJtis?: Map<string, number>;
  /** Unix seconds. */
  now?: number;
}

/** What a verify worker is given. */
export interface VerifyManyInput {
  tokens: readonly string[];
  chain: readonly string[];
  policy: PlainPolicy;
}

/** Per token, its verdict's errors (empty when valid) and warnings. */
export interface VerifyManyResult {
  errors: Reason[][];
  warnings: Reason[][];
}

/** Fewer tokens than this are verified inline: starting a thread costs about 1,000 verifications. */
export const PARALLEL_FROM = 2000;

/** Judges `input` on this thread. */
export function verifyManyInline(input: VerifyManyInput): VerifyManyResult {
  return judgeInto({ errors: [], warnings: [] }, input.tokens, tokenJudge(input.chain, input.policy));
}

/** Appends each token's verdict (its errors and warnings) to `out`, in order. */
function judgeInto(out: VerifyManyResult, tokens: readonly string[], judge: (token: string) => { errors: Reason[]; warnings: Reason[] }): VerifyManyResult {
  for (const t of tokens) {
    const v = judge(t);
    out.errors.push(v.errors);
    out.warnings.push(v.warnings);
  }
  return out;
}

/** The default number of threads for `n` tokens: one per core from {@link PARALLEL_FROM} on. */
export function verifyWorkers(n: number): number {
  return n >= PARALLEL_FROM ? Math.max(1, availableParallelism()) : 1;
}

/**
 * Verifies every token of `tokens` against the parents in `chain` under `policy`, with
 * `workers` threads (default {@link verifyWorkers}), or with `ahead` (the default where
 * {@link verifyOnPool} says so) on this thread with the signatures checked on libuv's pool;
 * answers in the order given, the same either way. The time is fixed once for all tokens
 * (`policy.now`, else now), so every thread judges at the same moment.
 *
 * @example
 * ```ts
 * const { errors } = await verifyMany(userJwts, [operatorJwt, accountJwt], { trustedOperators: [operatorJwt] });
 * const invalid = errors.filter((e) => e.length > 0).length;
 * ```
 */
export async function verifyMany(tokens: readonly string[], chain: readonly string[], policy: PlainPolicy, opts: { workers?: number; ahead?: boolean } = {}): Promise<VerifyManyResult> {
  const fixed: PlainPolicy = { ...policy, now: policy.now ?? Date.now() / 1000 };
  if (opts.ahead ?? verifyOnPool(tokens.length, opts.workers)) return verifyManyAhead(tokens, chain, fixed);
  const n = Math.min(opts.workers ?? verifyWorkers(tokens.length), Math.max(1, Math.floor(tokens.length / 100)));
  if (n <= 1) return verifyManyInline({ tokens, chain, policy: fixed });
  const url = new URL('./verify-many-worker.js', import.meta.url);
  const workers: Worker[] = [];
  try {
    const parts = await Promise.all(
      Array.from({ length: n }, (_, k) => {
        const slice = tokens.slice(Math.floor((k * tokens.length) / n), Math.floor(((k + 1) * tokens.length) / n));
        return new Promise<VerifyManyResult>((resolve, reject) => {
          const w = new Worker(url, { workerData: { tokens: slice, chain, policy: fixed } satisfies VerifyManyInput });
          workers.push(w);
          w.once('message', (m: VerifyManyResult | { failed: string }) => ('failed' in m ? reject(new Error(m.failed)) : resolve(m)));
          w.once('error', reject);
          w.once('exit', (code) => {
            if (code !== 0) reject(new Error(`a verify worker stopped with code ${code}`));
          });
        });
      }),
    );
    return { errors: parts.flatMap((p) => p.errors), warnings: parts.flatMap((p) => p.warnings) };
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

/**
 * {@link verifyMany} of tokens made a chunk at a time by `load` (chunks 0 to `count` - 1, each
 * asked for once, in order; `size`: about how many tokens they hold). Where libuv's pool checks
 * the signatures ({@link verifyOnPool}), a chunk is made while the ones before it are checked,
 * so reading the inputs overlaps verifying them; otherwise every chunk is made first. Answers in
 * the order of the chunks' tokens.
 *
 * @example
 * ```ts
 * const r = await verifyManyLoaded(Math.ceil(files.length / 256), files.length, (k) => readChunk(k), chain, policy);
 * ```
 */
export async function verifyManyLoaded(count: number, size: number, load: (k: number) => readonly string[], chain: readonly string[], policy: PlainPolicy, opts: { workers?: number } = {}): Promise<VerifyManyResult> {
  const fixed: PlainPolicy = { ...policy, now: policy.now ?? Date.now() / 1000 };
  if (!verifyOnPool(size, opts.workers)) return verifyMany(Array.from({ length: count }, (_, k) => load(k)).flat(), chain, fixed, opts);
  const judge = tokenJudge(chain, fixed);
  const out: VerifyManyResult = { errors: [], warnings: [] };
  await judgeAhead(count, (k) => ({ tokens: load(k) }), (c) => judgeInto(out, c.tokens, judge));
  return out;
}

/** {@link verifyMany} on this thread, the signatures of the next chunks checked on libuv's pool while one is judged. */
async function verifyManyAhead(tokens: readonly string[], chain: readonly string[], policy: PlainPolicy): Promise<VerifyManyResult> {
  const judge = tokenJudge(chain, policy);
  const out: VerifyManyResult = { errors: [], warnings: [] };
  await judgeAhead(
    Math.ceil(tokens.length / AHEAD_CHUNK),
    (k) => ({ tokens: tokens.slice(k * AHEAD_CHUNK, (k + 1) * AHEAD_CHUNK) }),
    (c) => judgeInto(out, c.tokens, judge),
  );
  return out;
}

/** What one file of {@link verifyFiles} came to: unreadable (`readError`, a message), or judged. */
export interface VerifiedFile {
  /** Why the file could not be read as a JWT (its coded error's code and message); then nothing was verified. */
  readError?: { code: string; message: string };
  /** The file is gone (removed since it was listed). */
  missing?: true;
  errors: Reason[];
  warnings: Reason[];
}

/** Files per chunk at most: big enough that messages are few. */
const FILES_PER_CHUNK = 256;
/** Files per chunk at least, near the end. */
const MIN_FILES_PER_CHUNK = 16;

// A file that read and verified with no error and no warning: most of a store. Shared (and
// frozen): judged files are only read.
const CLEAN: VerifiedFile = Object.freeze({ errors: Object.freeze([]) as unknown as Reason[], warnings: Object.freeze([]) as unknown as Reason[] });

/**
 * Reads and judges `paths` on this thread (the work of one chunk), answering only for the files
 * that are not {@link CLEAN}: their index in `paths` and what they came to. Each file is decoded
 * once, by the verifier; only a file it refuses is decoded again as a stored JWT, so that one
 * the store cannot even read is reported as unreadable (`readError`), as `readJwtFileSync`
 * would, rather than by the verifier's reasons. A token the verifier accepts decodes as a stored
 * JWT too (the store's formats include the verifier's).
 */
export function verifyFilesInline(paths: readonly string[], judge: (token: string) => { errors: Reason[]; warnings: Reason[] }): Array<[number, VerifiedFile]> {
  return judgeTexts(paths, readTexts(paths), judge);
}

/** What {@link readTexts} read of one file: its trimmed text, why it could not be read, or undefined when it is gone. */
type FileText = ReturnType<typeof readJwtTextSync>;

/**
 * The text of each file of `paths`, as `readJwtTextSync` reads one: each folder's run of files in
 * one native call where the addon is built (ASCII only, so the text is the UTF-8 one); what that
 * cannot take (missing, too large, not ASCII…) is read the node:fs way, which names why.
 */
function readTexts(paths: readonly string[]): FileText[] {
  const buf = Buffer.allocUnsafe(JWT_READ_CHUNK);
  const got = readSmallFilesByPath(paths, JWT_READ_CHUNK, { ascii: true });
  return paths.map((p, i) => {
    const t = got[i];
    return typeof t === 'string' ? trimSpace(t) : readJwtTextSync(p, buf);
  });
}

/** {@link verifyFilesInline} of files already read (`texts[i]` of `paths[i]`). */
function judgeTexts(paths: readonly string[], texts: readonly FileText[], judge: (token: string) => { errors: Reason[]; warnings: Reason[] }): Array<[number, VerifiedFile]> {
  const out: Array<[number, VerifiedFile]> = [];
  for (let i = 0; i < paths.length; i++) {
    const r = texts[i];
    if (r === undefined) out.push([i, { missing: true, errors: [], warnings: [] }]);
    else if (typeof r !== 'string') out.push([i, { readError: { code: r.error.code, message: r.error.message }, errors: [], warnings: [] }]);
    else {
      const v = judge(r);
      if (v.errors.length === 0 && v.warnings.length === 0) continue;
      const unreadable = v.errors.length === 0 ? undefined : storedJwtError(paths[i]!, r);
      out.push([i, unreadable ? { readError: { code: unreadable.code, message: unreadable.message }, errors: [], warnings: [] } : { errors: v.errors, warnings: v.warnings }]);
    }
  }
  return out;
}

/** A judge of tokens against one chain and policy (built once per thread). */
export function tokenJudge(chain: readonly string[], policy: PlainPolicy): (token: string) => { errors: Reason[]; warnings: Reason[] } {
  const resolver = memoryResolver(chain);
  const defined = definePolicy(policy);
  return (t) => {
    const v = verifyChainSync(t, { resolver, policy: defined });
    return { errors: v.errors, warnings: v.warnings };
  };
}

/** Worker threads started ahead of the {@link verifyFiles} call that uses them ({@link startVerifyWorkers}). */
export interface VerifyWorkers {
  /** Each thread, and when it has loaded its code (rejected if it failed to). */
  readonly threads: ReadonlyArray<{ readonly worker: Worker; readonly ready: Promise<void> }>;
  /** Stops every thread (done by {@link verifyFiles} too; harmless twice). */
  close(): Promise<void>;
}

/**
 * How many worker threads {@link verifyFiles} uses for `files` files, besides this thread:
 * `workers` when given, else one per extra core from {@link PARALLEL_FROM} files; never more
 * than there are chunks for.
 *
 * @example
 * ```ts
 * fileWorkers(10_000); // 7 on a machine of 8 cores; 0 on 2 to 5 (see verifyOnPool)
 * ```
 */
export function fileWorkers(files: number, workers?: number): number {
  if (verifyOnPool(files, workers)) return 0;
  const extra = workers ?? (files >= PARALLEL_FROM ? Math.max(0, availableParallelism() - 1) : 0);
  return Math.min(extra, Math.max(0, Math.ceil(files / FILES_PER_CHUNK) - 1));
}

/** libuv's thread pool size, where node:crypto runs its asynchronous jobs. */
function poolThreads(): number {
  const n = Number(process.env.UV_THREADPOOL_SIZE);
  return Number.isInteger(n) && n > 0 ? n : 4;
}

/**
 * Whether {@link verifyFiles} judges `files` files best on this thread alone with their
 * signatures checked on libuv's thread pool (`verifyJwtsAhead`), rather than over worker
 * threads or on this thread alone: from 64 files, when the pool's threads (4 unless
 * `UV_THREADPOOL_SIZE` says otherwise) and this one cover every core. Ed25519 is most of the work, and the pool starts in microseconds where a
 * worker thread takes ~60 ms to load and warm its code; on more cores, workers reach them all.
 * Never when `workers` is given (the caller chose the threads).
 *
 * @example
 * ```ts
 * verifyOnPool(10_000); // true on a machine of 2 to 5 cores
 * ```
 */
export function verifyOnPool(files: number, workers?: number): boolean {
  const cores = availableParallelism();
  return workers === undefined && files >= AHEAD_FROM && cores > 1 && cores <= poolThreads() + 1;
}

/**
 * Tokens from which the pool pays: it costs no thread start-up, so even a few hundred gain
 * (measured, caches cold: 100 files 9 ms against 15 ms on one thread, 1,000 files 67 against 123).
 */
const AHEAD_FROM = 64;

/** Files whose signatures are checked on the pool at a time, and how many such chunks are in flight. */
const AHEAD_CHUNK = 256;
const AHEAD_DEPTH = 3;

/**
 * The `count` chunks of a list judged in order on this thread, each once libuv's pool has checked
 * its tokens' signatures (`verifyJwtsAhead`), with {@link AHEAD_DEPTH} chunks in the pool's
 * hands: `load(k)` makes chunk k (its `tokens` to check), `judge` judges one.
 */
async function judgeAhead<C extends { tokens: readonly string[] }>(count: number, load: (k: number) => C, judge: (chunk: C) => void): Promise<void> {
  const inFlight: Array<{ chunk: C; checked: Promise<void> }> = [];
  let next = 0;
  const send = (): void => {
    if (next >= count) return;
    const chunk = load(next++);
    inFlight.push({ chunk, checked: verifyJwtsAhead(chunk.tokens) });
  };
  while (inFlight.length < AHEAD_DEPTH && next < count) send();
  let current: (typeof inFlight)[number] | undefined;
  try {
    for (current = inFlight.shift(); current; current = inFlight.shift()) {
      await current.checked;
      send();
      judge(current.chunk);
      // What the verifier did not take (a token whose facts it already knew) goes with the chunk.
      forgetVerified(current.chunk.tokens);
    }
  } finally {
    // Stopped by a failure: what the pool checked for tokens not judged is not kept.
    if (current) forgetVerified(current.chunk.tokens);
    for (const c of inFlight) void c.checked.then(() => forgetVerified(c.chunk.tokens));
  }
}

/** {@link verifyFiles} on this thread, the signatures checked ahead on the pool while each chunk of files is read and judged. */
function verifyFilesAhead(paths: readonly string[], judge: (token: string) => { errors: Reason[]; warnings: Reason[] }, settle: (start: number, bad: Array<[number, VerifiedFile]>) => void): Promise<void> {
  return judgeAhead(
    Math.ceil(paths.length / AHEAD_CHUNK),
    (k) => {
      const start = k * AHEAD_CHUNK;
      const files = paths.slice(start, start + AHEAD_CHUNK);
      const texts = readTexts(files);
      return { start, files, texts, tokens: texts.filter((t): t is string => typeof t === 'string') };
    },
    (c) => settle(c.start, judgeTexts(c.files, c.texts, judge)),
  );
}

/**
 * Starts `n` verify threads now, for a {@link verifyFiles} call to come: a thread takes tens of
 * milliseconds to load its code, which overlaps whatever the caller does meanwhile (reading the
 * chain, judging the parents). Hand them to `verifyFiles` (`started`), or {@link VerifyWorkers.close}.
 *
 * @example
 * ```ts
 * const started = startVerifyWorkers(fileWorkers(paths.length));
 * try {
 *   const chain = await readChain();
 *   await verifyFiles(paths, chain, policy, { started });
 * } finally {
 *   await started.close();
 * }
 * ```
 */
export function startVerifyWorkers(n: number): VerifyWorkers {
  const url = new URL('./verify-many-worker.js', import.meta.url);
  const threads = Array.from({ length: Math.max(0, n) }, () => {
    const worker = new Worker(url, { workerData: { pool: true } });
    const ready = new Promise<void>((resolve, reject) => {
      worker.on('message', (m) => m === 'ready' && resolve());
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`a verify worker stopped with code ${code}`)));
    });
    // Until verifyFiles awaits it: a thread that failed to start is reported there, not as unhandled.
    ready.catch(() => {});
    return { worker, ready };
  });
  return { threads, close: async () => void (await Promise.all(threads.map((t) => t.worker.terminate()))) };
}

/**
 * Reads and verifies many JWT files (the users of a store) against the parents in `chain`
 * under `policy`, over the machine's cores: the file list is cut into chunks that this thread
 * and the worker threads ({@link fileWorkers} of them, or those `started` ahead) take as they
 * finish the previous one, each reading its chunk's files itself. The workers are started
 * first, so their start-up overlaps this thread's first chunks; they are stopped at the end.
 * With `ahead` (the default where {@link verifyOnPool} says so, unless threads were `started`),
 * no worker: this thread reads and judges every file while libuv's pool checks the signatures of
 * the next chunks. The answers are the same either way.
 * Answers in the order given; a file that cannot be read as a JWT has `readError` (the reason
 * `readJwtFile` gives). Files without errors or warnings share one frozen answer: treat the
 * answers as read-only.
 *
 * @example
 * ```ts
 * const judged = await verifyFiles(paths, [operatorJwt, accountJwt], { trustedOperators: [operatorJwt] });
 * judged.filter((f) => f.readError || f.errors.length).length; // files with a problem
 * ```
 */
export async function verifyFiles(paths: readonly string[], chain: readonly string[], policy: PlainPolicy, opts: { workers?: number; started?: VerifyWorkers; ahead?: boolean } = {}): Promise<VerifiedFile[]> {
  const fixed: PlainPolicy = { ...policy, now: policy.now ?? Date.now() / 1000 };
  const results: VerifiedFile[] = new Array<VerifiedFile>(paths.length).fill(CLEAN);
  const settle = (start: number, bad: Array<[number, VerifiedFile]>): void => {
    for (const [i, f] of bad) results[start + i] = f;
  };
  if (opts.ahead ?? (!opts.started && verifyOnPool(paths.length, opts.workers))) {
    await opts.started?.close();
    await verifyFilesAhead(paths, tokenJudge(chain, fixed), settle);
    return results;
  }
  const pool = opts.started ?? startVerifyWorkers(fileWorkers(paths.length, opts.workers));
  const n = pool.threads.length;
  // Chunks shrink as the list runs out, so that the threads finish together: a thread left
  // alone with a big last chunk would keep the others waiting.
  let next = 0;
  const take = (): { start: number; end: number } | undefined => {
    if (next >= paths.length) return undefined;
    const left = paths.length - next;
    const size = Math.max(MIN_FILES_PER_CHUNK, Math.min(FILES_PER_CHUNK, Math.ceil(left / (4 * (n + 1)))));
    const start = next;
    next = Math.min(paths.length, next + size);
    return { start, end: next };
  };
  try {
    // Each worker: sent the chain and policy, then one chunk at a time until none is left.
    const idle: Array<() => void> = [];
    const done = pool.threads.map(({ worker: w, ready }) => {
      w.postMessage({ chain, policy: fixed });
      return new Promise<void>((resolve, reject) => {
        // Two chunks in flight: the next is already there when one is done, so the worker never
        // waits for this thread to come back from its own chunk to hand out more.
        let outstanding = 0;
        let started = false;
        const give = (): void => {
          while (outstanding < 2) {
            const c = take();
            if (!c) break;
            outstanding++;
            w.postMessage({ id: c.start, paths: paths.slice(c.start, c.end) });
          }
          if (outstanding === 0) resolve();
        };
        // Not started yet when this thread has taken the last chunk: nothing to wait for.
        idle.push(() => !started && resolve());
        ready.then(() => ((started = true), give()), reject);
        w.once('error', reject);
        w.once('exit', (code) => reject(new Error(`a verify worker stopped with code ${code}`)));
        w.on('message', (m: 'ready' | { id: number; bad: Array<[number, VerifiedFile]> } | { failed: string }) => {
          if (m === 'ready') return;
          if ('failed' in m) return reject(new Error(m.failed));
          settle(m.id, m.bad);
          outstanding--;
          give();
        });
      });
    });
    // Awaited below; until then (or if this thread throws first) a worker's failure is not unhandled.
    for (const d of done) d.catch(() => {});
    // This thread works too, yielding between chunks so the workers' messages are served.
    const judge = tokenJudge(chain, fixed);
    for (let c = take(); c; c = take()) {
      settle(c.start, verifyFilesInline(paths.slice(c.start, c.end), judge));
      if (n) await new Promise((r) => setImmediate(r));
    }
    for (const s of idle) s();
    await Promise.all(done);
  } finally {
    await pool.close();
  }
  return results;
}
