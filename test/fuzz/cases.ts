// The named inputs of issue 8, each with the outcome it must have. Run one per worker with a
// deadline (case-worker.ts), so a case that hangs today fails in seconds instead of stalling.
import { parseCreds } from '../../src/input/creds.js';
import { decodeNatsClaims } from '../../src/claims/nats/decode.js';
import { validateClaims } from '../../src/claims/nats/validate.js';
import { isSigchainError } from '../../src/errors.js';
import { KeyPair } from '../../src/nkeys/index.js';
import { tokenFromText } from '../../src/input/index.js';
import { definePolicy } from '../../src/trust/policy.js';
import { memoryResolver } from '../../src/trust/resolver.js';
import { verifyChainSync } from '../../src/trust/verify-chain.js';
import { type Corpus, IAT, corpus } from './corpus.js';
import { signRaw } from './mutators.js';

export type Expect =
  /** Thrown SigchainError with one of these codes (any code when empty). */
  | { coded: string[] }
  /** decodeNatsClaims throws a coded error, or validateClaims reports an error: never accepted. */
  | { refused: true }
  /** The verifier returns a verdict (valid or not) and never throws. */
  | { verdict: true };

export interface Case {
  name: string;
  expect: Expect;
  /** Milliseconds the call may take. */
  maxMs: number;
  /** The branch whose fix this case waits for, if it fails on the current code. */
  run(c: Corpus): unknown;
}

function payload(token: string): Record<string, any> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, any>;
}

/** The user payload re-signed by the account after `edit`, or after a raw text replacement. */
function user(c: Corpus, edit: (p: Record<string, any>) => void | string): string {
  const p = payload(c.userJwt);
  const raw = edit(p);
  return signRaw(typeof raw === 'string' ? raw : JSON.stringify(p), c.keys.acct);
}

function account(c: Corpus, edit: (p: Record<string, any>) => void): string {
  const p = payload(c.accountJwt);
  edit(p);
  return signRaw(JSON.stringify(p), c.keys.opSk);
}

/** decodeNatsClaims then validateClaims, as one accept/refuse answer (throws when refused by decode). */
export function decodeAndValidate(token: string): { errors: string[] } {
  const claims = decodeNatsClaims(token);
  return { errors: validateClaims(claims, { now: IAT + 60 }).errors.map((e) => e.code) };
}

function chain(c: Corpus, accountJwt: string, leaf: string): unknown {
  return verifyChainSync(leaf, { resolver: memoryResolver([c.operatorJwt, c.systemJwt, accountJwt]), policy: definePolicy({ trustedOperators: [c.operatorJwt], now: IAT + 60 }) });
}

export const CASES: Case[] = [
  // --- hangs in the text readers (reader branch) ---
  { name: 'parseCreds: 600 dashes', expect: { coded: ['MALFORMED_CREDS'] }, maxMs: 100, run: () => parseCreds('-'.repeat(600)) },
  { name: 'parseCreds: 100,000 spaces then ---x', expect: { coded: ['MALFORMED_CREDS'] }, maxMs: 200, run: () => parseCreds(`${' '.repeat(100_000)}---x`) },
  { name: 'parseCreds: 3 MB of tabs', expect: { coded: ['MALFORMED_CREDS', 'TOKEN_TOO_LARGE'] }, maxMs: 500, run: () => parseCreds('\t'.repeat(3_000_000)) },
  { name: 'parseCreds: 3 MB of newlines', expect: { coded: ['MALFORMED_CREDS', 'TOKEN_TOO_LARGE'] }, maxMs: 500, run: () => parseCreds('\n'.repeat(3_000_000)) },
  { name: 'tokenFromText: 3 MB of eyJ', expect: { coded: ['MALFORMED_TOKEN', 'TOKEN_TOO_LARGE'] }, maxMs: 500, run: () => tokenFromText('eyJ'.repeat(1_000_000)) },
  // --- substring reads (reader branch) ---
  { name: 'tokenFromText: creds whose JWT line has a fourth segment', expect: { coded: ['MALFORMED_TOKEN', 'MALFORMED_CREDS'] }, maxMs: 300, run: (c) => tokenFromText(c.creds.replace(c.userJwt, `${c.userJwt}.extra`)) },
  { name: 'tokenFromText: signature with = padding', expect: { coded: ['MALFORMED_TOKEN'] }, maxMs: 300, run: (c) => tokenFromText(`${c.userJwt}==`) },
  // --- creds semantics (reader branch) ---
  { name: 'parseCreds: an account JWT in the JWT block', expect: { coded: ['WRONG_CLAIM_TYPE'] }, maxMs: 300, run: (c) => parseCreds(c.creds.replace(c.userJwt, c.accountJwt)) },
  { name: "parseCreds: another user's seed", expect: { coded: ['CREDS_KEY_MISMATCH'] }, maxMs: 300, run: (c) => parseCreds(c.creds.replace(c.keys.user.seed, c.keys.user2.seed)) },
  { name: 'parseCreds: two JWT blocks', expect: { coded: ['MALFORMED_CREDS'] }, maxMs: 300, run: (c) => parseCreds(`-----BEGIN NATS USER JWT-----\n${c.userJwt}\n------END NATS USER JWT------\n\n${c.creds}`) },
  // --- decoding as Go decodes (schema branch) ---
  { name: 'user jti a number', expect: { refused: true }, maxMs: 300, run: (c) => decodeAndValidate(user(c, (p) => void (p.jti = 5))) },
  { name: 'user resp a number', expect: { refused: true }, maxMs: 300, run: (c) => decodeAndValidate(user(c, (p) => void (p.nats.resp = 5))) },
  { name: 'user allowed_connection_types of numbers', expect: { refused: true }, maxMs: 300, run: (c) => decodeAndValidate(user(c, (p) => void (p.nats.allowed_connection_types = [1, 2]))) },
  { name: 'user pub.allow an object', expect: { refused: true }, maxMs: 300, run: (c) => decodeAndValidate(user(c, (p) => void (p.nats.pub.allow = { a: 1 }))) },
  // An unknown field nested past Go's limit: the payload text gets it before its first field.
  { name: 'user nested 10,001 deep', expect: { refused: true }, maxMs: 200, run: (c) => decodeAndValidate(user(c, (p) => `{"x":${'['.repeat(10_001)}${']'.repeat(10_001)},${JSON.stringify(p).slice(1)}`)) },
  { name: 'user version 2.0', expect: { refused: true }, maxMs: 300, run: (c) => decodeAndValidate(user(c, (p) => JSON.stringify(p).replace('"version":2', '"version":2.0'))) },
  { name: 'user without nats.type', expect: { refused: true }, maxMs: 300, run: (c) => decodeAndValidate(user(c, (p) => void delete p.nats.type)) },
  { name: 'user with exp and EXP', expect: { refused: true }, maxMs: 300, run: (c) => decodeAndValidate(user(c, (p) => void (p.EXP = IAT + 1))) },
  { name: 'user with issuer_account and ISSUER_ACCOUNT', expect: { refused: true }, maxMs: 300, run: (c) => decodeAndValidate(user(c, (p) => void (p.nats.ISSUER_ACCOUNT = c.keys.other.publicKey))) },
  { name: 'user with only EXP (Go reads it as exp, already past)', expect: { refused: true }, maxMs: 300, run: (c) => decodeAndValidate(user(c, (p) => { p.EXP = IAT + 1; delete p.exp; })) },
  {
    name: 'user with a __proto__ key pollutes nothing',
    expect: { coded: [] },
    maxMs: 300,
    run: (c) => {
      try {
        decodeAndValidate(user(c, (p) => JSON.stringify(p).replace('"nats":{', '"nats":{"__proto__":{"polluted":1,"type":"operator"},')));
      } catch (e) {
        if (!isSigchainError(e)) throw e;
      }
      if (({} as Record<string, unknown>).polluted !== undefined) throw new Error('Object.prototype was polluted');
      throw Object.assign(new Error('no pollution'), { code: 'OK' }); // coded: the expected end
    },
  },
  // --- the verifier never throws (schema branch) ---
  { name: 'verifyChain: account revocation at 1e300', expect: { verdict: true }, maxMs: 300, run: (c) => chain(c, account(c, (p) => void (p.nats.revocations = { [c.keys.user.publicKey]: 1e300 })), c.userJwt) },
  { name: 'verifyChain: account exp 1e300', expect: { verdict: true }, maxMs: 300, run: (c) => chain(c, account(c, (p) => void (p.exp = 1e300)), c.userJwt) },
  { name: 'verifyChain: account signing_keys holding a number, a boolean and null', expect: { verdict: true }, maxMs: 300, run: (c) => chain(c, account(c, (p) => void p.nats.signing_keys.push(5, true, null)), c.userSkJwt) },
  { name: 'verifyChain: account signing_keys a number', expect: { verdict: true }, maxMs: 300, run: (c) => chain(c, account(c, (p) => void (p.nats.signing_keys = 5)), c.userSkJwt) },
  { name: 'verifyChain: user times start a number', expect: { verdict: true }, maxMs: 300, run: (c) => chain(c, c.accountJwt, user(c, (p) => void (p.nats.times = [{ start: 5, end: 6 }]))) },
  { name: 'verifyChain: user pub.allow nested 10,001 deep', expect: { verdict: true }, maxMs: 200, run: (c) => chain(c, c.accountJwt, user(c, (p) => JSON.stringify(p).replace('"allow":["foo.>"]', `"allow":${'['.repeat(10_001)}${']'.repeat(10_001)}`))) },
  // --- nkeys ---
  { name: 'KeyPair.fromSeed(5)', expect: { coded: ['NKEY_MALFORMED'] }, maxMs: 300, run: () => KeyPair.fromSeed(5 as unknown as string) },
  { name: 'KeyPair.fromSeed(null)', expect: { coded: ['NKEY_MALFORMED'] }, maxMs: 300, run: () => KeyPair.fromSeed(null as unknown as string) },
];

/** The outcome of one case: undefined when it held, else why not. */
export function judgeCase(k: Case, outcome: { threw: boolean; value?: unknown; error?: { name: string; message: string; code?: string } }, ms: number): string | undefined {
  const e = outcome.error;
  if ('coded' in k.expect) {
    if (k.name.includes('__proto__')) return e?.code === 'OK' ? undefined : `ended in ${e ? `${e.name}: ${e.message}` : 'a result'}`;
    if (!outcome.threw) return `was accepted (returned ${JSON.stringify(outcome.value)?.slice(0, 120)}); expected a ${k.expect.coded.join('/') || 'coded'} error`;
    if (!e?.code) return `threw an uncoded ${e?.name}: ${e?.message}`;
    if (k.expect.coded.length && !k.expect.coded.includes(e.code)) return `threw ${e.code} (${e.message.slice(0, 120)}); expected ${k.expect.coded.join(' or ')}`;
  } else if ('refused' in k.expect) {
    if (outcome.threw && !e?.code) return `threw an uncoded ${e?.name}: ${e?.message}`;
    const v = outcome.value as { errors?: string[] } | undefined;
    if (!outcome.threw && (!v?.errors || v.errors.length === 0)) return 'was accepted: decodeNatsClaims read it and validateClaims found no error';
  } else {
    if (outcome.threw) return `the verifier threw ${e?.code ?? e?.name}: ${e?.message}`;
    const v = outcome.value as { valid?: unknown } | undefined;
    if (typeof v?.valid !== 'boolean') return 'the verifier returned something that is not a verdict';
  }
  if (ms > k.maxMs) return `took ${Math.round(ms)} ms (limit ${k.maxMs} ms)`;
  return undefined;
}

export { corpus };
