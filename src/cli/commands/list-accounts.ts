import { readAccountKeys } from '../../workspace/wasmcloud/read.js';
import { type Command, str } from '../command.js';
import { renderGrid } from '../output/table.js';
import { storeNames } from './describe-output.js';
import { contextOrNothing, openWorkspace, unreadable } from './support.js';

/** `sigchain list accounts`: the accounts of an operator. */
export const listAccountsCommand: Command = {
  words: ['list', 'accounts'],
  summary: 'List the accounts of the current (or --operator) operator; * marks the current one',
  usage: 'list accounts [--operator NAME]',
  description: [
    'Lists the accounts of the current operator (or --operator) with their public keys and the',
    'key that signed each one, labelled (an operator signing key, or the identity key; a key the',
    'operator does not hold is labelled so: servers refuse such an account). The current',
    'account is marked with *. An account whose JWT cannot be read is listed as unreadable,',
    'with a warning naming the file.',
  ].join('\n'),
  examples: ['sigchain list accounts', 'sigchain list accounts --operator O2', 'sigchain list accounts --json'],
  options: {
    operator: { type: 'string', valueName: 'NAME', description: 'Operator whose accounts to list; default the current one.' },
  },
  args: { min: 0, max: 0 },
  async run(ctx) {
    const ws = openWorkspace(ctx);
    const op = await ws.operator(str(ctx, 'operator'));
    const now = await contextOrNothing(ctx, ws);
    const accounts = [];
    // Which of the operator's keys signed each account: "signing key of operator O2", or its identity.
    const names = await storeNames(op);
    const signer = (iss: string | undefined): string | null => {
      if (iss === undefined) return null;
      const n = names.get(iss);
      if (n === op.name) return `identity key of operator ${op.name}`;
      return n?.startsWith('signing key of operator') ? n : 'not a key of this operator';
    };
    for (const name of await op.listAccounts()) {
      let claims;
      let error: string | undefined;
      try {
        claims = await readAccountKeys(op, name);
      } catch (e) {
        error = unreadable(ctx, e);
      }
      const current = now.operator === op.name && now.account === name;
      accounts.push({ name, public_key: claims?.sub ?? null, issuer: claims?.iss ?? null, issuer_label: signer(claims?.iss), ...(claims?.format === 'wascap' ? { format: 'wascap' } : {}), current, ...(error ? { error } : {}) });
    }
    const rows = accounts.map((a) => [`${a.name}${a.current ? ' *' : ''}`, a.public_key ?? a.error ?? '', a.issuer ?? '', a.issuer_label ?? '']);
    const text = accounts.length
      ? `${renderGrid(`Accounts of ${op.name}`, ['Name', 'Public Key', 'Signed By', 'Signing Key'], rows)}\n[ * ] current account`
      : `Operator ${op.name} has no accounts. Create one with \`sigchain add account NAME\`.`;
    ctx.printer.result({ operator: op.name, accounts }, text);
  },
};
