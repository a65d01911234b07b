import { type Command, str } from '../command.js';
import { openWorkspace } from './support.js';

/** `sigchain select account`: makes an account the current one. */
export const selectAccountCommand: Command = {
  words: ['select', 'account'],
  summary: 'Make an account the current one (what commands act on when none is named)',
  usage: 'select account NAME [--operator NAME]',
  description: [
    'Makes NAME the current account of the current (or --operator) operator, saved in the',
    'context file (see `sigchain env`). `add user`, `generate creds` and others act on it when',
    '-a/--account is left out. Naming --operator selects that operator too.',
    '',
    'In nsc mode (--nsc) this writes nsc.json, so nsc follows the same choice (nsc: `nsc env -a NAME`).',
  ].join('\n'),
  examples: ['sigchain select account A', 'sigchain select account SYS --operator O2', 'sigchain env --account A   # the same, nsc style'],
  options: {
    operator: { type: 'string', valueName: 'NAME', description: 'Operator holding the account; default the current one.' },
  },
  args: { min: 1, max: 1 },
  async run(ctx) {
    const ws = openWorkspace(ctx);
    await ws.selectAccount(ctx.positionals[0]!, str(ctx, 'operator'));
    const now = await ws.context();
    ctx.printer.ok(`selected account "${now.account}" of operator "${now.operator}"`);
    ctx.printer.result({ operator: now.operator ?? null, account: now.account ?? null });
  },
};
