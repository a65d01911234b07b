/**
 * `sigchain verify` given several inputs: each a JWT or creds file, an inline token or a signed
 * module, judged against one chain and one policy. The tokens are judged together by
 * {@link verifyMany} (over every core when there are many: a folder of 10,000 user JWTs is
 * judged as `validate` judges a store); modules one by one, as `verify MODULE.wasm` does. An
 * input that cannot be read is its own verdict (its coded error at `input`), never the end of
 * the run: one bad file among thousands is reported, the rest are judged.
 */
import { SigchainError, isSigchainError } from '../../errors.js';
import { isFolderInput, tokenFilesIn } from '../../input/token-folders.js';
import { readTokenArg } from '../../input/token-files.js';
import { tokenFromText } from '../../input/token-text.js';
import { readWasmArg } from '../../input/wasm-files.js';
import { JWT_READ_CHUNK } from '../../store/jwt-files.js';
import { readSmallFilesByPath } from '../../store/native-fs.js';
import { definePolicy } from '../../trust/policy.js';
import { memoryResolver } from '../../trust/resolver.js';
import type { Reason } from '../../trust/verdict.js';
import { type PlainPolicy, verifyMany, verifyManyLoaded } from './verify-many.js';

/** The verdict on one input of {@link verifyInputs}. */
export interface InputVerdict {
  /** The input as given: a path, or `argument N` for a token given inline (never echoed). */
  input: string;
  /** True iff `errors` is empty. */
  valid: boolean;
  errors: Reason[];
  warnings: Reason[];
}

/** Options of {@link verifyInputs}. */
export interface VerifyInputsOptions {
  /** The operator and account tokens chains are resolved from. */
  chain: readonly string[];
  policy: PlainPolicy;
  /** For modules: skip the hash of tokens before wascap revision 3 (as `verify --allow-legacy-hash`). */
  allowLegacyHash?: boolean;
  /** Threads for the tokens (default: as {@link verifyMany} chooses). */
  workers?: number;
}

/** Inputs read at a time one by one: each is a stat and a read on libuv's pool. */
const READS_IN_FLIGHT = 32;
/** Inputs read in one native call, and judged, at a time. */
const CHUNK = 256;
const WASM_MAGIC = '\0asm';

type Read = { token: string; inline: boolean } | { wasm: Uint8Array } | { error: Reason };

function unreadable(e: unknown): Read {
  if (!isSigchainError(e)) throw e;
  return { error: { code: e.code, at: 'input', message: e.message } };
}

/** An input the bulk read could not take (inline, binary, large, missing…), read as `verify` reads one. */
async function readInput(arg: string): Promise<Read> {
  try {
    const wasm = await readWasmArg(arg);
    if (wasm) return { wasm };
    const { token, source } = await readTokenArg(arg);
    return { token, inline: source !== arg };
  } catch (e) {
    return unreadable(e);
  }
}

/** The token in a file's text, as `readTokenArg` takes it from that file. */
function tokenOfFile(text: string, path: string): Read {
  try {
    return { token: tokenFromText(text, path), inline: false };
  } catch (e) {
    return unreadable(e);
  }
}

/**
 * The inputs with each folder replaced by its `*.jwt` and `*.creds` files (sorted, hidden ones
 * skipped, not recursive): `verify users/` reads what `verify users/*.jwt` would, past the
 * shell's limit on arguments. A folder without any stays, to be reported as one.
 */
function withFolderFiles(given: readonly string[]): { inputs: string[]; argOf: number[] } {
  const inputs: string[] = [];
  // The argument each input came from (an inline token is named by its position among them).
  const argOf: number[] = [];
  given.forEach((input, arg) => {
    const files = isFolderInput(input) ? tokenFilesIn(input) : [];
    for (const path of files.length ? files : [input]) {
      inputs.push(path);
      argOf.push(arg);
    }
  });
  return { inputs, argOf };
}

/** How an input is named in verdicts: its path, or its position when it is a token (or long text) itself. */
function nameOf(arg: string, k: number, r: Read): string {
  const inline = 'token' in r ? r.inline : 'error' in r && (arg.length > 256 || /^\s*eyJ/.test(arg));
  return inline ? `argument ${k + 1}` : arg;
}

/**
 * Judges every input (a JWT or creds file, a folder of them, an inline token, or a signed
 * module) with its chain, in the order given, a folder's files in name order in its place.
 * Standard input (`-`) is not an input here: it is one token, for `verify -`.
 *
 * @example
 * ```ts
 * const store = await readStoreTrust(ws);
 * const verdicts = await verifyInputs(['users/a.jwt', 'users/b.jwt'], { chain: store.tokens, policy: { trustedOperators: store.operators, revokedJtis: store.revokedJtis } });
 * verdicts.filter((v) => !v.valid).map((v) => `${v.input}: ${v.errors[0]!.code}`);
 * ```
 */
export async function verifyInputs(given: readonly string[], opts: VerifyInputsOptions): Promise<InputVerdict[]> {
  if (given.includes('-')) throw new SigchainError('USAGE', 'Standard input (-) holds one token: verify it alone (`sigchain verify -`), or give the other inputs as files.');
  const { inputs, argOf } = withFolderFiles(given);
  const policy: PlainPolicy = { ...opts.policy, now: opts.policy.now ?? Date.now() / 1000 };
  // Files of text (a folder of JWTs or creds), a chunk at a time in one native call per folder,
  // each chunk read while the ones before it are verified; what that read cannot take, one by one.
  const read = new Array<Read>(inputs.length);
  const tokenAt: number[] = [];
  const rest: number[] = [];
  const judged = await verifyManyLoaded(
    Math.ceil(inputs.length / CHUNK),
    inputs.length,
    (c) => {
      const from = c * CHUNK;
      const texts = readSmallFilesByPath(inputs.slice(from, from + CHUNK), JWT_READ_CHUNK, { ascii: true });
      const tokens: string[] = [];
      texts.forEach((t, i) => {
        const k = from + i;
        // A module whose bytes happen to be ASCII (a tiny one) is still a module.
        if (typeof t !== 'string' || t.startsWith(WASM_MAGIC)) return void rest.push(k);
        const r = (read[k] = tokenOfFile(t, inputs[k]!));
        if ('token' in r) tokens.push(r.token), tokenAt.push(k);
      });
      return tokens;
    },
    opts.chain,
    policy,
    opts.workers === undefined ? {} : { workers: opts.workers },
  );
  let next = 0;
  const reader = async (): Promise<void> => {
    while (next < rest.length) {
      const k = rest[next++]!;
      read[k] = await readInput(inputs[k]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(READS_IN_FLIGHT, rest.length) }, reader));
  const restTokens = rest.filter((k) => 'token' in read[k]!);
  const judgedRest = await verifyMany(
    restTokens.map((k) => (read[k] as { token: string }).token),
    opts.chain,
    policy,
    opts.workers === undefined ? {} : { workers: opts.workers },
  );
  const out = new Array<InputVerdict>(inputs.length);
  const place = (k: number, errors: Reason[], warnings: Reason[]): void => void (out[k] = { input: nameOf(inputs[k]!, argOf[k]!, read[k]!), valid: errors.length === 0, errors, warnings });
  tokenAt.forEach((k, i) => place(k, judged.errors[i]!, judged.warnings[i]!));
  restTokens.forEach((k, i) => place(k, judgedRest.errors[i]!, judgedRest.warnings[i]!));

  let module: typeof import('../../trust/wascap/module.js') | undefined;
  for (let k = 0; k < inputs.length; k++) {
    const r = read[k]!;
    if ('error' in r) out[k] = { input: nameOf(inputs[k]!, argOf[k]!, r), valid: false, errors: [r.error], warnings: [] };
    else if ('wasm' in r) {
      module ??= await import('../../trust/wascap/module.js');
      const v = await module.verifyModule(r.wasm, { resolver: memoryResolver(opts.chain), policy: definePolicy(policy), allowLegacyHash: opts.allowLegacyHash === true });
      out[k] = { input: inputs[k]!, valid: v.valid, errors: v.errors, warnings: v.warnings };
    }
  }
  return out;
}
