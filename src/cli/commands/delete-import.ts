import { deleteImport } from '../../workspace/entities/imports.js';
import { type Command, str } from '../command.js';
import { entityScope, natsOnly, openWorkspace, printWarnings, scopeOptions, signerFrom, snake } from './support.js';

const USAGE = 'delete import [-s SUBJECT] [--src-account ACCOUNT] [-a ACCOUNT] [-K OPERATOR_KEY] [flags]';

/** `sigchain delete import`: an account stops importing a subject. */
export const deleteImportCommand: Command = {
  words: ['delete', 'import'],
  summary: 'Remove an import from an account',
  usage: USAGE,
  description: [
    'Removes the import of SUBJECT (the remote subject; may be left out when the account has one',
    'import) from the current (or -a) account and re-signs it with an operator key (-K, else an',
    'operator signing key at hand), as nsc does. When the account imports SUBJECT from several',
    'accounts, --src-account (a name or public key) says which.',
  ].join('\n'),
  examples: ['sigchain delete import -a B -s "orders.>"', 'sigchain delete import -a B -s help --src-account A'],
  options: {
    subject: { type: 'string', short: 's', valueName: 'SUBJECT', description: 'The imported (remote) subject to remove.' },
    'src-account': { type: 'string', valueName: 'ACCOUNT', description: 'The account imported from, when the subject is ambiguous (name or public key).' },
    ...scopeOptions('The importing account'),
  },
  args: { min: 0, max: 0 },
  async run(ctx) {
    const ws = openWorkspace(ctx);
    const signer = await signerFrom(ctx, ws);
    const subject = str(ctx, 'subject');
    const src = str(ctx, 'src-account');
    const r = await natsOnly(() => 'wasmCloud accounts have no NATS imports.', () =>
      deleteImport(ws, { ...entityScope(ctx), ...(subject !== undefined ? { subject } : {}), ...(src !== undefined ? { srcAccount: src } : {}), ...(signer ? { signer } : {}) }),
    );
    ctx.printer.ok(`deleted ${r.removed.type} import "${r.removed.name ?? r.removed.subject}" (${r.removed.subject} from ${r.removed.account}) from account "${r.account.name}"`);
    printWarnings(ctx, r.warnings);
    ctx.printer.result(snake(r));
  },
};
