// The shared flag → UserEdit mapping of `add user` / `edit user`, in-process.
import assert from 'node:assert/strict';
import { parseArgs } from 'node:util';
import { test } from 'node:test';
import type { CommandContext, OptionValues } from '../../../src/cli/command.js';
import { Printer } from '../../../src/cli/output/printer.js';
import { USER_FLAG_OPTIONS, userEditFromFlags } from '../../../src/cli/parse/user-flags.js';
import { SigchainError } from '../../../src/errors.js';

function ctx(args: string[]): CommandContext {
  const options = Object.fromEntries(Object.entries(USER_FLAG_OPTIONS).map(([k, o]) => [k, { type: o.type, ...(o.multiple ? { multiple: true } : {}) }]));
  const { values, positionals } = parseArgs({ args, options, allowPositionals: true, strict: true });
  return { positionals, options: values as OptionValues, env: {}, printer: new Printer(true), readStdin: async () => '' };
}

function usage(args: string[], pattern: RegExp): void {
  assert.throws(() => userEditFromFlags(ctx(args)), (e: unknown) => e instanceof SigchainError && e.code === 'USAGE' && pattern.test(e.message));
}

test('no flags: no edit (a plain re-issue keeps the permissions)', () => {
  assert.equal(userEditFromFlags(ctx([])), undefined);
});

test('every flag maps to its UserEdit field', () => {
  const e = userEditFromFlags(ctx([
    '--allow-pub', 'a,b', '--allow-pub', 'c', '--allow-sub', 'q queue', '--allow-pubsub', 'x', '--deny-pub', 'd', '--deny-sub', 'e', '--deny-pubsub', 'f',
    '--rm', 'g', '--allow-pub-response', '3', '--response-ttl', '250ms', '--no-bearer', '--source-network', '10.0.0.0/8,192.168.0.0/16',
    '--rm-source-network', '172.16.0.0/12', '--subs=-1', '--data', '2K', '--payload=-1', '--conn-type', 'mqtt', '--rm-conn-type', 'Websocket',
    '--time', '01:00:00-02:00:00', '--time', '22:00:00-23:59:59', '--rm-time', '--locale', ' UTC ',
  ]));
  assert.deepEqual(e, {
    allowPub: ['a', 'b', 'c'],
    allowSub: ['q queue'],
    allowPubsub: ['x'],
    denyPub: ['d'],
    denySub: ['e'],
    denyPubsub: ['f'],
    rm: ['g'],
    allowPubResponse: 3,
    responseTtl: 250e6,
    bearer: false,
    sourceNetwork: ['10.0.0.0/8', '192.168.0.0/16'],
    rmSourceNetwork: ['172.16.0.0/12'],
    subs: -1,
    data: 2048,
    payload: -1,
    connTypes: ['MQTT'],
    rmConnTypes: ['WEBSOCKET'],
    times: [{ start: '01:00:00', end: '02:00:00' }, { start: '22:00:00', end: '23:59:59' }],
    rmTimes: true,
    locale: 'UTC',
  });
});

test('bad values are USAGE errors that show the accepted form', () => {
  usage(['--time', '25:00:00-26:00:00'], /HH:MM:SS/);
  usage(['--time', '08:00:00,17:00:00'], /HH:MM:SS/);
  usage(['--conn-type', 'tcp'], /STANDARD, WEBSOCKET/);
  usage(['--bearer', '--no-bearer'], /contradict/);
  usage(['--rm-response-perms', '--allow-pub-response', '1'], /contradicts/);
  usage(['--allow-pub-response', 'x'], /count/);
  usage(['--response-ttl', '1 week'], /duration/);
  usage(['--data', '12 parsecs'], /size/);
});
