import { SigchainError } from '../../errors.js';
import { type EditOperatorOptions, editOperator } from '../../workspace/entities/edit-operator.js';
import { type Command, list, str } from '../command.js';
import { CLAIM_OPTIONS, claimEditFromFlags, onOff } from '../parse/claim-flags.js';
import { STATEMENT_KINDS_HELP, restrictSkOption, signingKeyEditsFromFlags } from '../parse/restrict-sk.js';
import { natsOnly, noWascapEdit, openWorkspace, signerFrom, printSigningKeyChanges, snake } from './support.js';

/** `sigchain edit operator`: signing keys, strict mode, system account, URLs, validity. */
export const editOperatorCommand: Command = {
  words: ['edit', 'operator'],
  summary: 'Change the operator: signing keys, strict signing-key usage, system account, URLs, tags, validity',
  usage: 'edit operator [NAME] [flags]',
  description: [
    'Changes the current (or named) operator and re-signs its token. An operator token is',
    'self-signed, so only the operator identity key can sign it: -K must be that key when its',
    'seed is not in the key store (a signing key is refused).',
    '',
    'Keep the identity key offline and sign accounts with signing keys: add one with',
    '--sk generate (or --sk <PUB> from `sigchain generate nkey --operator --store`), then pass',
    'it with -K when adding accounts. --require-signing-keys sets NATS strict_signing_key_usage:',
    'servers then trust only accounts signed by a signing key, and users signed by an account',
    'identity key are refused too. Accounts the identity key had signed are re-signed with a',
    'signing key whose seed is at hand; the others are listed to re-sign by hand.',
    '',
    '--restrict-sk PUB=RESTRICTION limits what an operator signing key may sign: `account`',
    '(issue or re-issue accounts), `signing-keys` (change an account\'s signing keys), a list of',
    'both, CanSignAll, or CanSignAllButSigningKeys. It is kept in the operator token (an extension',
    'nats-server ignores), so it changes only when the operator is re-issued. Check that some key',
    'can still sign every kind with `sigchain check coverage`.',
    '',
    'nats-server cannot reload an operator JWT: restart every server with the new',
    'configuration (`sigchain nats server-config`) after editing the operator.',
    '',
    ...STATEMENT_KINDS_HELP,
  ].join('\n'),
  examples: [
    'sigchain edit operator --sk generate',
    'sigchain edit operator --sk OAZBRNE7DQGDYT5CSAGWDMI5ENGKOEJ57BXVU6WUTHFEAO3CU5GLQYF5',
    'sigchain edit operator --require-signing-keys',
    'sigchain edit operator --restrict-sk OAZBRNE7DQGDYT5CSAGWDMI5ENGKOEJ57BXVU6WUTHFEAO3CU5GLQYF5=CanSignAllButSigningKeys',
    'sigchain edit operator --system-account SYS --service-url nats://localhost:4222',
    'sigchain edit operator --tag prod -K ~/offline/operator.nk',
  ],
  options: {
    sk: { type: 'string', seed: true, multiple: true, valueName: 'PUB|PATH|SEED|generate', description: 'Add a signing key: a public key (O…), a seed or .nk file (its seed is stored), or "generate" to make and store one.' },
    'rm-sk': { type: 'string', multiple: true, valueName: 'PUB', description: 'Remove a signing key. Accounts it signed stop being trusted: re-sign them.' },
    'restrict-sk': restrictSkOption('operator'),
    'require-signing-keys': { type: 'boolean', description: 'Only signing keys may sign accounts (NATS strict_signing_key_usage); needs at least one signing key.' },
    'no-require-signing-keys': { type: 'boolean', description: 'Let the identity key sign accounts again.' },
    'system-account': { type: 'string', valueName: 'NAME|PUB', description: 'The system account, by name or public key.' },
    'account-jwt-server-url': { type: 'string', short: 'u', valueName: 'URL', description: 'Where `push`/`pull` reach the account resolver (nats://… or http(s)://…).' },
    'rm-account-jwt-server-url': { type: 'boolean', description: 'Remove the account JWT server URL.' },
    'service-url': { type: 'string', multiple: true, valueName: 'URL', description: 'Add an operator service URL, e.g. nats://localhost:4222.' },
    'rm-service-url': { type: 'string', multiple: true, valueName: 'URL', description: 'Remove an operator service URL.' },
    ...CLAIM_OPTIONS,
  },
  args: { min: 0, max: 1 },
  async run(ctx) {
    const ws = openWorkspace(ctx);
    const opts: EditOperatorOptions = { ...claimEditFromFlags(ctx), ...signingKeyEditsFromFlags(ctx, 'operator') };
    const name = ctx.positionals[0];
    if (name !== undefined) opts.operator = name;
    const strict = onOff(ctx, 'require-signing-keys', 'no-require-signing-keys');
    if (strict !== undefined) opts.requireSigningKeys = strict;
    const sys = str(ctx, 'system-account');
    if (sys !== undefined) opts.systemAccount = sys;
    const url = str(ctx, 'account-jwt-server-url');
    if (url !== undefined && ctx.options['rm-account-jwt-server-url'] === true) throw new SigchainError('USAGE', '--account-jwt-server-url and --rm-account-jwt-server-url contradict each other; give one.');
    if (url !== undefined) opts.accountServerUrl = url;
    if (ctx.options['rm-account-jwt-server-url'] === true) opts.accountServerUrl = '';
    const urls = list(ctx, 'service-url');
    const rmUrls = list(ctx, 'rm-service-url');
    if (urls.length) opts.serviceUrls = urls;
    if (rmUrls.length) opts.rmServiceUrls = rmUrls;
    const signer = await signerFrom(ctx, ws);
    if (signer) opts.signer = signer;

    const r = await natsOnly(noWascapEdit('operator'), () => editOperator(ws, opts));
    printSigningKeyChanges(ctx, 'operator', r.added, r.removed);
    ctx.printer.ok(`edited operator "${r.operator.name}"`);
    // The library's messages are re-signed accounts (steps done) and the restart note (advice).
    for (const m of r.messages) {
      if (m.startsWith('re-signed')) ctx.printer.ok(m);
      else ctx.printer.info(`[NOTE] ${m}`);
    }
    for (const w of r.warnings) ctx.printer.warn(w);
    ctx.printer.result(snake(r));
  },
};
