import { listExpirations } from '../../workspace/expirations.js';
import { type Command, str } from '../command.js';
import { renderGrid } from '../output/table.js';
import { parseTimeFlag } from '../parse/time.js';
import { formatDistance, formatTime } from '../render/format.js';
import { openWorkspace } from './support.js';

const USAGE = 'expirations [--within WHEN] [--operator NAME] [--json]';

/** `sigchain expirations`: what expires soon or has expired, for monitoring. */
export const expirationsCommand: Command = {
  words: ['expirations'],
  summary: 'List operator, account, user and activation tokens that expire soon (default 30d) or have expired; exit 1 if any',
  usage: USAGE,
  description: [
    'Lists every token of the current (or --operator) operator that expires inside the window, or',
    'has already expired (listed however old): the operator, its accounts, their users, and the',
    'activation tokens the accounts import with. Soonest first, as `nsc expirations` reports them.',
    'Tokens without an expiry never expire and are not listed.',
    '',
    '--within takes what --expiry takes: an offset (30m, 12h, 7d, 2w, 3M, 1y; default 30d), a date',
    '2027-01-31, an RFC 3339 time or Unix seconds (the end of the window), or 0 (expired only).',
    '',
    'Exit 1 when anything is listed, 0 when nothing is, 2 on a bad command line, so it can run from',
    'monitoring. A token that cannot be read is named in a warning and also exits 1: its expiry is',
    'unknown. --json: {"expirations":[{"kind","name","public_key","account","expires","expired"}]},',
    'expires in Unix seconds; for an activation, name is the import, account the importing account',
    'and public_key the exporting account (the one that must issue a new activation).',
  ].join('\n'),
  examples: ['sigchain expirations', 'sigchain expirations --within 7d', 'sigchain expirations --within 2027-01-31 --json', 'sigchain expirations --within 0 --operator O2'],
  options: {
    within: { type: 'string', short: 'e', valueName: 'WHEN', description: 'The window: tokens expiring before now + WHEN (or before the date given) are listed. Same forms as --expiry; default 30d.' },
    operator: { type: 'string', valueName: 'NAME', description: 'The operator whose tokens to check (default: the current one).' },
  },
  args: { min: 0, max: 0 },
  async run(ctx) {
    const now = Math.floor(Date.now() / 1000);
    const within = str(ctx, 'within') ?? '30d';
    const until = parseTimeFlag(within, 'within', new Date(now * 1000));
    const ws = openWorkspace(ctx);
    const operator = str(ctx, 'operator');
    const r = await listExpirations(ws, { until: until === 0 ? now : until, now, ...(operator !== undefined ? { operator } : {}) });
    for (const u of r.unreadable) ctx.printer.warn(`The ${u.kind} ${u.account ? `${u.account}/` : ''}${u.name} could not be read (${u.code}), so its expiry is unknown: ${u.message}`);
    const expirations = r.expirations.map((e) => ({ kind: e.kind, name: e.name, public_key: e.publicKey, account: e.account, expires: e.expires, expired: e.expired }));
    const resource = (e: (typeof r.expirations)[number]) => (e.kind === 'operator' ? r.operator : e.kind === 'account' ? `${r.operator}/${e.name}` : `${r.operator}/${e.account}/${e.name}`);
    const rows = r.expirations.map((e) => [e.expired ? 'Yes' : 'Soon', e.kind, resource(e), `${formatTime(e.expires)} (${formatDistance(e.expires, now)})`]);
    const text = rows.length
      ? renderGrid(`Expiration Report (until ${formatTime(r.until)})`, ['Expired', 'Kind', 'Resource', 'Expiration'], rows)
      : `No token of operator ${r.operator} has expired or expires before ${formatTime(r.until)}.`;
    ctx.printer.result({ expirations }, text);
    if (expirations.length || r.unreadable.length) ctx.printer.failed = true;
  },
};
