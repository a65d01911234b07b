import { unrevokeUser } from '../../workspace/revocation/revoke-user.js';
import type { Command } from '../command.js';
import { USER_TARGET_OPTIONS, printSteps, userTarget, when } from './revocation-support.js';
import { openWorkspace, printWarnings, signerFrom, snake } from './support.js';

const USAGE = "revocations delete-user [-a ACCOUNT] [--operator NAME] (-n USER | -u PUBLIC_KEY | -u '*') [-K OPERATOR_KEY]";

/** `sigchain revocations delete-user`: remove a user key revocation. */
export const revocationsDeleteUserCommand: Command = {
  words: ['revocations', 'delete-user'],
  summary: "Remove a user's revocation (or the '*' one) from the account JWT",
  usage: USAGE,
  description: [
    "Removes the revocation entry of a user key (or the '*' entry) from the account JWT, as",
    '`nsc revocations delete-user` does, so the tokens it refused are accepted again (unless',
    "another entry, such as '*', still refuses them: the output says so). This is also how a",
    'revocation moves back in time: delete it, then add it again with an earlier --at.',
    '',
    "Which key: the account JWT is signed by the OPERATOR: -K an operator signing key (or the",
    "operator identity key), else one whose seed is in the key store. The account's keys cannot.",
    'Servers apply it once they load the new account JWT (`sigchain nats server-config` +',
    'SIGHUP, or push).',
  ].join('\n'),
  examples: ['sigchain revocations delete-user -a A -n U', "sigchain revocations delete-user -a A -u '*' --json"],
  options: USER_TARGET_OPTIONS,
  args: { min: 0, max: 0 },
  async run(ctx) {
    const ws = openWorkspace(ctx);
    const target = userTarget(ctx, USAGE);
    const signer = await signerFrom(ctx, ws);
    const r = await unrevokeUser(ws, { ...target, ...(signer ? { signer } : {}) });
    const who = r.key === '*' ? 'the "*" (every user)' : r.user ? `user "${r.user}" (${r.key})'s` : `user ${r.key}'s`;
    ctx.printer.ok(`removed ${who} revocation (tokens issued at or before ${when(r.removed)}) from account "${r.account.name}"`);
    if (r.restoredUsers.length) ctx.printer.ok(`stored users accepted again: ${r.restoredUsers.map((u) => u.name).join(', ')}`);
    printWarnings(ctx, r.warnings);
    printSteps(ctx, r.nextSteps);
    ctx.printer.result(snake(r));
  },
};
