/**
 * The replay protection wasmCloud's documents promised and no host had: the IDs of accepted
 * invocations, each remembered for as long as its token could still be accepted.
 *
 * Memory is bounded twice: by time (an ID is dropped once its window has passed) and by
 * `maxSize`. When the cache is full of IDs still inside their windows, a new ID is REFUSED
 * (`REPLAY_CACHE_FULL`), never admitted by forgetting an older one. Why: forgetting any ID
 * whose window is still open re-opens a replay of it, and an attacker who can push the cache
 * to its limit — by re-delivering valid invocations captured on the lattice that this host has
 * not seen yet (an actor runs on several hosts) — would choose which ID is forgotten by timing,
 * then replay it. Refusing costs availability, not safety: the attacker needs as many distinct
 * valid, unexpired invocations as the cache holds, which only a cluster-key holder (who can
 * sign anything anyway) or the lattice's own traffic can supply; a sender refused this way can
 * retry once old IDs expire. Size the cache for the lattice: `maxSize` ≥ invocations per second
 * × the window (100,000 covers 333 a second for 300 s).
 *
 * Only IDs of invocations that passed every other check should be admitted (`admit` after the
 * token verifies); otherwise anyone could fill the cache with made-up IDs.
 *
 * Implementation: a Map from ID to the end of its window, and a binary min-heap of windows in
 * two flat arrays; both hold exactly the live IDs, so memory is flat whatever the load. Each
 * admission pops the windows that have ended (amortised O(log n)), then checks and records.
 */
import type { Finding } from '../errors.js';

/** Options of a {@link ReplayCache}. */
export interface ReplayCacheOptions {
  /**
   * The shortest window, in seconds (default 300): tokens without `exp` are accepted only while
   * their `iat` is younger than this, so their IDs need remembering at least that long.
   */
  maxAgeSeconds?: number;
  /** The most IDs held (default 100,000). */
  maxSize?: number;
}

/** The default number of IDs a replay cache holds. */
export const DEFAULT_REPLAY_CACHE_SIZE = 100_000;
/** The default shortest window, in seconds. */
export const DEFAULT_MAX_AGE_SECONDS = 300;

/**
 * Remembers the IDs of accepted invocations and refuses a second sighting inside the window.
 *
 * @example
 * ```ts
 * const cache = new ReplayCache({ maxAgeSeconds: 300, maxSize: 100_000 });
 * // after the token of `req` verified, with claims.exp (seconds, or undefined):
 * const refused = cache.admit(req.id, claims.exp);
 * if (refused) reply(`${refused.code}: ${refused.message}`);
 * ```
 */
export class ReplayCache {
  readonly maxAgeSeconds: number;
  readonly maxSize: number;
  readonly #ends = new Map<string, number>();
  // The min-heap: window ends (ms) and their IDs, in parallel arrays.
  readonly #heapEnd: Float64Array;
  readonly #heapId: Array<string | undefined>;
  #n = 0;

  constructor(options: ReplayCacheOptions = {}) {
    const maxAge = options.maxAgeSeconds ?? DEFAULT_MAX_AGE_SECONDS;
    const maxSize = options.maxSize ?? DEFAULT_REPLAY_CACHE_SIZE;
    if (!(maxAge > 0) || !Number.isFinite(maxAge)) throw new RangeError('maxAgeSeconds must be a positive number');
    if (!Number.isSafeInteger(maxSize) || maxSize < 1) throw new RangeError('maxSize must be a positive integer');
    this.maxAgeSeconds = maxAge;
    this.maxSize = maxSize;
    this.#heapEnd = new Float64Array(maxSize);
    this.#heapId = new Array<string | undefined>(maxSize).fill(undefined);
  }

  /** IDs held (some may have ended since the last admission; they go at the next one). */
  get size(): number {
    return this.#n;
  }

  /**
   * True when `id` was admitted and its window is still open at `nowMs`. Records nothing: a
   * cheap look before the signature check, so a replay costs no verification.
   */
  has(id: string, nowMs: number = Date.now()): boolean {
    const end = this.#ends.get(id);
    return end !== undefined && end > nowMs;
  }

  /**
   * Checks and records the ID of an invocation that passed every other check. Returns
   * undefined when admitted, else the refusal: `REPLAY` (seen inside its window) or
   * `REPLAY_CACHE_FULL` (see the class notes). The ID is remembered until
   * max(now + maxAge, end of the second `exp`) — a token is valid through its `exp` second.
   */
  admit(id: string, exp?: number, nowMs: number = Date.now()): Finding | undefined {
    this.#expire(nowMs);
    if (this.#ends.has(id)) {
      return { code: 'REPLAY', message: `The invocation ${id.slice(0, 80)} was already accepted less than its window ago: refused as a replay.`, field: 'id' };
    }
    if (this.#n >= this.maxSize) {
      return { code: 'REPLAY_CACHE_FULL', message: `The replay cache holds ${this.maxSize} invocations still inside their windows; a new one is refused rather than forget one (raise the cache size or shorten the maximum age).`, field: 'id' };
    }
    let end = nowMs + this.maxAgeSeconds * 1000;
    if (exp !== undefined && Number.isFinite(exp) && (exp + 1) * 1000 > end) end = (exp + 1) * 1000;
    this.#ends.set(id, end);
    this.#push(end, id);
    return undefined;
  }

  // Drops every ID whose window ended at or before `nowMs`.
  #expire(nowMs: number): void {
    const ends = this.#heapEnd;
    while (this.#n > 0 && ends[0]! <= nowMs) {
      this.#ends.delete(this.#heapId[0]!);
      this.#popTop();
    }
  }

  #push(end: number, id: string): void {
    const ends = this.#heapEnd;
    const ids = this.#heapId;
    let i = this.#n++;
    while (i > 0) {
      const parent = (i - 1) >>> 1;
      if (ends[parent]! <= end) break;
      ends[i] = ends[parent]!;
      ids[i] = ids[parent];
      i = parent;
    }
    ends[i] = end;
    ids[i] = id;
  }

  #popTop(): void {
    const ends = this.#heapEnd;
    const ids = this.#heapId;
    const last = --this.#n;
    const end = ends[last]!;
    const id = ids[last];
    ids[last] = undefined; // let the string go
    if (last === 0) return;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= last) break;
      if (child + 1 < last && ends[child + 1]! < ends[child]!) child++;
      if (ends[child]! >= end) break;
      ends[i] = ends[child]!;
      ids[i] = ids[child];
      i = child;
    }
    ends[i] = end;
    ids[i] = id;
  }
}
