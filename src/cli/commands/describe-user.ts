import type { UserScope } from '../../claims/nats/types.js';
import { readAccount } from '../../workspace/read.js';
import { type Command, str } from '../command.js';
import { checkToken } from '../parse/token-input.js';
import { entityName, openWorkspace, scopeOptions } from './support.js';
import { userName } from './default-user.js';
import { DESCRIBE_OPTIONS, checkDescribeFlags, fileToken, issuerScope, printDescribed, storeNames } from './describe-output.js';


const USAGE = 'describe user [NAME | -n NAME] [-a ACCOUNT] [--operator NAME] [--json | --raw | --field PATH] [-f FILE]';
/** `sigchain describe user`: a user's token as an nsc-style table, JSON or raw JWT. */
export const describeUserCommand: Command = {
  words: ['describe', 'user'],
  summary: "Show a user's token: issuer, issuer account, scope, permissions and limits",
  usage: USAGE,
  description: [
    'Shows a user as `nsc describe user` does. Issuer ID is the account key that signed it;',
    'when that is a signing key, Issuer Account names the account (nats-server needs it).',
    'A user signed by a scoped signing key shows "Issuer Scoped" and the scope\'s template,',
    'which is what the server applies to it. --json prints the decoded claims, --raw the JWT;',
    '-f describes a user JWT or creds file (or - for stdin) instead of the store.',
    'A token whose signature does not verify is shown marked and exits with BAD_SIGNATURE.',
  ].join('\n'),
  examples: ['sigchain describe user U', 'sigchain describe user U -a A --json', 'sigchain describe user -f U.creds', 'sigchain describe user U --field nats.pub'],
  options: {
    name: { type: 'string', short: 'n', valueName: 'NAME', description: 'The user (instead of the positional NAME).' },
    ...scopeOptions('The account'),
    ...DESCRIBE_OPTIONS,
  },
  args: { min: 0, max: 1 },
  async run(ctx) {
    checkDescribeFlags(ctx);
    const fromFile = await fileToken(ctx, 'user');
    if (fromFile) return printDescribed(ctx, fromFile);
    const ws = openWorkspace(ctx);
    const op = await ws.operator(str(ctx, 'operator'));
    const account = await ws.account(op, str(ctx, 'account'));
    const name = await userName(op, account, entityName(ctx, 'user', USAGE, true));
    const checked = await checkToken(await op.readUserJwt(account, name));
    let scope: UserScope | undefined;
    let names;
    try {
      scope = await issuerScope(op, account, checked.claims.iss);
      names = await storeNames(op, (await readAccount(op, account)).claims);
    } catch {
      // The user is still worth showing when its account token is damaged; the names are extras.
    }
    await printDescribed(ctx, checked, { ...(names ? { names } : {}), ...(scope ? { scope } : {}) });
  },
};
