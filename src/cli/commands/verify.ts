import { SigchainError } from '../../errors.js';
import { loadChainFiles, readTokenArg, readTrustArgs, readWasmArg } from '../../input/index.js';
import { type ChainResolver, type Verdict, definePolicy, memoryResolver, verifyChain } from '../../trust/index.js';
import { readStoreTrust } from '../../workspace/verify/store-trust.js';
import { isFolderInput } from '../../input/token-folders.js';
import { verifyInputs } from '../../workspace/verify/verify-inputs.js';
import type { PlainPolicy } from '../../workspace/verify/verify-many.js';
import { type Command, type CommandContext, flag, list, str } from '../command.js';
import { renderGrid, wrapText } from '../output/table.js';
import { parseTimeFlag } from '../parse/time.js';
import { openWorkspace, snake } from './support.js';

const USAGE = 'verify (TOKEN | CREDS_FILE | JWT_FILE | MODULE.wasm | -)... [--chain FILE...] [--trust OPERATOR...] [--require-signing-keys] [--ban KEY...] [--clock-skew SECONDS] [--at TIME] [--allow-legacy-hash] [--json]';

function seconds(ctx: CommandContext): number | undefined {
  const v = str(ctx, 'clock-skew');
  if (v === undefined) return undefined;
  const n = Number(v.replace(/s$/, ''));
  if (!/^\d+(\.\d+)?s?$/.test(v.trim()) || !Number.isFinite(n)) throw new SigchainError('USAGE', `--clock-skew "${v}" is not a number of seconds (e.g. 30).`);
  return n;
}

function signedBy(l: Verdict['chain'][number]): string {
  if (l.source === 'trusted-key') return 'trusted key';
  if (l.kind === 'operator') return l.signedBy === 'identity' ? 'itself' : 'unknown';
  return l.signedBy === 'scoped-signing-key' ? `scoped key "${l.scope}"` : l.signedBy.replace('-', ' ');
}

/** The verdict as people read it: the chain, then errors and warnings with their codes. */
function renderVerdict(v: Verdict): string {
  const rows = v.chain.map((l) => [l.kind, l.name ?? '', l.sub, l.kind === 'operator' ? '' : l.iss, signedBy(l), l.valid ? 'ok' : 'INVALID']);
  const parts: string[] = [];
  if (rows.length) parts.push(renderGrid('Chain of Trust', ['Link', 'Name', 'Key', 'Signed By Key', 'Signed By', 'Status'], rows));
  const reasons = (title: string, list: Verdict['errors']) => {
    if (list.length) parts.push('', `${title}:`, ...list.map((r) => wrapText(`  ${r.code} (${r.at}${r.field ? ` ${r.field}` : ''}): ${r.message}`, undefined, 4)));
  };
  reasons('Errors', v.errors);
  reasons('Warnings', v.warnings);
  // Wrapped like the reasons: at 40 columns the verdict is wider than the screen.
  parts.push('', wrapText(v.valid ? `VALID: the chain ends at a trusted operator${v.warnings.length ? ` (${v.warnings.length} warning${v.warnings.length > 1 ? 's' : ''})` : ''}.` : `INVALID: ${v.errors.length} error${v.errors.length > 1 ? 's' : ''}.`));
  return parts.join('\n');
}

/** `verify` of several inputs: problems only (a folder of users is mostly valid), then a count. */
async function verifySeveral(ctx: CommandContext, chain: string[], policy: PlainPolicy): Promise<void> {
  const verdicts = await verifyInputs(ctx.positionals, { chain, policy, allowLegacyHash: flag(ctx, 'allow-legacy-hash') });
  const bad = verdicts.filter((v) => !v.valid);
  const warned = verdicts.reduce((n, v) => n + v.warnings.length, 0);
  // Built only for --json: 10,000 verdicts with their warnings are a lot of objects to make for nothing.
  const result = (): Record<string, unknown> => ({ valid: bad.length === 0, count: verdicts.length, invalid: bad.length, results: verdicts.map((v) => snake(v)) });
  if (!ctx.printer.json) {
    const lines = bad.flatMap((v) => [`${v.input}: INVALID`, ...v.errors.map((r) => wrapText(`  ${r.code} (${r.at}${r.field ? ` ${r.field}` : ''}): ${r.message}`, undefined, 4))]);
    const warnings = warned ? ` ${warned} warning${warned === 1 ? '' : 's'} (--json lists them).` : '';
    if (bad.length) ctx.printer.result(undefined, lines.join('\n'));
    else ctx.printer.ok(`All ${verdicts.length} inputs are valid: each chain ends at a trusted operator.${warnings}`);
  }
  if (!bad.length) {
    if (ctx.printer.json) ctx.printer.result(result());
    return;
  }
  if (ctx.printer.json) ctx.printer.besideError(result());
  const first = bad[0]!;
  const reason = first.errors[0]!;
  throw new SigchainError(
    reason.code,
    `${bad.length} of ${verdicts.length} inputs ${bad.length === 1 ? 'is' : 'are'} not valid; the first, ${first.input}, ${reason.code} at the ${reason.at}${ctx.printer.json ? `: ${reason.message}` : ' (see above)'}.`,
    { input: first.input, invalid: bad.length, count: verdicts.length },
  );
}

/** `sigchain verify`: judge a token and the chain above it against an explicit policy. */
export const verifyCommand: Command = {
  words: ['verify'],
  summary: 'Verify a user, account or operator token (NATS or wascap) or a signed WebAssembly module, and its chain up to a trusted operator',
  usage: USAGE,
  description: [
    'Walks user → account → operator and checks every link: signatures, that each issuer is the',
    "parent's identity key or a signing key its CURRENT token lists (users: the account named by",
    'issuer_account), key roles, self-issued users, exp/nbf, revocations, scoped signing keys,',
    "strict operators, banned keys, and that the chain ends at a trusted operator. Every problem is",
    'listed with a stable code; warnings (e.g. NO_EXPIRY) never make a chain invalid.',
    '',
    'The token is given inline, as a creds or JWT file, or on standard input (-). The chain comes',
    'from the store, or only from --chain files (JWTs, creds, server configs, or an nsc-style store',
    'folder), so tokens made by other tools can be judged too. The roots are the --trust operators',
    '(public keys or operator JWTs); without --trust, the operators in the store.',
    '',
    '--chain, --trust and --ban take several values each (--chain accounts/*.jwt) or repeated;',
    'give the token first, or after -- when it follows them.',
    '',
    'wasmCloud: a wascap actor, account or operator token is judged the same way (actor → account',
    '→ operator), strictly: an account signed by its operator\'s identity key is IDENTITY_KEY_MISUSE.',
    'A file starting with the WebAssembly magic is a signed module: its embedded actor token is',
    'judged with its chain, and the module must have the hash the token records (HASH_MISMATCH;',
    'also for tokens before wascap revision 3 unless --allow-legacy-hash, which skips their hash as',
    'the real hosts did). An unsigned module is NOT_SIGNED, a broken one MALFORMED_WASM.',
    '',
    'Exit status 0 when valid, 1 when not. With --json, one object that always has "valid": the',
    'verdict ({"valid":true,"chain","errors","warnings",…}); when invalid or refused, also',
    '"error":{"code","message","details"} with the first error (jq .valid, jq .error.code).',
    '',
    'Several inputs (verify users/*.jwt), or a folder (verify users/: its *.jwt and *.creds',
    'files, past the shell\'s limit on arguments), are judged together against the same chain and',
    'roots, over every core when there are many (as validate judges a store): one line per error',
    'of each input that is not valid, then a count. An input that cannot be read is reported with',
    'its code and the others are still judged. Exit status 1 if any is not valid. With --json:',
    '{"valid","count","invalid","results":[{"input","valid","errors","warnings"}]}, and "error" as',
    'above (the first error of the first input that is not valid). A token given inline is named',
    '"argument N".',
  ].join('\n'),
  examples: [
    'sigchain verify ~/.local/share/sigchain/creds/O2/A/U.creds',
    'sigchain verify user.creds --chain account.jwt --trust operator.jwt --json',
    'cat user.jwt | sigchain verify - --chain ./nsc/stores/O2 --trust OABX… --require-signing-keys',
    'sigchain verify A.jwt --ban OLDIDENTITY… --clock-skew 30 --at 2027-01-31',
    'sigchain verify echo_s.wasm --chain account.jwt --trust operator.jwt --json',
    'sigchain verify ./nsc/stores/O2/accounts/A/users/*.jwt --trust OABX…',
    'sigchain verify ./nsc/stores/O2/accounts/A/users --json | jq \'.results[] | select(.valid | not) | .input\'',
  ],
  options: {
    chain: { type: 'string', multiple: 'greedy', valueName: 'FILE', description: 'Take the chain only from these JWT files, creds files or nsc-style store folders (not the store).' },
    trust: { type: 'string', multiple: 'greedy', valueName: 'OPERATOR', description: "A trusted root: an operator public key (O…), an operator JWT, or a file holding one. Default: the store's operators." },
    'require-signing-keys': { type: 'boolean', description: 'Strict separation of keys: refuse accounts signed by an operator identity key (IDENTITY_KEY_MISUSE).' },
    ban: { type: 'string', multiple: 'greedy', valueName: 'KEY', description: 'Refuse any link signed by or about this key (e.g. a rotated-out operator identity).' },
    'clock-skew': { type: 'string', valueName: 'SECONDS', description: 'Tolerated clock difference for exp/nbf (default 0, as nats-server).' },
    at: { type: 'string', valueName: 'TIME', description: 'Judge as of this time (RFC 3339, a date, Unix seconds, or an offset like 30d) instead of now.' },
    'allow-legacy-hash': { type: 'boolean', description: 'For a module: skip the hash of tokens before wascap revision 3, as the real hosts did.' },
  },
  args: { min: 1, max: Number.POSITIVE_INFINITY },
  jsonRefusal: { valid: false },
  async run(ctx) {
    // A folder is its tokens: judged as several inputs even when it is the only one.
    const several = ctx.positionals.length > 1 || isFolderInput(ctx.positionals[0]!);
    if (several && ctx.positionals.includes('-')) throw new SigchainError('USAGE', 'Standard input (-) holds one token: verify it alone (`sigchain verify -`), or give the other inputs as files.');
    const wasm = several ? undefined : await readWasmArg(ctx.positionals[0]!);
    const token = several || wasm ? undefined : (await readTokenArg(ctx.positionals[0]!, ctx)).token;
    const chainFiles = list(ctx, 'chain');
    // One pass over the store: the chain's tokens, its operators (the default roots, as the store
    // is what this machine already trusts) and its revoked jtis (a damaged list fails closed).
    const store = await readStoreTrust(openWorkspace(ctx));
    const chain = chainFiles.length ? await loadChainFiles(chainFiles) : store.tokens;
    const resolver: ChainResolver = chainFiles.length ? memoryResolver(chain) : store.resolver;
    let trusted = await readTrustArgs(list(ctx, 'trust'));
    if (trusted.length === 0) {
      trusted = store.operators;
      ctx.printer.info(trusted.length ? `Trusting the ${trusted.length} operator${trusted.length > 1 ? 's' : ''} in the store (pass --trust to choose).` : 'No operator is trusted: pass --trust <operator key or JWT>, or verify against a store that holds the operator.');
    }
    const at = str(ctx, 'at');
    const when = at === undefined ? undefined : parseTimeFlag(at, 'at');
    if (when === 0) throw new SigchainError('USAGE', '--at needs a time (a date, RFC 3339, Unix seconds or an offset), not 0.');
    const skew = seconds(ctx);
    const plain: PlainPolicy = {
      trustedOperators: trusted,
      requireSigningKeys: flag(ctx, 'require-signing-keys'),
      bannedKeys: list(ctx, 'ban'),
      ...(skew !== undefined ? { clockSkewSeconds: skew } : {}),
      ...(when !== undefined ? { now: when } : {}),
      revokedJtis: store.revokedJtis,
    };
    if (several) return verifySeveral(ctx, chain, plain);
    const policy = definePolicy(plain);
    const verdict = wasm
      ? await (await import('../../trust/wascap/module.js')).verifyModule(wasm, { resolver, policy, allowLegacyHash: flag(ctx, 'allow-legacy-hash') })
      : await verifyChain(token!, { resolver, policy });
    if (!ctx.printer.json) ctx.printer.result(undefined, renderVerdict(verdict));
    if (verdict.valid) {
      if (ctx.printer.json) ctx.printer.result(snake(verdict));
      return;
    }
    // The verdict is printed as on success, with `error` beside it (see Printer.besideError).
    ctx.printer.besideError(snake(verdict) as Record<string, unknown>);
    const first = verdict.errors[0]!;
    throw new SigchainError(
      first.code,
      `The ${verdict.chain[0]?.kind ?? 'token'} is not valid: ${verdict.errors.length} error${verdict.errors.length > 1 ? 's' : ''}, the first ${first.code} at the ${first.at}${ctx.printer.json ? `: ${first.message}` : ' (see above)'}.`,
      { at: first.at, ...(first.field !== undefined ? { field: first.field } : {}), error_count: verdict.errors.length },
    );
  },
};
