import { addAccount } from '../../workspace/entities/add-account.js';
import { type Command, str } from '../command.js';
import { NAME_OPTION, TIME_OPTIONS, entityName, openWorkspace, printWarnings, signerFrom, snake, timeOptions } from './support.js';

const USAGE = 'add account (NAME | -n NAME) [--operator NAME] [-K KEY] [--public-key A…] [--expiry WHEN] [--start WHEN]';

/** `sigchain add account`: a new account under an operator, signed by an operator key. */
export const addAccountCommand: Command = {
  words: ['add', 'account'],
  summary: 'Create an account, signed by the operator (preferably with an operator signing key)',
  usage: USAGE,
  description: [
    'Creates an account in the current (or --operator) operator: a fresh account identity key',
    '(stored), and an account JWT with unlimited default limits, signed by an operator key.',
    'The new account becomes the current one.',
    '',
    'Which key signs: -K names it (a seed, a path to its .nk file, or a public key whose seed is',
    'in the key store); it must be the operator identity key or a signing key the operator JWT',
    'lists. Without -K, sigchain picks an operator signing key whose seed it holds, and only',
    'then the identity key (and warns: keep the identity key offline and sign with signing keys).',
    '',
    "--public-key makes the account from an existing account public key (someone else keeps",
    'its seed). Give the public key only (A…): a seed there is refused and never echoed.',
  ].join('\n'),
  examples: [
    'sigchain add account A',
    'sigchain add account A -K ~/.local/share/sigchain/keys/O/AZ/OAZB….nk   # sign with an operator signing key',
    'sigchain add account A -K OAZBRNE7DQGDYT5CSAGWDMI5ENGKOEJ57BXVU6WUTHFEAO3CU5GLQYF5   # its seed is in the key store',
    'sigchain add account partner --public-key ACDXQQ6KD5MVSFMK7GNF5ARK3OJC6PEICWCH5PQ7HO27VKGCXQHFE33B',
    'sigchain add account A --operator O2 --expiry 1y --json',
  ],
  options: {
    name: NAME_OPTION,
    operator: { type: 'string', valueName: 'NAME', description: 'Operator to add the account to; default the current one.' },
    'public-key': { type: 'string', short: 'k', valueName: 'A…', description: "Use this account public key instead of generating one (nsc -k). Public key only, never a seed." },
    ...TIME_OPTIONS,
  },
  args: { min: 0, max: 1 },
  async run(ctx) {
    const name = entityName(ctx, 'account', USAGE)!;
    const ws = openWorkspace(ctx);
    const signer = await signerFrom(ctx, ws);
    const operator = str(ctx, 'operator');
    const publicKey = str(ctx, 'public-key')?.trim();
    const r = await addAccount(ws, name, {
      ...(operator !== undefined ? { operator } : {}),
      ...(signer ? { signer } : {}),
      ...(publicKey !== undefined ? { publicKey } : {}),
      ...timeOptions(ctx),
    });
    if (r.account.keyPath) ctx.printer.ok(`generated and stored account key "${r.account.publicKey}"`);
    ctx.printer.ok(`added account "${r.account.name}"`);
    printWarnings(ctx, r.warnings);
    ctx.printer.result(snake({ operator: r.operator, account: r.account }));
  },
};
