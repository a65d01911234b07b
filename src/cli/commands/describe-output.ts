import { withArticle } from '../../nkeys/roles.js';
import type { AccountClaims, UserScope } from '../../claims/nats/types.js';
import { SigchainError } from '../../errors.js';
import type { OperatorEntities } from '../../store/store.js';
import { isWascapStored, keyNames, readAccount, readOperator } from '../../workspace/read.js';
import { type CommandContext, type OptionSpec, flag, str } from '../command.js';
import { type CheckedToken, checkToken } from '../parse/token-input.js';
import type { DescribeOptions, KeyNames } from '../render/describe.js';

/** Flags every `describe` command takes, as nsc spells them. */
export const DESCRIBE_OPTIONS: Record<string, OptionSpec> = {
  raw: { type: 'boolean', short: 'R', description: 'Print only the raw JWT on stdout (for piping to other tools).' },
  file: { type: 'string', short: 'f', valueName: 'FILE', description: 'Describe the token in FILE (a .jwt, a creds file, or - for stdin) instead of the store.' },
  field: { type: 'string', short: 'F', valueName: 'PATH', description: 'Print one claim value as JSON (nats.signing_keys, sub, nats.pub.allow[0]); a path that is not there exits 1 saying why: not set in this token, or the closest path (FIELD_NOT_FOUND).' },
};

/** `--raw` and `--json` ask for two different stdouts: refuse the pair early. */
export function checkDescribeFlags(ctx: CommandContext): void {
  if (flag(ctx, 'raw') && ctx.printer.json) throw new SigchainError('USAGE', '--raw prints the JWT itself and --json its decoded claims; give one.');
  if (str(ctx, 'field') !== undefined && flag(ctx, 'raw')) throw new SigchainError('USAGE', '--raw prints the JWT itself and --field one of its claims; give one.');
}

/** The token given with `-f/--file`, checked; undefined when describing from the store. */
export async function fileToken(ctx: CommandContext, expect?: string): Promise<CheckedToken | undefined> {
  const file = str(ctx, 'file');
  if (file === undefined) return undefined;
  // The reader is loaded only for -f: a describe from the store never needs it.
  const { readTokenFile } = await import('../../input/token-files.js');
  const checked = await checkToken((await readTokenFile(file, ctx)).token);
  // A wascap token's kind comes from the roles of its keys (it names no type).
  const type = checked.wascap ?? (checked.claims.nats as { type?: unknown } | undefined)?.type;
  if (expect && type !== expect) {
    throw new SigchainError('WRONG_CLAIM_TYPE', `${file} holds ${typeof type === 'string' ? withArticle(type) : 'an untyped'} token, not ${expect === 'account' ? 'an' : 'a'} ${expect} token. Use \`sigchain describe jwt -f ${file}\` to describe any token.`, { expected: expect, got: type });
  }
  return checked;
}

/**
 * Names for the keys an operator's tables mention: entities by name, and signing keys labelled
 * with their owner, so `Issuer ID` says which signing key signed.
 */
export async function storeNames(op: OperatorEntities, account?: AccountClaims): Promise<KeyNames> {
  if (isWascapStored(await op.readOperatorJwt().catch(() => ''))) return wascapStoreNames(op);
  let names: KeyNames;
  let operator;
  try {
    names = await keyNames(op);
    operator = await readOperator(op);
  } catch {
    // Names are a courtesy: a damaged operator token must not hide the token being described.
    return new Map();
  }
  for (const sk of operator.claims.nats.signing_keys ?? []) names.set(sk, `signing key of operator ${operator.name}`);
  for (const sk of account?.nats.signing_keys ?? []) {
    const key = typeof sk === 'string' ? sk : sk.key;
    names.set(key, `signing key of account ${account!.name ?? account!.sub}${typeof sk === 'string' ? '' : ` (scoped, role ${sk.role})`}`);
  }
  return names;
}

/** Names for a wascap operator's keys: the operator, its accounts, and the valid_signers of each. */
async function wascapStoreNames(op: OperatorEntities): Promise<KeyNames> {
  const names: KeyNames = new Map();
  const { readWascapAccount, readWascapOperator } = await import('../../workspace/wasmcloud/read.js');
  try {
    const o = await readWascapOperator(op);
    names.set(o.claims.sub, o.name);
    for (const k of o.claims.wascap.valid_signers ?? []) names.set(k, `signing key of operator ${o.name}`);
    for (const a of await op.listAccounts()) {
      try {
        const acct = await readWascapAccount(op, a);
        names.set(acct.claims.sub, a);
        for (const k of acct.claims.wascap.valid_signers ?? []) names.set(k, `signing key of account ${a}`);
      } catch {
        // A damaged account must not stop a describe of something else.
      }
    }
  } catch {
    // Names are a courtesy.
  }
  return names;
}

/** The scope of the account signing key that issued a user, if it is scoped. */
export async function issuerScope(op: OperatorEntities, account: string, iss: unknown): Promise<UserScope | undefined> {
  if (typeof iss !== 'string') return undefined;
  const { signingKeyScope } = await import('../../claims/nats/account.js');
  const scope = signingKeyScope((await readAccount(op, account)).claims, iss);
  return scope ?? undefined;
}

/**
 * Prints a described token: the raw JWT (`--raw`), the claims (`--json`), or the nsc-style
 * table. A token whose signature fails is still shown, marked, and then refused with
 * `BAD_SIGNATURE` (non-zero exit); with `--json` its claims travel in the error's details so
 * stdout stays one JSON object.
 */
export async function printDescribed(ctx: CommandContext, checked: CheckedToken, opts: Omit<DescribeOptions, 'unverified'> = {}): Promise<void> {
  const problem = checked.verified ? undefined : `does not verify with its issuer key ${String(checked.claims.iss ?? '(none)')}`;
  const field = str(ctx, 'field');
  if (field !== undefined) {
    // Loaded only for --field. The value is what --json shows at that path, printed bare (or,
    // with --json, as {"field","value"}).
    const { claimField, formatField } = await import('../render/field.js');
    if (!checked.verified) throw unverifiedError(ctx, checked, problem!);
    const value = claimField(checked.claims, field);
    if (ctx.printer.json) ctx.printer.result({ field, value });
    else ctx.printer.raw(formatField(value));
    return;
  }
  if (flag(ctx, 'raw')) ctx.printer.raw(checked.token);
  else if (!ctx.printer.json) {
    // The table renderer is loaded only for people: --json and --raw never need it.
    const shown = { ...opts, ...(problem ? { unverified: problem } : {}) };
    if (checked.wascap !== undefined || checked.claims.wascap !== undefined) {
      const { describeWascapTable } = await import('../render/describe-wascap.js');
      ctx.printer.result(undefined, describeWascapTable(checked.claims, checked.wascap, shown));
    } else {
      const { describeClaimsTable } = await import('../render/describe.js');
      ctx.printer.result(undefined, describeClaimsTable(checked.claims, shown));
    }
  }
  else if (checked.verified) ctx.printer.result(checked.claims);
  if (!checked.verified) throw unverifiedError(ctx, checked, problem!);
}

function unverifiedError(ctx: CommandContext, checked: CheckedToken, problem: string): SigchainError {
  const table = !(flag(ctx, 'raw') || ctx.printer.json || str(ctx, 'field') !== undefined);
  return new SigchainError(
    'BAD_SIGNATURE',
    `The token's signature ${problem}: it was altered after signing, or forged.${table ? ' The table shows what it claims; trust none of it.' : ''} Get a fresh copy from its issuer.`,
    { header: checked.header, claims: checked.claims },
  );
}
