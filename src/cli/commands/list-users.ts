import { storedUsers } from '../../workspace/read.js';
import { type Command, str } from '../command.js';
import { renderGrid } from '../output/table.js';
import { openWorkspace, scopeOptions, unreadable } from './support.js';

/** `sigchain list users`: the users of an account. */
export const listUsersCommand: Command = {
  words: ['list', 'users'],
  summary: 'List the users of the current (or -a) account',
  usage: 'list users [-a ACCOUNT] [--operator NAME]',
  description: [
    'Lists the users of the current account (or -a) with their public keys and the account key',
    'that signed each one: the account identity key, or a signing key (then the user carries',
    'issuer_account). A user whose JWT cannot be read is listed as unreadable, with a warning.',
    'Signatures are not checked here (listing reads as fast as the disk allows); `sigchain',
    'validate` judges every token.',
  ].join('\n'),
  examples: ['sigchain list users', 'sigchain list users -a A', 'sigchain list users --account SYS --json'],
  options: {
    ...scopeOptions('The account whose users to list'),
  },
  args: { min: 0, max: 0 },
  async run(ctx) {
    const ws = openWorkspace(ctx);
    const op = await ws.operator(str(ctx, 'operator'));
    const account = await ws.account(op, str(ctx, 'account'));
    // One pass over the folder, no signature checks: a listing says what is stored; `validate` judges it.
    const stored = await storedUsers(op, account);
    // The shape people read is built without the JSON one (a listing may have 10,000 users).
    if (!ctx.printer.json) {
      if (!stored.length) {
        ctx.printer.result({}, `Account ${account} has no users. Create one with \`sigchain add user NAME -a ${account}\`.`);
        return;
      }
      const rows: string[][] = new Array(stored.length);
      for (let i = 0; i < stored.length; i++) {
        const u = stored[i]!;
        rows[i] = u.error ? [u.name, unreadable(ctx, u.error), ''] : [u.name, u.facts.sub, u.facts.iss ?? ''];
      }
      ctx.printer.result({}, renderGrid(`Users of ${account}`, ['Name', 'Public Key', 'Signed By'], rows));
      return;
    }
    const users = [];
    for (const u of stored) {
      const error = u.error ? unreadable(ctx, u.error) : undefined;
      users.push({ name: u.name, public_key: u.facts?.sub ?? null, issuer: u.facts?.iss ?? null, ...(error ? { error } : {}) });
    }
    ctx.printer.result({ operator: op.name, account, users });
  },
};
