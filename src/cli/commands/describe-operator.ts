import { type Command } from '../command.js';
import { checkToken } from '../parse/token-input.js';
import { entityName, openWorkspace } from './support.js';
import { DESCRIBE_OPTIONS, checkDescribeFlags, fileToken, printDescribed, storeNames } from './describe-output.js';


const USAGE = 'describe operator [NAME | -n NAME] [--json | --raw | --field PATH] [-f FILE]';
/** `sigchain describe operator`: the operator's token as an nsc-style table, JSON or raw JWT. */
export const describeOperatorCommand: Command = {
  words: ['describe', 'operator'],
  summary: "Show an operator's token: keys, signing keys, system account, strict mode",
  usage: USAGE,
  description: [
    'Shows the current (or named) operator as `nsc describe operator` does: its identity key,',
    'issuer (itself: operator tokens are self-signed), validity, system account, whether it',
    'requires signing keys, and its signing keys. --json prints the decoded claims, --raw the',
    'JWT itself. With -f it describes an operator JWT from a file (or - for stdin) instead.',
    'A token whose signature does not verify is shown marked and exits with BAD_SIGNATURE.',
  ].join('\n'),
  examples: ['sigchain describe operator', 'sigchain describe operator O2 --json', 'sigchain describe operator --raw > O2.jwt', 'sigchain describe operator -f O2.jwt', 'sigchain describe operator --field nats.signing_keys'],
  options: {
    name: { type: 'string', short: 'n', valueName: 'NAME', description: 'The operator (instead of the positional NAME).' },
    ...DESCRIBE_OPTIONS,
  },
  args: { min: 0, max: 1 },
  async run(ctx) {
    checkDescribeFlags(ctx);
    const fromFile = await fileToken(ctx, 'operator');
    if (fromFile) return printDescribed(ctx, fromFile);
    const ws = openWorkspace(ctx);
    const op = await ws.operator(entityName(ctx, 'operator', USAGE, true));
    const checked = await checkToken(await op.readOperatorJwt());
    await printDescribed(ctx, checked, { names: await storeNames(op) });
  },
};
