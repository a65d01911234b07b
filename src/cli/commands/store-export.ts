import type { Command } from '../command.js';
import { openWorkspace } from './support.js';

/** `sigchain store export DIR`: the store (a NATS KV store, or the folder) written in nsc's layout. */
export const storeExportCommand: Command = {
  words: ['store', 'export'],
  summary: "Write the store (e.g. a NATS KV store) to a folder in nsc's layout: operators, accounts, users, revocations; no keys",
  usage: 'store export DIR [--store nats://HOST:PORT] [--json]',
  description: [
    "Writes every operator, account and user token of the store, with each account's revoked",
    "jtis, to DIR in nsc's layout: DIR/<Op>/.nsc, DIR/<Op>/<Op>.jwt, DIR/<Op>/accounts/<A>/<A>.jwt,",
    'DIR/<Op>/accounts/<A>/users/<U>.jwt, so `nsc --data-dir DIR` reads it. No private key is',
    'written: keys stay in each home. Every entry of a KV store is verified as it is read; one that',
    'does not verify stops the export (KV_ENTRY_INVALID). An operator folder already in DIR is',
    'refused (STORE_EXISTS): export into an empty folder.',
  ].join('\n'),
  examples: ['sigchain store export ./backup --store nats://127.0.0.1:4222', 'sigchain store export /tmp/stores --json'],
  options: {},
  args: { min: 1, max: 1 },
  async run(ctx) {
    const ws = openWorkspace(ctx);
    const { exportStore } = await import('../../workspace/store-transfer.js');
    const r = await exportStore(ws, ctx.positionals[0]!);
    const count = (k: string) => r.entities.filter((e) => e.kind === k).length;
    ctx.printer.ok(`exported ${count('operator')} operator(s), ${count('account')} account(s), ${count('user')} user(s) from ${r.store} to ${r.dir}`);
    ctx.printer.result(r);
  },
};
