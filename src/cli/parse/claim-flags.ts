import { SigchainError } from '../../errors.js';
import type { CommandContext, OptionSpec } from '../command.js';
import { list } from '../command.js';
import { TIME_OPTIONS, timeOptions } from './time.js';

/**
 * The flags every `edit` command shares: tags and the validity window (`--expiry 0` clears an
 * expiry). nsc spells them the same way on `edit operator|account|user`.
 */
export const CLAIM_OPTIONS: Record<string, OptionSpec> = {
  tag: { type: 'string', multiple: true, valueName: 'TAG', description: 'Add a tag (lower-cased; comma-separated or repeated).' },
  'rm-tag': { type: 'string', multiple: true, valueName: 'TAG', description: 'Remove a tag.' },
  ...TIME_OPTIONS,
};

/** The values of {@link CLAIM_OPTIONS}, in the shape the workspace edit operations take. */
export interface ClaimEdit {
  tags?: string[];
  rmTags?: string[];
  /** Unix seconds; 0 clears. */
  expiry?: number;
  start?: number;
}

/** Reads {@link CLAIM_OPTIONS}; an expiry not after the start is a `USAGE` error. */
export function claimEditFromFlags(ctx: CommandContext): ClaimEdit {
  const out: ClaimEdit = { ...timeOptions(ctx) };
  const tags = list(ctx, 'tag');
  const rmTags = list(ctx, 'rm-tag');
  if (tags.length) out.tags = tags;
  if (rmTags.length) out.rmTags = rmTags;
  return out;
}

/** Reads a `--x` / `--no-x` pair: true, false, or undefined when neither was given. */
export function onOff(ctx: CommandContext, on: string, off: string): boolean | undefined {
  const yes = ctx.options[on] === true;
  const no = ctx.options[off] === true;
  if (yes && no) throw new SigchainError('USAGE', `--${on} and --${off} contradict each other; give one.`);
  return yes ? true : no ? false : undefined;
}
