import { SigchainError } from '../../errors.js';
import { type Command, str } from '../command.js';
import { readTokenArg } from '../../input/index.js';
import { checkToken } from '../parse/token-input.js';
import { DESCRIBE_OPTIONS, checkDescribeFlags, fileToken, printDescribed } from './describe-output.js';

/** `sigchain describe jwt`: any NATS token from a file, stdin or the command line; no store needed. */
export const describeJwtCommand: Command = {
  words: ['describe', 'jwt'],
  summary: 'Show any NATS token (operator, account, user, activation) from a file, a creds file or stdin',
  usage: 'describe jwt (TOKEN | FILE | - | -f FILE) [--json | --raw | --field PATH]',
  description: [
    'Decodes and verifies any NATS JWT v2 and shows it as the matching describe table. The',
    'input is a .jwt file, a creds file (its JWT is used; the seed is never printed), a',
    'decorated JWT, or the token itself, given as an argument (as `verify` takes it) or with -f;',
    '- (or -f -) reads standard input. No store is needed.',
    '',
    'The signature is checked against the issuer key in the token. A token that does not',
    'verify is still shown, marked NOT VERIFIED, and the command exits with BAD_SIGNATURE; a',
    'token that is not a well-formed JWT (truncated, re-encoded with padding, garbage) is',
    'refused with MALFORMED_TOKEN. Verifying the signature does not make the issuer trusted:',
    'that needs the chain up to an operator you trust.',
    '',
    'wasmCloud (wascap) tokens are described too (told by their header): name, subject,',
    'issuer, validity, wascap_revision, valid_signers, and for modules the hash, tags,',
    'revision and version. Use `wasm inspect` for the token embedded in a module.',
  ].join('\n'),
  examples: ['sigchain describe jwt A.jwt', 'sigchain describe jwt ~/.local/share/sigchain/creds/O2/A/U.creds --json', 'cat token.jwt | sigchain describe jwt -', 'sigchain describe jwt -f A.jwt', 'sigchain describe jwt U.creds --field sub'],
  options: { ...DESCRIBE_OPTIONS },
  args: { min: 0, max: 1 },
  async run(ctx) {
    checkDescribeFlags(ctx);
    const inline = ctx.positionals[0];
    if (inline !== undefined && str(ctx, 'file') !== undefined) throw new SigchainError('USAGE', 'Give the token either on the command line or with -f FILE, not both.');
    const fromFile = await fileToken(ctx);
    if (fromFile) return printDescribed(ctx, fromFile);
    if (inline === undefined) throw new SigchainError('USAGE', 'Name the token to describe: the token itself, a .jwt or creds file, or - for stdin (also with -f FILE).');
    await printDescribed(ctx, await checkToken((await readTokenArg(inline, ctx)).token));
  },
};
