import { SigchainError } from '../../errors.js';
import { parseBackend } from '../../custody/custody.js';
import { isSeed } from '../../nkeys/codec.js';
import { checkOutputFile, writeOutputFile } from '../../workspace/output-file.js';
import { type Command, flag, str } from '../command.js';
import { openWorkspace } from './support.js';

const USAGE = 'keys export PUBLIC_KEY (--to file|encrypted|memory | --output FILE [--force] | --show-seed)';

/** `sigchain keys export`: a copy of a stored key, into another backend or a file; the original stays. */
export const keysExportCommand: Command = {
  words: ['keys', 'export'],
  summary: 'Copy a stored key into another backend or a .nk file, keeping the original',
  usage: USAGE,
  description: [
    'Copies the private key of PUBLIC_KEY out of the backend that holds it (a plain .nk, or a',
    'sealed one: its passphrase is asked), keeping the original where it is:',
    '  --to BACKEND     into another backend (file or encrypted), with the same usages;',
    '  --output FILE    into a .nk file of its own (0600; --force replaces an existing file);',
    '  --show-seed      printed on standard output (it lands in scrollback and logs: avoid).',
    'Keys made in an HSM (pkcs11) or a KMS never leave it: KEYRING_UNSUPPORTED.',
  ].join('\n'),
  examples: [
    'sigchain keys export OAB… --output /media/backup/OAB….nk',
    'sigchain keys export ACD… --to file          # a plain copy for nsc, the sealed one stays',
  ],
  options: {
    to: { type: 'string', valueName: 'BACKEND', description: 'Copy into this backend: file, encrypted or memory.' },
    output: { type: 'string', valueName: 'FILE', description: 'Write the seed to FILE (0600), as a .nk.' },
    force: { type: 'boolean', description: 'With --output, replace an existing file.' },
    'show-seed': { type: 'boolean', description: 'Print the seed on standard output.' },
  },
  args: { min: 1, max: 1 },
  async run(ctx) {
    const pub = ctx.positionals[0]!.trim();
    if (isSeed(pub)) throw new SigchainError('NKEY_PUBLIC_EXPECTED', 'keys export takes the public key of a stored key, but a seed was given; keep the seed secret.');
    const toText = str(ctx, 'to');
    const output = str(ctx, 'output');
    const show = flag(ctx, 'show-seed');
    if ([toText !== undefined, output !== undefined, show].filter(Boolean).length !== 1) throw new SigchainError('USAGE', `Say where the copy goes: one of --to BACKEND, --output FILE or --show-seed.\nUsage: sigchain ${USAGE}`);
    if (output !== undefined) await checkOutputFile(output, { force: flag(ctx, 'force') });
    const ws = openWorkspace(ctx);
    const held = await ws.custody.locate(pub);
    if (!held) await ws.custody.signer(pub); // STORE_NOT_FOUND, saying where it looked
    const key = await ws.custody.exportKey(pub);
    if (toText !== undefined) {
      const to = parseBackend(toText, '--to');
      if (to === held!.backend) throw new SigchainError('USAGE', `${pub} is already kept in ${to}.`);
      const signer = await ws.custody.importKey(key, held!.usages, to);
      ctx.printer.result({ public_key: pub, from: held!.backend, to, path: ws.custody.whereIs(signer) }, `copied ${pub} from ${held!.backend} to ${to}: ${ws.custody.whereIs(signer)}`);
      return;
    }
    if (output !== undefined) {
      await writeOutputFile(output, key.seed, { secret: true, force: flag(ctx, 'force') });
      ctx.printer.result({ public_key: pub, from: held!.backend, output }, `wrote the seed of ${pub} to ${output} (0600)`);
      return;
    }
    ctx.printer.warn('The seed is printed: it is now in this terminal, and in any log of it.');
    ctx.printer.result({ public_key: pub, from: held!.backend, seed: key.seed }, key.seed);
  },
};
