import { listRevocations } from '../../workspace/revocation/list-revocations.js';
import { type Command } from '../command.js';
import { renderGrid } from '../output/table.js';
import { ACCOUNT_OPTIONS, when } from './revocation-support.js';
import { openWorkspace, snake, entityScope } from './support.js';

/** `sigchain revocations list-users`: the account's key revocations. */
export const revocationsListUsersCommand: Command = {
  words: ['revocations', 'list-users'],
  summary: 'List the user keys an account revokes, since when, and which stored users that refuses',
  usage: 'revocations list-users [-a ACCOUNT] [--operator NAME]',
  description: [
    "Lists the revocation entries of the account JWT (nsc's `revocations list-users`): the user key",
    "(or '*', every user), the stored user's name when known, and the time: tokens issued at or",
    'before it are refused (equal included). The last column names the stored users whose',
    'CURRENT token that entry refuses. Also shows how big the account JWT is: NATS refuses',
    'tokens over 1 MiB, and long lists are a sign that short-lived users would serve better.',
    'Tokens revoked one by one are listed by `sigchain revocations list-jtis`.',
  ].join('\n'),
  examples: ['sigchain revocations list-users', 'sigchain revocations list-users -a A --json'],
  options: ACCOUNT_OPTIONS,
  args: { min: 0, max: 0 },
  async run(ctx) {
    const ws = openWorkspace(ctx);
    const r = await listRevocations(ws, entityScope(ctx));
    const rows = r.entries.map((e) => [e.key === '*' ? '* (every user)' : e.key, e.name ?? '', when(e.at), e.revokedUsers.map((u) => u.name).join(', ')]);
    const size = `Account JWT: ${Math.ceil(r.tokenBytes / 1024)} KiB of the ${r.tokenLimit / 1024} KiB NATS limit.`;
    const text = r.entries.length
      ? `${renderGrid(`Revoked Users for ${r.account.name}`, ['Public Key', 'Name', 'Revoked At Or Before', 'Refuses Stored Users'], rows)}\n${size}`
      : `Account ${r.account.name} revokes no user. Revoke one with \`sigchain revocations add-user -a ${r.account.name} -n USER\`.`;
    ctx.printer.result(snake(r), text);
  },
};
