import type { OperatorLimits } from '../../claims/nats/types.js';
import { SigchainError } from '../../errors.js';
import { type EditAccountOptions, editAccount } from '../../workspace/entities/edit-account.js';
import { type Command, type CommandContext, type OptionSpec, str } from '../command.js';
import { CLAIM_OPTIONS, claimEditFromFlags, onOff } from '../parse/claim-flags.js';
import { STATEMENT_KINDS_HELP, restrictSkOption, signingKeyEditsFromFlags } from '../parse/restrict-sk.js';
import { parseCountFlag, parseSizeFlag } from '../parse/size.js';
import { entityName, natsOnly, noWascapEdit, openWorkspace, signerFrom, printSigningKeyChanges, snake } from './support.js';

// A value starting with '-' must be attached (`--conns=-1`): the argument parser reads `--conns -1` as two flags.
const count = (what: string): OptionSpec => ({ type: 'string', valueName: 'N', description: `${what} (=-1 unlimited).` });
const size = (what: string): OptionSpec => ({ type: 'string', valueName: 'SIZE', description: `${what} (=-1 unlimited; 1024, 512K, 1M, 10G).` });

// Flag → account limit field, and how its value is read.
const LIMIT_FLAGS: Array<[string, keyof OperatorLimits, 'count' | 'size']> = [
  ['conns', 'conn', 'count'],
  ['leaf-conns', 'leaf', 'count'],
  ['data', 'data', 'size'],
  ['payload', 'payload', 'size'],
  ['subscriptions', 'subs', 'count'],
  ['imports', 'imports', 'count'],
  ['exports', 'exports', 'count'],
  ['js-mem-storage', 'mem_storage', 'size'],
  ['js-disk-storage', 'disk_storage', 'size'],
  ['js-streams', 'streams', 'count'],
  ['js-consumer', 'consumer', 'count'],
];

function limitsFromFlags(ctx: CommandContext): Partial<OperatorLimits> | undefined {
  const limits: Partial<OperatorLimits> = {};
  for (const [name, field, kind] of LIMIT_FLAGS) {
    const v = str(ctx, name);
    if (v !== undefined) (limits as Record<string, number>)[field] = kind === 'size' ? parseSizeFlag(v, name) : parseCountFlag(v, name);
  }
  const wildcards = str(ctx, 'wildcard-exports');
  if (wildcards !== undefined) {
    const w = wildcards.trim().toLowerCase();
    if (w !== 'true' && w !== 'false') throw new SigchainError('USAGE', `--wildcard-exports takes true or false, not "${wildcards}".`);
    limits.wildcards = w === 'true';
  }
  const bearer = onOff(ctx, 'disallow-bearer', 'allow-bearer');
  if (bearer !== undefined) limits.disallow_bearer = bearer;
  return Object.keys(limits).length ? limits : undefined;
}


const USAGE = 'edit account [NAME] [flags]';
/** `sigchain edit account`: signing keys, limits, JetStream, description, validity. */
export const editAccountCommand: Command = {
  words: ['edit', 'account'],
  summary: 'Change an account: signing keys, limits, JetStream, description, tags, validity',
  usage: USAGE,
  description: [
    'Changes the current (or named) account and re-signs it with an operator key: the one given',
    'with -K (an operator signing key, or the identity key unless the operator requires signing',
    'keys), else a signing key whose seed is in the key store. With no change flags it just',
    're-signs, e.g. with a new operator signing key after a rotation.',
    '',
    'Account signing keys (--sk) sign users, so the account identity key can stay offline.',
    'Removing one (--rm-sk) makes every user it signed invalid: they are listed, and',
    '`sigchain edit user NAME -K <other signing key>` re-issues each.',
    '--restrict-sk PUB=user limits what a signing key may sign (user, activation, or both:',
    'CanSignAll); it is kept in this token, so it changes only when the account is re-issued.',
    'Changing signing keys or their restrictions is a `signing-keys` statement: the operator key',
    'that signs must be allowed it (see `sigchain check coverage`).',
    '',
    'Limits take -1 for unlimited, attached to the flag (--conns=-1). JetStream is on when --js-mem-storage or --js-disk-storage is',
    'non-zero. Servers pick up account changes on reload (SIGHUP with a memory resolver).',
    '',
    ...STATEMENT_KINDS_HELP,
  ].join('\n'),
  examples: [
    'sigchain edit account A --sk generate -K ~/.nkeys/keys/O/AZ/OAZ….nk',
    'sigchain edit account A --rm-sk ADUQTJD4TF4O6LTTHCKDKSHKGBN2NECCHHMWFREPKNO6MPA7ZETFEEF7',
    'sigchain edit account A --conns 100 --payload 1M --js-mem-storage 1G --js-disk-storage 10G',
    'sigchain edit account A --conns=-1 --data=-1',
    'sigchain edit account A --restrict-sk ADUQTJD4TF4O6LTTHCKDKSHKGBN2NECCHHMWFREPKNO6MPA7ZETFEEF7=user',
    'sigchain edit account A --disallow-bearer --description "billing services"',
  ],
  options: {
    name: { type: 'string', short: 'n', valueName: 'NAME', description: 'The account (instead of the positional NAME).' },
    operator: { type: 'string', valueName: 'NAME', description: 'The operator (default: the current one).' },
    sk: { type: 'string', seed: true, multiple: true, valueName: 'PUB|PATH|SEED|generate', description: 'Add a signing key: a public key (A…), a seed or .nk file (its seed is stored), or "generate".' },
    'rm-sk': { type: 'string', multiple: true, valueName: 'PUB', description: 'Remove a signing key; users it signed stop working and are listed.' },
    'restrict-sk': restrictSkOption('account'),
    conns: count('Maximum client connections'),
    'leaf-conns': count('Maximum leaf node connections (0 forbids them)'),
    data: size('Maximum data'),
    payload: size('Maximum message payload'),
    subscriptions: count('Maximum subscriptions'),
    imports: count('Maximum imports'),
    exports: count('Maximum exports'),
    'wildcard-exports': { type: 'string', valueName: 'true|false', description: 'Whether exports may use wildcard subjects.' },
    'disallow-bearer': { type: 'boolean', description: 'Refuse bearer-token users of this account.' },
    'allow-bearer': { type: 'boolean', description: 'Accept bearer-token users again.' },
    'js-mem-storage': size('JetStream memory storage'),
    'js-disk-storage': size('JetStream disk storage'),
    'js-streams': count('JetStream streams'),
    'js-consumer': count('JetStream consumers'),
    description: { type: 'string', valueName: 'TEXT', description: 'A description ("" clears it).' },
    'info-url': { type: 'string', valueName: 'URL', description: 'A link to more information ("" clears it).' },
    ...CLAIM_OPTIONS,
  },
  args: { min: 0, max: 1 },
  async run(ctx) {
    const ws = openWorkspace(ctx);
    const opts: EditAccountOptions = { ...claimEditFromFlags(ctx), ...signingKeyEditsFromFlags(ctx, 'account') };
    const name = entityName(ctx, 'account', USAGE, true);
    if (name !== undefined) opts.account = name;
    const operator = str(ctx, 'operator');
    if (operator !== undefined) opts.operator = operator;
    const limits = limitsFromFlags(ctx);
    if (limits) opts.limits = limits;
    const description = str(ctx, 'description');
    if (description !== undefined) opts.description = description;
    const infoUrl = str(ctx, 'info-url');
    if (infoUrl !== undefined) opts.infoUrl = infoUrl;
    const signer = await signerFrom(ctx, ws);
    if (signer) opts.signer = signer;

    const r = await natsOnly(noWascapEdit('account'), () => editAccount(ws, opts));
    printSigningKeyChanges(ctx, 'account', r.added, r.removed);
    ctx.printer.ok(`edited account "${r.account.name}"`);
    for (const w of r.warnings) ctx.printer.warn(w);
    ctx.printer.result(snake(r));
  },
};
