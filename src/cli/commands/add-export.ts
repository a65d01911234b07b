import { SigchainError } from '../../errors.js';
import { RESPONSE_TYPES } from '../../workspace/edits/export-edit.js';
import { type AddExportOptions, addExport } from '../../workspace/entities/exports.js';
import { type Command, flag, str } from '../command.js';
import { parseDurationNs } from '../parse/time.js';
import { entityScope, natsOnly, openWorkspace, printWarnings, scopeOptions, signerFrom, snake } from './support.js';

const USAGE = 'add export -s SUBJECT [-n NAME] [-r | --service] [-p | --private] [--response-type Singleton|Stream|Chunked] [--response-threshold DURATION] [--latency SUBJECT --sampling 1-100|header] [--account-token-position N] [-a ACCOUNT] [-K OPERATOR_KEY] [flags]';

// nsc's --sampling: a percentage 1..100, or `header` (the sampling decision travels in a header).
function sampling(v: string | undefined): number | 'headers' | undefined {
  if (v === undefined) return undefined;
  const s = v.trim().toLowerCase();
  if (s === 'header' || s === 'headers') return 'headers';
  if (!/^\d{1,3}$/.test(s) || Number(s) < 1 || Number(s) > 100) throw new SigchainError('USAGE', `--sampling "${v}" is not a percentage 1-100 or header.`);
  return Number(s);
}

function position(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d{1,3}$/.test(v.trim()) || Number(v) < 1) throw new SigchainError('USAGE', `--account-token-position "${v}" is not a token position (1 is the first token of the subject).`);
  return Number(v);
}

function responseType(v: string | undefined): AddExportOptions['responseType'] {
  if (v === undefined) return undefined;
  const hit = RESPONSE_TYPES.find((t) => t.toLowerCase() === v.trim().toLowerCase());
  if (!hit) throw new SigchainError('USAGE', `--response-type "${v}" is not one of ${RESPONSE_TYPES.join(', ')}.`);
  return hit;
}

/** `sigchain add export`: an account offers a stream or a service to other accounts. */
export const addExportCommand: Command = {
  words: ['add', 'export'],
  summary: 'Export a stream or a service from an account, public or private (importers then need an activation)',
  usage: USAGE,
  description: [
    'Adds an export to the current (or -a) account, with nsc\'s flags, and re-signs the account',
    'with an operator key (-K, else an operator signing key at hand). The export is named after',
    'its subject unless -n is given. A stream is exported by default; -r/--service exports a',
    'service, which answers Singleton unless --response-type says Stream or Chunked.',
    '',
    'Public exports may be imported by any account (`sigchain add import --src-account`). A',
    'private export (-p) needs an activation token per importing account: `sigchain generate',
    'activation`, then `sigchain add import --token`. --account-token-position N (public exports',
    'only) makes token N of the subject, a *, the importing account\'s own key: each importer',
    'then reaches only its own subjects (as the system account\'s monitoring exports do).',
    '--latency SUBJECT --sampling 1-100|header publishes service latency samples.',
    '',
    'The export is checked as nats-server\'s jwt library checks it (a subject overlapping another',
    'export of the same kind, a token position not on a *) before anything is signed.',
  ].join('\n'),
  examples: [
    'sigchain add export -a A -s "orders.>"',
    'sigchain add export -a A --service -s help --private',
    'sigchain add export -a A -r -s "req.*.status" --account-token-position 2',
    'sigchain add export -a A -r -s metrics.get --response-type Stream --latency lat.metrics --sampling 50',
  ],
  options: {
    subject: { type: 'string', short: 's', valueName: 'SUBJECT', description: 'The subject exported (wildcards allowed).' },
    name: { type: 'string', short: 'n', valueName: 'NAME', description: 'The export\'s name (default: its subject).' },
    service: { type: 'boolean', short: 'r', description: 'Export a service (request/reply) instead of a stream.' },
    private: { type: 'boolean', short: 'p', description: 'Importers need an activation token (`generate activation`).' },
    'response-type': { type: 'string', valueName: 'TYPE', description: 'Services: Singleton (default), Stream or Chunked.' },
    'response-threshold': { type: 'string', valueName: 'DURATION', description: 'Services: how long a response may take (500ms, 2s, 1m).' },
    latency: { type: 'string', valueName: 'SUBJECT', description: 'Services: publish latency samples on SUBJECT (needs --sampling).' },
    sampling: { type: 'string', valueName: '1-100|header', description: 'Services: the percentage of requests sampled, or header (the requester decides).' },
    'account-token-position': { type: 'string', valueName: 'N', description: 'Public exports: token N of the subject (a *) is the importing account\'s key.' },
    'allow-trace': { type: 'boolean', description: 'Allow message tracing through this export (servers from 2.11).' },
    description: { type: 'string', valueName: 'TEXT', description: 'A description of the export.' },
    'info-url': { type: 'string', valueName: 'URL', description: 'A link to more about the export.' },
    ...scopeOptions('The exporting account'),
  },
  args: { min: 0, max: 0 },
  async run(ctx) {
    const subject = str(ctx, 'subject');
    if (subject === undefined) throw new SigchainError('USAGE', `Give the subject to export with -s SUBJECT.\nUsage: sigchain ${USAGE}`);
    const threshold = str(ctx, 'response-threshold');
    const opts: AddExportOptions = { ...entityScope(ctx), subject, type: flag(ctx, 'service') ? 'service' : 'stream' };
    const set = <K extends keyof AddExportOptions>(k: K, v: AddExportOptions[K] | undefined) => {
      if (v !== undefined) opts[k] = v;
    };
    set('name', str(ctx, 'name'));
    if (flag(ctx, 'private')) opts.private = true;
    set('responseType', responseType(str(ctx, 'response-type')));
    set('responseThreshold', threshold === undefined ? undefined : parseDurationNs(threshold, 'response-threshold'));
    set('latencySubject', str(ctx, 'latency'));
    set('sampling', sampling(str(ctx, 'sampling')));
    set('accountTokenPosition', position(str(ctx, 'account-token-position')));
    if (flag(ctx, 'allow-trace')) opts.allowTrace = true;
    set('description', str(ctx, 'description'));
    set('infoUrl', str(ctx, 'info-url'));
    const ws = openWorkspace(ctx);
    const signer = await signerFrom(ctx, ws);
    if (signer) opts.signer = signer;
    const r = await natsOnly(() => 'wasmCloud accounts have no NATS exports.', () => addExport(ws, opts));
    ctx.printer.ok(`added ${r.export.token_req ? 'private' : 'public'} ${r.export.type} export "${r.export.name}" (${r.export.subject}) to account "${r.account.name}"`);
    printWarnings(ctx, r.warnings);
    ctx.printer.result(snake(r));
  },
};
