import { revokeJti } from '../../workspace/revocation/revoke-jti.js';
import { type Command, flag } from '../command.js';
import { ACCOUNT_OPTIONS, atOption, jtiOrToken, printSteps, when } from './revocation-support.js';
import { openWorkspace, printWarnings, signerFrom, snake, entityScope } from './support.js';

/** `sigchain revoke jti`: revoke one token by its jti. */
export const revokeJtiCommand: Command = {
  words: ['revoke', 'jti'],
  summary: 'Revoke one token by its jti (for NATS users, servers are told by a key revocation at its iat)',
  usage: 'revoke jti (JTI | TOKEN | JWT_FILE | CREDS_FILE | -) [-a ACCOUNT] [--operator NAME] [--at TIME] [--jti-only] [--force] [-K OPERATOR_KEY]',
  description: [
    'Revokes a single token by its unique JWT ID (jti), the feature NATS itself lacks. The jti is',
    "recorded in the account's revoked-jti list (revocations.json next to the account JWT; nsc",
    'ignores it), which `sigchain verify` and verifiers using revokedJtisFromStore() honour:',
    'they refuse the token with TOKEN_REVOKED.',
    '',
    'nats-server never checks jtis. So for a NATS user token the user KEY is also revoked in the',
    "account JWT at that token's iat: servers refuse the token too. With NATS's semantics this",
    'also refuses any other token of that user issued at or before that same second; tokens',
    'issued later are unaffected. --jti-only skips that step (servers then still accept it).',
    '',
    'Give the token (inline, a .jwt or .creds file, or - for stdin) when you have it: its account',
    'and iat come from it. A bare jti is looked up among the stored users; if none has it, it is',
    'recorded for verifiers only, in the -a (or current) account.',
    '',
    "Which key: the key revocation re-signs the account JWT, which only the OPERATOR signs: -K an",
    'operator signing key (or the operator identity key), else one in the key store. Then give',
    'servers the new account JWT (`sigchain nats server-config` + SIGHUP, or push).',
    '',
    "The jti of an account's current JWT is refused (REVOKES_CURRENT_ACCOUNT) unless --force:",
    'verifiers would refuse every user of the account while servers still accept them.',
  ].join('\n'),
  examples: [
    'sigchain revoke jti ~/.local/share/sigchain/creds/O2/A/U.creds',
    'sigchain revoke jti GT4NUNMEF7ZMWCRBXVVUDKQT6ZYPZ77W4JRQXD3L24HKUJECQH7Q -a A',
    'cat leaked.jwt | sigchain revoke jti - --json',
    'sigchain revoke jti leaked.creds --jti-only',
  ],
  options: {
    ...ACCOUNT_OPTIONS,
    at: { type: 'string', valueName: 'TIME', description: 'Verifiers refuse the token from this time (default now). A NATS user token cannot be revoked in the future on servers.' },
    force: { type: 'boolean', description: "Revoke the jti even when it is an account's current JWT (refused otherwise: every user of the account would fail verify while servers still accept them)." },
    'jti-only': { type: 'boolean', description: "Record only the jti (sigchain verifiers); do not revoke the user's key in the account JWT, so no operator key is needed but servers still accept the token." },
  },
  args: { min: 1, max: 1 },
  async run(ctx) {
    const ws = openWorkspace(ctx);
    const what = await jtiOrToken(ctx, ctx.positionals[0]!);
    const at = atOption(ctx);
    const signer = await signerFrom(ctx, ws);
    const r = await revokeJti(ws, {
      ...what,
      ...entityScope(ctx),
      ...(at !== undefined ? { at } : {}),
      ...(flag(ctx, 'jti-only') ? { keyRevocation: false } : {}),
      ...(flag(ctx, 'force') ? { force: true } : {}),
      ...(signer ? { signer } : {}),
    });
    const tokenText = r.token ? ` (${r.token.type} token${r.token.name ? ` "${r.token.name}"` : ''} of ${r.token.subject}, issued ${when(r.token.iat)})` : '';
    ctx.printer.ok(`revoked jti ${r.jti}${tokenText} in account "${r.account.name}" from ${when(r.at)}`);
    if (r.keyRevocation?.changed) ctx.printer.ok(`revoked user key ${r.keyRevocation.key} for tokens issued at or before ${when(r.keyRevocation.at)} (account re-signed by operator key ${r.account.issuer})`);
    for (const n of r.notes) ctx.printer.info(n);
    printWarnings(ctx, r.warnings);
    printSteps(ctx, r.nextSteps);
    ctx.printer.result(snake(r));
  },
};
