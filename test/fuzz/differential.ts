// The Go differential: the same genuinely signed tokens judged by sigchain (decodeNatsClaims +
// validateClaims) and by nats-io/jwt v2.3.0 (jwt.Decode + Validate, tools/go-oracle). A token
// sigchain accepts and Go refuses is a false accept; both accepting but reading a field Go
// knows differently (exp beside EXP) is a reading difference. Go accepting what sigchain
// refuses is allowed (stricter) and only counted.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { decodeNatsClaims } from '../../src/claims/nats/decode.js';
import { validateClaims } from '../../src/claims/nats/validate.js';
import { ErrorCodes, SigchainError } from '../../src/errors.js';

/** Where the Debian package golang-github-nats-io-jwt-dev puts the library (GOPATH mode). */
export const GO_JWT_DIR = '/usr/share/gocode/src/github.com/nats-io/jwt/v2';
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SOURCE = `${ROOT}tools/go-oracle/main.go`;
const BIN_DIR = `${ROOT}node_modules/.cache/sigchain-go-oracle`;

export interface GoAnswer {
  accept: boolean;
  decoded: boolean;
  error?: string;
  blocking?: string[];
  type?: string;
  claims?: Record<string, unknown>;
  panic?: string;
}

/** The oracle binary, built on first use; or why it cannot be (never pretended). */
export function goOracle(): { bin: string } | { reason: string } {
  const go = spawnSync('go', ['version'], { encoding: 'utf8' });
  if (go.error || go.status !== 0) return { reason: 'the go command is not installed (apt-get install -y golang-go golang-github-nats-io-jwt-dev)' };
  if (!existsSync(GO_JWT_DIR)) return { reason: `nats-io/jwt v2 is not at ${GO_JWT_DIR} (apt-get install -y golang-github-nats-io-jwt-dev)` };
  const bin = `${BIN_DIR}/go-oracle`;
  if (!existsSync(bin) || statSync(bin).mtimeMs < statSync(SOURCE).mtimeMs) {
    mkdirSync(BIN_DIR, { recursive: true });
    const b = spawnSync('go', ['build', '-o', bin, './tools/go-oracle'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, GOPATH: '/usr/share/gocode', GO111MODULE: 'off', GOFLAGS: '-mod=mod', GOCACHE: `${BIN_DIR}/cache` },
    });
    if (b.status !== 0) return { reason: `building tools/go-oracle failed: ${(b.stderr || b.stdout).trim().slice(0, 400)}` };
  }
  return { bin };
}

/** A running oracle: tokens in, answers out, in order. */
export class GoOracle {
  #proc: ChildProcess;
  #waiting: Array<(a: GoAnswer) => void> = [];
  constructor(bin: string) {
    this.#proc = spawn(bin, [], { stdio: ['pipe', 'pipe', 'inherit'] });
    createInterface({ input: this.#proc.stdout! }).on('line', (line) => this.#waiting.shift()?.(JSON.parse(line) as GoAnswer));
  }
  judge(tokens: readonly string[]): Promise<GoAnswer[]> {
    const out = tokens.map((t) => {
      if (t.includes('\n')) throw new Error('a token with a newline cannot go to the oracle line by line');
      return new Promise<GoAnswer>((resolve) => this.#waiting.push(resolve));
    });
    this.#proc.stdin!.write(`${tokens.join('\n')}\n`);
    return Promise.all(out);
  }
  close(): void {
    this.#proc.stdin!.end();
  }
}

export interface TsAnswer {
  accept: boolean;
  code?: string;
  errors?: string[];
  claims?: Record<string, unknown>;
  /** An exception that is not a coded SigchainError. */
  uncoded?: string;
}

/** sigchain's answer: decodeNatsClaims then validateClaims (time checks included, as Go's IsBlocking(true)). */
export function tsJudge(token: string): TsAnswer {
  try {
    const claims = decodeNatsClaims(token);
    const errors = validateClaims(claims).errors.map((e) => `${e.code} ${e.field ?? ''}`.trim());
    return { accept: errors.length === 0, errors, claims: claims as unknown as Record<string, unknown> };
  } catch (e) {
    if (e instanceof SigchainError && Object.hasOwn(ErrorCodes, e.code)) return { accept: false, code: e.code };
    return { accept: false, uncoded: `${(e as Error)?.name}: ${(e as Error)?.message}` };
  }
}

function isZero(v: unknown): boolean {
  return v === undefined || v === null || v === 0 || v === '' || v === false || (Array.isArray(v) && v.length === 0) || (typeof v === 'object' && v !== null && Object.keys(v).length === 0);
}

function same(a: unknown, b: unknown): boolean {
  if (isZero(a) && isZero(b)) return true;
  if (typeof a === 'number' && typeof b === 'number') return a === b || Math.abs(a - b) <= Math.abs(a) * 1e-15;
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * The first field Go decoded that sigchain reads differently: every leaf of Go's re-marshalled
 * claims is looked up by exact name in sigchain's claims (absent counts as Go's zero value).
 */
export function readingDifference(goClaims: unknown, tsClaims: unknown): string | undefined {
  const stack: Array<[unknown, unknown, string]> = [[goClaims, tsClaims, '']];
  while (stack.length) {
    const [g0, t, path] = stack.pop()!;
    let g = g0;
    if (g && typeof g === 'object' && !Array.isArray(g)) {
      const tt = t && typeof t === 'object' && !Array.isArray(t) ? (t as Record<string, unknown>) : {};
      if (!(t && typeof t === 'object') && !isZero(g) && !isZero(t)) return `${path || '(top)'}: Go reads an object, sigchain ${JSON.stringify(t)?.slice(0, 60)}`;
      for (const [k, v] of Object.entries(g)) stack.push([v, tt[k], path ? `${path}.${k}` : k]);
    } else if (Array.isArray(g) && Array.isArray(t) && g.length === t.length && g.some((x) => x && typeof x === 'object')) {
      // Go writes signing keys sorted by key; the order is not a reading difference.
      if (path.endsWith('signing_keys')) {
        const byKey = (x: unknown): string => (typeof x === 'string' ? x : String((x as { key?: unknown })?.key));
        g = [...g].sort((a, b) => byKey(a).localeCompare(byKey(b)));
        t.sort((a, b) => byKey(a).localeCompare(byKey(b)));
      }
      (g as unknown[]).forEach((x: unknown, i: number) => stack.push([x, t[i], `${path}[${i}]`]));
    } else if (!same(g, t)) {
      return `${path}: Go reads ${JSON.stringify(g)?.slice(0, 80)}, sigchain ${JSON.stringify(t)?.slice(0, 80) ?? 'nothing'}`;
    }
  }
  return undefined;
}

export type DiffClass = 'false-accept' | 'reads-differently' | 'uncoded' | 'stricter' | 'go-panic';

/** How the two answers differ, if they do. */
export function compare(go: GoAnswer, ts: TsAnswer): { cls: DiffClass; key: string; message: string } | undefined {
  if (ts.uncoded) return { cls: 'uncoded', key: ts.uncoded.replace(/\d+/g, 'N').slice(0, 120), message: ts.uncoded };
  if (go.panic) return { cls: 'go-panic', key: go.panic.slice(0, 80), message: go.panic };
  if (ts.accept && !go.accept) {
    const why = go.error ?? go.blocking?.[0] ?? '?';
    return { cls: 'false-accept', key: `Go: ${why.replace(/[A-Z2-7]{56}/g, 'KEY').replace(/\d+/g, 'N').slice(0, 100)}`, message: `sigchain accepts; Go refuses: ${why}` };
  }
  if (!ts.accept && go.accept) return { cls: 'stricter', key: ts.code ?? ts.errors?.[0] ?? '?', message: `Go accepts; sigchain refuses with ${ts.code ?? ts.errors?.join(', ')}` };
  if (ts.accept && go.accept) {
    const d = readingDifference(go.claims, ts.claims);
    if (d) return { cls: 'reads-differently', key: d.split(':')[0]!.replace(/\[\d+\]/g, '[N]'), message: d };
  }
  return undefined;
}
