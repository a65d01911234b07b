import { SigchainError } from '../../errors.js';
import { type Restriction, type RestrictingParent, STATEMENT_KINDS, parseRestriction } from '../../keys/restrictions.js';
import { type CommandContext, type OptionSpec, list } from '../command.js';

/**
 * What each kind of statement covers, for the `--help` of every command that signs or
 * restricts account tokens (`edit operator`, `edit account`, `edit signing-key`).
 */
export const STATEMENT_KINDS_HELP: readonly string[] = [
  'Kinds of statement (what --restrict-sk PUB=… allows a signing key to sign):',
  '  account                   issuing or re-issuing an account token (operator keys).',
  '  signing-keys              an account token that adds, removes or re-scopes signing keys or',
  '                            changes their restrictions (`edit account --sk/--rm-sk/--restrict-sk`,',
  '                            `edit signing-key`), or lists signing keys no allowed key approved.',
  '                            It is an account statement too: ONE operator key must be allowed both.',
  '                            The key writes its approval into the token, so a key restricted to',
  '                            `account` may re-issue the account later, signing keys unchanged.',
  '  user                      issuing or re-issuing a user token (account keys).',
  '  activation                issuing an activation for a private export (account keys).',
  '  CanSignAll                every kind its parent\'s keys sign (the default).',
  '  CanSignAllButSigningKeys  every kind but signing-keys.',
  'A -K key restricted away from a kind the statement is: KEY_RESTRICTION_VIOLATION; `sigchain verify`',
  'refuses such a token with the same code. A new account without signing keys is `account` only.',
];

/** The `--restrict-sk` option of `edit operator` and `edit account`. */
export function restrictSkOption(parent: RestrictingParent): OptionSpec {
  return {
    type: 'string',
    multiple: true,
    valueName: 'PUB=RESTRICTION',
    description: `Restrict what a signing key may sign: CanSignAll, CanSignAllButSigningKeys, or a list of ${STATEMENT_KINDS[parent].join(', ')} (comma-separated). Repeatable.`,
  };
}

/**
 * Reads `--restrict-sk PUB=RESTRICTION` values (not split on commas: a list is one value).
 *
 * @example
 * ```ts
 * const r = restrictionsFromFlags(ctx, 'operator'); // { OAB…: ['account', 'signing-keys'] }
 * ```
 */
function restrictionsFromFlags(ctx: CommandContext, parent: RestrictingParent): Record<string, Restriction> | undefined {
  const v = ctx.options['restrict-sk'];
  const items = Array.isArray(v) ? v : typeof v === 'string' ? [v] : [];
  if (!items.length) return undefined;
  const out: Record<string, Restriction> = {};
  for (const item of items) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new SigchainError('USAGE', `--restrict-sk takes PUB=RESTRICTION (e.g. --restrict-sk ${parent === 'operator' ? 'OAB…=CanSignAllButSigningKeys' : 'AAB…=user'}), not ${JSON.stringify(item)}.`);
    out[item.slice(0, eq).trim()] = parseRestriction(item.slice(eq + 1), parent);
  }
  return out;
}

/** What `--sk`, `--rm-sk` and `--restrict-sk` ask of an operator or account edit. */
export interface SigningKeyEdits {
  addSigningKeys?: string[];
  removeSigningKeys?: string[];
  restrictSigningKeys?: Record<string, Restriction>;
}

/**
 * The signing-key flags `edit operator` and `edit account` share, as library options: only
 * the ones given.
 *
 * @example
 * ```ts
 * const opts: EditOperatorOptions = { ...signingKeyEditsFromFlags(ctx, 'operator') };
 * ```
 */
export function signingKeyEditsFromFlags(ctx: CommandContext, parent: RestrictingParent): SigningKeyEdits {
  const out: SigningKeyEdits = {};
  const add = list(ctx, 'sk');
  const rm = list(ctx, 'rm-sk');
  if (add.length) out.addSigningKeys = add;
  if (rm.length) out.removeSigningKeys = rm;
  const restrictions = restrictionsFromFlags(ctx, parent);
  if (restrictions) out.restrictSigningKeys = restrictions;
  return out;
}
