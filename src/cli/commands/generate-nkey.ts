import { SigchainError } from '../../errors.js';
import { KeyPair } from '../../nkeys/keypair.js';
import { ALL_ROLES, type Role } from '../../nkeys/roles.js';
import { type Command, type OptionSpec, flag } from '../command.js';
import { openWorkspace } from './support.js';

const USAGE = 'generate nkey --operator|--account|--user|--server|--cluster|--curve|--module|--service [--store] [--show-seed]';

// nsc's short flags for the roles it knows.
const SHORT: Partial<Record<Role, string>> = { operator: 'o', account: 'a', user: 'u', curve: 'x' };
const WHAT: Record<Role, string> = {
  operator: 'an operator key (O…): an operator signing key',
  account: 'an account key (A…): an account signing key',
  user: 'a user key (U…)',
  server: 'a server key (N…)',
  cluster: 'a cluster key (C…)',
  curve: 'a curve key (X…) for encryption (xkeys); it never signs',
  module: 'a module/actor key (M…, wasmCloud)',
  service: 'a service/provider key (V…, wasmCloud)',
};

const ROLE_OPTIONS: Record<string, OptionSpec> = Object.fromEntries(
  ALL_ROLES.map((r) => [r, { type: 'boolean', ...(SHORT[r] ? { short: SHORT[r] } : {}), description: `Generate ${WHAT[r]}.` } satisfies OptionSpec]),
);

/** `sigchain generate nkey`: a new key of one role, printed or stored. */
export const generateNkeyCommand: Command = {
  words: ['generate', 'nkey'],
  summary: 'Generate a key (operator, account, user, … signing keys), print it or store it',
  usage: USAGE,
  description: [
    'Generates a new nkey of one role (give exactly one role flag).',
    '',
    'Without --store the key exists nowhere but in this output: the seed (S…, the private',
    'half) is printed, then the public key. Save the seed somewhere safe, or use --store.',
    '',
    'With --store the seed goes into the key store (<keystore>/keys/<X>/<YZ>/<PUB>.nk, 0600)',
    'and only the public key and the file path are printed; pass the path (or the public key)',
    'to -K later to sign with it. Unlike nsc, which prints the seed even when storing, the',
    'seed is printed with --store only if you add --show-seed: seeds in terminal scrollback',
    'and CI logs are how keys leak.',
    '',
    'Typical use: make a signing key, list it with `edit operator --sk` or `edit account --sk`,',
    'and sign with -K so the identity key can stay offline.',
  ].join('\n'),
  examples: [
    'sigchain generate nkey --operator --store     # an operator signing key, kept in the key store',
    'sigchain generate nkey --account --store --json   # {"role","public_key","path"} for scripts',
    'sigchain generate nkey --user                  # prints the seed, then the public key',
    'sigchain generate nkey --curve --store --show-seed',
  ],
  options: {
    ...ROLE_OPTIONS,
    store: { type: 'boolean', short: 'S', description: 'Store the seed in the key store instead of printing it.' },
    'show-seed': { type: 'boolean', description: 'With --store, print the seed too.' },
  },
  args: { min: 0, max: 0 },
  async run(ctx) {
    const roles = ALL_ROLES.filter((r) => flag(ctx, r));
    if (roles.length !== 1) {
      throw new SigchainError('USAGE', `${roles.length ? `Give one role flag, not ${roles.length} (${roles.map((r) => `--${r}`).join(', ')})` : 'Give a role flag'}: ${ALL_ROLES.map((r) => `--${r}`).join(', ')}.\nUsage: sigchain ${USAGE}`);
    }
    const role = roles[0]!;
    const store = flag(ctx, 'store');
    if (flag(ctx, 'show-seed') && !store) throw new SigchainError('USAGE', '--show-seed only applies with --store; without --store the seed is always printed.');
    const kp = KeyPair.create(role);
    if (!store) {
      // The seed is the key: printing it is the point when it is not stored.
      ctx.printer.result({ role, public_key: kp.publicKey, seed: kp.seed }, `${kp.seed}\n${kp.publicKey}`);
      return;
    }
    const path = await openWorkspace(ctx).keys.storeKey(kp);
    const showSeed = flag(ctx, 'show-seed');
    ctx.printer.result(
      { role, public_key: kp.publicKey, path, ...(showSeed ? { seed: kp.seed } : {}) },
      `${showSeed ? `${kp.seed}\n` : ''}${kp.publicKey}\n${role} key stored ${path}`,
    );
  },
};
