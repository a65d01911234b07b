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
    const users = [];
    // One pass over the folder, no signature checks: a listing says what is stored; `validate` judges it.
    for (const u of await storedUsers(op, account)) {
      const error = u.error ? unreadable(ctx, u.error) : undefined;
      users.push({ name: u.name, public_key: u.facts?.sub ?? null, issuer: u.facts?.iss ?? null, ...(error ? { error } : {}) });
    }
    // The table only for people: drawing 10,000 rows is a good part of a listing's time.
    const text = ctx.printer.json
      ? undefined
      : users.length
        ? renderGrid(`Users of ${account}`, ['Name', 'Public Key', 'Signed By'], users.map((u) => [u.name, u.public_key ?? u.error ?? '', u.issuer ?? '']))
        : `Account ${account} has no users. Create one with \`sigchain add user NAME -a ${account}\`.`;
    ctx.printer.result({ operator: op.name, account, users }, text);
  },
};
