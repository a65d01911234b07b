import { resolve } from 'node:path';
import { SigchainError } from '../../errors.js';
import { type GenerateActivationOptions, generateActivation } from '../../workspace/entities/activation.js';
import { checkOutputFile, writeOutputFile } from '../../workspace/output-file.js';
import { type Command, flag, str } from '../command.js';
import { TIME_OPTIONS, entityScope, natsOnly, openWorkspace, printWarnings, scopeOptions, signerFrom, snake, timeOptions } from './support.js';

const USAGE = 'generate activation -t TARGET_ACCOUNT [-s SUBJECT] [-a ACCOUNT] [-o FILE [--force]] [--expiry WHEN] [--start WHEN] [-K ACCOUNT_KEY] [flags]';

/** `sigchain generate activation`: the exporter lets one account import a private export. */
export const generateActivationCommand: Command = {
  words: ['generate', 'activation'],
  summary: 'Sign an activation token that lets one account import a private export',
  usage: USAGE,
  description: [
    'Signs an activation token for a private export of the current (or -a) account, as nsc does:',
    'it lets the target account (-t: its public key, or its name in this store) import SUBJECT',
    '(-s: the export\'s subject or a narrower one; may be left out when there is one private',
    'export). The importer adds it with `sigchain add import --token FILE`.',
    '',
    'Which key: the EXPORTING account signs activations, with -K (an account signing key, or its',
    'identity key unless the operator requires signing keys), else an account signing key whose',
    'seed is at hand. A signing key must be allowed `activation` statements by the account\'s',
    'restrictions. The key never leaves its custody backend.',
    '',
    'The token is printed decorated (-----BEGIN NATS ACTIVATION JWT-----), or written to -o FILE.',
    'It holds no secret; --expiry bounds how long the importer may use it.',
  ].join('\n'),
  examples: [
    'sigchain generate activation -a A -t B -s help -o help.activation.jwt',
    'sigchain generate activation -a A -t ADUQTJD4TF4O6LTTHCKDKSHKGBN2NECCHHMWFREPKNO6MPA7ZETFEEF7 -s "orders.eu.>" --expiry 30d',
    'sigchain generate activation -a A -t B | sigchain add import -a B --token -',
  ],
  options: {
    'target-account': { type: 'string', short: 't', valueName: 'ACCOUNT', description: 'The account allowed to import: its public key, or its name in this store.' },
    subject: { type: 'string', short: 's', valueName: 'SUBJECT', description: 'The subject granted (default: the only private export\'s).' },
    'output-file': { type: 'string', short: 'o', valueName: 'FILE', description: 'Write the decorated token to FILE instead of stdout (--force replaces one).' },
    force: { type: 'boolean', short: 'F', description: 'With -o, replace an existing file.' },
    ...TIME_OPTIONS,
    ...scopeOptions('The exporting account'),
  },
  args: { min: 0, max: 0 },
  async run(ctx) {
    const target = str(ctx, 'target-account');
    if (target === undefined || target.trim() === '') throw new SigchainError('USAGE', `Name the importing account with -t ACCOUNT (its public key or its name).\nUsage: sigchain ${USAGE}`);
    const opts: GenerateActivationOptions = { ...entityScope(ctx), ...timeOptions(ctx), target };
    const subject = str(ctx, 'subject');
    if (subject !== undefined) opts.subject = subject;
    const out = str(ctx, 'output-file');
    // Checked before anything is signed: a refused path must not cost a signature (or an audit record).
    if (out !== undefined && out !== '--') await checkOutputFile(resolve(out), { force: flag(ctx, 'force') });
    const ws = openWorkspace(ctx);
    const signer = await signerFrom(ctx, ws);
    if (signer) opts.signer = signer;
    const r = await natsOnly(() => 'wasmCloud accounts have no NATS exports.', () => generateActivation(ws, opts));
    const summary = `generated activation of ${r.export.type} ${JSON.stringify(r.subject)} (export "${r.export.name}") for account ${r.target.name ? `"${r.target.name}" (${r.target.publicKey})` : r.target.publicKey}, signed by ${r.signedBy === 'identity' ? 'identity' : 'signing'} key ${r.issuer}`;
    if (out === undefined || out === '--') {
      ctx.printer.ok(summary);
      printWarnings(ctx, r.warnings);
      if (ctx.printer.json) ctx.printer.result(snake(r));
      else ctx.printer.raw(r.decorated);
      return;
    }
    const path = resolve(out);
    await writeOutputFile(path, r.decorated, { secret: false, force: flag(ctx, 'force') });
    ctx.printer.ok(summary);
    ctx.printer.ok(`wrote the activation token to "${path}"`);
    printWarnings(ctx, r.warnings);
    ctx.printer.result(snake({ ...r, path }));
  },
};
