import { SigchainError } from '../../errors.js';
import { parseBackend } from '../../custody/custody.js';
import { isSeed } from '../../nkeys/codec.js';
import { type Command, str } from '../command.js';
import { openWorkspace } from './support.js';

const USAGE = 'keys move PUBLIC_KEY --to file|encrypted';

/** `sigchain keys move`: a stored key changes backend (e.g. a hot .nk sealed with a passphrase). */
export const keysMoveCommand: Command = {
  words: ['keys', 'move'],
  summary: 'Move a stored key to another backend: seal a plain .nk (--to encrypted) or unseal one (--to file)',
  usage: USAGE,
  description: [
    'Moves the private key of PUBLIC_KEY from where it is kept to another backend, with the same',
    'usages and record. The new copy is written first and the old one removed after, so an',
    'interruption leaves the key in both places, never in none.',
    '',
    '--to encrypted seals a plain nsc .nk into <PUB>.nk.age (the age format, your passphrase; the',
    '`age -d` tool opens it too). --to file does the reverse, for nsc, which reads plain .nk only.',
    'Keys made in an HSM (pkcs11) or a KMS never leave it. To hand a key to the key agent use',
    '`sigchain agent add`, which keeps it in the store as well.',
  ].join('\n'),
  examples: [
    'sigchain keys move OAB… --to encrypted                       # asks for a new passphrase',
    'sigchain keys move ACD… --to file --passphrase-file ~/.sigchain-pass --json',
  ],
  options: {
    to: { type: 'string', valueName: 'BACKEND', description: 'Where the key goes: file or encrypted.' },
  },
  args: { min: 1, max: 1 },
  async run(ctx) {
    const pub = ctx.positionals[0]!.trim();
    if (isSeed(pub)) throw new SigchainError('NKEY_PUBLIC_EXPECTED', 'keys move takes the public key of a stored key, but a seed was given. To put a seed into the key store use `sigchain keys import`; keep the seed secret.');
    const toText = str(ctx, 'to');
    if (toText === undefined) throw new SigchainError('USAGE', `Say where the key goes with --to (file or encrypted).\nUsage: sigchain ${USAGE}`);
    const to = parseBackend(toText, '--to');
    const ws = openWorkspace(ctx);
    const { from } = await ws.custody.move(pub, to);
    const where = await ws.custody.locate(pub);
    const path = where ? ws.custody.whereIs(where) : undefined;
    ctx.printer.result({ public_key: pub, from, to, ...(path ? { path } : {}) }, from === to ? `${pub} is already kept in ${to}${path ? ` (${path})` : ''}` : `moved ${pub} from ${from} to ${to}${path ? ` (${path})` : ''}`);
  },
};
