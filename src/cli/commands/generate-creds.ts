import { resolve } from 'node:path';
import { SigchainError } from '../../errors.js';
import { checkOutputFile, writeOutputFile } from '../../workspace/output-file.js';
import { generateCreds } from '../../workspace/entities/generate-creds.js';
import { type Command, flag, str } from '../command.js';
import { entityName, NAME_OPTION, openWorkspace, scopeOptions } from './support.js';

const USAGE = 'generate creds [NAME | -n NAME] [-a ACCOUNT] [--operator NAME] [(-o | --output-file) FILE [--force]]';

/** `sigchain generate creds`: a stored user's creds file, printed or written. */
export const generateCredsCommand: Command = {
  words: ['generate', 'creds'],
  summary: "Print or write a user's creds file (JWT + seed) for NATS clients",
  usage: USAGE,
  description: [
    "Builds a user's creds file from its stored JWT and its seed in the key store, in the exact",
    'format NATS clients read (Go jwt.FormatUserConfig). The user is NAME (or -n) in the current',
    '(or -a) account; with a single user in the account, NAME may be left out.',
    '',
    'The creds hold the user seed, a secret. Without -o they are printed on stdout, since that',
    'is what you asked for; prefer -o FILE, which writes the file atomically with mode 0600 and',
    'refuses to replace an existing file unless --force is given.',
    '',
    '`sigchain add user` already writes <keystore>/creds/<operator>/<account>/<user>.creds; use',
    'this to put a copy where a service expects it, or to refresh it after `edit user`.',
  ].join('\n'),
  examples: [
    'sigchain generate creds U -o ./u.creds',
    'sigchain generate creds -a A -n U --output /etc/app/nats.creds --force',
    'sigchain generate creds U > u.creds    # stdout: mind the file mode yourself',
  ],
  options: {
    name: NAME_OPTION,
    ...scopeOptions('The account of the user'),
    output: { type: 'string', short: 'o', valueName: 'FILE', description: 'Write the creds to FILE (mode 0600, atomically) instead of stdout.' },
    'output-file': { type: 'string', valueName: 'FILE', description: "Same as --output (nsc's name)." },
    force: { type: 'boolean', short: 'F', description: 'With --output, replace an existing file.' },
  },
  args: { min: 0, max: 1 },
  async run(ctx) {
    const ws = openWorkspace(ctx);
    const operatorName = str(ctx, 'operator');
    const accountName = str(ctx, 'account');
    let user = entityName(ctx, 'user', USAGE, true);
    if (user === undefined) {
      // As nsc does: the only user of the account needs no name.
      const op = await ws.operator(operatorName);
      const account = await ws.account(op, accountName);
      const users = await op.listUsers(account);
      if (users.length !== 1) {
        throw new SigchainError('USAGE', `Name the user: account ${account} has ${users.length ? `${users.length} users (${users.join(', ')})` : 'no users'}.\nUsage: sigchain ${USAGE}`);
      }
      user = users[0]!;
    }
    const out = str(ctx, 'output') ?? str(ctx, 'output-file');
    if (out !== undefined) await checkOutputFile(resolve(out), { force: flag(ctx, 'force') });
    const creds = await generateCreds(ws, { user, ...(operatorName !== undefined ? { operator: operatorName } : {}), ...(accountName !== undefined ? { account: accountName } : {}) });
    const who = { operator: creds.operator, account: creds.account, user: creds.user };
    if (out === undefined) {
      if (ctx.printer.json) ctx.printer.result({ ...who, creds: creds.text });
      else ctx.printer.raw(creds.text);
      return;
    }
    const path = resolve(out);
    await writeOutputFile(path, creds.text, { secret: true, force: flag(ctx, 'force') });
    ctx.printer.ok(`wrote creds of user "${creds.user}" (account "${creds.account}") to "${path}"`);
    ctx.printer.result({ ...who, path });
  },
};
