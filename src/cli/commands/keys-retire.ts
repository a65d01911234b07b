import { SigchainError } from '../../errors.js';
import { formatUsages } from '../../keys/usage.js';
import { isSeed } from '../../nkeys/codec.js';
import { type Command, str } from '../command.js';
import { openWorkspace } from './support.js';

const USAGE = 'keys retire PUBLIC_KEY [--reason TEXT] [--replaced-by PUBLIC_KEY]';

/** `sigchain keys retire`: a stored key signs nothing more; its seed stays for the record. */
export const keysRetireCommand: Command = {
  words: ['keys', 'retire'],
  summary: 'Retire a stored key: it may no longer sign anything (its seed is kept)',
  usage: USAGE,
  description: [
    'Marks a key in the key store retired. From then on every signer refuses it with',
    'KEY_RETIRED, and automatic key choice skips it. The seed stays in the key store, so tokens',
    'it signed can still be checked, and the record says when, why and what replaced it.',
    '',
    'Retiring is for good, and is how a key\'s usages "change": make a new key with the usages',
    'you need (`generate nkey --store --usage …`), put it to work (e.g. `edit operator --sk PUB`,',
    're-sign with -K), then retire the old one with --replaced-by NEW. Retiring does not remove',
    'a signing key from the tokens that list it, nor revoke anything: do that with `edit … --rm-sk`.',
  ].join('\n'),
  examples: [
    'sigchain keys retire OAB… --reason rotated --replaced-by OCD…',
    'sigchain keys retire ACX… --reason "left on a build host" --json',
  ],
  options: {
    reason: { type: 'string', valueName: 'TEXT', description: 'Why it is retired (kept in the record).' },
    'replaced-by': { type: 'string', valueName: 'PUBLIC_KEY', description: 'The public key that takes over its job (same role).' },
  },
  args: { min: 1, max: 1 },
  async run(ctx) {
    const pub = ctx.positionals[0]!.trim();
    // A seed pasted here must not be echoed back in an error or the output.
    if (isSeed(pub)) throw new SigchainError('NKEY_PUBLIC_EXPECTED', 'keys retire takes the public key of the key to retire, but a seed was given. Pass its public key (see `sigchain keys list`); keep the seed secret.');
    const reason = str(ctx, 'reason');
    const replacedBy = str(ctx, 'replaced-by');
    const meta = await openWorkspace(ctx).keys.retireKey(pub, { ...(reason !== undefined ? { reason } : {}), ...(replacedBy !== undefined ? { replacedBy } : {}) });
    ctx.printer.result(
      {
        public_key: meta.publicKey,
        usages: [...meta.usages],
        legacy: meta.legacy,
        retired: meta.retired,
        ...(meta.retiredReason ? { retired_reason: meta.retiredReason } : {}),
        ...(meta.replacedBy ? { replaced_by: meta.replacedBy } : {}),
      },
      `retired ${meta.publicKey} (usages ${meta.legacy ? 'all (legacy)' : formatUsages(meta.usages)})${meta.replacedBy ? `, replaced by ${meta.replacedBy}` : ''}\n` +
        'It signs nothing more; its seed stays in the key store. Tokens that list it as a signing key still do: remove it there with `edit operator|account --rm-sk`.',
    );
  },
};
