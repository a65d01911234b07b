/**
 * Glue shared by the add/generate/list/select/env commands: opening the workspace from the
 * global flags, reading the entity name, -K, time flags, and shaping `--json` output.
 */
import { SigchainError, isSigchainError } from '../../errors.js';
import type { Signer } from '../../keys/signer.js';
import type { PassphraseSource } from '../../custody/encrypted.js';
import { Workspace } from '../../workspace/workspace.js';
import { type CommandContext, type OptionSpec, flag, str } from '../command.js';
export { TIME_OPTIONS, timeOptions } from '../parse/time.js';

/** The workspace the global flags (`--data-dir`, `--keystore-dir`, `--config-dir`, `--nsc`, `--store`) point at. */
export function openWorkspace(ctx: CommandContext): Workspace {
  const dataDir = str(ctx, 'data-dir');
  const keystoreDir = str(ctx, 'keystore-dir');
  const configDir = str(ctx, 'config-dir');
  const backend = str(ctx, 'keyring-backend');
  const passphraseOptions = { file: str(ctx, 'passphrase-file'), env: ctx.env };
  let asked: PassphraseSource | undefined;
  const pinFile = str(ctx, 'pin-file');
  const store = str(ctx, 'store');
  return Workspace.open({
    env: ctx.env,
    ...(store !== undefined ? { store } : {}),
    flags: { ...(dataDir ? { dataDir } : {}), ...(keystoreDir ? { keystoreDir } : {}), ...(configDir ? { configDir } : {}), nsc: flag(ctx, 'nsc') },
    custody: {
      ...(backend !== undefined ? { backend } : {}),
      caller: ctx.command ?? 'sigchain',
      // The prompt code loads only when a sealed key is opened or made.
      passphrase: async (request) => {
        asked ??= (await import('../passphrase.js')).cliPassphrase(passphraseOptions);
        return asked(request);
      },
      ...(pinFile !== undefined || str(ctx, 'pkcs11-uri') !== undefined ? { pkcs11: { ...(pinFile !== undefined ? { pinFile } : {}), ...(str(ctx, 'pkcs11-uri') !== undefined ? { uri: str(ctx, 'pkcs11-uri')! } : {}) } } : {}),
      onHotKey: (publicKey, role) =>
        ctx.printer.warn(`The ${role} key ${publicKey} signed from a plain seed file: a hot wallet, readable by anyone who can read the key store. Seal it with \`sigchain keys move ${publicKey} --to encrypted\`.`),
    },
  });
}

/**
 * The `-K/--private-key` key, resolved as nsc does, or undefined when not given. With
 * `scopedRoleOf` (commands that sign users), a scoped signing-key role of that account is
 * accepted too (`add user -K svc`): the workspace's `resolveUserSigner` decides.
 */
export async function signerFrom(ctx: CommandContext, ws: Workspace, scopedRoleOf?: { operator?: string | undefined; account?: string | undefined }): Promise<Signer | undefined> {
  const spec = str(ctx, 'private-key');
  if (spec === undefined) return undefined;
  if (!scopedRoleOf) return ws.resolveSigner(spec);
  // Imported here: it brings the issuing layer, which commands that only read never need.
  const { resolveUserSigner } = await import('../../workspace/signing/resolve-signer.js');
  return resolveUserSigner(ws, spec, scopedRoleOf);
}

/** `-n/--name`, accepted as nsc spells it, besides the positional NAME. */
export const NAME_OPTION: OptionSpec = { type: 'string', short: 'n', valueName: 'NAME', description: 'The name (nsc style); same as the NAME argument.' };


/** `--format`: which kind of token an operator or account is made of. */
export const FORMAT_OPTION: OptionSpec = {
  type: 'string',
  valueName: 'nats|wascap',
  description: 'nats (the default): NATS JWTs; wascap: wasmCloud tokens (Gantry rules: accounts signed by operator signing keys).',
};

/**
 * The `--format` given: `nats` (default) or `wascap`; USAGE for anything else, and for wascap
 * in nsc mode (nsc cannot read wascap tokens in its stores).
 */
export function formatOf(ctx: CommandContext, ws?: Workspace): 'nats' | 'wascap' {
  const f = str(ctx, 'format')?.trim().toLowerCase();
  if (f === undefined || f === 'nats') return 'nats';
  if (f !== 'wascap') throw new SigchainError('USAGE', `--format "${str(ctx, 'format')}" is not a token format. Use nats (the default) or wascap (wasmCloud).`);
  if (ws?.paths.mode === 'nsc') throw new SigchainError('USAGE', "--format wascap cannot be used with nsc's stores (--nsc): nsc cannot read wasmCloud tokens. Use sigchain's own data folder.");
  return 'wascap';
}

/** The entity name from NAME or `--name`; a USAGE error when neither or two different ones are given. */
export function entityName(ctx: CommandContext, kind: string, usage: string, optional = false): string | undefined {
  const positional = ctx.positionals[0];
  const named = str(ctx, 'name');
  if (positional !== undefined && named !== undefined && positional !== named) {
    throw new SigchainError('USAGE', `Two names were given for the ${kind} ("${positional}" and --name "${named}"). Give one.\nUsage: sigchain ${usage}`);
  }
  const name = positional ?? named;
  if (name === undefined && !optional) throw new SigchainError('USAGE', `Name the ${kind}: sigchain ${usage}`);
  return name;
}


/** Prints the library's warnings (they also land in `--json` output). */
export function printWarnings(ctx: CommandContext, warnings: readonly string[]): void {
  for (const w of warnings) ctx.printer.warn(w);
}

/**
 * The `-a/--account` and `--operator` options of a command acting on one account (what
 * {@link entityScope} reads); `account` says what the account is for this command.
 */
export function scopeOptions(account: string): Record<'account' | 'operator', OptionSpec> {
  return {
    account: { type: 'string', short: 'a', valueName: 'NAME', description: `${account} (default: the current one).` },
    operator: { type: 'string', valueName: 'NAME', description: 'The operator of the account (default: the current one).' },
  };
}

/**
 * The `--operator` / `-a/--account` flags as library options: only the ones given, so the
 * library falls back to the current context for the others.
 */
export function entityScope(ctx: CommandContext): { operator?: string; account?: string } {
  const out: { operator?: string; account?: string } = {};
  const operator = str(ctx, 'operator');
  const account = str(ctx, 'account');
  if (operator !== undefined) out.operator = operator;
  if (account !== undefined) out.account = account;
  return out;
}

/** Prints the `[ OK ]` lines for signing keys an edit added and removed. */
export function printSigningKeyChanges(ctx: CommandContext, kind: 'operator' | 'account', added: ReadonlyArray<{ publicKey: string; storedAt?: string; generated: boolean }>, removed: readonly string[]): void {
  for (const k of added) {
    if (k.generated) ctx.printer.ok(`generated and stored ${kind} signing key "${k.publicKey}"${k.storedAt ? ` at ${k.storedAt}` : ''}`);
    ctx.printer.ok(`added signing key "${k.publicKey}"`);
  }
  for (const k of removed) ctx.printer.ok(`removed signing key "${k}"`);
}

/**
 * Converts camelCase keys to snake_case, deeply, so `--json` output uses one style
 * (the one NATS JWTs and nsc's JSON use).
 */
export function snake(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(snake);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), snake(v)]),
  );
}

/**
 * The current operator and account, or nothing when the context file is damaged: listings
 * must still work then (the warning says what is wrong).
 */
export async function contextOrNothing(ctx: CommandContext, ws: Workspace): Promise<{ operator: string | undefined; account: string | undefined }> {
  try {
    return await ws.context();
  } catch (e) {
    // A store that cannot be read at all (a KV server down, no bucket) fails the command, once.
    if (!isSigchainError(e) || ['STORE_UNREACHABLE', 'KV_BUCKET_MISSING', 'KV_BUCKET_SHAPE'].includes(e.code)) throw e;
    ctx.printer.warn(e.message);
    return { operator: undefined, account: undefined };
  }
}

/** A short cell text for an entity that cannot be read, e.g. `(unreadable: STORE_CORRUPT)`. */
export function unreadable(ctx: CommandContext, e: unknown): string {
  if (!isSigchainError(e)) throw e;
  ctx.printer.warn(e.message);
  return `(unreadable: ${e.code})`;
}

/**
 * Runs a NATS-only command, turning the store's generic refusal of a wasmCloud (wascap)
 * operator (`WRONG_CLAIM_TYPE`) into one that says what to do instead for this command:
 * `advice(operator)` is that sentence. Other errors pass through unchanged.
 */
export async function natsOnly<T>(advice: (operator: string) => string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    const d = isSigchainError(e, 'WRONG_CLAIM_TYPE') ? (e.details as { got?: unknown; operator?: unknown } | undefined) : undefined;
    if (d?.got !== 'wascap' || typeof d.operator !== 'string') throw e;
    throw new SigchainError('WRONG_CLAIM_TYPE', `Operator ${d.operator} is a wasmCloud (wascap) operator, not a NATS one. ${advice(d.operator)}`, { ...d });
  }
}

/** What to do instead of editing a wascap operator or account: there is no wascap edit yet. */
export function noWascapEdit(kind: 'operator' | 'account' | 'user' | 'signing key'): (operator: string) => string {
  return (operator) => {
    const start = `sigchain has no edit for wascap tokens yet (\`edit ${kind}\` changes NATS ones only). `;
    if (kind === 'operator') {
      return (
        start +
        `To change its valid_signers or dates, make a new wascap operator (\`sigchain add operator NAME --format wascap --generate-signing-key\`) and add its accounts again under it; ` +
        `\`sigchain describe operator ${operator}\` shows the current token.`
      );
    }
    if (kind === 'account') {
      return (
        start +
        `To change an account's valid_signers or dates, add a new one (\`sigchain add account NAME --format wascap --operator ${operator} --generate-signing-key\`) ` +
        'and re-sign its modules with its signing key (`sigchain wasm sign MODULE.wasm -o OUT.wasm -K KEY`); `sigchain describe account NAME` shows the current token.'
      );
    }
    return start + 'wasmCloud accounts have no users or scoped signing keys: modules are signed with `sigchain wasm sign MODULE.wasm -o OUT.wasm -K KEY`.';
  };
}
