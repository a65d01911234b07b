import { open } from 'node:fs/promises';
import { SigchainError, isSigchainError } from '../../errors.js';
import { type Command, list, str } from '../command.js';

const USAGE = 'invocation verify FILE... [--issuers C1,C2]... [--max-age SECONDS] [--replay-cache-size N] [--json]';

/** One line of the output: the shape `verify --json` gives a verdict. */
type Line = { id: string | null; valid: true } | { id: string | null; valid: false; error: { code: string; message: string } };

function wholeNumber(text: string | undefined, name: string, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text.trim());
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < 1) throw new SigchainError('USAGE', `${name} takes a whole number of 1 or more, not "${text}".`);
  return n;
}

// Reads at most `limit` + 1 bytes, so a huge file is refused without being read whole.
async function readBounded(path: string, limit: number): Promise<Uint8Array> {
  let fh;
  try {
    fh = await open(path, 'r');
  } catch (e) {
    throw new SigchainError('IO_ERROR', `Could not read ${path} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}).`, { path });
  }
  try {
    const st = await fh.stat();
    if (!st.isFile()) throw new SigchainError('IO_ERROR', `${path} is not a file.`, { path });
    if (st.size > limit) throw new SigchainError('MALFORMED_INVOCATION', `${path} is ${st.size} bytes, over the 16 MiB an invocation may have.`, { path });
    const buf = Buffer.alloc(st.size + 1);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    if (bytesRead > limit) throw new SigchainError('MALFORMED_INVOCATION', `${path} grew past the 16 MiB an invocation may have while being read.`, { path });
    return new Uint8Array(buf.buffer, buf.byteOffset, bytesRead);
  } finally {
    await fh.close();
  }
}

/** `sigchain invocation verify`: judges invocation files in order, as one host receiving them. */
export const invocationVerifyCommand: Command = {
  words: ['invocation', 'verify'],
  summary: 'Judge wasmCloud invocations (signature, issuer, hash, subject, URLs, age, replay), one line each',
  usage: USAGE,
  description: [
    'Judges each FILE, in order, as one wasmCloud host receiving those invocations would: one',
    'replay cache for all of them, so the same invocation given twice is refused the second',
    'time (REPLAY). A FILE is a 0.82 invocation in MessagePack (what `invocation sign` writes and',
    'hosts send), or JSON with the same field names and msg in base64.',
    '',
    'Checks, with their codes: the fields (MALFORMED_INVOCATION: missing, mistyped, over 16 MiB;',
    'INVALID_HOST_ID), the token (MALFORMED_TOKEN, BAD_SIGNATURE, WRONG_CLAIM_TYPE for a NATS JWT,',
    'ISSUER_NOT_TRUSTED when not signed by one of the --issuers, TOKEN_EXPIRED,',
    'TOKEN_NOT_YET_VALID, MISSING_CLAIMS), what it signs (SUBJECT_MISMATCH when its subject is not',
    "the invocation's ID, TARGET_MISMATCH, ORIGIN_MISMATCH, HASH_MISMATCH), STALE when it has no",
    'exp and was issued more than --max-age seconds ago, and REPLAY. Only invocations that pass',
    'every check are remembered.',
    '',
    'Prints one line per invocation: with --json, {"id","valid":true} or {"id","valid":false,',
    '"error":{"code","message"}} ("id" is null for a file that does not parse). Exits 0 only if',
    'every invocation is valid, 1 otherwise, 2 for a bad command line.',
  ].join('\n'),
  examples: [
    'sigchain invocation verify inv.msgpack --issuers CAEV…',
    'sigchain invocation verify a.msgpack b.msgpack a.msgpack --issuers CAEV…,CBQK… --json',
    'sigchain invocation verify captured/*.msgpack --max-age 60 --replay-cache-size 500000   # issuers from $WASMCLOUD_CLUSTER_ISSUERS',
  ],
  options: {
    issuers: { type: 'string', multiple: true, valueName: 'C1,C2', description: 'Cluster public keys whose invocations are accepted (repeatable). Default: $WASMCLOUD_CLUSTER_ISSUERS.' },
    'max-age': { type: 'string', valueName: 'SECONDS', description: 'The oldest a token without exp may be (default 300): older is STALE.' },
    'replay-cache-size': { type: 'string', valueName: 'N', description: 'The most invocation IDs remembered (default 100000).' },
  },
  args: { min: 1, max: Number.MAX_SAFE_INTEGER },
  jsonRefusal: { id: null, valid: false },
  async run(ctx) {
    const maxAge = wholeNumber(str(ctx, 'max-age'), '--max-age', 300);
    const size = wholeNumber(str(ctx, 'replay-cache-size'), '--replay-cache-size', 100_000);
    let texts = list(ctx, 'issuers');
    let where = '--issuers';
    if (texts.length === 0) {
      texts = (ctx.env.WASMCLOUD_CLUSTER_ISSUERS ?? '').split(',').map((s) => s.trim()).filter(Boolean);
      where = 'WASMCLOUD_CLUSTER_ISSUERS';
    }
    if (texts.length === 0) throw new SigchainError('USAGE', `Give the cluster issuers to accept with --issuers C1,C2 (or $WASMCLOUD_CLUSTER_ISSUERS).\nUsage: sigchain ${USAGE}`);
    const { decodePublicKey } = await import('../../nkeys/codec.js');
    for (const key of texts) {
      try {
        decodePublicKey(key, ['cluster']);
      } catch (e) {
        if (isSigchainError(e)) throw new SigchainError('USAGE', `${where}: ${key.slice(0, 60)} is not a cluster public key (C…): ${e.message}`);
        throw e;
      }
    }
    const { MAX_INVOCATION_JSON_CHARS, ReplayCache, readInvocation, verifyInvocation } = await import('../../invocation/index.js');
    const issuers = new Set(texts);
    const replay = new ReplayCache({ maxAgeSeconds: maxAge, maxSize: size });
    let allValid = true;
    for (const file of ctx.positionals) {
      let line: Line;
      try {
        const req = readInvocation(await readBounded(file, MAX_INVOCATION_JSON_CHARS));
        const v = verifyInvocation(req, { issuers, maxAgeSeconds: maxAge, replay });
        const first = v.findings[0];
        line = v.valid || !first ? { id: req.id, valid: true } : { id: req.id, valid: false, error: { code: first.code, message: first.message } };
      } catch (e) {
        if (!isSigchainError(e)) throw e;
        line = { id: null, valid: false, error: { code: e.code, message: e.message } };
      }
      if (!line.valid) allValid = false;
      if (ctx.printer.json) ctx.printer.raw(JSON.stringify(line));
      else ctx.printer.raw(line.valid ? `${file}: valid (invocation ${line.id})` : `${file}: ${line.error.code}${line.id === null ? '' : ` (invocation ${line.id})`}: ${line.error.message}`);
    }
    if (!allValid) ctx.printer.failed = true;
  },
};
