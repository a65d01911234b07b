import { SigchainError } from '../../errors.js';
import { addOperator } from '../../workspace/entities/add-operator.js';
import { type Command, flag, str } from '../command.js';
import { FORMAT_OPTION, NAME_OPTION, TIME_OPTIONS, entityName, formatOf, openWorkspace, printWarnings, snake, timeOptions } from './support.js';

const USAGE = 'add operator (NAME | -n NAME) [--format nats|wascap] [--sys | --no-sys] [--generate-signing-key] [--expiry WHEN] [--start WHEN]';

/** `sigchain add operator`: a new operator (the root of trust), with its system account. */
export const addOperatorCommand: Command = {
  words: ['add', 'operator'],
  summary: 'Create an operator: the root key every account and user chains up to',
  usage: USAGE,
  description: [
    'Creates an operator: a fresh operator identity key (stored in the key store) and the',
    "operator's self-signed JWT, in a new operator store. The new operator becomes the current one.",
    '',
    'By default it also creates the system account SYS (with its own signing key) and a user',
    'sys signed by that key, with its creds file: nats-server needs a system account, and a',
    'user signed by a signing key keeps working if you later require signing keys. SYS exports',
    "nsc's account-monitoring-services ($SYS.REQ.ACCOUNT.*.*) and account-monitoring-streams",
    '($SYS.ACCOUNT.*.>), so any account can import its own monitoring requests and events.',
    '(nsc creates them only with --sys; here --sys is the default and --no-sys skips them.)',
    '',
    "The operator's identity key is its most valuable key: if it leaks, every account must be",
    're-issued. Sign accounts with an operator signing key instead, so the identity key can',
    'stay offline: pass --generate-signing-key, or add one later with `generate nkey --operator',
    '--store` and `edit operator --sk`.',
    '',
    '--format wascap makes a wasmCloud operator instead: a self-issued wascap token (no system',
    'account; --generate-signing-key lists the signing key in valid_signers). It lives in the',
    'same store layout, its token header telling the format; NATS commands refuse it. Gantry',
    'rejects accounts signed by the identity key, so without a signing key it warns.',
  ].join('\n'),
  examples: [
    'sigchain add operator O2',
    'sigchain add operator --name O2 --generate-signing-key',
    'sigchain add operator dev --no-sys --expiry 1y',
    'sigchain add operator O2 --json    # keys and paths as JSON',
    'sigchain add operator W --format wascap --generate-signing-key',
  ],
  options: {
    name: NAME_OPTION,
    sys: { type: 'boolean', short: 's', description: 'Create the system account SYS and user sys (the default; accepted for nsc compatibility).' },
    'no-sys': { type: 'boolean', description: 'Do not create the system account and user.' },
    'generate-signing-key': { type: 'boolean', description: 'Also generate and store an operator signing key, list it in the JWT, and sign SYS with it.' },
    format: FORMAT_OPTION,
    ...TIME_OPTIONS,
  },
  args: { min: 0, max: 1 },
  async run(ctx) {
    const name = entityName(ctx, 'operator', USAGE)!;
    if (flag(ctx, 'sys') && flag(ctx, 'no-sys')) throw new SigchainError('USAGE', '--sys and --no-sys contradict each other. Give one.');
    // An operator signs itself with its new identity key; a -K here would be silently ignored.
    if (str(ctx, 'private-key') !== undefined) {
      throw new SigchainError('USAGE', 'add operator makes a new operator key and signs the operator with it; -K/--private-key does not apply. Drop it.');
    }
    const ws = openWorkspace(ctx);
    if (formatOf(ctx, ws) === 'wascap') {
      if (flag(ctx, 'sys')) throw new SigchainError('USAGE', 'wasmCloud operators have no system account: --sys does not apply with --format wascap. Drop it.');
      const { addWascapOperator } = await import('../../workspace/wasmcloud/add-operator.js');
      const w = await addWascapOperator(ws, name, { generateSigningKey: flag(ctx, 'generate-signing-key'), ...timeOptions(ctx) });
      ctx.printer.ok(`generated and stored operator key "${w.operator.publicKey}"`);
      ctx.printer.ok(`added wascap operator "${w.operator.name}"`);
      if (w.signingKey) ctx.printer.ok(`created operator signing key: ${w.signingKey.publicKey}`);
      printWarnings(ctx, w.warnings);
      const { warnings: _w, ...data } = w;
      return ctx.printer.result(snake(data));
    }
    const r = await addOperator(ws, name, {
      systemAccount: !flag(ctx, 'no-sys'),
      generateSigningKey: flag(ctx, 'generate-signing-key'),
      ...timeOptions(ctx),
    });
    const p = ctx.printer;
    p.ok(`generated and stored operator key "${r.operator.publicKey}"`);
    p.ok(`added operator "${r.operator.name}"`);
    if (r.signingKey) p.ok(`created operator signing key: ${r.signingKey.publicKey}`);
    if (r.systemAccount) p.ok(`created system_account: name:${r.systemAccount.name} id:${r.systemAccount.publicKey}`);
    if (r.systemUser) {
      p.ok(`created system account user: name:${r.systemUser.name} id:${r.systemUser.publicKey}`);
      p.ok(`system account user creds file stored in "${r.systemUser.credsPath}"`);
    }
    printWarnings(ctx, r.warnings);
    const { warnings: _w, ...data } = r;
    p.result(snake(data));
  },
};
