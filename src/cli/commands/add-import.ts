import { SigchainError } from '../../errors.js';
import { readTokenArg } from '../../input/token-files.js';
import { type AddImportOptions, addImport } from '../../workspace/entities/imports.js';
import { type Command, flag, str } from '../command.js';
import { entityScope, natsOnly, openWorkspace, printWarnings, scopeOptions, signerFrom, snake } from './support.js';

const USAGE = 'add import (--src-account ACCOUNT --remote-subject SUBJECT [--service] | -u/--token FILE|TOKEN) [-s LOCAL_SUBJECT] [-n NAME] [--share] [-a ACCOUNT] [-K OPERATOR_KEY] [flags]';

/** `sigchain add import`: an account takes in another account's stream or service. */
export const addImportCommand: Command = {
  words: ['add', 'import'],
  summary: "Import another account's stream or service: public by account and subject, private with an activation token",
  usage: USAGE,
  description: [
    'Adds an import to the current (or -a) account, with nsc\'s flags, and re-signs the account',
    'with an operator key (-K, else an operator signing key at hand).',
    '',
    'A public export is imported with --src-account (the exporting account\'s name or public key)',
    'and --remote-subject (the subject it exports, or a part of it); --service for a service. For',
    'an export with an account token position, give * at that position: it is filled in with this',
    'account\'s key, as servers require. A private export is imported with --token: the activation',
    'token the exporter made for this account (`sigchain generate activation`), as a file, a',
    'decorated JWT, the JWT itself, or - for standard input; the exporter and subject come from it.',
    '-s/--local-subject renames the subject inside this account.',
    '',
    'Unlike nsc, an import no server could serve is refused: an exporting account not in the store',
    '(IMPORT_SOURCE_MISSING), a subject it does not export (EXPORT_NOT_FOUND), a private export',
    'without a token (ACTIVATION_REQUIRED), an activation made for another account',
    '(ACTIVATION_WRONG_ACCOUNT), signed by a key the exporter does not list',
    '(SIGNING_KEY_NOT_LISTED), for a subject it does not export (ACTIVATION_SUBJECT_MISMATCH),',
    'expired (TOKEN_EXPIRED) or revoked (TOKEN_REVOKED).',
  ].join('\n'),
  examples: [
    'sigchain add import -a B --src-account A --remote-subject "orders.>"',
    'sigchain add import -a B --src-account A --remote-subject help --service -s a.help',
    'sigchain add import -a B --token help.activation.jwt',
    'sigchain generate activation -a A -t B -s help | sigchain add import -a B --token -',
  ],
  options: {
    token: { type: 'string', short: 'u', valueName: 'FILE|TOKEN', description: 'Private imports: the activation token (a file, the JWT, or - for stdin).' },
    'src-account': { type: 'string', valueName: 'ACCOUNT', description: 'Public imports: the exporting account (name or public key).' },
    'remote-subject': { type: 'string', valueName: 'SUBJECT', description: 'Public imports: the subject as the exporter exports it.' },
    service: { type: 'boolean', description: 'Public imports: import a service (default: a stream).' },
    'local-subject': { type: 'string', short: 's', valueName: 'SUBJECT', description: 'The subject inside this account (default: the remote one).' },
    name: { type: 'string', short: 'n', valueName: 'NAME', description: 'The import\'s name (default: the remote subject, or the activation\'s name).' },
    share: { type: 'boolean', description: 'Services: share latency data with the exporter.' },
    'allow-trace': { type: 'boolean', description: 'Streams: allow message tracing (servers from 2.11).' },
    ...scopeOptions('The importing account'),
  },
  args: { min: 0, max: 0 },
  async run(ctx) {
    const opts: AddImportOptions = { ...entityScope(ctx) };
    const tokenArg = str(ctx, 'token');
    if (tokenArg !== undefined) {
      if (tokenArg.trim() === '') throw new SigchainError('USAGE', '--token needs a value: an activation token file, the JWT, or - for standard input.');
      opts.token = (await readTokenArg(tokenArg, { readStdin: (limit) => ctx.readStdin(limit) })).token;
    }
    for (const [flagName, key] of [['src-account', 'srcAccount'], ['remote-subject', 'remoteSubject'], ['local-subject', 'localSubject'], ['name', 'name']] as const) {
      const v = str(ctx, flagName);
      if (v !== undefined) opts[key] = v;
    }
    if (flag(ctx, 'service')) opts.service = true;
    if (flag(ctx, 'share')) opts.share = true;
    if (flag(ctx, 'allow-trace')) opts.allowTrace = true;
    const ws = openWorkspace(ctx);
    const signer = await signerFrom(ctx, ws);
    if (signer) opts.signer = signer;
    const r = await natsOnly(() => 'wasmCloud accounts have no NATS imports.', () => addImport(ws, opts));
    const im = r.import;
    ctx.printer.ok(`added ${im.token ? 'private' : 'public'} ${im.type} import "${im.name}" (${im.subject}${im.local_subject && im.local_subject !== im.subject ? ` as ${im.local_subject}` : ''}) from account "${r.exporter.name}" to account "${r.account.name}"`);
    if (r.accountTokenFilled) ctx.printer.ok(`token ${r.accountTokenFilled} of the subject is this account's key, as export "${r.export.name}" requires`);
    printWarnings(ctx, r.warnings);
    ctx.printer.result(snake(r));
  },
};
