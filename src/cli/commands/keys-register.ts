import { SigchainError } from '../../errors.js';
import { defaultUsages, formatUsages, parseUsages } from '../../keys/usage.js';
import { ALL_ROLES, type Role } from '../../nkeys/roles.js';
import { type Command, type OptionSpec, flag, str } from '../command.js';
import { openWorkspace } from './support.js';

const USAGE = 'keys register URI --operator|--account|--user|--server|--cluster|--module|--service [--usage USAGES]';

const SIGNING_ROLES = ALL_ROLES.filter((r) => r !== 'curve');
const ROLE_OPTIONS: Record<string, OptionSpec> = Object.fromEntries(SIGNING_ROLES.map((r) => [r, { type: 'boolean', description: `The key is ${r === 'operator' || r === 'account' ? 'an' : 'a'} ${r} key.` } satisfies OptionSpec]));

/** `sigchain keys register`: record a key that already lives in an HSM or a KMS. */
export const keysRegisterCommand: Command = {
  words: ['keys', 'register'],
  summary: 'Record a key that already lives in an HSM (pkcs11:) or a KMS (awskms://, gcpkms://, hashivault://)',
  usage: USAGE,
  description: [
    'Records a key kept in an HSM or a KMS so that sigchain signs with it wherever -K or --sk',
    'takes a key: its public key is read from the backend (it must be Ed25519), turned into an',
    'nkey of the role given, and recorded in the key store with its usages and URI. The private',
    'key never leaves the backend; every signature it returns is checked against it.',
    '',
    'URIs: RFC 7512 PKCS#11 (pkcs11:token=T;object=O?module-path=…&pin-source=file:…; a',
    'pin-value is used but never stored or printed), and the KMS key URIs of cosign:',
    'awskms:///KEY-ID-OR-ARN (awskms://HOST:PORT/KEY-ID for another endpoint), gcpkms://projects/',
    'P/locations/L/keyRings/R/cryptoKeys/K/cryptoKeyVersions/V, hashivault://KEY-NAME (with',
    'VAULT_ADDR and VAULT_TOKEN). See docs/pkcs11.md and docs/kms.md.',
  ].join('\n'),
  examples: [
    'sigchain keys register awskms:///alias/nats-account-signer --account --usage IssuingOnly',
    "sigchain keys register 'pkcs11:token=prod;object=AB…?module-path=/usr/lib/softhsm/libsofthsm2.so' --account --usage IssuingOnly --pin-file pin.txt",
    'sigchain keys register hashivault://nats-operator --operator --usage IssuingOnly --json   # with VAULT_ADDR, VAULT_TOKEN set',
  ],
  options: {
    ...ROLE_OPTIONS,
    usage: { type: 'string', valueName: 'USAGES', description: 'What the key may ever sign: a preset (IssuingOnly, …) or a list. Default: issuing for operator and account keys, else the role\'s default.' },
  },
  args: { min: 1, max: 1 },
  async run(ctx) {
    const roles = SIGNING_ROLES.filter((r) => flag(ctx, r));
    if (roles.length !== 1) throw new SigchainError('USAGE', `Give one role flag (${SIGNING_ROLES.map((r) => `--${r}`).join(', ')}): an HSM or KMS key carries no nkey role.\nUsage: sigchain ${USAGE}`);
    const role = roles[0] as Role;
    const uri = ctx.positionals[0]!.trim();
    if (!/^(pkcs11:|awskms:\/\/|gcpkms:\/\/|hashivault:\/\/|openbao:\/\/)/.test(uri)) {
      throw new SigchainError('KEY_URI_INVALID', 'keys register takes a key URI: pkcs11:…, awskms://…, gcpkms://… or hashivault://…. See `sigchain keys register --help`.');
    }
    const usageText = str(ctx, 'usage');
    const usages = usageText === undefined ? defaultUsages(role, 'signing-key') : parseUsages(usageText);
    const ws = openWorkspace(ctx);
    const entry = await ws.custody.register(uri, role, usages);
    ctx.printer.result(
      { public_key: entry.publicKey, role, backend: entry.backend, uri: entry.uri, usages: [...entry.usages] },
      `registered ${entry.publicKey} (${role} key in ${entry.backend}, usages ${formatUsages(entry.usages)})\nUse it with -K ${entry.publicKey} or --sk ${entry.publicKey}.`,
    );
  },
};
