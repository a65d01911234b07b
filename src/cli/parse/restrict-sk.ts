import { SigchainError } from '../../errors.js';
import { type Restriction, type RestrictingParent, STATEMENT_KINDS, parseRestriction } from '../../keys/restrictions.js';
import { type CommandContext, type OptionSpec, list } from '../command.js';

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
