/**
 * Glue shared by the revocation commands: nsc's user-target flags (-a, -n, -u), --at, the
 * JTI-or-token argument, and printing what servers need to be told.
 */
import { SigchainError } from '../../errors.js';
import { formatTime } from '../render/format.js';
import type { UserKeyTarget } from '../../workspace/revocation/revoke-user.js';
import { entityScope, scopeOptions } from './support.js';
import { type CommandContext, type OptionSpec, str } from '../command.js';
import { parseTimeFlag } from '../parse/time.js';
import { readTokenOrJti } from '../../input/index.js';

/** `-a` and `--operator`, as every revocation command takes them. */
export const ACCOUNT_OPTIONS: Record<string, OptionSpec> = scopeOptions('The account whose revocations to change');

/** nsc's way to name the revoked user: a stored user (-n) or a public key / '*' (-u). */
export const USER_TARGET_OPTIONS: Record<string, OptionSpec> = {
  ...ACCOUNT_OPTIONS,
  name: { type: 'string', short: 'n', valueName: 'USER', description: 'A stored user, by name.' },
  'user-public-key': { type: 'string', short: 'u', valueName: "U…|'*'", description: "A user public key (also one not in this store), or '*' for every user of the account (quote it in the shell)." },
};

/** `--at`, as nsc takes it. */
export const AT_OPTION: OptionSpec = {
  type: 'string',
  valueName: 'TIME',
  description: 'Revoke tokens issued at or before this time: Unix seconds, RFC 3339, a date, or an offset (30m, 1d: from now); 0 or absent = now.',
};

/** The user a revocation command is about, from -n / -u. */
export function userTarget(ctx: CommandContext, usage: string): UserKeyTarget {
  const user = str(ctx, 'name');
  const pub = str(ctx, 'user-public-key');
  if ((user === undefined) === (pub === undefined)) {
    throw new SigchainError('USAGE', `Name the user with -n USER (a stored user) or -u PUBLIC_KEY (any user key, or '*' for every user), not both.\nUsage: sigchain ${usage}`);
  }
  const target: UserKeyTarget = entityScope(ctx);
  if (user !== undefined) target.user = user;
  else if (pub!.trim() === '*') target.all = true;
  else target.publicKey = pub!;
  return target;
}

/** `--at` as Unix seconds, or undefined for now. */
export function atOption(ctx: CommandContext): number | undefined {
  const v = str(ctx, 'at');
  if (v === undefined) return undefined;
  const t = parseTimeFlag(v, 'at');
  return t === 0 ? undefined : t;
}

/** `2026-01-31 10:00:00 UTC` for a revocation time. */
export function when(t: number): string {
  return formatTime(t) || '1970-01-01 00:00:00 UTC';
}

/**
 * The argument of `revoke jti` / `revocations delete-jti`: a token (inline, `-` for stdin, or
 * a .jwt / .creds file, whose JWT is taken), read as every command reads one, or a bare jti.
 */
export async function jtiOrToken(ctx: CommandContext, arg: string): Promise<{ token: string } | { jti: string }> {
  const what = await readTokenOrJti(arg, ctx);
  return 'jti' in what ? what : { token: what.token };
}

/** Prints what servers must be told, and other next steps (people only; --json has them as data). */
export function printSteps(ctx: CommandContext, lines: readonly string[]): void {
  for (const l of lines) ctx.printer.info(l);
}
