import { addAccount } from '../../workspace/entities/add-account.js';
import { SigchainError } from '../../errors.js';
import { type Command, flag, str } from '../command.js';
import { FORMAT_OPTION, NAME_OPTION, TIME_OPTIONS, entityName, formatOf, openWorkspace, printWarnings, signerFrom, snake, timeOptions } from './support.js';

const USAGE = 'add account (NAME | -n NAME) [--operator NAME] [-K KEY] [--public-key A…] [--format nats|wascap [--generate-signing-key] [--allow-identity-key]] [--expiry WHEN] [--start WHEN]';

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
    '',
    '--format wascap makes a wasmCloud account under a wascap operator (`add operator',
    '--format wascap`): --generate-signing-key adds an account signing key to valid_signers',
    '(it may sign modules with `wasm sign`). As Gantry mandates, it must be signed by one of',
    "the operator's signing keys: its identity key is refused (NO_APPROPRIATE_SIGNING_KEY)",
    'unless --allow-identity-key, which warns that strict verifiers reject the account.',
  ].join('\n'),
  examples: [
    'sigchain add account A',
    'sigchain add account A -K ~/.local/share/sigchain/keys/O/AZ/OAZB….nk   # sign with an operator signing key',
    'sigchain add account A -K OAZBRNE7DQGDYT5CSAGWDMI5ENGKOEJ57BXVU6WUTHFEAO3CU5GLQYF5   # its seed is in the key store',
    'sigchain add account partner --public-key ACDXQQ6KD5MVSFMK7GNF5ARK3OJC6PEICWCH5PQ7HO27VKGCXQHFE33B',
    'sigchain add account A --operator O2 --expiry 1y --json',
    'sigchain add account team --format wascap --generate-signing-key --operator W',
  ],
  options: {
    name: NAME_OPTION,
    operator: { type: 'string', valueName: 'NAME', description: 'Operator to add the account to; default the current one.' },
    'public-key': { type: 'string', short: 'k', valueName: 'A…', description: "Use this account public key instead of generating one (nsc -k). Public key only, never a seed." },
    format: FORMAT_OPTION,
    'generate-signing-key': { type: 'boolean', description: 'wascap: also generate and store an account signing key, listed in valid_signers.' },
    'allow-identity-key': { type: 'boolean', description: "wascap: let the operator's identity key sign (Gantry and strict verifiers reject such accounts)." },
    ...TIME_OPTIONS,
  },
  args: { min: 0, max: 1 },
  async run(ctx) {
    const name = entityName(ctx, 'account', USAGE)!;
    const ws = openWorkspace(ctx);
    const signer = await signerFrom(ctx, ws);
    const operator = str(ctx, 'operator');
    const publicKey = str(ctx, 'public-key')?.trim();
    if (formatOf(ctx, ws) === 'wascap') {
      const { addWascapAccount } = await import('../../workspace/wasmcloud/add-account.js');
      const w = await addWascapAccount(ws, name, {
        ...(operator !== undefined ? { operator } : {}),
        ...(signer ? { signer } : {}),
        ...(publicKey !== undefined ? { publicKey } : {}),
        generateSigningKey: flag(ctx, 'generate-signing-key'),
        allowIdentityKey: flag(ctx, 'allow-identity-key'),
        ...timeOptions(ctx),
      });
      if (w.account.keyPath) ctx.printer.ok(`generated and stored account key "${w.account.publicKey}"`);
      if (w.signingKey) ctx.printer.ok(`created account signing key: ${w.signingKey.publicKey}`);
      ctx.printer.ok(`added wascap account "${w.account.name}"`);
      printWarnings(ctx, w.warnings);
      const { warnings: _w, ...data } = w;
      return ctx.printer.result(snake(data));
    }
    for (const f of ['generate-signing-key', 'allow-identity-key']) {
      if (flag(ctx, f)) throw new SigchainError('USAGE', `--${f} applies to wasmCloud accounts (--format wascap). For a NATS account, add a signing key with \`sigchain edit account --sk generate\`.`);
    }
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
