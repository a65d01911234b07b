import { unrevokeJti } from '../../workspace/revocation/revoke-jti.js';
import { type Command, flag } from '../command.js';
import { ACCOUNT_OPTIONS, jtiOrToken, printSteps, when } from './revocation-support.js';
import { openWorkspace, printWarnings, signerFrom, snake, entityScope } from './support.js';

/** `sigchain revocations delete-jti`: un-revoke one token. */
export const revocationsDeleteJtiCommand: Command = {
  words: ['revocations', 'delete-jti'],
  summary: 'Remove a jti revocation (and the key revocation it made for servers)',
  usage: 'revocations delete-jti (JTI | TOKEN | JWT_FILE | CREDS_FILE | -) [-a ACCOUNT] [--operator NAME] [--jti-only] [-K OPERATOR_KEY]',
  description: [
    "Removes a token's jti from the account's revoked-jti list, so sigchain verifiers accept it",
    'again. If revoking it also revoked the user key in the account JWT (for servers), that entry',
    'goes back to what it was before, or to what other revoked tokens of the same user still',
    'need; an entry changed since is left alone, with a warning. --jti-only leaves the account',
    'JWT as it is (servers keep refusing the token).',
    '',
    "Which key: changing the account JWT needs an OPERATOR key (-K an operator signing key or the",
    'operator identity key, else one in the key store). Then give servers the new account JWT',
    '(`sigchain nats server-config` + SIGHUP, or push).',
  ].join('\n'),
  examples: ['sigchain revocations delete-jti GT4NUNMEF7ZMWCRBXVVUDKQT6ZYPZ77W4JRQXD3L24HKUJECQH7Q', 'sigchain revocations delete-jti U.creds -a A --json'],
  options: {
    ...ACCOUNT_OPTIONS,
    'jti-only': { type: 'boolean', description: 'Only remove the jti; keep the key revocation in the account JWT (servers keep refusing the token).' },
  },
  args: { min: 1, max: 1 },
  async run(ctx) {
    const ws = openWorkspace(ctx);
    const what = await jtiOrToken(ctx, ctx.positionals[0]!);
    const signer = await signerFrom(ctx, ws);
    const r = await unrevokeJti(ws, {
      ...what,
      ...entityScope(ctx),
      ...(flag(ctx, 'jti-only') ? { keyRevocation: false } : {}),
      ...(signer ? { signer } : {}),
    });
    ctx.printer.ok(`removed the revocation of jti ${r.jti} from account "${r.account.name}"`);
    if (r.keyRevocation) {
      ctx.printer.ok(
        r.keyRevocation.restoredTo === null
          ? `removed the revocation of user key ${r.keyRevocation.key} (account re-signed by operator key ${r.account.issuer})`
          : `moved the revocation of user key ${r.keyRevocation.key} back to ${when(r.keyRevocation.restoredTo)} (account re-signed by operator key ${r.account.issuer})`,
      );
    }
    printWarnings(ctx, r.warnings);
    printSteps(ctx, r.nextSteps);
    ctx.printer.result(snake(r));
  },
};
