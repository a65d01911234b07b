import { SigchainError } from '../../errors.js';
import { defaultUsages, formatUsages, parseUsages } from '../../keys/usage.js';
import { KeyPair } from '../../nkeys/keypair.js';
import { ALL_ROLES, type Role } from '../../nkeys/roles.js';
import { type Command, type OptionSpec, flag, str } from '../command.js';
import { openWorkspace } from './support.js';

const USAGE = 'generate nkey --operator|--account|--user|--server|--cluster|--curve|--module|--service [--store [--usage USAGES] [--keyring-backend NAME [--pkcs11-uri URI]]] [--show-seed]';

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
    '',
    'A stored key gets usages: what it may ever sign, recorded next to the seed and never',
    'changed (make a new key and `keys retire` the old one instead). Signing outside them is',
    'refused with KEY_USAGE_VIOLATION. Defaults: operator and account keys made here are signing',
    'keys, so `issuing` only; user keys `authentication`; server and cluster keys `protocol`;',
    'module and service keys `identity`; curve keys none (they never sign). --usage takes a',
    'preset (IdentityOnly, IssuingOnly, AuthenticationOnly, ProtocolOnly, All) or a list such as',
    'issuing,authentication (one usage per key is safest). See them with `sigchain keys list`.',
    '',
    'Where a stored key is kept: --keyring-backend (or $SIGCHAIN_KEYRING_BACKEND, or',
    '"keyring_backend" in config.json); by default operator and account keys are sealed with a',
    'passphrase (encrypted: <PUB>.nk.age, the age format) and other keys are plain .nk files.',
    'With --keyring-backend pkcs11 the key is made inside the HSM token named by --pkcs11-uri',
    '(an RFC 7512 URI; module, token and PIN also from SIGCHAIN_PKCS11_MODULE/_TOKEN/_PIN or',
    '--pin-file): it never leaves the token, so there is no seed to show.',
  ].join('\n'),
  examples: [
    'sigchain generate nkey --operator --store     # an operator signing key, kept in the key store',
    'sigchain generate nkey --account --store --json   # {"role","public_key","path"} for scripts',
    'sigchain generate nkey --user                  # prints the seed, then the public key',
    'sigchain generate nkey --curve --store --show-seed',
    'sigchain generate nkey --user --store --usage AuthenticationOnly',
    'sigchain generate nkey --account --store --keyring-backend file   # a plain .nk, as nsc makes it',
    "sigchain generate nkey --account --store --usage IssuingOnly --keyring-backend pkcs11 --pkcs11-uri 'pkcs11:token=sigchain?module-path=/usr/lib/softhsm/libsofthsm2.so' --pin-file pin.txt",
  ],
  options: {
    ...ROLE_OPTIONS,
    store: { type: 'boolean', short: 'S', description: 'Store the seed in the key store instead of printing it.' },
    'show-seed': { type: 'boolean', description: 'With --store, print the seed too.' },
    'pkcs11-uri': { type: 'string', valueName: 'URI', description: 'With --keyring-backend pkcs11: the token to make the key in, as an RFC 7512 URI (pkcs11:token=T?module-path=…). A pin-value in it is never stored or printed.' },
    usage: { type: 'string', valueName: 'USAGES', description: 'With --store: what the key may ever sign, a preset (IssuingOnly, …, All) or a list (issuing,authentication). Default per role (see above).' },
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
    const usageText = str(ctx, 'usage');
    if (usageText !== undefined && !store) throw new SigchainError('USAGE', '--usage only applies with --store: usages are recorded in the key store, next to the seed.');
    // Operator and account keys made here are signing keys: the identity keys come from `add operator|account`.
    const usages = usageText === undefined ? defaultUsages(role, 'signing-key') : parseUsages(usageText);
    if (!store && str(ctx, 'keyring-backend') !== undefined) throw new SigchainError('USAGE', '--keyring-backend says where a stored key is kept: add --store.');
    const kp = KeyPair.create(role);
    if (!store) {
      // The seed is the key: printing it is the point when it is not stored.
      ctx.printer.result({ role, public_key: kp.publicKey, seed: kp.seed }, `${kp.seed}\n${kp.publicKey}`);
      return;
    }
    const ws = openWorkspace(ctx);
    const backend = ws.custody.backendFor(role);
    const showSeed = flag(ctx, 'show-seed');
    const keepsSeeds = backend === 'file' || backend === 'encrypted' || backend === 'memory';
    if (showSeed && !keepsSeeds) throw new SigchainError('USAGE', `--show-seed: a key made in the ${backend} backend never leaves it, so it has no seed to show.`);
    if (role === 'curve' && !keepsSeeds) throw new SigchainError('KEYRING_UNSUPPORTED', `Curve (X) keys encrypt; the ${backend} backend keeps signing keys only. Store it with --keyring-backend file or encrypted.`);
    const signer = keepsSeeds ? await ws.custody.importKey(kp, usages, backend) : await ws.custody.generate(role, usages, backend);
    const path = ws.custody.whereIs(signer);
    ctx.printer.info(`usages: ${formatUsages(usages)} (fixed for the life of the key)`);
    ctx.printer.result(
      { role, public_key: signer.publicKey, path, backend: signer.backend, ...(signer.uri ? { uri: signer.uri } : {}), ...(showSeed ? { seed: kp.seed } : {}) },
      `${showSeed ? `${kp.seed}\n` : ''}${signer.publicKey}\n${role} key stored ${path}${signer.backend === 'encrypted' ? ' (sealed with your passphrase)' : ''}`,
    );
  },
};
