import { deleteAccount } from '../../workspace/entities/delete-account.js';
import { type Command, flag, str } from '../command.js';
import { entityName, natsOnly, openWorkspace, printWarnings, snake } from './support.js';

const USAGE = 'delete account (NAME | -n NAME) [-D | --rm-nkey] [-C | --rm-creds] [--operator NAME] [flags]';

/** `sigchain delete account`: an account and its users leave the store, unless others import from it. */
export const deleteAccountCommand: Command = {
  words: ['delete', 'account'],
  summary: 'Delete an account and its users (refused while other accounts import from it)',
  usage: USAGE,
  description: [
    'Removes the account NAME (it must be named) with its users from the store, as nsc does.',
    '-D/--rm-nkey also removes the seeds of its identity and signing keys and of its users,',
    '-C/--rm-creds its users\' creds files.',
    '',
    'Refused (ACCOUNT_IN_USE) while another account imports from it, naming each with the',
    'subjects it imports (delete those imports first: `sigchain delete import`), and while it',
    'is the operator\'s system account. Servers keep an account they loaded until their',
    'configuration no longer lists it: regenerate it (`sigchain nats server-config`) and reload.',
  ].join('\n'),
  examples: ['sigchain delete account B', 'sigchain delete account -n B -D -C --json'],
  options: {
    name: { type: 'string', short: 'n', valueName: 'NAME', description: 'The account (instead of the positional NAME).' },
    'rm-nkey': { type: 'boolean', short: 'D', description: 'Also remove the seeds of the account\'s keys and its users\' keys.' },
    'rm-creds': { type: 'boolean', short: 'C', description: "Also remove its users' creds files." },
    operator: { type: 'string', valueName: 'NAME', description: 'The operator (default: the current one).' },
  },
  args: { min: 0, max: 1 },
  async run(ctx) {
    const name = entityName(ctx, 'account', USAGE)!;
    const ws = openWorkspace(ctx);
    const operator = str(ctx, 'operator');
    const r = await natsOnly(() => 'This deletes NATS accounts only.', () =>
      deleteAccount(ws, { account: name, ...(operator !== undefined ? { operator } : {}), rmNkey: flag(ctx, 'rm-nkey'), rmCreds: flag(ctx, 'rm-creds') }),
    );
    ctx.printer.ok(`deleted account "${r.account.name}" (${r.account.publicKey})${r.users.length ? ` and its ${r.users.length} user(s): ${r.users.join(', ')}` : ''}`);
    if (r.removedKeys.length) ctx.printer.ok(`removed ${r.removedKeys.length} seed(s): ${r.removedKeys.join(', ')}`);
    if (r.removedCreds.length) ctx.printer.ok(`removed the creds files of ${r.removedCreds.join(', ')}`);
    printWarnings(ctx, r.warnings);
    ctx.printer.result(snake(r));
  },
};
