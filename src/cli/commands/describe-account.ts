import type { AccountClaims } from '../../claims/nats/types.js';
import { type Command, str } from '../command.js';
import { checkToken } from '../parse/token-input.js';
import { entityName, openWorkspace } from './support.js';
import { DESCRIBE_OPTIONS, checkDescribeFlags, fileToken, printDescribed, storeNames } from './describe-output.js';


const USAGE = 'describe account [NAME | -n NAME] [--operator NAME] [--json | --raw | --field PATH] [-f FILE]';
/** `sigchain describe account`: an account's token as an nsc-style table, JSON or raw JWT. */
export const describeAccountCommand: Command = {
  words: ['describe', 'account'],
  summary: "Show an account's token: issuer, signing keys, limits, JetStream, imports and exports",
  usage: USAGE,
  description: [
    'Shows the current (or named) account as `nsc describe account` does. Issuer ID is the',
    'operator key that signed it; when that is a signing key it is labelled so, which is what',
    'strict operators require. Limits of -1 show as Unlimited. --json prints the decoded',
    'claims, --raw the JWT itself; -f describes an account JWT from a file (or - for stdin).',
    'A token whose signature does not verify is shown marked and exits with BAD_SIGNATURE.',
  ].join('\n'),
  examples: ['sigchain describe account', 'sigchain describe account A --json', 'sigchain describe account A --raw', 'sigchain describe account -f A.jwt', 'sigchain describe account A --field nats.signing_keys'],
  options: {
    name: { type: 'string', short: 'n', valueName: 'NAME', description: 'The account (instead of the positional NAME).' },
    operator: { type: 'string', valueName: 'NAME', description: 'The operator (default: the current one).' },
    ...DESCRIBE_OPTIONS,
  },
  args: { min: 0, max: 1 },
  async run(ctx) {
    checkDescribeFlags(ctx);
    const fromFile = await fileToken(ctx, 'account');
    if (fromFile) return printDescribed(ctx, fromFile);
    const ws = openWorkspace(ctx);
    const op = await ws.operator(str(ctx, 'operator'));
    const name = await ws.account(op, entityName(ctx, 'account', USAGE, true));
    const checked = await checkToken(await op.readAccountJwt(name));
    await printDescribed(ctx, checked, { names: await storeNames(op, checked.verified ? (checked.claims as unknown as AccountClaims) : undefined) });
  },
};
