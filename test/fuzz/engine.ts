// One fuzz call and its judgement. The property: a call ends in a result (a verdict, for the
// verifier) or a SigchainError carrying a documented code; nothing else is thrown; and it takes
// no more than a few milliseconds per KiB of input.
import { ErrorCodes, SigchainError } from '../../src/errors.js';
import { type Corpus, corpus } from './corpus.js';
import { Rng, mix } from './rng.js';
import { type Input, type Target, selectTargets } from './targets.js';

export type FindingClass = 'uncoded' | 'verifier-threw' | 'hang' | 'slow' | 'false-accept' | 'reads-differently';

export interface Finding {
  target: string;
  cls: FindingClass;
  /** What groups findings: the error class and where it was thrown, or the oracle's words. */
  key: string;
  message: string;
  /** First frame inside src/ (dist/src/… file:line:col). */
  where?: string;
  ms: number;
  size: number;
  seed: number;
  index: number;
  recipe: string;
  /** The input itself (the runner moves it to a file). */
  text?: string;
  latin1?: boolean;
}

export interface Limits {
  /** Milliseconds any call may take. */
  baseMs: number;
  /** Further milliseconds per KiB of input. */
  msPerKiB: number;
}

export const DEFAULT_LIMITS: Limits = { baseMs: 50, msPerKiB: 3 };

/** The input number `index` of `target` for `seed`: a pure function, so it can be regenerated. */
export function inputFor(target: Target, seed: number, index: number, c: Corpus = corpus()): Input {
  return target.gen(new Rng(mix(seed, target.name, index)), c);
}

/** The target that input `index` of a run over `targets` goes to. */
export function targetFor(targets: readonly Target[], index: number): Target {
  return targets[index % targets.length]!;
}

export function targetsByName(names: readonly string[]): Target[] {
  return selectTargets(names);
}

function where(e: unknown): string | undefined {
  const stack = (e as Error | undefined)?.stack;
  if (typeof stack !== 'string') return undefined;
  for (const line of stack.split('\n').slice(1)) {
    const m = /(\/src\/[^\s)]+)/.exec(line);
    if (m) return m[1]!.replace(/^.*\/dist\//, '');
  }
  return stack.split('\n')[1]?.trim();
}

function normalise(message: string): string {
  return message
    .replace(/[A-Z2-7]{56,58}/g, 'KEY')
    .replace(/"[^"]{20,}"/g, '"…"')
    .replace(/\d+/g, 'N')
    .slice(0, 140);
}

function isCoded(e: unknown): boolean {
  return e instanceof SigchainError && Object.hasOwn(ErrorCodes, e.code);
}

function isVerdict(v: unknown): boolean {
  const one = (x: unknown): boolean => typeof x === 'object' && x !== null && typeof (x as { valid?: unknown }).valid === 'boolean' && Array.isArray((x as { errors?: unknown }).errors);
  return Array.isArray(v) ? v.every(one) : one(v);
}

function limitFor(size: number, limits: Limits): number {
  return limits.baseMs + (limits.msPerKiB * size) / 1024;
}

async function call(target: Target, input: Input, c: Corpus): Promise<{ ms: number; result?: unknown; error?: unknown; threw: boolean }> {
  const t0 = performance.now();
  try {
    let result = target.run(input, c);
    if (result instanceof Promise) result = await result;
    return { ms: performance.now() - t0, result, threw: false };
  } catch (error) {
    return { ms: performance.now() - t0, error, threw: true };
  }
}

/** Runs one input through one target and judges it; undefined when the property holds. */
export async function judge(target: Target, input: Input, seed: number, index: number, limits: Limits = DEFAULT_LIMITS, c: Corpus = corpus()): Promise<Finding | undefined> {
  const size = input.text.length;
  let r = await call(target, input, c);
  const base = { target: target.name, ms: Math.round(r.ms * 10) / 10, size, seed, index, recipe: input.recipe, text: input.text, ...(input.latin1 ? { latin1: true } : {}) };
  if (r.threw) {
    const e = r.error;
    const w = where(e);
    if (target.verdictOnly) {
      const what = isCoded(e) ? `SigchainError ${(e as SigchainError).code}` : `${(e as Error)?.name ?? typeof e}`;
      return { ...base, cls: 'verifier-threw', key: `${what}: ${normalise(String((e as Error)?.message ?? e))} @ ${w ?? '?'}`, message: String((e as Error)?.message ?? e), ...(w ? { where: w } : {}) };
    }
    if (!isCoded(e)) {
      const name = (e as Error)?.name ?? typeof e;
      return { ...base, cls: 'uncoded', key: `${name}: ${normalise(String((e as Error)?.message ?? e))} @ ${w ?? '?'}`, message: `${name}: ${String((e as Error)?.message ?? e)}`, ...(w ? { where: w } : {}) };
    }
  } else {
    if (target.verdictOnly && !isVerdict(r.result)) return { ...base, cls: 'verifier-threw', key: 'returned something that is not a verdict', message: 'returned something that is not a verdict' };
    const s = target.check?.(input, r.result, c);
    if (s) return { ...base, cls: s.cls, key: s.key, message: s.message };
  }
  const limit = limitFor(size, limits);
  if (r.ms > limit) {
    // Once more before blaming the reader: a GC pause or the other helpers' load is not a finding.
    r = await call(target, input, c);
    if (r.ms > limit) {
      const kib = Math.max(1, Math.round(size / 1024));
      return { ...base, ms: Math.round(r.ms), cls: 'slow', key: `over ${Math.round(limit)} ms (${size < 1024 ? '<1' : kib} KiB)`, message: `took ${Math.round(r.ms)} ms for ${size} chars (limit ${Math.round(limit)} ms)` };
    }
  }
  return undefined;
}
