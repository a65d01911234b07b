import { revokeUser } from '../../workspace/revocation/revoke-user.js';
import type { Command } from '../command.js';
import { AT_OPTION, USER_TARGET_OPTIONS, atOption, printSteps, userTarget, when } from './revocation-support.js';
import { openWorkspace, printWarnings, signerFrom, snake } from './support.js';

const USAGE = "revocations add-user [-a ACCOUNT] [--operator NAME] (-n USER | -u PUBLIC_KEY | -u '*') [--at TIME] [-K OPERATOR_KEY]";

/** `sigchain revocations add-user`: revoke a user key (or every user) as of a time. */
export const revocationsAddUserCommand: Command = {
  words: ['revocations', 'add-user'],
  summary: "Revoke a user's tokens (or every user's, with -u '*') issued at or before a time",
  usage: USAGE,
  description: [
    "Adds an entry to the account JWT's revocation list, as nsc does: every token of that user key",
    "(or, with -u '*', of every user of the account) issued at or before --at (default now) is",
    "refused. nats-server's rule is: revoked iff the entry's time >= the token's iat, so a token",
    're-issued in the same second is refused too; re-issue at least one second later. A token',
    'issued after the time, even for the same key, is accepted: delete the user to keep it out.',
    '',
    'Revocations only move forward: an earlier time than an existing entry keeps the entry',
    '(use `revocations delete-user` first to move it back). -u also takes user keys that are',
    'not in this store.',
    '',
    "Which key: revocations live in the ACCOUNT JWT, which the OPERATOR signs. The account is",
    're-signed with -K (an operator signing key, or the operator identity key), else an operator',
    "signing key whose seed is in the key store. The account's own keys cannot do it.",
    '',
    'Servers keep the old account JWT until told: regenerate the config (`sigchain nats',
    'server-config`) and reload (SIGHUP), or push it. They then disconnect revoked clients.',
  ].join('\n'),
  examples: [
    'sigchain revocations add-user -a A -n U',
    'sigchain revocations add-user -a A -u UDE6WTGLTTPCRJRJCKBJRGVNZTLIVR7LEEELR4CYWWWBKJS7XYIKXDUU --at 2026-01-31T12:00:00Z',
    "sigchain revocations add-user -a A -u '*' -K ~/.local/share/sigchain/keys/O/AB/OAB….nk",
    'sigchain revocations add-user -n U --json && sigchain nats server-config -o server.conf && nats-server --signal reload',
  ],
  options: { ...USER_TARGET_OPTIONS, at: AT_OPTION },
  args: { min: 0, max: 0 },
  async run(ctx) {
    const ws = openWorkspace(ctx);
    const target = userTarget(ctx, USAGE);
    const at = atOption(ctx);
    const signer = await signerFrom(ctx, ws);
    const r = await revokeUser(ws, { ...target, ...(at !== undefined ? { at } : {}), ...(signer ? { signer } : {}) });
    const who = r.key === '*' ? 'every user' : r.user ? `user "${r.user}" (${r.key})` : `user ${r.key}`;
    if (r.changed) {
      ctx.printer.ok(`revoked ${who} of account "${r.account.name}" for tokens issued at or before ${when(r.at)} (account re-signed by operator ${r.account.signedBy === 'identity' ? 'identity' : 'signing'} key ${r.account.issuer})`);
      if (r.revokedUsers.length) ctx.printer.ok(`stored users whose current token is now refused: ${r.revokedUsers.map((u) => u.name).join(', ')}`);
    }
    printWarnings(ctx, r.warnings);
    printSteps(ctx, r.nextSteps);
    ctx.printer.result(snake(r));
  },
};
