import { SigchainError } from '../../errors.js';
import { parseBackend } from '../../custody/custody.js';
import { KEY_USAGES, formatUsages, parseUsages } from '../../keys/usage.js';
import { type Command, str } from '../command.js';
import { openWorkspace } from './support.js';

const USAGE = 'keys import SEED|FILE|- [--to file|encrypted|memory] [--usage USAGES]';

/** `sigchain keys import`: a seed from outside into a keyring backend. */
export const keysImportCommand: Command = {
  words: ['keys', 'import'],
  summary: 'Import a seed (from a .nk or creds file, or stdin) into the key store, plain or sealed',
  usage: USAGE,
  description: [
    'Stores the private key given as SEED, as a FILE holding one (a .nk, or a creds file), or on',
    'standard input (-), in the backend --to names (default: encrypted for operator and account',
    'keys, file for the rest; see --keyring-backend). The seed is never printed.',
    '',
    'Its usages (what it may ever sign) are --usage, else those already recorded for it, else all',
    '(as nsc keys have): narrow them with --usage when you can. A key already stored keeps its',
    'usages: they never change.',
  ].join('\n'),
  examples: [
    'sigchain keys import ~/old/OAB….nk --to encrypted --usage IssuingOnly',
    'sigchain keys import - --to encrypted < seed.txt',
    'sigchain keys import ./alice.creds --to file --json',
  ],
  options: {
    to: { type: 'string', valueName: 'BACKEND', description: 'Where the key goes: file, encrypted or memory (default per role, see --keyring-backend).' },
    usage: { type: 'string', valueName: 'USAGES', description: 'What the key may ever sign: a preset (IssuingOnly, …, All) or a list. Default: recorded, else all.' },
  },
  args: { min: 1, max: 1, seed: true },
  async run(ctx) {
    const ws = openWorkspace(ctx);
    const spec = ctx.positionals[0]!;
    const key = spec === '-' ? await ws.seedFrom((await ctx.readStdin(64 * 1024)).trim(), 'Standard input') : await ws.seedFrom(spec, 'keys import');
    if (!key.canSign && key.role !== 'curve') throw new SigchainError('NKEY_SEED_EXPECTED', 'keys import needs a seed (S…), not a public key.');
    const toText = str(ctx, 'to');
    const to = toText === undefined ? ws.custody.backendFor(key.role) : parseBackend(toText, '--to');
    const usageText = str(ctx, 'usage');
    const recorded = await ws.keys.getKeyMeta(key.publicKey);
    const usages = usageText !== undefined ? parseUsages(usageText) : key.role === 'curve' ? [] : recorded.legacy ? KEY_USAGES : recorded.usages;
    const signer = await ws.custody.importKey(key, usages, to);
    const path = ws.custody.whereIs(signer);
    if (usageText === undefined && recorded.legacy && key.role !== 'curve') ctx.printer.info('usages: all (none given or recorded); narrow them next time with --usage');
    ctx.printer.result({ public_key: key.publicKey, role: key.role, backend: signer.backend, usages: [...signer.usages], path }, `imported ${key.publicKey} (${key.role} key, usages ${formatUsages(signer.usages) || 'none'}) into ${signer.backend}: ${path}`);
  },
};
