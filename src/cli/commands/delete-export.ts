import { deleteExport } from '../../workspace/entities/exports.js';
import { type Command, str } from '../command.js';
import { entityScope, natsOnly, openWorkspace, printWarnings, scopeOptions, signerFrom, snake } from './support.js';

const USAGE = 'delete export [-s SUBJECT] [-a ACCOUNT] [-K OPERATOR_KEY] [flags]';

/** `sigchain delete export`: an account stops exporting a subject. */
export const deleteExportCommand: Command = {
  words: ['delete', 'export'],
  summary: 'Remove an export from an account (accounts importing it are named)',
  usage: USAGE,
  description: [
    'Removes the export of SUBJECT (exactly as exported; may be left out when the account has one',
    'export) from the current (or -a) account and re-signs it with an operator key (-K, else an',
    'operator signing key at hand), as nsc does. Accounts that import it are named in a warning:',
    'their imports stay, and serve nothing until the export is back.',
  ].join('\n'),
  examples: ['sigchain delete export -a A -s "orders.>"', 'sigchain delete export -a A --json'],
  options: {
    subject: { type: 'string', short: 's', valueName: 'SUBJECT', description: 'The exported subject to remove.' },
    ...scopeOptions('The exporting account'),
  },
  args: { min: 0, max: 0 },
  async run(ctx) {
    const ws = openWorkspace(ctx);
    const signer = await signerFrom(ctx, ws);
    const subject = str(ctx, 'subject');
    const r = await natsOnly(() => 'wasmCloud accounts have no NATS exports.', () => deleteExport(ws, { ...entityScope(ctx), ...(subject !== undefined ? { subject } : {}), ...(signer ? { signer } : {}) }));
    ctx.printer.ok(`deleted ${r.removed.type} export "${r.removed.name ?? r.removed.subject}" (${r.removed.subject}) from account "${r.account.name}"`);
    printWarnings(ctx, r.warnings);
    ctx.printer.result(snake(r));
  },
};
