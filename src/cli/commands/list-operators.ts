import { readOperatorKeys } from '../../workspace/wasmcloud/read.js';
import type { Command } from '../command.js';
import { renderGrid } from '../output/table.js';
import { contextOrNothing, openWorkspace, unreadable } from './support.js';

/** `sigchain list operators`: every operator in the stores folder. */
export const listOperatorsCommand: Command = {
  words: ['list', 'operators'],
  summary: 'List the operators in the stores folder; * marks the current one',
  usage: 'list operators',
  description: [
    'Lists every operator in the stores folder (see `sigchain env`) with its public key. The',
    'current operator is marked with *. An operator whose JWT cannot be read is listed as',
    'unreadable, with a warning saying which file is damaged.',
  ].join('\n'),
  examples: ['sigchain list operators', 'sigchain list operators --json', 'sigchain list operators --nsc   # the operators nsc manages'],
  options: {},
  args: { min: 0, max: 0 },
  async run(ctx) {
    const ws = openWorkspace(ctx);
    const now = await contextOrNothing(ctx, ws);
    const operators = [];
    for (const name of await ws.store.listOperators()) {
      let publicKey: string | undefined;
      let format: 'nats' | 'wascap' | undefined;
      let error: string | undefined;
      try {
        ({ sub: publicKey, format } = await readOperatorKeys(await ws.store.openOperator(name)));
      } catch (e) {
        error = unreadable(ctx, e);
      }
      operators.push({ name, public_key: publicKey ?? null, ...(format === 'wascap' ? { format } : {}), current: name === now.operator, ...(error ? { error } : {}) });
    }
    const rows = operators.map((o) => [`${o.name}${o.current ? ' *' : ''}${'format' in o ? ' (wascap)' : ''}`, o.public_key ?? o.error ?? '']);
    const text = operators.length
      ? `${renderGrid('Operators', ['Name', 'Public Key'], rows)}\n[ * ] current operator`
      : `No operators in ${ws.store.location}. Create one with \`sigchain add operator NAME\`.`;
    ctx.printer.result({ operators }, text);
  },
};
