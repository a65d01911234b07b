import type { Command } from '../command.js';
import { openWorkspace } from './support.js';

/** `sigchain store import DIR`: a folder in nsc's layout loaded into the store. */
export const storeImportCommand: Command = {
  words: ['store', 'import'],
  summary: "Load a folder in nsc's layout (from `store export` or nsc) into the store (e.g. a NATS KV store); newer tokens win",
  usage: 'store import DIR [--store nats://HOST:PORT] [--json]',
  description: [
    "Loads every operator, account and user token of DIR (nsc's layout, as `store export` or nsc",
    'write it) into the store, each as one compare-and-set change. A missing entity is added; an',
    'existing one is replaced only by a newer token (by iat): an older or different token of the same',
    'age is kept out, so an import never rolls an entity back. Revoked-jti lists are merged: an',
    'import never un-revokes. Every token must verify first (STORE_CORRUPT naming the file). Keys',
    'are not imported: copy them with `sigchain keys import` where they are needed.',
    '',
    'Each entity is reported as added, updated, unchanged or kept (the store held a newer token).',
  ].join('\n'),
  examples: ['sigchain store import ./backup --store nats://127.0.0.1:4222', 'sigchain store import ~/.local/share/nats/nsc/stores --json'],
  options: {},
  args: { min: 1, max: 1 },
  async run(ctx) {
    const ws = openWorkspace(ctx);
    const { importStore } = await import('../../workspace/store-transfer.js');
    const r = await importStore(ws, ctx.positionals[0]!);
    const by = (s: string) => r.entities.filter((e) => e.status === s).length;
    for (const e of r.entities) if (e.status === 'kept') ctx.printer.warn(`${e.kind} ${e.name}: the store holds a newer token; the older one in ${r.dir} was not imported.`);
    ctx.printer.ok(`imported ${r.dir} into ${r.store}: ${by('added')} added, ${by('updated')} updated, ${by('unchanged')} unchanged, ${by('kept')} kept (newer in the store)`);
    ctx.printer.result(r);
  },
};
