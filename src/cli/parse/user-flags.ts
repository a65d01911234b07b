import { CONNECTION_TYPES } from '../../claims/nats/types.js';
import { SigchainError } from '../../errors.js';
import type { UserEdit } from '../../workspace/edits/user-edit.js';
import type { CommandContext, OptionSpec } from '../command.js';
import { list, str } from '../command.js';
import { onOff } from './claim-flags.js';
import { parseCountFlag, parseSizeFlag } from './size.js';
import { parseDurationNs } from './time.js';

const subjects = (what: string): OptionSpec => ({ type: 'string', multiple: true, valueName: 'SUBJECT', description: what });

/**
 * The permission and limit flags of nsc's `add user` / `edit user`, shared so both commands
 * spell and mean them the same way. Spread them into a command's `options`, then read them
 * with {@link userEditFromFlags}.
 *
 * @example
 * ```ts
 * export const addUser: Command = { options: { ...USER_FLAG_OPTIONS, … }, async run(ctx) {
 *   const edit = userEditFromFlags(ctx); // UserEdit | undefined
 *   await addUser(ws, name, { ...(edit ? { edit } : {}) });
 * } };
 * ```
 */
export const USER_FLAG_OPTIONS: Record<string, OptionSpec> = {
  'allow-pub': subjects('Allow publishing to a subject (comma-separated or repeated; wildcards allowed).'),
  'allow-sub': subjects('Allow subscribing to a subject; "subject queue" limits it to a queue group.'),
  'allow-pubsub': subjects('Allow publishing and subscribing to a subject.'),
  'deny-pub': subjects('Deny publishing to a subject (deny wins over allow).'),
  'deny-sub': subjects('Deny subscribing to a subject.'),
  'deny-pubsub': subjects('Deny publishing and subscribing to a subject.'),
  rm: subjects('Remove a subject from every allow and deny list.'),
  'allow-pub-response': { type: 'string', valueName: 'N', description: 'Allow publishing up to N replies to each request received (response permission), without listing reply subjects.' },
  'response-ttl': { type: 'string', valueName: 'DURATION', description: 'How long a response permission lasts: 500ms, 1s, 2m… (sets a response permission of 1 reply if none).' },
  'rm-response-perms': { type: 'boolean', description: 'Remove the response permission.' },
  bearer: { type: 'boolean', description: 'Make the JWT a bearer token: the server skips the nonce signature, so whoever holds the JWT is the user. Accounts may forbid it (--disallow-bearer).' },
  'no-bearer': { type: 'boolean', description: 'Require the nonce signature again (undo --bearer).' },
  'source-network': { type: 'string', multiple: true, valueName: 'CIDR', description: 'Only accept connections from this network, e.g. 10.0.0.0/8 (comma-separated or repeated).' },
  'rm-source-network': { type: 'string', multiple: true, valueName: 'CIDR', description: 'Remove a source network.' },
  subs: { type: 'string', valueName: 'N', description: 'Maximum subscriptions (--subs=-1: unlimited).' },
  data: { type: 'string', valueName: 'SIZE', description: 'Maximum data the user may send: 1024, 512K, 1M, 10G (--data=-1: unlimited).' },
  payload: { type: 'string', valueName: 'SIZE', description: 'Maximum message payload (--payload=-1: unlimited).' },
  'conn-type': { type: 'string', multiple: true, valueName: 'TYPE', description: `Only allow these connection types: ${CONNECTION_TYPES.join(', ')}.` },
  'rm-conn-type': { type: 'string', multiple: true, valueName: 'TYPE', description: 'Remove an allowed connection type.' },
  time: { type: 'string', multiple: true, valueName: 'HH:MM:SS-HH:MM:SS', description: 'Only allow connecting in this daily window (repeatable; the zone is --locale, else the server\'s).' },
  'rm-time': { type: 'boolean', description: 'Remove every connect-time window.' },
  locale: { type: 'string', valueName: 'ZONE', description: 'IANA time zone of the --time windows, e.g. Europe/Berlin ("" clears it).' },
};

const CLOCK = /^([01]\d|2[0-3]):[0-5]\d:[0-5]\d$/;

function timeWindow(value: string): { start: string; end: string } {
  const [start, end, ...rest] = value.split('-').map((s) => s.trim());
  if (!start || !end || rest.length || !CLOCK.test(start) || !CLOCK.test(end)) {
    throw new SigchainError('USAGE', `--time "${value}" is not a daily window. Use HH:MM:SS-HH:MM:SS in 24-hour time, e.g. 08:00:00-17:30:00.`);
  }
  return { start, end };
}

function connType(value: string): string {
  const v = value.toUpperCase();
  if (!(CONNECTION_TYPES as readonly string[]).includes(v)) {
    throw new SigchainError('USAGE', `--conn-type "${value}" is not a connection type. Use one of: ${CONNECTION_TYPES.join(', ')}.`);
  }
  return v;
}

/**
 * Reads {@link USER_FLAG_OPTIONS} into a {@link UserEdit}; undefined when none was given (so a
 * plain re-issue leaves the user's permissions alone). Bad values throw `USAGE` with the
 * accepted forms.
 */
export function userEditFromFlags(ctx: CommandContext): UserEdit | undefined {
  const e: UserEdit = {};
  const lists: Array<[keyof UserEdit, string]> = [
    ['allowPub', 'allow-pub'],
    ['allowSub', 'allow-sub'],
    ['allowPubsub', 'allow-pubsub'],
    ['denyPub', 'deny-pub'],
    ['denySub', 'deny-sub'],
    ['denyPubsub', 'deny-pubsub'],
    ['rm', 'rm'],
    ['sourceNetwork', 'source-network'],
    ['rmSourceNetwork', 'rm-source-network'],
  ];
  for (const [key, name] of lists) {
    const v = list(ctx, name);
    if (v.length) (e as Record<string, unknown>)[key] = v;
  }
  const resp = str(ctx, 'allow-pub-response');
  if (resp !== undefined) {
    const n = parseCountFlag(resp, 'allow-pub-response');
    if (n < 1) throw new SigchainError('USAGE', `--allow-pub-response must be 1 or more replies; to remove the response permission use --rm-response-perms.`);
    e.allowPubResponse = n;
  }
  const ttl = str(ctx, 'response-ttl');
  if (ttl !== undefined) e.responseTtl = parseDurationNs(ttl, 'response-ttl');
  if (ctx.options['rm-response-perms'] === true) {
    if (resp !== undefined || ttl !== undefined) throw new SigchainError('USAGE', '--rm-response-perms contradicts --allow-pub-response/--response-ttl; give one.');
    e.rmResponsePerms = true;
  }
  const bearer = onOff(ctx, 'bearer', 'no-bearer');
  if (bearer !== undefined) e.bearer = bearer;
  const subs = str(ctx, 'subs');
  if (subs !== undefined) e.subs = parseCountFlag(subs, 'subs');
  const data = str(ctx, 'data');
  if (data !== undefined) e.data = parseSizeFlag(data, 'data');
  const payload = str(ctx, 'payload');
  if (payload !== undefined) e.payload = parseSizeFlag(payload, 'payload');
  const ct = list(ctx, 'conn-type').map(connType);
  if (ct.length) e.connTypes = ct;
  const rmCt = list(ctx, 'rm-conn-type').map(connType);
  if (rmCt.length) e.rmConnTypes = rmCt;
  // Not `list`: a window holds no comma, but splitting would hide a typo like "08:00:00,17:00:00".
  const rawTimes = ctx.options.time;
  const times = (Array.isArray(rawTimes) ? rawTimes : typeof rawTimes === 'string' ? [rawTimes] : []).map(timeWindow);
  if (times.length) e.times = times;
  if (ctx.options['rm-time'] === true) e.rmTimes = true;
  const locale = str(ctx, 'locale');
  if (locale !== undefined) e.locale = locale.trim();
  return Object.keys(e).length ? e : undefined;
}
