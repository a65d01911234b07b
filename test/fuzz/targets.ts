// Every reader of untrusted input the fuzzer drives, in one list. When a reader moves (the
// token and creds readers are moving to src/input/), repoint it here and nowhere else.
import { CLAIMS_SHAPE, type FieldShape, NATS_SHAPES, type Shape, T } from '../../src/claims/nats/schema.js';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCreds } from '../../src/input/creds.js';
import { decodeNatsClaims, decodeUser, inspectNatsClaims } from '../../src/claims/nats/decode.js';
import { validateClaims } from '../../src/claims/nats/validate.js';
import type { NatsClaims } from '../../src/claims/nats/types.js';
import { decodeJwt, verifyJwtUncached } from '../../src/jwt/index.js';
import { KeyPair, decodePublicKey, decodeSeed, describeKeyText, isPublicKey, isSeed, publicKeyRole } from '../../src/nkeys/index.js';
import { jwtsInText, loadChainFiles, tokenFromText } from '../../src/input/index.js';
import { definePolicy } from '../../src/trust/policy.js';
import { memoryResolver } from '../../src/trust/resolver.js';
import { verifyChain, verifyChainSync } from '../../src/trust/verify-chain.js';
import type { Verdict } from '../../src/trust/verdict.js';
import { clearCaches } from '../../src/bounded-map.js';
import { forgetVerified, verifyJwtsAhead } from '../../src/jwt/verify-ahead.js';
import { type JwtDirEntry, readJwtDir, readJwtDirSync, readJwtFileSync } from '../../src/store/jwt-files.js';
import { type InputVerdict, verifyInputs } from '../../src/workspace/verify/verify-inputs.js';
import { type Corpus, IAT } from './corpus.js';
import { WASMCLOUD_TARGETS } from './wasmcloud-targets.js';
import { type Mutated, mutateText, resign } from './mutators.js';
import type { Rng } from './rng.js';

/** One generated input: the text handed to the reader and how it was made. */
export interface Input extends Mutated {
  /** Write the text as Latin-1 bytes (so bytes ≥ 0x80 stay single, non-UTF-8 bytes). */
  latin1?: boolean;
}

/** A semantic finding a target's own oracle reports about an accepted input. */
export interface Semantic {
  cls: 'false-accept' | 'reads-differently';
  /** What groups findings of this kind (the message says which field or character). */
  key: string;
  message: string;
}

export interface Target {
  name: string;
  /** The reader family: one test file per family. */
  family: 'nkeys' | 'jwt' | 'claims' | 'validate' | 'creds' | 'text' | 'trust' | 'wasmcloud';
  gen(rng: Rng, c: Corpus): Input;
  run(input: Input, c: Corpus): unknown;
  /** The verifier promises a verdict for any token: a throw of any kind is a finding. */
  verdictOnly?: boolean;
  /** Checks an accepted input's result. */
  check?(input: Input, result: unknown, c: Corpus): Semantic | undefined;
}

// --- generators ---

function nkeyInput(rng: Rng, c: Corpus): Input {
  const base = rng.chance(0.9) ? rng.pick(c.nkeys) : '';
  return mutateText(rng, base, rng.chance(0.2));
}

/** Damaged text of a genuine token, a genuine payload damaged and re-signed, or both. */
export function tokenInput(rng: Rng, c: Corpus): Input {
  const r = rng.int(10);
  if (r < 4) return mutateText(rng, rng.pick(c.tokens), rng.chance(0.2));
  if (r < 9) return resign(rng, c);
  const s = resign(rng, c);
  const t = mutateText(rng, s.text, false);
  return { text: t.text, recipe: `${s.recipe} ∘ ${t.recipe}` };
}

function credsVariants(c: Corpus): string[] {
  const k = c.keys;
  return [
    c.creds,
    c.creds.replace(/\n/g, '\r\n'),
    c.creds.replace(c.userJwt, c.accountJwt), // an account JWT in a creds file
    c.creds.replace(k.user.seed, k.user2.seed), // a seed of another user
    c.creds.replace(k.user.seed, k.acct.seed), // an account seed
    c.creds + c.creds, // two of everything
    `-----BEGIN NATS USER JWT-----\n${c.userJwt}\n------END NATS USER JWT------\n-----BEGIN NATS USER JWT-----\n${c.userSkJwt}\n------END NATS USER JWT------\n${k.user.seed}\n`,
    `${c.userJwt}\n${k.user.seed}\n`,
  ];
}

function credsInput(rng: Rng, c: Corpus): Input {
  const vs = credsVariants(c);
  const i = rng.int(vs.length);
  const base = vs[i]!;
  if (rng.chance(0.1)) return { text: base, recipe: `creds variant ${i}` };
  const m = mutateText(rng, base, rng.chance(0.2));
  return { text: m.text, recipe: `creds variant ${i} ∘ ${m.recipe}` };
}

function textInput(rng: Rng, c: Corpus): Input {
  const bases = [...c.tokens, c.creds, c.armored, c.serverConfig];
  const i = rng.int(bases.length);
  const m = mutateText(rng, bases[i]!, rng.chance(0.2));
  return { text: m.text, recipe: `text base ${i} ∘ ${m.recipe}`, latin1: rng.chance(0.3) };
}

// What editors, shells and encodings leave around a token in a file: ASCII whitespace (set aside
// by every reader) and characters String#trim would drop but no reader may (a no-break space, a
// byte-order mark, a line separator, NEL, an ideographic space).
const AROUND = [' ', '\n', '\r\n', '\t', '\u00A0', '\uFEFF', '\u2028', '\u0085', '\u3000'];

/** `i` with, sometimes, one of {@link AROUND} before and/or after it. */
function surrounded(rng: Rng, i: Input): Input {
  if (!rng.chance(0.4)) return i;
  const before = rng.chance(0.5) ? rng.pick(AROUND) : '';
  const after = rng.chance(0.7) ? rng.pick(AROUND) : '';
  // Written as latin1 too: there U+00A0 is the single byte 0xA0, which a latin1 reader sees as a no-break space.
  const latin1 = i.latin1 === true || rng.chance(0.4);
  return { ...i, text: `${before}${i.text}${after}`, recipe: `${i.recipe} ∘ around ${JSON.stringify(before)}…${JSON.stringify(after)}${latin1 ? ' as latin1' : ''}`, latin1 };
}

// --- oracles ---

// Go matches JSON keys to fields case-insensitively (with Unicode folding: ſ→s, K→k), so a key
// that is not exactly a Go field but folds to one is read by Go as that field.
function foldKey(k: string): string {
  return k.replace(/ſ/g, 's').replace(/K/g, 'k').toLowerCase();
}

/**
 * The first key in the payload that Go would read as a field of the struct it sits in without
 * naming it exactly. Which structs hold which fields comes from the schema tables transcribed
 * from Go's structs (src/claims/nats/schema.ts); the differential against the real Go library
 * (`--differential`) is the authority that checks those tables.
 */
export function caseAmbiguity(payloadJson: unknown): string | undefined {
  // Iterative: payloads nest 100,000 deep, and the oracle must not be what overflows.
  const stack: Array<[unknown, string, Shape]> = [[payloadJson, '', CLAIMS_SHAPE]];
  const push = (x: unknown, at: string, f: FieldShape, nats: unknown): void => {
    const each = (v: unknown, fn: (y: unknown, key: string) => void) => {
      if (Array.isArray(v)) v.forEach((y, n) => fn(y, `[${n}]`));
      else if (v && typeof v === 'object') for (const [kk, y] of Object.entries(v)) fn(y, `.${kk}`);
    };
    if (f.t === T.Nats) {
      const type = nats && typeof nats === 'object' ? (nats as { type?: unknown }).type : undefined;
      const sh = typeof type === 'string' ? NATS_SHAPES.get(type) : undefined;
      if (sh) stack.push([x, at, sh]);
    } else if (!f.schema) return;
    else if (f.t === T.Struct || f.t === T.Ptr) stack.push([x, at, f.schema]);
    else if (f.t === T.Structs || f.t === T.SigningKeys || f.t === T.StructMap) each(x, (y, key) => stack.push([y, at + key, f.schema!]));
    else if (f.t === T.StructsMap) each(x, (list, key) => each(list, (y, k2) => stack.push([y, at + key + k2, f.schema!])));
  };
  while (stack.length) {
    const [v, path, sh] = stack.pop()!;
    if (!v || typeof v !== 'object' || Array.isArray(v)) continue;
    for (const [k, x] of Object.entries(v)) {
      const at = path ? `${path}.${k}` : k;
      const folded = foldKey(k);
      for (const [name, f] of sh.fields) {
        if (foldKey(name) !== folded) continue;
        if (name !== k) return `${at} (Go reads it as ${name})`;
        push(x, at, f, x);
      }
    }
  }
  return undefined;
}

function rawPayload(token: string): unknown {
  try {
    return JSON.parse(Buffer.from(token.trim().split('.')[1] ?? '', 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

function checkCase(input: Input): Semantic | undefined {
  const amb = caseAmbiguity(rawPayload(input.text));
  return amb ? { cls: 'reads-differently', key: 'accepted a key that differs only in case from a field Go reads', message: `accepted a payload whose key ${amb} differs from a known field only in case` } : undefined;
}

const B64URL = /[A-Za-z0-9_\-.=+/]/;

// A token read from text must be a whole word of it: never the front of a longer token-like
// run (`h.p.s.extra`, `h.p.s==`), which is reading a substring of what was presented.
function checkWhole(text: string, tokens: readonly string[]): Semantic | undefined {
  let from = 0;
  for (const t of tokens) {
    const i = text.indexOf(t, from);
    if (i < 0) continue;
    from = i + t.length;
    const before = i > 0 ? text[i - 1]! : '';
    const after = text[i + t.length] ?? '';
    // `KEY=token` / `KEY:token` is a config assignment (nats-server's syntax), not a longer run.
    const assigned = (before === '=' || before === ':') && /(^|[\s{,;])[A-Za-z0-9_$-]+$/.test(text.slice(Math.max(0, i - 200), i - 1));
    if ((before && !assigned && B64URL.test(before)) || (after && B64URL.test(after))) {
      return { cls: 'false-accept', key: 'read a token out of a longer token-like run', message: `read a token out of the middle of a longer token-like run (before ${JSON.stringify(before)}, after ${JSON.stringify(after)})` };
    }
  }
  return undefined;
}

// --- the targets ---

let tmp: string | undefined;
let fileNo = 0;
let lastScratch: string | undefined;
function scratchFile(input: Input): string {
  tmp ??= mkdtempSync(join(tmpdir(), 'sigchain-fuzz-'));
  const p = (lastScratch = join(tmp, `in-${fileNo++ % 8}.creds`));
  writeFileSync(p, Buffer.from(input.text, input.latin1 ? 'latin1' : 'utf8'));
  return p;
}
let lastStoreDir: string | undefined;
/** A folder holding the input as its one `u.jwt` (what a users folder holds). */
function scratchStoreFile(input: Input): string {
  tmp ??= mkdtempSync(join(tmpdir(), 'sigchain-fuzz-'));
  lastStoreDir ??= mkdtempSync(join(tmp, 'users-'));
  writeFileSync(join(lastStoreDir, 'u.jwt'), Buffer.from(input.text, input.latin1 ? 'latin1' : 'utf8'));
  return lastStoreDir;
}
process.once('exit', () => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

function parentWorld(c: Corpus, account: string): { resolver: ReturnType<typeof memoryResolver>; policy: ReturnType<typeof definePolicy> } {
  return { resolver: memoryResolver([c.operatorJwt, c.systemJwt, account]), policy: definePolicy({ trustedOperators: [c.operatorJwt], now: IAT + 60 }) };
}

/** A folder reader's answer for the scratch store file against the one-file reader's. */
function sameAsFileReader(reader: string, [got]: JwtDirEntry[]): Semantic | undefined {
  const want = readJwtFileSync(join(lastStoreDir!, 'u.jwt'));
  const view = (e: JwtDirEntry | ReturnType<typeof readJwtFileSync>) => (e === undefined ? 'missing' : 'error' in e && e.error ? `error ${e.error.code}` : JSON.stringify([e.token, e.facts]));
  const a = view(got);
  const b = view(want);
  if (a !== b) return { cls: 'reads-differently', key: 'folder reader and file reader disagree', message: `${reader} gave ${a.slice(0, 120)}, readJwtFileSync ${b.slice(0, 120)}` };
  // A token is ASCII: a file with any other byte is no token to any reader, whether it decodes
  // the file as UTF-8 or as latin1 (where 0xA0 would be a no-break space a lenient trim drops).
  if (want && !('error' in want) && readFileSync(join(lastStoreDir!, 'u.jwt')).some((byte) => byte > 0x7f)) {
    return { cls: 'reads-differently', key: 'a non-ASCII file read as a token', message: `readJwtFileSync accepted a file holding a byte over 0x7F: ${b.slice(0, 120)}` };
  }
  return undefined;
}

let world: ReturnType<typeof parentWorld> | undefined;
// trust.verifyAhead's plain verdict for each verdict it returns, for its check.
const aheadPlain = new WeakMap<Verdict, Verdict>();

export const TARGETS: Target[] = [
  { name: 'nkeys.decodePublicKey', family: 'nkeys', gen: nkeyInput, run: (i) => decodePublicKey(i.text) },
  { name: 'nkeys.decodeSeed', family: 'nkeys', gen: nkeyInput, run: (i) => decodeSeed(i.text) },
  { name: 'nkeys.KeyPair.fromSeed', family: 'nkeys', gen: nkeyInput, run: (i) => KeyPair.fromSeed(i.text) },
  { name: 'nkeys.KeyPair.fromPublic', family: 'nkeys', gen: nkeyInput, run: (i) => KeyPair.fromPublic(i.text) },
  { name: 'nkeys.describe+predicates', family: 'nkeys', gen: nkeyInput, run: (i) => [describeKeyText(i.text), isPublicKey(i.text), isSeed(i.text), publicKeyRole(i.text)] },
  {
    // The same readers given a value of another type (a claim field passed straight in).
    name: 'nkeys.non-string',
    family: 'nkeys',
    gen: (rng) => {
      const v = rng.pick<unknown>([5, null, undefined, true, {}, [], ['S'], { length: 58 }, 1n, Symbol.iterator]);
      return { text: typeof v === 'bigint' ? '1n' : typeof v === 'symbol' ? 'symbol' : v === undefined ? 'undefined' : JSON.stringify(v), recipe: `value ${String(typeof v)}` };
    },
    run: (i) => {
      const v: unknown = i.text === '1n' ? 1n : i.text === 'symbol' ? Symbol.iterator : i.text === 'undefined' ? undefined : JSON.parse(i.text);
      const calls: Array<() => unknown> = [() => decodePublicKey(v as string), () => decodeSeed(v as string), () => KeyPair.fromSeed(v as string), () => KeyPair.fromPublic(v as string), () => isPublicKey(v), () => isSeed(v), () => publicKeyRole(v)];
      // Each must answer or throw coded on its own: the first uncoded throw is the finding.
      let coded: unknown;
      for (const call of calls) {
        try {
          call();
        } catch (e) {
          if ((e as { code?: unknown })?.code === undefined) throw e;
          coded = e;
        }
      }
      if (coded) throw coded;
      return true;
    },
  },
  { name: 'jwt.decodeJwt', family: 'jwt', gen: tokenInput, run: (i) => decodeJwt(i.text) },
  { name: 'jwt.verifyJwt', family: 'jwt', gen: tokenInput, run: (i) => verifyJwtUncached(i.text) },
  { name: 'claims.decodeNatsClaims', family: 'claims', gen: tokenInput, run: (i) => decodeNatsClaims(i.text), check: checkCase },
  { name: 'claims.decodeUser', family: 'claims', gen: tokenInput, run: (i) => decodeUser(i.text) },
  { name: 'claims.inspectNatsClaims', family: 'claims', gen: tokenInput, run: (i) => inspectNatsClaims(i.text) },
  {
    name: 'validate.validateClaims',
    family: 'validate',
    gen: tokenInput,
    run: (i) => {
      const claims = decodeNatsClaims(i.text);
      const now = validateClaims(claims);
      return [now, validateClaims(claims, { now: IAT + 60, maxControlLine: 1024 })];
    },
  },
  {
    // validateClaims is public and takes claims objects: a hand-built object of wrong shape
    // must be refused with findings too, not a TypeError.
    name: 'validate.object',
    family: 'validate',
    gen: (rng, c) => {
      const s = resign(rng, c);
      return { text: s.payload, recipe: s.recipe };
    },
    run: (i) => {
      let claims: NatsClaims;
      try {
        claims = JSON.parse(i.text) as NatsClaims;
      } catch {
        return undefined; // not JSON: nothing to hand to validateClaims
      }
      return validateClaims(claims, { now: IAT + 60 });
    },
  },
  { name: 'creds.parseCreds', family: 'creds', gen: credsInput, run: (i) => parseCreds(i.text) },
  { name: 'text.tokenFromText', family: 'text', gen: textInput, run: (i) => tokenFromText(i.text), check: (i, r) => checkWhole(i.text, [r as string]) },
  { name: 'text.jwtsInText', family: 'text', gen: textInput, run: (i) => jwtsInText(i.text), check: (i, r) => checkWhole(i.text, r as string[]) },
  {
    name: 'text.loadChainFiles',
    family: 'text',
    gen: (rng, c) => (rng.chance(0.5) ? textInput(rng, c) : credsInput(rng, c)),
    run: (i) => loadChainFiles([scratchFile(i)]),
    check: (i, r) => checkWhole(i.latin1 ? Buffer.from(i.text, 'latin1').toString('utf8') : i.text, r as string[]),
  },
  {
    // The store's bulk reader (native reads where the addon is built) against the one-file
    // reader (node:fs): the same token and facts, or the same coded error, for any bytes.
    name: 'text.readJwtDirSync',
    family: 'text',
    gen: (rng, c) => surrounded(rng, rng.chance(0.7) ? tokenInput(rng, c) : textInput(rng, c)),
    run: (i) => readJwtDirSync(scratchStoreFile(i), { tokens: true }),
    check: (_i, r) => sameAsFileReader('readJwtDirSync', r as JwtDirEntry[]),
  },
  {
    // The same, read on libuv's pool (listings).
    name: 'text.readJwtDir',
    family: 'text',
    gen: (rng, c) => surrounded(rng, rng.chance(0.7) ? tokenInput(rng, c) : textInput(rng, c)),
    run: (i) => readJwtDir(scratchStoreFile(i), { tokens: true }),
    check: (_i, r) => sameAsFileReader('readJwtDir', r as JwtDirEntry[]),
  },
  {
    name: 'trust.verifyChainSync',
    family: 'trust',
    verdictOnly: true,
    gen: tokenInput,
    run: (i, c) => {
      world ??= parentWorld(c, c.accountJwt);
      return verifyChainSync(i.text, world);
    },
  },
  {
    // The verifier after the signature was checked ahead on libuv's pool (validate's bulk path)
    // against the plain verifier, caches emptied in between: the same verdict for any token.
    name: 'trust.verifyAhead',
    family: 'trust',
    verdictOnly: true,
    gen: tokenInput,
    run: async (i, c) => {
      world ??= parentWorld(c, c.accountJwt);
      clearCaches();
      const plain = verifyChainSync(i.text, world);
      clearCaches();
      await verifyJwtsAhead([i.text.trim()]);
      const ahead = verifyChainSync(i.text, world);
      forgetVerified([i.text.trim()]);
      aheadPlain.set(ahead, plain);
      return ahead;
    },
    check: (_i, r) => {
      const plain = aheadPlain.get(r as Verdict);
      const view = (v: Verdict | undefined) => JSON.stringify(v && [v.valid, v.errors.map((e) => e.code), v.warnings.map((w) => w.code)]);
      return view(plain) === view(r as Verdict) ? undefined : { cls: 'reads-differently', key: 'a verdict changed when the signature was checked ahead', message: `ahead ${view(r as Verdict).slice(0, 160)}, plain ${view(plain).slice(0, 160)}` };
    },
  },
  {
    name: 'trust.verifyChain',
    family: 'trust',
    verdictOnly: true,
    gen: tokenInput,
    run: (i, c) => {
      world ??= parentWorld(c, c.accountJwt);
      return verifyChain(i.text, world);
    },
  },
  {
    // A damaged account JWT as the parent of genuine users (its fields are read by the user's judge).
    name: 'trust.parentAccount',
    family: 'trust',
    verdictOnly: true,
    gen: (rng, c) => {
      const src = c.payloads.find((p) => p.kind === 'account')!;
      return rng.chance(0.8) ? resign(rng, c, src) : mutateText(rng, c.accountJwt, false);
    },
    run: (i, c) => {
      const w = parentWorld(c, i.text);
      return [c.userJwt, c.userSkJwt, c.userScopedJwt].map((u) => verifyChainSync(u, w));
    },
  },
  {
    // A damaged operator JWT in the resolver, above the genuine account and users.
    name: 'trust.operator',
    family: 'trust',
    verdictOnly: true,
    gen: (rng, c) => {
      const src = c.payloads.find((p) => p.kind === 'operator')!;
      return rng.chance(0.8) ? resign(rng, c, src) : mutateText(rng, c.operatorJwt, false);
    },
    run: (i, c) => {
      const w = { resolver: memoryResolver([i.text, c.accountJwt, c.systemJwt]), policy: definePolicy({ trustedOperators: [c.keys.op.publicKey], now: IAT + 60 }) };
      return [c.userJwt, c.accountJwt].map((t) => verifyChainSync(t, w));
    },
  },
  {
    // `verify` of several inputs (the input as a file, then inline): each verdict the plain
    // verifier's for the token the file holds, or the reader's coded refusal at `input`; never a throw.
    name: 'trust.verifyInputs',
    family: 'trust',
    gen: (rng, c) => (rng.chance(0.6) ? tokenInput(rng, c) : rng.chance(0.5) ? credsInput(rng, c) : textInput(rng, c)),
    run: (i, c) => verifyInputs([scratchFile(i), ...(i.text.startsWith('-') ? [] : [i.text])], { chain: [c.operatorJwt, c.systemJwt, c.accountJwt], policy: { trustedOperators: [c.operatorJwt], now: IAT + 60 } }),
    check: (i, r, c) => {
      world ??= parentWorld(c, c.accountJwt);
      const [got] = r as InputVerdict[];
      let want: string;
      try {
        const token = tokenFromText(readFileSync(lastScratch!, 'utf8'), lastScratch!);
        const v = verifyChainSync(token, world);
        want = JSON.stringify([v.valid, v.errors.map((e) => [e.code, e.at]), v.warnings.map((w) => w.code)]);
      } catch (e) {
        want = JSON.stringify([false, [[(e as { code?: string }).code ?? 'threw', 'input']], []]);
      }
      const view = got && JSON.stringify([got.valid, got.errors.map((e) => [e.code, e.at]), got.warnings.map((w) => w.code)]);
      return view === want ? undefined : { cls: 'reads-differently', key: 'verify of several inputs and the plain verifier disagree', message: `verifyInputs ${String(view).slice(0, 160)}, plain ${want.slice(0, 160)}` };
    },
  },
];

TARGETS.push(...WASMCLOUD_TARGETS);

/** The targets named (a name, a family, or a prefix of either); all when none is given. */
export function selectTargets(names?: readonly string[]): Target[] {
  if (!names || names.length === 0) return TARGETS;
  const out = TARGETS.filter((t) => names.some((n) => t.name === n || t.family === n || t.name.startsWith(n)));
  if (out.length === 0) throw new Error(`No fuzz target matches ${names.join(', ')}. Targets: ${TARGETS.map((t) => t.name).join(', ')}`);
  return out;
}
