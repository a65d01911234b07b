import type { Command } from '../command.js';
import { openWorkspace } from './support.js';

/** `sigchain select operator`: makes an operator the current one. */
export const selectOperatorCommand: Command = {
  words: ['select', 'operator'],
  summary: 'Make an operator the current one (what commands act on when none is named)',
  usage: 'select operator NAME',
  description: [
    'Makes NAME the current operator, saved in the context file (see `sigchain env`). Commands',
    'that take --operator use it when the flag is left out. The current account is kept if the',
    'new operator has an account of that name, else set to its only account, else cleared.',
    '',
    'In nsc mode (--nsc) this writes nsc.json, so nsc follows the same choice (nsc: `nsc env -o NAME`).',
  ].join('\n'),
  examples: ['sigchain select operator O2', 'sigchain select operator O2 --json', 'sigchain env --operator O2   # the same, nsc style'],
  options: {},
  args: { min: 1, max: 1 },
  async run(ctx) {
    const ws = openWorkspace(ctx);
    await ws.selectOperator(ctx.positionals[0]!);
    const now = await ws.context();
    ctx.printer.ok(`selected operator "${now.operator}"${now.account ? ` (current account "${now.account}")` : ''}`);
    ctx.printer.result({ operator: now.operator ?? null, account: now.account ?? null });
  },
};
